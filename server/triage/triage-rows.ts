import type { SqlSession } from '../db/sql-session.js';
import { DEFAULT_URGENCY } from './engine/index.js';
import type { TriageRule, UrgencySettings } from './engine/types.js';

/** What triage keeps in the database, read one way for ingest (cached) and for the admin API alike. */

export interface CategoryInfo { key: string; labelZh: string; labelEn: string; departmentId: number | null; position: number; active: boolean }

export const URGENCY_SETTING = 'triage.urgency';

/** How much of a ticket's text the classifier reads and a training example keeps. */
export const MAX_TEXT = 4_000;

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export async function readRules(sql: SqlSession): Promise<TriageRule[]> {
  const rows = await sql.rows<Record<string, unknown>>('SELECT id, name, enabled, position, conditions, `match` AS matchJson, actions FROM triage_rule ORDER BY position, id');
  return rows.map((r) => ({
    id: Number(r.id), name: String(r.name), enabled: Boolean(Number(r.enabled)), position: Number(r.position),
    conditions: json(r.conditions), match: json(r.matchJson), actions: json(r.actions),
  }));
}

export async function readCategories(sql: SqlSession): Promise<CategoryInfo[]> {
  const rows = await sql.rows<Record<string, unknown>>('SELECT `key` AS k, labelZh, labelEn, departmentId, position, active FROM triage_category ORDER BY position, `key`');
  return rows.map((c) => ({
    key: String(c.k), labelZh: String(c.labelZh), labelEn: String(c.labelEn), departmentId: c.departmentId === null ? null : Number(c.departmentId),
    position: Number(c.position), active: Boolean(Number(c.active)),
  }));
}

/** The stored settings over the defaults: a field added to the defaults later applies to installations that never set it. */
export async function readUrgency(sql: SqlSession): Promise<UrgencySettings> {
  const [row] = await sql.rows<{ value: string }>('SELECT value FROM setting WHERE `key` = ?', [URGENCY_SETTING]);
  return row ? { ...DEFAULT_URGENCY, ...(JSON.parse(row.value) as Partial<UrgencySettings>) } : DEFAULT_URGENCY;
}
