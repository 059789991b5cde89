import type { Principal } from '../server/agents/principal.js';
import { ticketVisible } from '../server/tickets/ticket-access.js';
import type { Clock } from '../server/clock.js';
import type { Database } from '../server/db/database.js';
import { Agent, SlaAlert, Ticket } from '../server/db/entities/index.js';
import type { AgentService } from '../server/agents/agent.service.js';
import { sqlSession } from '../server/db/sql-session.js';
import { AppError, NotFoundError } from '../server/errors.js';
import type { AlertActionInput, AlertActionResult, AlertActions, HandledState } from '../server/notify/notification.js';
import type { Logger } from '../server/logger.js';
import type { TicketService } from '../server/tickets/ticket.service.js';
import { TicketStore } from '../server/tickets/ticket.store.js';
import type { SlaService } from './sla.service.js';

export type AckVia = 'api' | 'slack' | 'email';

/**
 * Acknowledging an alert stops its escalation chain and is recorded in the ticket's history; taking
 * over also assigns the ticket to whoever clicked. Reached from the API, Slack buttons and email links.
 */
export class EscalationService implements AlertActions {
  constructor(private readonly o: {
    db: Database; clock: Clock; sla: SlaService; tickets: TicketService; agents: AgentService;
    /**
     * After an acknowledgement committed, in the background: update what was already sent (Slack
     * messages lose their buttons), except `except`, the message a click came from.
     */
    onHandled?: (alertIds: number[], state: HandledState, except?: string) => Promise<void>;
    /** After any change committed: the scheduler and notification worker pick up what it set or wrote. */
    afterCommit?: () => void;
    log?: Logger;
  }) {}

  /**
   * Acknowledges the open alerts of the ticket: all of them, or (`upTo`, from a button or link of one
   * alert) those fired up to that alert — a week-old link must not acknowledge a breach fired after it
   * was sent. Allowed to anyone who may see the ticket, and to the contact an alert went to (a
   * director outside the department). Idempotent: a second click says so.
   */
  async acknowledgeTicket(p: Principal, ticketId: number, via: AckVia, o: { takenOver?: boolean; upTo?: number; messageRef?: string } = {}): Promise<{ acknowledged: number; alreadyAcknowledged: boolean }> {
    const now = this.o.clock.now();
    const alertIds = await this.o.db.tx(async (m) => {
      const ticket = await this.o.db.forUpdate(m.createQueryBuilder(Ticket, 't').where('t.id = :id', { id: ticketId })).getOne();
      if (!ticket) throw new NotFoundError('ticket');
      const contact = await m.existsBy(SlaAlert, { ticketId, contactAgentId: p.agentId });
      if (!contact && !(await ticketVisible(m, p, ticket))) throw new NotFoundError('ticket');
      const qb = m.createQueryBuilder(SlaAlert, 'a')
        .where("a.ticketId = :ticketId AND a.acknowledgedAt IS NULL AND a.kind IN ('breach', 'urgent')", { ticketId });
      if (o.upTo !== undefined) qb.andWhere('a.id <= :upTo', { upTo: o.upTo });
      const open = await qb.getMany();
      if (!open.length) return [];
      await m.update(SlaAlert, open.map((a) => a.id), { acknowledgedAt: now, acknowledgedBy: p.agentId });
      const sql = sqlSession(m, this.o.db.engine);
      // The running chain stops if its breach is among those acknowledged.
      if (ticket.escalationAlertId !== null && open.some((a) => a.id === ticket.escalationAlertId)) {
        await sql.run('UPDATE ticket SET escalationAlertId = NULL, escalationDueAt = NULL, escalationLevel = 0 WHERE id = ?', [ticketId]);
      }
      await new TicketStore(sql).insertEvents(ticketId, { type: 'agent', id: p.agentId }, [{
        type: 'sla.acknowledged', data: { via, alertIds: open.map((a) => a.id), levels: [...new Set(open.map((a) => a.level))], metrics: [...new Set(open.map((a) => a.metric))] },
      }], now);
      // The next check may have been the escalation step just cancelled.
      const [row] = await this.o.sla.loadRows(sql, [ticketId]);
      if (row) await this.o.sla.evaluateGuarded(sql, row, now);
      return open.map((a) => a.id);
    });
    this.o.afterCommit?.();
    if (alertIds.length && this.o.onHandled) {
      const onHandled = this.o.onHandled;
      const name = (await this.o.db.read((m) => m.findOneBy(Agent, { id: p.agentId })))?.name ?? `#${p.agentId}`;
      // Editing sent messages takes a Slack round trip each: never on the request path.
      void onHandled(alertIds, o.takenOver ? { takenOverBy: name } : { acknowledgedBy: name }, o.messageRef)
        .catch((err: unknown) => this.o.log?.warn('could not update the alerts already sent', { error: String(err) }));
    }
    return { acknowledged: alertIds.length, alreadyAcknowledged: alertIds.length === 0 };
  }

