import { expect } from 'chai';
import { agentRoom, changeNotices, ticketAudience } from '../../server/realtime/audience.js';
import { DEFAULT_FOLLOW_UP_RULES, followUpAssignee, matchingRules, ruleMatches, type FollowUpRuleSpec } from '../../server/follow-ups/follow-up-rules.js';

const subject = { type: 'complaint', tier: 'gold', category: 'service', departmentId: 3, channel: 'email' };
const rule = (over: Partial<FollowUpRuleSpec>): FollowUpRuleSpec => ({
  id: 1, name: 'r', active: true, position: 1, trigger: 'solved', conditions: {}, delayDays: 7, channel: 'call', script: null, assignTo: 'assignee', maxAttempts: 3, ...over,
});

describe('follow-up rules', () => {
  it('matches when every given condition matches; absent or empty lists match anything', () => {
    expect(ruleMatches({}, subject)).to.equal(true);
    expect(ruleMatches({ types: [], tiers: [] }, subject)).to.equal(true);
    expect(ruleMatches({ types: ['complaint'], tiers: ['gold', 'diamond'] }, subject)).to.equal(true);
    expect(ruleMatches({ types: ['complaint'], tiers: ['gold', 'diamond'] }, { ...subject, tier: 'silver' })).to.equal(false);
    expect(ruleMatches({ types: ['complaint'] }, { ...subject, type: 'enquiry' })).to.equal(false);
    expect(ruleMatches({ categories: ['service'] }, subject)).to.equal(true);
    expect(ruleMatches({ categories: ['service'] }, { ...subject, category: null })).to.equal(false);
    expect(ruleMatches({ departmentIds: [3, 4] }, subject)).to.equal(true);
    expect(ruleMatches({ departmentIds: [4] }, subject)).to.equal(false);
    expect(ruleMatches({ channels: ['wechat'] }, subject)).to.equal(false);
  });

  it('keeps active rules of the trigger, in position order', () => {
    const rules = [
      rule({ id: 1, position: 3 }),
      rule({ id: 2, position: 1 }),
      rule({ id: 3, position: 2, active: false }),
      rule({ id: 4, position: 0, trigger: 'low_rating' }),
      rule({ id: 5, position: 2, conditions: { tiers: ['diamond'] } }),
    ];
    expect(matchingRules(rules, 'solved', subject).map((r) => r.id)).to.deep.equal([2, 1]);
    expect(matchingRules(rules, 'low_rating', subject).map((r) => r.id)).to.deep.equal([4]);
    expect(matchingRules(rules, 'solved', { ...subject, tier: 'diamond' }).map((r) => r.id)).to.deep.equal([2, 5, 1]);
  });

  it('the default rules: a gold or diamond complaint is called back, a silver one is not; every low rating is', () => {
    const defaults = DEFAULT_FOLLOW_UP_RULES.map((r, i) => ({ ...r, id: i + 1, position: i + 1 }));
    expect(matchingRules(defaults, 'solved', subject).map((r) => r.name)).to.deep.equal(['Gold/diamond complaint: call 7 working days after solve']);
    expect(matchingRules(defaults, 'solved', { ...subject, tier: 'diamond' })).to.have.length(1);
    expect(matchingRules(defaults, 'solved', { ...subject, tier: 'silver' })).to.deep.equal([]);
    expect(matchingRules(defaults, 'solved', { ...subject, type: 'suggestion' })).to.deep.equal([]);
    expect(matchingRules(defaults, 'low_rating', { ...subject, tier: 'standard' }).map((r) => r.delayDays)).to.deep.equal([0]);
  });

  it('assigns to the ticket\'s active assignee only when the rule says so', () => {
    expect(followUpAssignee({ assignTo: 'assignee' }, { id: 7, active: true })).to.equal(7);
    expect(followUpAssignee({ assignTo: 'assignee' }, { id: 7, active: false })).to.equal(null);
    expect(followUpAssignee({ assignTo: 'assignee' }, null)).to.equal(null);
    expect(followUpAssignee({ assignTo: 'department' }, { id: 7, active: true })).to.equal(null);
  });

  it('a follow-up falling due is announced to its assignee, else to the ticket\'s department audience', () => {
    const ticket = { id: 7, number: 'MD-000007', subject: 's', priority: 'normal' as const, departmentId: 3, assigneeId: 5, homeStore: 'SH-001' };
    const at = new Date('2026-06-16T02:00:00Z');
    const due = (assigneeId: number | null) => changeNotices({ ticketId: 7, actor: { type: 'system', id: null }, events: [{ type: 'followup.due', data: { followUpId: 11, assigneeId, departmentId: 3, dueAt: at.toISOString(), attempts: 0 } }] }, ticket, at);
    const base = { ticketId: 7, number: 'MD-000007', subject: 's', priority: 'normal', departmentId: 3, at: at.toISOString() };
    expect(due(9)).to.deep.equal([{ rooms: [agentRoom(9)], notice: { kind: 'follow_up_due', ...base, followUpId: 11 } }]);
    expect(due(null)).to.deep.equal([{ rooms: ticketAudience(ticket), notice: { kind: 'follow_up_due', ...base, followUpId: 11 } }]);
  });
});
