import { expect } from 'chai';
import { leastLoaded, manual, roundRobin, type AgentSlot } from '../../server/routing/strategies.js';

const slot = (agentId: number, over: Partial<AgentSlot> = {}): AgentSlot => ({ agentId, online: true, load: 0, capacity: null, ...over });

/** Plays `n` assignments, adding one to the chosen agent's load each time, like ingest does. */
function play(strategy: typeof roundRobin, agents: AgentSlot[], n: number, last: number | null = null): Array<number | null> {
  const picks: Array<number | null> = [];
  for (let i = 0; i < n; i++) {
    const chosen = strategy.pick(agents, last);
    picks.push(chosen);
    if (chosen === null) continue;
    agents.find((a) => a.agentId === chosen)!.load++;
    last = chosen;
  }
  return picks;
}

describe('assignment strategies', () => {
  it('manual leaves every ticket in the shared queue', () => {
    expect(manual.pick([slot(1)], null)).to.equal(null);
  });

  describe('round robin', () => {
    it('takes turns in id order, continuing after the last agent who got a ticket', () => {
      expect(play(roundRobin, [slot(3), slot(1), slot(2)], 7)).to.deep.equal([1, 2, 3, 1, 2, 3, 1]);
      expect(play(roundRobin, [slot(1), slot(2), slot(3)], 3, 2)).to.deep.equal([3, 1, 2]);
    });

    it('skips offline agents and continues the rotation when the cursor agent left', () => {
      expect(play(roundRobin, [slot(1), slot(2, { online: false }), slot(3)], 4)).to.deep.equal([1, 3, 1, 3]);
      expect(roundRobin.pick([slot(1), slot(3)], 2), 'cursor on an agent no longer listed').to.equal(3);
    });

    it('skips agents at capacity and answers null when nobody has room', () => {
      expect(play(roundRobin, [slot(1, { capacity: 1 }), slot(2, { capacity: 2 })], 4)).to.deep.equal([1, 2, 2, null]);
      expect(roundRobin.pick([], null)).to.equal(null);
    });
  });

  describe('least loaded', () => {
    it('gives the ticket to the agent with the fewest running tickets', () => {
      expect(leastLoaded.pick([slot(1, { load: 4 }), slot(2, { load: 1 }), slot(3, { load: 2 })], null)).to.equal(2);
    });

    it('rotates among equally loaded agents instead of always choosing the lowest id', () => {
      expect(play(leastLoaded, [slot(1), slot(2), slot(3)], 6)).to.deep.equal([1, 2, 3, 1, 2, 3]);
    });

    it('respects each agent\'s capacity and skips offline agents', () => {
      const agents = [slot(1, { capacity: 2 }), slot(2, { capacity: 3 }), slot(3, { online: false })];
      const picks = play(leastLoaded, agents, 7);
      expect(picks.filter((p) => p === 1)).to.have.length(2);
      expect(picks.filter((p) => p === 2)).to.have.length(3);
      expect(picks).to.not.include(3);
      expect(picks.slice(5)).to.deep.equal([null, null]);
    });

    it('treats capacity 0 as "takes no tickets"', () => {
      expect(leastLoaded.pick([slot(1, { capacity: 0 })], null)).to.equal(null);
    });
  });
});
