import { expect } from 'chai';
import { loadConfig } from '../../server/config.js';
import { ConfigError } from '../../server/errors.js';
import { alertEmail } from '../../server/notify/alert-email.js';
import type { NotificationPayload } from '../../server/notify/notification.js';
import { alertBlocks } from '../../server/notify/slack/slack-blocks.js';
import { DEFAULT_DIGEST_SCHEDULE, digestEmail, digestPeriod, digestSlackText, latestDigestTime, parseDigestSchedule, type DigestInput } from '../../server/suggestions/digest.js';

const input = (over: Partial<DigestInput> = {}): DigestInput => ({
  departmentName: '会员服务部', contact: { name: 'Wang Fang', locale: 'en' },
  period: { from: '2027-02-22T01:00:00.000Z', to: '2027-03-01T01:00:00.000Z' },
  counts: { new: 5, decided: { adopted: 2, planned: 1, declined: 1 }, awaiting: 4, overdue: 2 },
  overdue: [{ number: 'MD-000007', subject: '建议 <b>延长</b> 营业时间', dueAt: '2027-02-25T03:00:00.000Z' }, { number: 'MD-000009', subject: 'More parking', dueAt: null }],
  queueUrl: 'https://desk.example/#/suggestions', ...over,
});

describe('suggestion digest', () => {
  it('parses the schedule setting: weekday, local time, optional zone; off', () => {
    expect(parseDigestSchedule('mon 09:00')).to.deep.equal(DEFAULT_DIGEST_SCHEDULE);
    expect(parseDigestSchedule('fri 17:30 Europe/London')).to.deep.equal({ weekday: 'fri', hour: 17, minute: 30, timezone: 'Europe/London' });
    expect(parseDigestSchedule('off')).to.equal(null);
    for (const bad of ['monday 09:00', 'mon 9:00', 'mon 24:00', 'mon 09:60', 'mon 09:00 Mars/Base', '']) expect(parseDigestSchedule(bad), bad).to.equal(undefined);
  });

  it('reads MEMBERDESK_SUGGESTION_DIGEST at start: default Monday 09:00 Shanghai, off, or refused', () => {
    expect(loadConfig({}).suggestionDigest).to.deep.equal(DEFAULT_DIGEST_SCHEDULE);
    expect(loadConfig({ MEMBERDESK_SUGGESTION_DIGEST: 'fri 17:30 Europe/London' }).suggestionDigest).to.deep.equal({ weekday: 'fri', hour: 17, minute: 30, timezone: 'Europe/London' });
    expect(loadConfig({ MEMBERDESK_SUGGESTION_DIGEST: 'off' }).suggestionDigest).to.equal(null);
    expect(() => loadConfig({ MEMBERDESK_SUGGESTION_DIGEST: 'monday 9am' })).to.throw(ConfigError, /MEMBERDESK_SUGGESTION_DIGEST/);
    expect(() => loadConfig({ MEMBERDESK_SUGGESTION_DIGEST: 'mon 09:00 Mars/Base' })).to.throw(ConfigError, /unknown time zone/);
  });

  it('finds the latest scheduled time at or before now, in the schedule\'s zone', () => {
    const s = DEFAULT_DIGEST_SCHEDULE; // Monday 09:00 Asia/Shanghai = Monday 01:00 UTC
    const at = (iso: string) => new Date(latestDigestTime(s, Date.parse(iso))).toISOString();
    expect(at('2027-03-01T01:00:00.000Z')).to.equal('2027-03-01T01:00:00.000Z');
    expect(at('2027-03-01T00:59:59.999Z')).to.equal('2027-02-22T01:00:00.000Z');
    expect(at('2027-03-07T20:00:00.000Z')).to.equal('2027-03-01T01:00:00.000Z'); // Monday 04:00 in Shanghai already
    expect(at('2027-02-28T16:30:00.000Z')).to.equal('2027-02-22T01:00:00.000Z'); // Monday 00:30 in Shanghai
    // Across a DST change: Monday 09:00 in London is 08:00 UTC after the clocks go forward (2027-03-28).
    const london = { ...s, timezone: 'Europe/London' };
    expect(new Date(latestDigestTime(london, Date.parse('2027-03-29T12:00:00Z'))).toISOString()).to.equal('2027-03-29T08:00:00.000Z');
    expect(new Date(latestDigestTime(london, Date.parse('2027-03-24T12:00:00Z'))).toISOString()).to.equal('2027-03-22T09:00:00.000Z');
    expect(digestPeriod(DEFAULT_DIGEST_SCHEDULE, Date.parse('2027-03-01T01:00:00.000Z'))).to.deep.equal({ from: new Date('2027-02-22T01:00:00.000Z'), to: new Date('2027-03-01T01:00:00.000Z') });
    // London's week across the clock change (28 March 2027): Monday 09:00 local to Monday 09:00 local, 167 hours.
    expect(digestPeriod(london, Date.parse('2027-03-29T08:00:00.000Z'))).to.deep.equal({ from: new Date('2027-03-22T09:00:00.000Z'), to: new Date('2027-03-29T08:00:00.000Z') });
  });

  it('composes the email: counts, overdue list, link; the contact\'s language first; HTML escaped', () => {
    const mail = digestEmail(input());
    expect(mail.subject).to.equal('Suggestions this week: 会员服务部: 5 new, 4 decided, 2 overdue / 本周会员建议：会员服务部：新 5，已决定 4，超期 2');
    expect(mail.text).to.contain('Hello Wang Fang, here are 会员服务部\'s member suggestions for the week 2027-02-22 – 2027-03-01 (UTC dates).');
    expect(mail.text.indexOf('Hello Wang Fang')).to.be.lessThan(mail.text.indexOf('Wang Fang，您好'));
    for (const line of ['New suggestions / 新建议: 5', 'Decided / 已决定: 4', '  adopted / 采纳: 2', '  planned / 计划中: 1', '  declined / 暂不采纳: 1',
      'Awaiting a decision / 待决定: 4', 'Overdue / 已超期: 2', '- MD-000007  建议 <b>延长</b> 营业时间  (2027-02-25 03:00 UTC)', '- MD-000009  More parking',
      'Open the suggestions queue / 打开建议评估队列: https://desk.example/#/suggestions']) {
      expect(mail.text, line).to.contain(line);
    }
    expect(mail.html).to.contain('建议 &#60;b&#62;延长&#60;/b&#62; 营业时间').and.not.contain('<b>延长');
    const zh = digestEmail(input({ contact: { name: '王芳', locale: 'zh-CN' }, overdue: [] }));
    expect(zh.subject.startsWith('本周会员建议')).to.equal(true);
    expect(zh.text).to.contain('新建议 / New suggestions: 5').and.not.contain('Overdue suggestions');
  });

  it('lists at most 20 overdue suggestions and says how many more', () => {
    const many = Array.from({ length: 23 }, (_, i) => ({ number: `MD-${String(i).padStart(6, '0')}`, subject: `s${i}`, dueAt: null }));
    const mail = digestEmail(input({ overdue: many }));
    expect(mail.text).to.contain('MD-000019').and.not.contain('MD-000020');
    expect(mail.text).to.contain('… and 3 more / …… 另有 3 条');
  });

  it('travels as a staff notification: the email and the Slack line (no buttons) render the digest', () => {
    const payload: NotificationPayload = {
      kind: 'suggestion.digest', alertId: 0, ticketId: 0, ticketNumber: '', subject: '', departmentName: '会员服务部', priority: 'normal', metric: null, level: 1, dueAt: null,
      contact: { agentId: 1, name: 'Wang Fang', slackUserId: null, locale: 'en' }, ticketUrl: 'https://desk.example/#/suggestions', digest: input(),
    };
    expect(alertEmail(payload)).to.deep.equal(digestEmail(input()));
    const slack = alertBlocks(payload);
    expect(slack.text).to.equal(digestSlackText(input()));
    expect(slack.text).to.contain('new 新 5, decided 已决定 4 (adopted 采纳 2, planned 计划 1, declined 暂不采纳 1), awaiting 待决定 4, overdue 超期 2');
    expect(JSON.stringify(slack.blocks)).to.not.contain('button');
  });
});
