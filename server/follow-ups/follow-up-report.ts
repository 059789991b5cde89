import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { toDate } from '../db/sql-session.js';
import { toCsv } from '../reports/report-csv.js';
import type { ReportScope } from '../reports/report.service.js';
import { FOLLOW_UP_OUTCOMES, type FollowUpFigures, type FollowUpOutcome, type FollowUpReport, type FollowUpReportBy } from './follow-up.contract.js';

export { FOLLOW_UP_REPORT_BY, type FollowUpFigures, type FollowUpReport, type FollowUpReportBy } from './follow-up.contract.js';

const empty = (): FollowUpFigures => ({ created: 0, due: 0, done: 0, overdue: 0, cancelled: 0, outcomes: { satisfied: 0, not_satisfied: 0, unreachable: 0, other: 0 } });

/**
 * Follow-ups of a period [from, to) in the scope's departments, grouped by department or by agent (the
 * agent who recorded it done, else its assignee; none: the department's queue, key null).
 */
export async function followUpReport(d: { db: Database; clock: Clock }, s: ReportScope, by: FollowUpReportBy): Promise<FollowUpReport> {
  const now = d.clock.now();
  const cutoff = new Date(Math.min(s.to.getTime(), now.getTime()));
  const out: FollowUpReport = { period: { from: s.from.toISOString(), to: s.to.toISOString(), tz: s.tz }, by, overdueAsOf: cutoff.toISOString(), totals: empty(), rows: [] };
  if (!s.departmentIds.length) return out;
  const inDepts = s.departmentIds.map(() => '?').join(', ');
  const agentExpr = 'COALESCE(f.doneBy, f.assigneeId)';
  const where = [`f.departmentId IN (${inDepts})`,
    "((f.createdAt >= ? AND f.createdAt < ?) OR (f.dueAt >= ? AND f.dueAt < ?) OR (f.doneAt >= ? AND f.doneAt < ?) OR (f.status = 'open' AND f.dueAt < ?))"];
  const params: unknown[] = [...s.departmentIds, s.from, s.to, s.from, s.to, s.from, s.to, cutoff];
  if (s.agentId !== undefined) { where.push(`${agentExpr} = ?`); params.push(s.agentId); }
  const { rows, labels } = await d.db.sqlTx(async (sql) => {
    const rows = await sql.rows<Record<string, unknown>>(
      `SELECT f.departmentId, ${agentExpr} AS agentId, f.status, f.outcome, f.createdAt, f.dueAt, f.doneAt FROM follow_up f WHERE ${where.join(' AND ')}`, params);
    const labels = by === 'department'
      ? await sql.rows<{ id: number; name: string }>(`SELECT id, name FROM department WHERE id IN (${inDepts})`, s.departmentIds)
      : await sql.rows<{ id: number; name: string }>('SELECT id, name FROM agent');
    return { rows, labels };
  });
  const names = new Map(labels.map((l) => [Number(l.id), String(l.name)]));
  const groups = new Map<number | null, FollowUpFigures>();
  const within = (v: unknown) => { if (v === null || v === undefined) return false; const t = toDate(v).getTime(); return t >= s.from.getTime() && t < s.to.getTime(); };
  for (const r of rows) {
    const key = by === 'department' ? Number(r.departmentId) : r.agentId === null || r.agentId === undefined ? null : Number(r.agentId);
    const g = groups.get(key) ?? empty();
    const add = (f: (x: FollowUpFigures) => void) => { f(g); f(out.totals); };
    if (within(r.createdAt)) add((x) => x.created++);
    if (r.status !== 'cancelled' && within(r.dueAt)) add((x) => x.due++);
    if (r.status === 'done' && within(r.doneAt)) {
      add((x) => x.done++);
      const outcome = (FOLLOW_UP_OUTCOMES as readonly string[]).includes(String(r.outcome)) ? (r.outcome as FollowUpOutcome) : 'other';
      add((x) => x.outcomes[outcome]++);
    }
    if (r.status === 'cancelled' && within(r.doneAt)) add((x) => x.cancelled++);
    if (r.status === 'open' && toDate(r.dueAt).getTime() < cutoff.getTime()) add((x) => x.overdue++);
    groups.set(key, g);
  }
  const any = (g: FollowUpFigures) => g.created + g.due + g.done + g.overdue + g.cancelled > 0;
  out.rows = [...groups].filter(([, g]) => any(g))
    .map(([key, g]) => ({ key, label: key === null ? 'Unassigned' : names.get(key) ?? `#${key}`, ...g }))
    .sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : a.key - b.key));
  return out;
}

export const FOLLOW_UP_CSV_HEADER = ['key', 'label', 'created', 'due', 'done', 'overdue', 'cancelled', 'satisfied', 'not_satisfied', 'unreachable', 'other'] as const;

/** One line per row, then a `total` line. */
export function followUpReportCsv(r: FollowUpReport): string {
  const line = (key: string | number | null, label: string, g: FollowUpFigures) => [
    key, label, g.created, g.due, g.done, g.overdue, g.cancelled, g.outcomes.satisfied, g.outcomes.not_satisfied, g.outcomes.unreachable, g.outcomes.other,
  ];
  return toCsv(FOLLOW_UP_CSV_HEADER, [...r.rows.map((row) => line(row.key, row.label, row)), line('total', 'Total', r.totals)]);
}
