import type { SqlSession } from '../db/sql-session.js';
import type { NotificationPayload } from './notification.js';

export interface DepartmentContact { id: number; name: string; email: string; locale: string; slackUserId: string | null }

/**
 * Tells a department's staff something that is not an SLA alert (a low rating, the weekly digest), through the
 * notification outbox, in the caller's transaction: its head when active, else its active supervisors, each by
 * email, and one Slack message (the department's channel, else the first contact's own user). Only for the
 * channels that have a sender. Returns how many rows were written.
 */
export async function notifyDepartmentStaff(sql: SqlSession, o: {
  department: { id: number; headAgentId: number | null; slackChannel: string | null };
  channels: { slack: boolean; email: boolean };
  ticketId: number;
  now: Date;
  payloadFor: (contact: DepartmentContact) => NotificationPayload;
}): Promise<number> {
  if (!o.channels.email && !o.channels.slack) return 0;
  const cols = 'a.id, a.name, a.email, a.locale, a.slackUserId';
  let contacts = o.department.headAgentId === null ? [] : await sql.rows<DepartmentContact>(`SELECT ${cols} FROM agent a WHERE a.id = ? AND a.active = 1`, [o.department.headAgentId]);
  if (!contacts.length) {
    contacts = await sql.rows<DepartmentContact>(`SELECT ${cols} FROM agent a JOIN agent_department ad ON ad.agentId = a.id WHERE ad.departmentId = ? AND a.role = 'supervisor' AND a.active = 1 ORDER BY a.id`, [o.department.id]);
  }
  let written = 0;
  for (const [i, raw] of contacts.entries()) {
    const c = { ...raw, id: Number(raw.id) };
    const payload = JSON.stringify(o.payloadFor(c));
    const targets: Array<[string, string]> = [];
    if (o.channels.email) targets.push(['email', c.email]);
    const slackTarget = o.department.slackChannel ?? c.slackUserId;
    if (o.channels.slack && i === 0 && slackTarget) targets.push(['slack', slackTarget]);
    for (const [channel, target] of targets) {
      await sql.run("INSERT INTO notification (channel, alertId, ticketId, agentId, target, payload, status, attempts, nextAttemptAt, createdAt) VALUES (?, NULL, ?, ?, ?, ?, 'pending', 0, ?, ?)",
        [channel, o.ticketId, c.id, target, payload, o.now, o.now]);
      written++;
    }
  }
  return written;
}
