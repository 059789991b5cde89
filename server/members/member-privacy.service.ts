import type { EntityManager } from 'typeorm';
import { In, LessThan, MoreThan } from 'typeorm';
import { canSeeStore, storeScoped, type Principal } from '../agents/principal.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { AgentDepartment, Member, MemberIdentity, Message, PiiGrant, Ticket, TicketEvent, TriageExample } from '../db/entities/index.js';
import type { IdentityKind } from '../domain.js';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../errors.js';
import type { PiiVault } from '../security/pii-vault.js';
import { identityAad } from './identity.js';
import { ERASED } from './member.service.js';

export const REVEALABLE: readonly IdentityKind[] = ['email', 'phone', 'wechat', 'webchat'];
export type RevealField = IdentityKind | 'name';
export const MAX_GRANT_DAYS = 30;
const ERASED_TEXT = '[erased]';

export interface GrantView { id: number; agentId: number; memberId: number; grantedBy: number; reason: string; expiresAt: string; createdAt: string; active: boolean }

/**
 * Who may see a member and read their contact data (ARCHITECTURE §9), and the audited operations
 * on it: reveal, export, erasure, grants. Store-bound agents see their stores' members; `pii:read`
 * belongs to admins, to supervisors for members in their scope, and to agents only through a
 * time-boxed grant (call-backs), which lapses by itself.
 */
export class MemberPrivacyService {
  constructor(private readonly db: Database, private readonly vault: PiiVault, private readonly audit: AuditLog, private readonly clock: Clock) {}

  async hasGrant(m: EntityManager, agentId: number, memberId: number): Promise<boolean> {
    return m.existsBy(PiiGrant, { agentId, memberId, expiresAt: MoreThan(this.clock.now()) });
  }

  async canSee(m: EntityManager, p: Principal, member: Pick<Member, 'id' | 'homeStore'>): Promise<boolean> {
    if (p.role === 'analyst') return false;
    return canSeeStore(p, member.homeStore) || (await this.hasGrant(m, p.agentId, member.id));
  }

  async canReadPii(m: EntityManager, p: Principal, member: Pick<Member, 'id' | 'homeStore'>): Promise<boolean> {
    if (p.role === 'admin') return true;
    if (p.role === 'supervisor' && canSeeStore(p, member.homeStore)) return true;
    return p.role !== 'analyst' && (await this.hasGrant(m, p.agentId, member.id));
  }

  /** Member ids a store-bound agent may see beyond their stores (active grants); null when not store-bound. */
  async grantedMemberIds(m: EntityManager, p: Principal): Promise<number[] | null> {
    if (!storeScoped(p)) return null;
    const grants = await m.find(PiiGrant, { where: { agentId: p.agentId, expiresAt: MoreThan(this.clock.now()) }, select: { memberId: true } });
    return grants.map((g) => g.memberId);
  }

  async assertVisible(m: EntityManager, p: Principal, memberId: number): Promise<Member> {
    const member = await m.findOneBy(Member, { id: memberId });
    if (!member || member.wrappedKey === ERASED || !(await this.canSee(m, p, member))) throw new NotFoundError('member');
    return member;
  }

  /** An explicit, audited unmasked read of some of a member's contact fields. */
  async reveal(p: Principal, memberId: number, fields: RevealField[], reason: string, ip: string | null): Promise<Partial<Record<RevealField, string | null>>> {
    return this.db.tx(async (m) => {
      const member = await this.assertVisible(m, p, memberId);
      if (!(await this.canReadPii(m, p, member))) {
        throw new ForbiddenError('you may not read this member\'s contact data; ask a supervisor for a time-boxed grant', 'PII_FORBIDDEN');
      }
      const kinds = fields.filter((f): f is IdentityKind => f !== 'name');
      const revealed: Partial<Record<RevealField, string | null>> = await this.decryptIdentities(m, member, kinds);
      if (fields.includes('name')) revealed.name = member.name;
      await this.audit.append({ actor: { type: 'agent', id: p.agentId }, action: 'pii.reveal', target: { type: 'member', id: memberId }, ip, reason, data: { fields } }, m);
      return revealed;
    });
  }

