import express, { type Router } from 'express';
import { TIERS, type Tier } from '../../domain.js';
import { importMembersCsv } from '../../members/member-import.js';
import type { MemberInput } from '../../members/member.service.js';
import type { Services } from '../../services.js';
import { defineRoute, idParams, nullable, obj, oneOf, pageQuery, str, text, type ApiServices } from '../api.js';

interface MemberBody { name?: string | null; tier?: Tier; homeStore?: string | null; email?: string | null; phone?: string | null; wechat?: string | null; webchat?: string | null }

const memberBody = obj({
  name: nullable(text(120)), tier: oneOf(TIERS), homeStore: nullable(text(64)),
  email: nullable(str({ maxLength: 254 })), phone: nullable(str({ maxLength: 40 })),
  wechat: nullable(str({ maxLength: 190 })), webchat: nullable(str({ maxLength: 190 })),
});

function toInput(b: MemberBody): MemberInput {
  const identities: MemberInput['identities'] = {};
  for (const kind of ['email', 'phone', 'wechat', 'webchat'] as const) if (b[kind] !== undefined) identities[kind] = b[kind];
  return { name: b.name, tier: b.tier, homeStore: b.homeStore, identities };
}

export function memberRoutes(r: Router, auth: ApiServices, s: Services): void {
  defineRoute<Record<string, never>, { q?: string; tier?: Tier; homeStore?: string; email?: string; phone?: string; wechat?: string; cursor?: string; limit: number }, never>(r, auth, {
    method: 'get', path: '/members', tag: 'members',
    summary: 'Members, newest first. q searches names; email, phone and wechat find a member by exact identity (blind index). Contact data is masked.',
    query: obj({ q: str({ maxLength: 120 }), tier: oneOf(TIERS), homeStore: str({ maxLength: 64 }), email: str({ maxLength: 254 }), phone: str({ maxLength: 40 }), wechat: str({ maxLength: 190 }), ...pageQuery }),
  }, ({ query }) => s.members.list(query));

  defineRoute<Record<string, never>, never, MemberBody>(r, auth, {
    method: 'post', path: '/members', tag: 'members', status: 201, body: memberBody,
    summary: 'Create a member. Phone numbers are normalised (+86 138 0013 8000 = 13800138000); contact data is stored encrypted.',
  }, ({ body }) => s.members.create(toInput(body)));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'get', path: '/members/:id', tag: 'members', params: idParams, summary: 'One member (contact data masked).',
  }, ({ params }) => s.members.get(params.id));

  defineRoute<{ id: number }, never, MemberBody>(r, auth, {
    method: 'patch', path: '/members/:id', tag: 'members', params: idParams, body: { ...memberBody, minProperties: 1 },
    summary: 'Change a member; null removes a contact.',
  }, ({ params, body }) => s.members.update(params.id, toInput(body)));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'delete', path: '/members/:id', tag: 'members', params: idParams, roles: ['admin'], status: 204,
    summary: 'Erase a member: contact data and name are destroyed, tickets stay anonymised for statistics.',
  }, async ({ params }) => { await s.members.erase(params.id); });

  defineRoute<Record<string, never>, never, string>(r, auth, {
    method: 'post', path: '/members/import', tag: 'members', roles: ['admin', 'supervisor'], bodyType: 'text/csv',
    body: { type: 'string', minLength: 1 },
    summary: 'Import members from CSV (columns: name, tier, store, email, phone, wechat_id). All or nothing: a bad file gets 400 IMPORT_INVALID with every bad row.',
    responseDescription: '{ imported: number }',
  }, ({ body }) => importMembersCsv(s.db, s.vault, s.members, body), express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: '20mb' }));
}
