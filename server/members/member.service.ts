import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { Agent, Member, MemberIdentity } from '../db/entities/index.js';
import type { Database } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import type { SqlSession } from '../db/sql-session.js';
import { IDENTITY_KINDS, type IdentityKind, type Tier } from '../domain.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.js';
import type { PiiVault } from '../security/pii-vault.js';
import { identityAad, maskIdentity, maskName, normaliseIdentity } from './identity.js';
import { decodeCursor, encodeCursor, type Page } from '../pagination.js';

export interface MemberInput {
  name?: string | null;
  tier?: Tier;
  homeStore?: string | null;
  /** Membership number (unique); members quote it to link their WeChat. */
  memberNumber?: string | null;
  /** The member's own agent: their new tickets go to them while online. */
  dedicatedAgentId?: number | null;
  identities?: Partial<Record<IdentityKind, string | null>>;
}

/** What ingest needs to know of a member. */
export interface MemberRef { id: number; tier: Tier; dedicatedAgentId?: number | null }

export interface MemberView {
  id: number;
  name: string | null;
  tier: Tier;
  homeStore: string | null;
  memberNumber: string | null;
  dedicatedAgentId: number | null;
  /** Masked: reading them unmasked is the member-data-protection issue's audited path. */
  identities: Array<{ kind: IdentityKind; masked: string; bouncedAt?: string }>;
  createdAt: string;
  updatedAt: string;
}

export class MemberService {
  /** `maskNames`: names count as PII too (MEMBERDESK_MASK_NAMES) and are shown masked unless revealed. */
  constructor(private readonly db: Database, private readonly vault: PiiVault, private readonly opts: { maskNames?: boolean } = {}) {}

  /** Blind index and masked form of identities that may not be valid (participants): invalid ones are skipped. */
  contactKeys(contacts: Array<{ kind: IdentityKind; value: string }>): Array<{ blindIndex: string; masked: string }> {
    return contacts.flatMap((c) => {
      try {
        const value = normaliseIdentity(c.kind, c.value);
        return [{ blindIndex: this.vault.blindIndex(c.kind, value), masked: maskIdentity(c.kind, value) }];
      } catch {
        return [];
      }
    });
  }

  /** Who owns an identity (for scope checks before writing), found by blind index. */
  async findByIdentity(kind: IdentityKind, value: string): Promise<{ id: number; homeStore: string | null } | null> {
    const blindIndex = this.vault.blindIndex(kind, normaliseIdentity(kind, value));
    return this.db.read(async (m) => {
      const identity = await m.findOne(MemberIdentity, { where: { kind, blindIndex }, select: { memberId: true } });
      if (!identity) return null;
      const member = await m.findOne(Member, { where: { id: identity.memberId }, select: { id: true, homeStore: true } });
      return member ? { id: member.id, homeStore: member.homeStore } : null;
    });
  }

  /**
   * Inside ingest's transaction: the member behind a channel identity, locked (MySQL) so that one
   * member's messages thread one at a time, or created on first contact. Two first contacts racing
   * both insert; the unique blind index refuses one, whose transaction is retried and then finds the
   * winner. Hand-written SQL: this runs for every inbound message.
   */
  async resolveOrCreate(sql: SqlSession, from: { kind: IdentityKind; value: string; name?: string }): Promise<{ member: MemberRef; created: boolean }> {
    const value = normaliseIdentity(from.kind, from.value);
    const blindIndex = this.vault.blindIndex(from.kind, value);
    const [hit] = await sql.rows<{ id: number; tier: Tier; dedicatedAgentId: number | null }>(
      'SELECT mb.id AS id, mb.tier AS tier, mb.dedicatedAgentId AS dedicatedAgentId FROM member_identity mi JOIN member mb ON mb.id = mi.memberId WHERE mi.kind = ? AND mi.blindIndex = ? FOR UPDATE',
      [from.kind, blindIndex]);
    if (hit) return { member: { id: Number(hit.id), tier: hit.tier, dedicatedAgentId: hit.dedicatedAgentId === null ? null : Number(hit.dedicatedAgentId) }, created: false };
    const { dataKey, wrapped, keyId } = this.vault.newDataKey();
    const { insertId } = await sql.run('INSERT INTO member (name, tier, homeStore, wrappedKey, keyId) VALUES (?, ?, ?, ?, ?)',
      [from.name?.slice(0, 120) ?? null, 'standard', null, wrapped, keyId]);
    await sql.run('INSERT INTO member_identity (memberId, kind, blindIndex, valueEnc, masked) VALUES (?, ?, ?, ?, ?)',
      [insertId, from.kind, blindIndex, this.vault.encrypt(dataKey, value, identityAad(insertId, from.kind)), maskIdentity(from.kind, value)]);
    return { member: { id: insertId, tier: 'standard' }, created: true };
  }