  /** Everything held about a member, unmasked, as one JSON document (right of access). Audited. */
  async exportMember(p: Principal, memberId: number, ip: string | null): Promise<Record<string, unknown>> {
    return this.db.tx(async (m) => {
      const member = await this.assertVisible(m, p, memberId);
      if (!(await this.canReadPii(m, p, member))) throw new ForbiddenError('exporting a member needs permission to read their contact data', 'PII_FORBIDDEN');
      const tickets = await m.find(Ticket, { where: { memberId }, order: { id: 'ASC' } });
      const messages = tickets.length ? await m.find(Message, { where: { ticketId: In(tickets.map((t) => t.id)) }, order: { id: 'ASC' } }) : [];
      await this.audit.append({ actor: { type: 'agent', id: p.agentId }, action: 'member.export', target: { type: 'member', id: memberId }, ip, data: { tickets: tickets.length, messages: messages.length } }, m);
      return {
        exportedAt: this.clock.now().toISOString(),
        member: { id: member.id, name: member.name, tier: member.tier, homeStore: member.homeStore, createdAt: member.createdAt.toISOString(), contacts: await this.decryptIdentities(m, member, [...REVEALABLE]) },
        tickets: tickets.map((t) => ({
          id: t.id, number: t.number, type: t.type, category: t.category, status: t.status, channel: t.channel, subject: t.subject,
          createdAt: t.createdAt.toISOString(), solvedAt: t.solvedAt?.toISOString() ?? null,
          messages: messages.filter((msg) => msg.ticketId === t.id && msg.visibility === 'public').map((msg) => ({
            id: msg.id, direction: msg.direction, channel: msg.channel, text: msg.text, createdAt: msg.createdAt.toISOString(),
          })),
        })),
        surveys: [],
      };
    });
  }

  /**
   * Erasure: identities deleted, data key destroyed (crypto-shredding: any copy of the ciphertext is
   * now unreadable), name and store cleared, the member's own words in their tickets replaced. The
   * tickets stay, anonymised, for statistics. A later message from the same address finds nobody and
   * creates a new, unlinked member.
   */
  async erase(actor: { type: 'agent' | 'system'; id: number | null }, memberId: number, reason: string | null, ip: string | null): Promise<void> {
    await this.db.tx(async (m) => {
      const member = await m.findOneBy(Member, { id: memberId });
      if (!member || member.wrappedKey === ERASED) throw new NotFoundError('member');
      await this.shred(m, memberId);
      await this.audit.append({ actor, action: 'member.erase', target: { type: 'member', id: memberId }, ip, reason }, m);
    });
  }

  private async shred(m: EntityManager, memberId: number): Promise<void> {
    await m.delete(MemberIdentity, { memberId });
    await m.delete(PiiGrant, { memberId });
    await m.update(Member, { id: memberId }, { name: null, homeStore: null, wrappedKey: ERASED, keyId: '' });
    // Their words wherever they stand (a ticket may since have been merged or transferred).
    await m.update(Message, { authorMemberId: memberId }, { text: ERASED_TEXT, html: null, meta: null, attachments: null });
    const tickets = await m.find(Ticket, { where: { memberId }, select: { id: true } });
    if (!tickets.length) return;
    const ids = tickets.map((t) => t.id);
    await m.update(Ticket, { id: In(ids) }, { subject: ERASED_TEXT, triage: null }); // its reasons may quote their words
    await m.update(Message, { ticketId: In(ids), authorType: 'member' }, { text: ERASED_TEXT, html: null, meta: null, attachments: null });
      // The classifier learned from their words: those examples go too (the model retrains without them).
      await m.delete(TriageExample, { ticketId: In(ids) });
    await m.insert(TicketEvent, ids.map((ticketId) => ({ ticketId, type: 'member.erased', actorType: 'system' as const, actorId: null, data: {}, createdAt: this.clock.now() })));
  }

  /**
   * Retention: members with no message for `months` (and created before that) are erased. Returns how
   * many; run periodically by every process (idempotent: an erased member is not selected again).
   */
  async eraseInactive(months: number, limit = 500): Promise<number> {
    const cutoff = new Date(this.clock.now());
    cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
    const candidates = await this.db.read((m) => m.createQueryBuilder(Member, 'mb')
      .select('mb.id', 'id')
      .where('mb.wrappedKey <> :erased AND mb.createdAt < :cutoff', { erased: ERASED, cutoff })
      .andWhere('NOT EXISTS (SELECT 1 FROM ticket t WHERE t.memberId = mb.id AND t.lastMessageAt >= :cutoff)', { cutoff })
      .orderBy('mb.id', 'ASC').limit(limit).getRawMany<{ id: number }>());
    for (const { id } of candidates) {
      await this.erase({ type: 'system', id: null }, Number(id), `retention: no activity for ${months} months`, null).catch(() => undefined);
    }
    return candidates.length;
  }

