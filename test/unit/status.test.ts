import { expect } from 'chai';
import { TICKET_STATUSES } from '../../server/domain.js';
import { ConflictError } from '../../server/errors.js';
import { assertTransition, canTransition, formatTicketNumber, TRANSITIONS } from '../../server/tickets/status.js';

describe('ticket status transitions', () => {
  for (const from of TICKET_STATUSES) {
    for (const to of TICKET_STATUSES) {
      if (from === to) continue;
      const allowed = TRANSITIONS[from].includes(to);
      it(`${from} → ${to} is ${allowed ? 'allowed' : 'refused with the allowed ones listed'}`, () => {
        if (allowed) {
          expect(() => assertTransition(from, to)).not.to.throw();
          return;
        }
        try {
          assertTransition(from, to);
          expect.fail('transition should have been refused');
        } catch (err) {
          expect(err).to.be.instanceOf(ConflictError);
          const e = err as ConflictError;
          expect(e.code).to.equal('ILLEGAL_TRANSITION');
          expect(e.status).to.equal(409);
          expect(e.details).to.deep.equal({ from, to, allowed: TRANSITIONS[from] });
        }
      });
    }
  }

  it('never lets an agent set merged, and closed/merged are final', () => {
    for (const s of TICKET_STATUSES) expect(canTransition(s, 'merged')).to.equal(false);
    expect(TRANSITIONS.closed).to.deep.equal([]);
    expect(TRANSITIONS.merged).to.deep.equal([]);
  });

  it('formats human ticket numbers', () => {
    expect(formatTicketNumber(123)).to.equal('MD-000123');
    expect(formatTicketNumber(1234567)).to.equal('MD-1234567');
  });
});