  /**
   * Inside a transaction: what a member told us about themselves on a channel (the web chat's pre-chat
   * form). Fills their name only when it is empty, and adds a contact identity, encrypted and
   * blind-indexed like every other. An identity of another member is never moved (`taken`: the caller
   * must not reveal that to the visitor); one of the same kind is kept unless `replace`.
   */
  async addContact(sql: SqlSession, memberId: number, input: { name?: string; identity?: { kind: IdentityKind; value: string }; replace?: boolean }):
    Promise<{ name: boolean; identity: 'none' | 'added' | 'replaced' | 'same' | 'kept' | 'taken' }> {
    const [member] = await sql.rows<{ wrappedKey: string; name: string | null }>('SELECT wrappedKey, name FROM member WHERE id = ? FOR UPDATE', [memberId]);
    if (!member || member.wrappedKey === ERASED) throw new NotFoundError('member');
    let name = false;
    const given = input.name?.trim().slice(0, 120);
    if (given && !member.name?.trim()) {
      await sql.run('UPDATE member SET name = ? WHERE id = ?', [given, memberId]);
      name = true;
    }
    if (!input.identity) return { name, identity: 'none' };
    const { kind } = input.identity;
    const value = normaliseIdentity(kind, input.identity.value);
    const blindIndex = this.vault.blindIndex(kind, value);
    const [owner] = await sql.rows<{ memberId: number }>('SELECT memberId FROM member_identity WHERE kind = ? AND blindIndex = ?', [kind, blindIndex]);
    if (owner) return { name, identity: Number(owner.memberId) === memberId ? 'same' : 'taken' };
    const existing = await sql.rows<{ id: number }>('SELECT id FROM member_identity WHERE memberId = ? AND kind = ?', [memberId, kind]);
    if (existing.length && !input.replace) return { name, identity: 'kept' };
    if (existing.length) await sql.run('DELETE FROM member_identity WHERE memberId = ? AND kind = ?', [memberId, kind]);
    // Another member taking it between the check and the insert fails on the unique index: run this with
    // retryOnConflict, and the retry answers `taken`.
    await sql.run('INSERT INTO member_identity (memberId, kind, blindIndex, valueEnc, masked) VALUES (?, ?, ?, ?, ?)',
      [memberId, kind, blindIndex, this.vault.encrypt(this.vault.unwrap(member.wrappedKey), value, identityAad(memberId, kind)), maskIdentity(kind, value)]);
    return { name, identity: existing.length ? 'replaced' : 'added' };
  }

