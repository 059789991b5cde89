import express, { type Request, type Router } from 'express';
import { canSeeStore, storeScoped, type Principal } from '../../agents/principal.js';
import { IDENTITY_KINDS, TIERS, type Tier } from '../../domain.js';
import { ForbiddenError, UnprocessableError, ValidationError } from '../../errors.js';
import { importMembersCsv } from '../../members/member-import.js';
import type { MemberInput } from '../../members/member.service.js';
import type { RevealField } from '../../members/member-privacy.service.js';
import type { Services } from '../../services.js';
import { defineRoute, idParams, int, nullable, obj, oneOf, pageQuery, str, text, type ApiServices } from '../api.js';

interface MemberBody { name?: string | null; tier?: Tier; homeStore?: string | null; dedicatedAgentId?: number | null; email?: string | null; phone?: string | null; wechat?: string | null; webchat?: string | null }

const memberBody = obj({
  name: nullable(text(120)), tier: oneOf(TIERS), homeStore: nullable(text(64)),
  dedicatedAgentId: nullable(int({ description: 'the member\'s own agent: their new tickets go to them while online' })),
  email: nullable(str({ maxLength: 254 })), phone: nullable(str({ maxLength: 40 })),
  wechat: nullable(str({ maxLength: 190 })), webchat: nullable(str({ maxLength: 190 })),
});

const REVEAL_FIELDS = [...IDENTITY_KINDS, 'name'].join('|');

/** `?reveal=phone,email&reason=…`: the explicit, audited unmasked read. */
export const revealQuery = {
  reveal: str({ pattern: `^(${REVEAL_FIELDS})(,(${REVEAL_FIELDS}))*$`, description: 'comma-separated fields to show unmasked (audited): name, email, phone, wechat, webchat' }),
  reason: str({ minLength: 3, maxLength: 500, description: 'why you need the unmasked value; required with reveal' }),
};

export function parseReveal(q: { reveal?: string; reason?: string }): { fields: RevealField[]; reason: string } | null {
  if (!q.reveal) return null;
  if (!q.reason) throw new ValidationError('say why you need the unmasked value: add reason=…', [{ field: 'query.reason', message: 'is required with reveal' }], 'REASON_REQUIRED');
  return { fields: [...new Set(q.reveal.split(','))] as RevealField[], reason: q.reason };
}

function toInput(b: MemberBody): MemberInput {
  const identities: MemberInput['identities'] = {};
  for (const kind of IDENTITY_KINDS) if (b[kind] !== undefined) identities[kind] = b[kind];
  return { name: b.name, tier: b.tier, homeStore: b.homeStore, dedicatedAgentId: b.dedicatedAgentId, identities };
}

/** A store-bound agent keeps members inside their stores. */
function assertStoreInScope(p: Principal, homeStore: string | null | undefined): void {
  if (homeStore === undefined || !storeScoped(p)) return;
  if (!canSeeStore(p, homeStore)) throw new UnprocessableError('STORE_OUT_OF_SCOPE', `you work for stores ${p.stores!.join(', ')}; set homeStore to one of them`, { field: 'homeStore' });
}

const ipOf = (req: Request) => req.ip ?? null;

