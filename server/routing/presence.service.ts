import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { Presence } from '../domain.js';
import { NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { TicketService } from '../tickets/ticket.service.js';

export interface PresenceChange { agentId: number; presence: Presence; presenceAt: string; reassigned: number }

/**
 * Whether an agent takes new tickets. Set by the agent (the console, or PUT /api/agents/me/presence);
 * going offline hands their unanswered tickets back to assignment in departments that ask for it.
 */
export class PresenceService {
  constructor(private readonly o: { db: Database; clock: Clock; tickets: TicketService; log: Logger }) {}

  async set(agentId: number, presence: Presence): Promise<PresenceChange> {
    const now = this.o.clock.now();
    const before = await this.o.db.sqlTx(async (sql) => {
      const [row] = await sql.rows<{ presence: Presence }>('SELECT presence FROM agent WHERE id = ? FOR UPDATE', [agentId]);
      if (!row) throw new NotFoundError('agent');
      await sql.run('UPDATE agent SET presence = ?, presenceAt = ? WHERE id = ?', [presence, now, agentId]);
      return row.presence;
    });
    let reassigned = 0;
    if (presence === 'offline' && before !== 'offline') {
      reassigned = await this.o.tickets.reassignFrom(agentId);
      if (reassigned) this.o.log.info('agent went offline; tickets reassigned', { agentId, tickets: reassigned });
    }
    return { agentId, presence, presenceAt: now.toISOString(), reassigned };
  }
}