  /**
   * A contact that wrote before anyone knew who they were (a WeChat contact, an anonymous chat visitor) is
   * this member: the identity moves from the placeholder member made at first contact to them, with the
   * placeholder's tickets on that channel. The value is decrypted under the placeholder's key and sealed
   * again under the member's; nobody sees it. Answers how many tickets moved.
   */
  async linkContact(fromMemberId: number, toMemberId: number, kind: IdentityKind): Promise<{ tickets: number }> {
    if (fromMemberId === toMemberId) throw new UnprocessableError('SAME_MEMBER', 'the contact already belongs to this member');
    return this.db.sqlTx(async (sql) => {
      // Both rows locked in id order, as every path that touches two members does.
      const rows = await sql.rows<{ id: number; wrappedKey: string }>(
        'SELECT id, wrappedKey FROM member WHERE id IN (?, ?) ORDER BY id FOR UPDATE', [Math.min(fromMemberId, toMemberId), Math.max(fromMemberId, toMemberId)]);
      const from = rows.find((r) => Number(r.id) === fromMemberId);
      const to = rows.find((r) => Number(r.id) === toMemberId);
      if (!from || from.wrappedKey === ERASED || !to || to.wrappedKey === ERASED) throw new NotFoundError('member');
      const [identity] = await sql.rows<{ id: number; valueEnc: string }>('SELECT id, valueEnc FROM member_identity WHERE memberId = ? AND kind = ?', [fromMemberId, kind]);
      if (!identity) throw new UnprocessableError('NO_SUCH_CONTACT', `the ticket's member has no ${kind} contact to link`);
      const value = this.vault.decrypt(this.vault.unwrap(from.wrappedKey), identity.valueEnc, identityAad(fromMemberId, kind));
      await sql.run('DELETE FROM member_identity WHERE id = ?', [identity.id]);
      const added = await this.addContact(sql, toMemberId, { identity: { kind, value } });
      if (added.identity === 'kept') throw new ConflictError('CONTACT_EXISTS', `this member already has a ${kind} contact; remove it first to link another`);
      const channel = kind === 'phone' ? 'phone' : kind;
      const moved = await sql.run('UPDATE ticket SET memberId = ? WHERE memberId = ? AND channel = ?', [toMemberId, fromMemberId, channel]);
      await sql.run('UPDATE message SET authorMemberId = ? WHERE authorMemberId = ? AND channel = ?', [toMemberId, fromMemberId, channel]);
      return { tickets: moved.affected ?? 0 };
    }, { retryOnConflict: true });
  }

  async insertMember(m: EntityManager, input: MemberInput): Promise<Member> {
    await assertDedicatedAgent(m, input.dedicatedAgentId);
    const { dataKey, wrapped, keyId } = this.vault.newDataKey();
    const res = await m.insert(Member, {
      name: input.name ?? null, tier: input.tier ?? 'standard', homeStore: input.homeStore ?? null, memberNumber: input.memberNumber?.trim() || null, dedicatedAgentId: input.dedicatedAgentId ?? null, wrappedKey: wrapped, keyId,
    });
    const id = Number(res.identifiers[0]!.id);
    await this.writeIdentities(m, id, dataKey, input.identities ?? {});
    return (await m.findOneByOrFail(Member, { id }));
  }

  private async writeIdentities(m: EntityManager, memberId: number, dataKey: Buffer, identities: MemberInput['identities'] & object): Promise<void> {
    for (const kind of IDENTITY_KINDS) {
      if (!(kind in identities)) continue;
      await m.delete(MemberIdentity, { memberId, kind });
      const raw = identities[kind];
      if (raw === null || raw === undefined || raw === '') continue;
      const value = normaliseIdentity(kind, raw);
      await m.insert(MemberIdentity, {
        memberId, kind,
        blindIndex: this.vault.blindIndex(kind, value),
        valueEnc: this.vault.encrypt(dataKey, value, identityAad(memberId, kind)),
        masked: maskIdentity(kind, value),
      });
    }
  }

  async create(input: MemberInput): Promise<MemberView> {
    const member = await this.db.tx((m) => this.insertMember(m, input)).catch(rethrowIdentityTaken);
    return this.get(member.id);
  }

  async update(id: number, input: MemberInput): Promise<MemberView> {
    await this.db.tx(async (m) => {
      const member = await m.findOneBy(Member, { id });
      if (!member || member.wrappedKey === ERASED) throw new NotFoundError('member');
      const patch: Partial<Member> = {};
      if (input.name !== undefined) patch.name = input.name;
      if (input.tier !== undefined) patch.tier = input.tier;
      if (input.homeStore !== undefined) patch.homeStore = input.homeStore;
      if (input.memberNumber !== undefined) patch.memberNumber = input.memberNumber?.trim() || null;
      if (input.dedicatedAgentId !== undefined) {
        await assertDedicatedAgent(m, input.dedicatedAgentId);
        patch.dedicatedAgentId = input.dedicatedAgentId;
      }
      if (Object.keys(patch).length) await m.update(Member, { id }, patch);
      if (input.identities) await this.writeIdentities(m, id, this.vault.unwrap(member.wrappedKey), input.identities);
    }).catch(rethrowIdentityTaken);
    return this.get(id);
  }

  async get(id: number): Promise<MemberView> {
    const views = await this.db.read((m) => this.views(m, [id]));
    const view = views.get(id);
    if (!view) throw new NotFoundError('member');
    return view;
  }

