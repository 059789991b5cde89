import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { AuditEntry, Setting } from '../db/entities/index.js';
import { row } from '../db/row.js';
import { ValidationError } from '../errors.js';
import { decodeCursor, encodeCursor, type Page } from '../pagination.js';

export interface AuditRecord {
  actor: { type: 'agent' | 'system' | 'anonymous'; id: number | null };
  /** e.g. pii.reveal, member.export, member.erase, grant.create, agent.role_changed, auth.login, auth.login_failed */
  action: string;
  target?: { type: string; id: string | number };
  ip?: string | null;
  reason?: string | null;
  data?: Record<string, unknown>;
}

export interface AuditFilter {
  /** Exact action, or a prefix when it ends with a dot (`pii.`). */
  action?: string;
  actorId?: number;
  targetType?: string;
  /** Only together with targetType. */
  targetId?: string;
  /** from <= at < to */
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

export interface AuditView {
  id: number;
  at: string;
  actor: { type: string; id: number | null };
  action: string;
  target: { type: string; id: string } | null;
  ip: string | null;
  reason: string | null;
  data: Record<string, unknown>;
}

export interface VerifyResult {
  ok: boolean;
  /** Entries whose hash and link were checked before the walk ended. */
  checked: number;
  firstBadId?: number;
  problem?: string;
}

export const GENESIS_HASH = '0'.repeat(64);
const HEAD_KEY = 'audit.head';

/** The hash of an entry: its content and the previous entry's hash, in a fixed canonical form. */
export function entryHash(e: Pick<AuditEntry, 'at' | 'actorType' | 'actorId' | 'action' | 'targetType' | 'targetId' | 'ip' | 'reason' | 'data' | 'prevHash'>): string {
  const canonical = canonicalJson({
    at: e.at.toISOString(), actorType: e.actorType, actorId: e.actorId, action: e.action, targetType: e.targetType,
    targetId: e.targetId, ip: e.ip, reason: e.reason, data: e.data, prevHash: e.prevHash,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/**
 * Append-only, hash-chained audit log. Appends are serialised on a head row (locked FOR UPDATE on
 * MySQL) that holds the last hash, so concurrent appends from several processes still form one chain.
 */
export class AuditLog {
  constructor(private readonly db: Database, private readonly clock: Clock) {}

  /** Appends inside the caller's transaction when given one (the audited change and its record commit together). */
  async append(record: AuditRecord, m?: EntityManager): Promise<void> {
    if (m) return this.appendIn(m, record);
    await this.db.tx((tx) => this.appendIn(tx, record));
  }

  /**
   * Walks the whole chain oldest first: each entry's hash must match its content and link to the
   * previous entry, and the head row must name the last entry (else rows were cut off the end).
   * Reads in batches outside a transaction, so appends may go on meanwhile.
   */
  async verify(batchSize = 1000): Promise<VerifyResult> {
    let prevHash = GENESIS_HASH;
    let lastId = 0;
    let checked = 0;
    let headMismatch = false;
    for (;;) {
      const rows = await this.db.read((m) => m.createQueryBuilder(AuditEntry, 'a')
        .where('a.id > :lastId', { lastId }).orderBy('a.id', 'ASC').limit(batchSize).getMany());
      if (!rows.length && headMismatch) {
        return { ok: false, checked, problem: `the chain head does not match the last entry (${lastId || 'none'}): entries were deleted from the end, or the head was changed` };
      }
      if (rows.length) headMismatch = false;
      for (const e of rows) {
        if (entryHash(e) !== e.hash) return { ok: false, checked, firstBadId: e.id, problem: `entry ${e.id} does not match its hash: it was changed` };
        if (e.prevHash !== prevHash) return { ok: false, checked, firstBadId: e.id, problem: `entry ${e.id} does not link to the entry before it: entries before it were deleted or changed` };
        prevHash = e.hash;
        lastId = e.id;
        checked++;
      }
      if (rows.length === batchSize) continue;
      const head = await this.db.read((m) => m.findOneBy(Setting, { key: HEAD_KEY }));
      if ((head?.value ?? GENESIS_HASH) === prevHash) return { ok: true, checked };
      // An append may have committed after the last batch was read (its entry and the head commit
      // together): read on, and call it broken only if no further entry turns up.
      headMismatch = true;
    }
  }

  /** Entries newest first, filtered; keyset pages by id. */
  async list(f: AuditFilter): Promise<Page<AuditView>> {
    if (f.targetId !== undefined && f.targetType === undefined) {
      throw new ValidationError('targetId needs targetType', [{ field: 'query.targetType', message: 'is required with targetId' }]);
    }
    return this.db.read(async (m) => {
      const qb = m.createQueryBuilder(AuditEntry, 'a');
      if (f.action?.endsWith('.')) qb.andWhere("a.action LIKE :action ESCAPE '!'", { action: `${f.action.replace(/[!%_]/g, (c) => `!${c}`)}%` });
      else if (f.action !== undefined) qb.andWhere('a.action = :action', { action: f.action });
      if (f.actorId !== undefined) qb.andWhere('a.actorId = :actorId', { actorId: f.actorId });
      if (f.targetType !== undefined) qb.andWhere('a.targetType = :targetType', { targetType: f.targetType });
      if (f.targetId !== undefined) qb.andWhere('a.targetId = :targetId', { targetId: f.targetId });
      // Both engines compare these exactly: SQLite stores and binds datetimes as the same UTC text with milliseconds.
      if (f.from) qb.andWhere('a.at >= :from', { from: f.from });
      if (f.to) qb.andWhere('a.at < :to', { to: f.to });
      const after = decodeCursor(f.cursor);
      if (after) qb.andWhere('a.id < :cid', { cid: after[1] });
      const rows = await qb.orderBy('a.id', 'DESC').limit(f.limit + 1).getMany();
      const page = rows.slice(0, f.limit);
      const last = page.at(-1);
      return { items: page.map(auditView), nextCursor: rows.length > f.limit && last ? encodeCursor([null, last.id]) : null };
    });
  }

  private async appendIn(m: EntityManager, r: AuditRecord): Promise<void> {
    const head = await this.db.forUpdate(m.createQueryBuilder(Setting, 's').where('s.key = :k', { k: HEAD_KEY })).getOne();
    const prevHash = head?.value ?? GENESIS_HASH;
    // Hash exactly what the database will hand back to verify(): data as its JSON round trip (a Date
    // inside becomes a string), text without lone surrogates (MySQL stores those as U+FFFD).
    const entry = {
      at: this.clock.now(), actorType: r.actor.type, actorId: r.actor.id, action: wellFormed(r.action),
      targetType: r.target ? wellFormed(r.target.type) : null, targetId: r.target ? wellFormed(String(r.target.id)) : null,
      ip: r.ip ? wellFormed(r.ip.slice(0, 64)) : null, reason: r.reason != null ? wellFormed(r.reason) : null,
      data: JSON.parse(JSON.stringify(r.data ?? {})) as Record<string, unknown>, prevHash,
    };
    const hash = entryHash(entry);
    await m.insert(AuditEntry, row<AuditEntry>({ ...entry, hash }));
    if (head) await m.update(Setting, { key: HEAD_KEY }, { value: hash });
    else await m.insert(Setting, { key: HEAD_KEY, value: hash });
  }
}

function auditView(e: AuditEntry): AuditView {
  return {
    id: e.id, at: e.at.toISOString(), actor: { type: e.actorType, id: e.actorId }, action: e.action,
    target: e.targetType !== null ? { type: e.targetType, id: e.targetId ?? '' } : null,
    ip: e.ip, reason: e.reason, data: e.data,
  };
}

/** String.prototype.toWellFormed (not in this TypeScript lib): lone UTF-16 surrogates become U+FFFD. */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