export function memberRoutes(r: Router, auth: ApiServices, s: Services): void {
  defineRoute<Record<string, never>, { q?: string; tier?: Tier; homeStore?: string; email?: string; phone?: string; wechat?: string; cursor?: string; limit: number }, never>(r, auth, {
    method: 'get', path: '/members', tag: 'members',
    summary: 'Members you may see (store-bound agents: their stores and granted members), newest first. q searches names; email, phone and wechat find a member by exact identity (blind index). Contact data is masked.',
    query: obj({ q: str({ maxLength: 120 }), tier: oneOf(TIERS), homeStore: str({ maxLength: 64 }), email: str({ maxLength: 254 }), phone: str({ maxLength: 40 }), wechat: str({ maxLength: 190 }), ...pageQuery }),
  }, async ({ principal, query }) => {
    const granted = await s.db.read((m) => s.privacy.grantedMemberIds(m, principal));
    return s.members.list(query, granted === null ? null : { stores: principal.stores ?? [], grantedIds: granted });
  });

  defineRoute<Record<string, never>, never, MemberBody>(r, auth, {
    method: 'post', path: '/members', tag: 'members', status: 201, body: memberBody,
    summary: 'Create a member. Phone numbers are normalised (+86 138 0013 8000 = 13800138000); contact data is stored encrypted.',
  }, ({ principal, body }) => {
    assertStoreInScope(principal, body.homeStore ?? (storeScoped(principal) ? null : undefined));
    return s.members.create(toInput(body));
  });

  defineRoute<{ id: number }, { reveal?: string; reason?: string }, never>(r, auth, {
    method: 'get', path: '/members/:id', tag: 'members', params: idParams, query: obj(revealQuery),
    summary: 'One member, contact data masked; ?reveal=phone&reason=… returns the listed fields unmasked in `revealed` (needs pii:read; audited).',
  }, async ({ principal, params, query, req }) => {
    await s.db.read((m) => s.privacy.assertVisible(m, principal, params.id));
    const reveal = parseReveal(query);
    const view = await s.members.get(params.id);
    if (!reveal) return view;
    return { ...view, revealed: await s.privacy.reveal(principal, params.id, reveal.fields, reveal.reason, ipOf(req)) };
  });

  defineRoute<{ id: number }, never, MemberBody>(r, auth, {
    method: 'patch', path: '/members/:id', tag: 'members', params: idParams, body: { ...memberBody, minProperties: 1 },
    summary: 'Change a member; null removes a contact.',
  }, async ({ principal, params, body, req }) => {
    const member = await s.db.read((m) => s.privacy.assertVisible(m, principal, params.id));
    // A grant lets an agent read a member for a call-back, not take them over.
    if (!canSeeStore(principal, member.homeStore)) throw new ForbiddenError('a grant gives read access only; ask their store to change this member');
    const sensitive = (['homeStore', ...IDENTITY_KINDS] as const).filter((k) => body[k] !== undefined);
    if (sensitive.length && principal.role === 'agent') {
      throw new ForbiddenError('changing a member\'s store or contact data needs a supervisor or admin', 'PII_FORBIDDEN');
    }
    assertStoreInScope(principal, body.homeStore);
    const view = await s.members.update(params.id, toInput(body));
    await s.audit.append({ actor: { type: 'agent', id: principal.agentId }, action: 'member.update', target: { type: 'member', id: params.id }, ip: ipOf(req), data: { fields: Object.keys(body).sort() } });
    // A tier is an SLA policy condition: the member's live tickets get their deadlines recomputed now.
    if (body.tier !== undefined) await s.recomputeSla({ memberId: params.id });
    return view;
  });

  defineRoute<{ id: number }, never, { memberId: number }>(r, auth, {
    method: 'post', path: '/tickets/:id/link-member', tag: 'members', params: idParams, roles: ['supervisor', 'admin'],
    body: obj({ memberId: int() }, ['memberId']),
    summary: 'The ticket came from a contact nobody knew (a WeChat contact, an anonymous chat visitor): it is this member. The contact '
      + '(the ticket\'s channel identity) moves to them with the first-contact record\'s tickets on that channel. Audited.',
  }, async ({ principal, params, body, req }) => {
    const ticket = await s.queries.get(principal, params.id);
    const target = await s.db.read((m) => s.privacy.assertVisible(m, principal, body.memberId));
    if (!canSeeStore(principal, target.homeStore)) throw new ForbiddenError('that member belongs to another store');
    if (!ticket.member) throw new UnprocessableError('NO_SUCH_CONTACT', 'the ticket\'s member was erased');
    const kind = ticket.channel;
    const moved = await s.members.linkContact(ticket.member.id, body.memberId, kind);
    await s.audit.append({ actor: { type: 'agent', id: principal.agentId }, action: 'member.link', target: { type: 'member', id: body.memberId }, ip: ipOf(req), data: { fromMemberId: ticket.member.id, kind, ticketId: params.id, tickets: moved.tickets } });
    // The member's tier may be another one: their tickets' SLA follows it.
    await s.recomputeSla({ memberId: body.memberId });
    return { ...moved, memberId: body.memberId };
  });

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'get', path: '/members/:id/export', tag: 'members', params: idParams, roles: ['admin'],
    summary: 'Everything held about a member across all departments (profile with contact data, tickets, messages, surveys) as JSON: a data-subject request, so admins only; audited.',
  }, ({ principal, params, req }) => s.privacy.exportMember(principal, params.id, ipOf(req)));

  defineRoute<{ id: number }, { reason?: string }, never>(r, auth, {
    method: 'delete', path: '/members/:id', tag: 'members', params: idParams, roles: ['admin'], status: 204,
    query: obj({ reason: str({ maxLength: 500 }) }),
    summary: 'Erase a member: data key destroyed, contact data and name gone, their messages replaced; tickets stay anonymised for statistics. Audited.',
  }, async ({ principal, params, query, req }) => { await s.privacy.erase({ type: 'agent', id: principal.agentId }, params.id, query.reason ?? null, ipOf(req)); });

  defineRoute<Record<string, never>, never, string>(r, auth, {
    method: 'post', path: '/members/import', tag: 'members', roles: ['admin', 'supervisor'], bodyType: 'text/csv',
    body: { type: 'string', minLength: 1 },
    summary: 'Import members from CSV (columns: name, tier, store, email, phone, wechat_id). All or nothing: a bad file gets 400 IMPORT_INVALID with every bad row.',
    responseDescription: '{ imported: number }',
  }, async ({ principal, body, req }) => {
    const result = await importMembersCsv(s.db, s.vault, s.members, body, storeScoped(principal) ? principal.stores! : null);
    await s.audit.append({ actor: { type: 'agent', id: principal.agentId }, action: 'member.import', ip: ipOf(req), data: result });
    return result;
  }, express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: '20mb' }));

  defineRoute<Record<string, never>, never, { agentId: number; memberIds: number[]; expiresAt: string; reason: string }>(r, auth, {
    method: 'post', path: '/grants', tag: 'members', roles: ['admin', 'supervisor'], status: 201,
    summary: 'Give an agent time-boxed access to some members\' contact data (call-backs, 回访); it lapses at expiresAt by itself (at most 30 days). Audited.',
    body: obj({ agentId: int(), memberIds: { type: 'array', items: int(), minItems: 1, maxItems: 500 }, expiresAt: str({ format: 'date-time' }), reason: text(500) }, ['agentId', 'memberIds', 'expiresAt', 'reason']),
  }, async ({ principal, body, req }) => ({ items: await s.privacy.grant(principal, body, ipOf(req)) }));

  defineRoute<Record<string, never>, { agentId?: number; active?: boolean }, never>(r, auth, {
    method: 'get', path: '/grants', tag: 'members', query: obj({ agentId: int(), active: { type: 'boolean' } }),
    summary: 'Grants: admins see all, supervisors those they gave, agents their own.',
  }, async ({ principal, query }) => ({ items: await s.privacy.grants(principal, query) }));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'delete', path: '/grants/:id', tag: 'members', params: idParams, roles: ['admin', 'supervisor'], status: 204,
    summary: 'End a grant now (audited).',
  }, async ({ principal, params, req }) => { await s.privacy.revokeGrant(principal, params.id, ipOf(req)); });
}