  async acknowledgeAlert(agentId: number, alertId: number, via: AckVia, messageRef?: string): Promise<AlertActionResult> {
    const found = await this.context(agentId, alertId);
    if ('message' in found) return { ok: false, message: found.message };
    let result: { alreadyAcknowledged: boolean };
    try {
      result = await this.acknowledgeTicket(found.principal, found.ticketId, via, { upTo: alertId, messageRef });
    } catch (err) {
      if (err instanceof NotFoundError) return { ok: false, message: 'You cannot see this ticket. / 您无权查看该工单。' };
      throw err;
    }
    if (result.alreadyAcknowledged) return { ok: false, message: `${found.ticketNumber} was already acknowledged. / 该工单的提醒已被确认。` };
    return { ok: true, ticketNumber: found.ticketNumber, agentName: found.agentName, action: 'acknowledged' };
  }

  // ── AlertActions (Slack buttons) ─────────────────────────────────────────

  async acknowledge(input: AlertActionInput): Promise<AlertActionResult> {
    const agent = await this.agentBySlack(input.slackUserId);
    if (!agent) return unknownSlackUser();
    return this.acknowledgeAlert(agent.id, input.alertId, 'slack', input.messageRef);
  }

  async takeOver(input: AlertActionInput): Promise<AlertActionResult> {
    const agent = await this.agentBySlack(input.slackUserId);
    if (!agent) return unknownSlackUser();
    const found = await this.context(agent.id, input.alertId);
    if ('message' in found) return { ok: false, message: found.message };
    try {
      await this.o.tickets.assign(found.principal, found.ticketId, agent.id);
    } catch (err) {
      // An escalation contact outside the ticket's department (a director) may acknowledge, but a
      // ticket is only ever assigned within its department.
      if (err instanceof NotFoundError || (err instanceof AppError && err.code === 'ASSIGNEE_NOT_IN_DEPARTMENT')) {
        return { ok: false, message: `${found.ticketNumber} belongs to a department you do not work in: use Acknowledge, or have it assigned there. / 该工单不属于您的部门，请点击“确认”或由该部门分配。` };
      }
      if (err instanceof AppError) return { ok: false, message: `Could not assign ${found.ticketNumber} to you: ${err.message} / 无法将工单分配给您。` };
      throw err;
    }
    await this.acknowledgeTicket(found.principal, found.ticketId, 'slack', { takenOver: true, upTo: input.alertId, messageRef: input.messageRef });
    return { ok: true, ticketNumber: found.ticketNumber, agentName: found.agentName, action: 'taken_over' };
  }

  private async agentBySlack(slackUserId: string): Promise<Agent | null> {
    return this.o.db.read((m) => m.findOneBy(Agent, { slackUserId, active: true }));
  }

  private async context(agentId: number, alertId: number): Promise<{ principal: Principal; ticketId: number; ticketNumber: string; agentName: string } | { message: string }> {
    const principal = await this.o.agents.principal(agentId);
    const found = await this.o.db.read(async (m) => {
      const alert = await m.findOneBy(SlaAlert, { id: alertId });
      const ticket = alert ? await m.findOneBy(Ticket, { id: alert.ticketId }) : null;
      const agent = await m.findOneBy(Agent, { id: agentId });
      return ticket && agent ? { ticketId: ticket.id, ticketNumber: ticket.number ?? '', agentName: agent.name } : null;
    });
    if (!principal || !found) return { message: 'This alert or its ticket no longer exists. / 该提醒或工单已不存在。' };
    return { principal, ...found };
  }
}

function unknownSlackUser(): AlertActionResult {
  return { ok: false, message: 'Your Slack account is not linked to a MemberDesk agent; ask an admin to set your Slack user id. / 您的 Slack 账号未关联客服账号。' };
}
