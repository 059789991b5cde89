import type { Database } from '../server/db/database.js';
import { toDate } from '../server/db/sql-session.js';

export interface DepartmentSlaReport {
  departmentId: number;
  from: string;
  to: string;
  /** Live tickets of the department with a breached clock, worst first, with whether someone acknowledged. */
  openBreaches: Array<{
    ticketId: number; number: string; subject: string; priority: string; status: string; assigneeId: number | null;
    metrics: string[]; breachedAt: string | null; escalationLevel: number; acknowledged: boolean;
  }>;
  /**
   * Tickets created in the period under a policy. Per metric: clocks with a target that met or missed
   * it. Overall: tickets finished or breached, and the share of them with no breach.
   */
  compliance: {
    tickets: number;
    firstResponse: { measured: number; met: number; percent: number | null };
    resolution: { measured: number; met: number; percent: number | null };
    overall: { measured: number; met: number; percent: number | null };
  };
}

/** What a department head looks at: open breaches now, and compliance over a period. */
export async function departmentSlaReport(db: Database, departmentId: number, from: Date, to: Date): Promise<DepartmentSlaReport> {
  return db.sqlTx(async (sql) => {
    const open = await sql.rows<Record<string, unknown>>(
      `SELECT t.id, t.number, t.subject, t.priority, t.status, t.assigneeId, t.escalationLevel, t.escalationAlertId,
              t.firstResponseBreached, t.nextResponseBreached, t.resolutionBreached,
              (SELECT MIN(a.firedAt) FROM sla_alert a WHERE a.ticketId = t.id AND a.kind = 'breach') AS breachedAt,
              (SELECT COUNT(*) FROM sla_alert a WHERE a.ticketId = t.id AND a.kind = 'breach' AND a.acknowledgedAt IS NULL) AS unacknowledged
         FROM ticket t
        WHERE t.departmentId = ? AND t.status IN ('new', 'open', 'pending', 'on_hold')
          AND (t.firstResponseBreached = ? OR t.nextResponseBreached = ? OR t.resolutionBreached = ?)
        ORDER BY breachedAt ASC LIMIT 200`, [departmentId, true, true, true]);
    // Only what is decided counts: a clock that met or missed a target its policy set. A ticket still
    // running inside its targets is neither, and would flatter the percentage.
    const [c] = await sql.rows<Record<string, unknown>>(
      `SELECT COUNT(*) AS tickets,
              SUM(CASE WHEN p.firstResponseMinutes IS NOT NULL AND (t.firstResponseAt IS NOT NULL OR t.firstResponseBreached = ?) THEN 1 ELSE 0 END) AS frMeasured,
              SUM(CASE WHEN p.firstResponseMinutes IS NOT NULL AND t.firstResponseAt IS NOT NULL AND t.firstResponseBreached = ? THEN 1 ELSE 0 END) AS frMet,
              SUM(CASE WHEN p.resolutionMinutes IS NOT NULL AND (t.resolutionMinutes IS NOT NULL OR t.resolutionBreached = ?) THEN 1 ELSE 0 END) AS resMeasured,
              SUM(CASE WHEN p.resolutionMinutes IS NOT NULL AND t.resolutionMinutes IS NOT NULL AND t.resolutionBreached = ? THEN 1 ELSE 0 END) AS resMet,
              SUM(CASE WHEN t.status IN ('solved', 'closed') OR t.firstResponseBreached = ? OR t.nextResponseBreached = ? OR t.resolutionBreached = ? THEN 1 ELSE 0 END) AS decided,
              SUM(CASE WHEN t.firstResponseBreached = ? OR t.nextResponseBreached = ? OR t.resolutionBreached = ? THEN 1 ELSE 0 END) AS anyBreach
         FROM ticket t LEFT JOIN sla_policy p ON p.id = t.slaPolicyId
        WHERE t.departmentId = ? AND t.slaPolicyId IS NOT NULL AND t.createdAt >= ? AND t.createdAt <= ? AND t.status <> 'merged'`,
      [true, false, true, false, true, true, true, true, true, true, departmentId, from, to]);
    const n = (v: unknown) => Number(v ?? 0);
    const pct = (met: number, measured: number) => (measured ? Math.round((met / measured) * 1000) / 10 : null);
    const tickets = n(c?.tickets);
    return {
      departmentId, from: from.toISOString(), to: to.toISOString(),
      openBreaches: open.map((r) => ({
        ticketId: n(r.id), number: String(r.number), subject: String(r.subject), priority: String(r.priority), status: String(r.status),
        assigneeId: r.assigneeId === null ? null : n(r.assigneeId),
        metrics: [['first_response', r.firstResponseBreached], ['next_response', r.nextResponseBreached], ['resolution', r.resolutionBreached]]
          .filter(([, v]) => Boolean(Number(v))).map(([k]) => String(k)),
        breachedAt: r.breachedAt ? toDate(r.breachedAt).toISOString() : null,
        escalationLevel: n(r.escalationLevel), acknowledged: n(r.unacknowledged) === 0,
      })),
      compliance: {
        tickets,
        firstResponse: { measured: n(c?.frMeasured), met: n(c?.frMet), percent: pct(n(c?.frMet), n(c?.frMeasured)) },
        resolution: { measured: n(c?.resMeasured), met: n(c?.resMet), percent: pct(n(c?.resMet), n(c?.resMeasured)) },
        overall: { measured: n(c?.decided), met: n(c?.decided) - n(c?.anyBreach), percent: pct(n(c?.decided) - n(c?.anyBreach), n(c?.decided)) },
      },
    };
  });
}
