import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { AuditEntry, Setting } from '../db/entities/index.js';
import { row } from '../db/row.js';

export interface AuditRecord {
  actor: { type: 'agent' | 'system' | 'anonymous'; id: number | null };
  /** e.g. pii.reveal, member.export, member.erase, grant.create, agent.role_changed, auth.login, auth.login_failed */
  action: string;
  target?: { type: string; id: string | number };
  ip?: string | null;
  reason?: string | null;
  data?: Record<string, unknown>;
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

  private async appendIn(m: EntityManager, r: AuditRecord): Promise<void> {
    const head = await this.db.forUpdate(m.createQueryBuilder(Setting, 's').where('s.key = :k', { k: HEAD_KEY })).getOne();
    const prevHash = head?.value ?? GENESIS_HASH;
    const entry = {
      at: this.clock.now(), actorType: r.actor.type, actorId: r.actor.id, action: r.action,
      targetType: r.target?.type ?? null, targetId: r.target ? String(r.target.id) : null,
      ip: r.ip?.slice(0, 64) ?? null, reason: r.reason ?? null, data: r.data ?? {}, prevHash,
    };
    const hash = entryHash(entry);
    await m.insert(AuditEntry, row<AuditEntry>({ ...entry, hash }));
    if (head) await m.update(Setting, { key: HEAD_KEY }, { value: hash });
    else await m.insert(Setting, { key: HEAD_KEY, value: hash });
  }
}