  // ── grants ───────────────────────────────────────────────────────────────

  async grant(p: Principal, input: { agentId: number; memberIds: number[]; expiresAt: string; reason: string }, ip: string | null): Promise<GrantView[]> {
    const now = this.clock.now();
    const expiresAt = new Date(input.expiresAt);
    if (!(expiresAt > now)) throw new UnprocessableError('GRANT_EXPIRY_INVALID', 'expiresAt must be in the future', { field: 'expiresAt' });
    if (expiresAt.getTime() - now.getTime() > MAX_GRANT_DAYS * 86_400_000) {
      throw new UnprocessableError('GRANT_EXPIRY_INVALID', `a grant lasts at most ${MAX_GRANT_DAYS} days`, { field: 'expiresAt' });
    }
    const ids = await this.db.tx(async (m) => {
      if (p.role === 'supervisor') {
        const shared = p.departmentIds.length
          ? await m.existsBy(AgentDepartment, { agentId: input.agentId, departmentId: In(p.departmentIds) }) : false;
        if (!shared) throw new ForbiddenError('supervisors grant access only to agents of their departments');
      }
      const members = await m.findBy(Member, { id: In(input.memberIds) });
      for (const id of input.memberIds) {
        const member = members.find((mb) => mb.id === id);
        if (!member || member.wrappedKey === ERASED || !(await this.canReadPii(m, p, member))) {
          throw new UnprocessableError('UNKNOWN_MEMBER', `member ${id} does not exist or is outside your scope`, { field: 'memberIds' });
        }
      }
      const created: number[] = [];
      for (const memberId of new Set(input.memberIds)) {
        const res = await m.insert(PiiGrant, { agentId: input.agentId, memberId, grantedBy: p.agentId, reason: input.reason, expiresAt, createdAt: now });
        created.push(Number(res.identifiers[0]!.id));
      }
      await this.audit.append({ actor: { type: 'agent', id: p.agentId }, action: 'grant.create', target: { type: 'agent', id: input.agentId }, ip, reason: input.reason, data: { memberIds: [...new Set(input.memberIds)], expiresAt: expiresAt.toISOString(), grantIds: created } }, m);
      return created;
    });
    return this.grants(p, { ids });
  }

  async revokeGrant(p: Principal, id: number, ip: string | null): Promise<void> {
    await this.db.tx(async (m) => {
      const grant = await m.findOneBy(PiiGrant, { id });
      if (!grant || (p.role !== 'admin' && grant.grantedBy !== p.agentId)) throw new NotFoundError('grant');
      await m.update(PiiGrant, { id }, { expiresAt: this.clock.now() });
      await this.audit.append({ actor: { type: 'agent', id: p.agentId }, action: 'grant.revoke', target: { type: 'agent', id: grant.agentId }, ip, data: { grantId: id, memberId: grant.memberId } }, m);
    });
  }

  /** Grants an admin sees all of; a supervisor those they gave; an agent their own. */
  async grants(p: Principal, f: { ids?: number[]; agentId?: number; active?: boolean }): Promise<GrantView[]> {
    const now = this.clock.now();
    return this.db.read(async (m) => {
      const where: Record<string, unknown> = {};
      if (f.ids) where.id = In(f.ids);
      if (f.agentId) where.agentId = f.agentId;
      if (f.active) where.expiresAt = MoreThan(now);
      if (f.active === false) where.expiresAt = LessThan(now);
      if (p.role === 'supervisor') where.grantedBy = p.agentId;
      if (p.role === 'agent') where.agentId = p.agentId;
      const rows = await m.find(PiiGrant, { where, order: { id: 'DESC' }, take: 500 });
      return rows.map((g) => ({
        id: g.id, agentId: g.agentId, memberId: g.memberId, grantedBy: g.grantedBy, reason: g.reason,
        expiresAt: g.expiresAt.toISOString(), createdAt: g.createdAt.toISOString(), active: g.expiresAt > now,
      }));
    });
  }

  private async decryptIdentities(m: EntityManager, member: Member, fields: IdentityKind[]): Promise<Partial<Record<IdentityKind, string>>> {
    const rows = await m.findBy(MemberIdentity, { memberId: member.id, kind: In(fields) });
    if (!rows.length) return {};
    const key = this.vault.unwrap(member.wrappedKey);
    return Object.fromEntries(rows.map((r) => [r.kind, this.vault.decrypt(key, r.valueEnc, identityAad(member.id, r.kind))]));
  }
}