  async views(m: EntityManager, ids: number[]): Promise<Map<number, MemberView>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const [members, identities] = await Promise.all([
      m.findBy(Member, { id: In(unique) }),
      m.find(MemberIdentity, { where: { memberId: In(unique) }, order: { id: 'ASC' } }),
    ]);
    return new Map(members.filter((mb) => mb.wrappedKey !== ERASED).map((mb) => [mb.id, {
      id: mb.id, name: this.opts.maskNames ? maskName(mb.name) : mb.name, tier: mb.tier, homeStore: mb.homeStore, memberNumber: mb.memberNumber, dedicatedAgentId: mb.dedicatedAgentId,
      identities: identities.filter((i) => i.memberId === mb.id).map((i) => ({ kind: i.kind, masked: i.masked, ...(i.bouncedAt ? { bouncedAt: i.bouncedAt.toISOString() } : {}) })),
      createdAt: mb.createdAt.toISOString(), updatedAt: mb.updatedAt.toISOString(),
    }]));
  }

  /** `scope`: a store-bound agent's stores, plus members granted to them. */
  async list(q: { q?: string; tier?: Tier; homeStore?: string; email?: string; phone?: string; wechat?: string; limit: number; cursor?: string },
    scope: { stores: string[]; grantedIds: number[] } | null = null): Promise<Page<MemberView>> {
    return this.db.read(async (m) => {
      const qb = m.createQueryBuilder(Member, 'mb').where('mb.wrappedKey <> :erased', { erased: ERASED });
      if (scope) {
        qb.andWhere(scope.grantedIds.length ? '(mb.homeStore IN (:...scopeStores) OR mb.id IN (:...scopeGranted))' : 'mb.homeStore IN (:...scopeStores)',
          { scopeStores: scope.stores, scopeGranted: scope.grantedIds });
      }
      if (q.tier) qb.andWhere('mb.tier = :tier', { tier: q.tier });
      if (q.homeStore) qb.andWhere('mb.homeStore = :store', { store: q.homeStore });
      if (q.q) qb.andWhere("mb.name LIKE :name ESCAPE '!'", { name: `%${escapeLike(q.q)}%` });
      for (const kind of ['email', 'phone', 'wechat'] as const) {
        const value = q[kind];
        if (!value) continue;
        qb.andWhere(`mb.id IN (SELECT mi.memberId FROM member_identity mi WHERE mi.kind = :k_${kind} AND mi.blindIndex = :b_${kind})`,
          { [`k_${kind}`]: kind, [`b_${kind}`]: this.vault.blindIndex(kind, normaliseIdentity(kind, value)) });
      }
      const after = decodeCursor(q.cursor);
      if (after) qb.andWhere('mb.id < :after', { after: Number(after[1]) });
      const rows = await qb.orderBy('mb.id', 'DESC').limit(q.limit + 1).getMany();
      const pageRows = rows.slice(0, q.limit);
      const views = await this.views(m, pageRows.map((r) => r.id));
      const last = pageRows.at(-1);
      return {
        items: pageRows.map((r) => views.get(r.id)!),
        nextCursor: rows.length > q.limit && last ? encodeCursor([null, last.id]) : null,
      };
    });
  }

}

export const ERASED = 'erased';

/** For `LIKE … ESCAPE '!'`: '!' because a backslash means different things in MySQL and SQLite literals. */
export function escapeLike(s: string): string {
  return s.replace(/[!%_]/g, (c) => `!${c}`);
}

function rethrowIdentityTaken(err: unknown): never {
  if (isUniqueViolation(err)) {
    throw new ConflictError('IDENTITY_TAKEN', 'another member already has this email, phone, WeChat id or member number');
  }
  throw err;
}

async function assertDedicatedAgent(m: EntityManager, agentId: number | null | undefined): Promise<void> {
  if (agentId === null || agentId === undefined) return;
  const agent = await m.findOneBy(Agent, { id: agentId });
  if (!agent || !agent.active || agent.role === 'analyst') {
    throw new UnprocessableError('UNKNOWN_AGENT', `agent ${agentId} does not exist, is inactive or cannot take tickets`, { field: 'dedicatedAgentId' });
  }
}
