import { expect } from 'chai';
import { Ticket } from '../../server/db/entities/index.js';
import type { Services } from '../../server/services.js';
import { expectEventually } from './expect-eventually.js';

/**
 * One scheduler step at the injected `now`, finished: passes until no ticket is due. A pass skips rows
 * another transaction holds (FOR UPDATE SKIP LOCKED), e.g. the background recompute after an admin's
 * policy edit; those are simply taken by a later pass, as in production.
 */
export async function slaTick(s: Services, now: Date): Promise<void> {
  await expectEventually(async () => {
    await s.slaScheduler.runOnce();
    const due = await s.db.read((m) => m.createQueryBuilder(Ticket, 't').where('t.nextSlaCheckAt <= :now', { now }).getCount());
    expect(due, 'tickets still due').to.equal(0);
  });
}
