import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ChannelRegistry, type ChannelAdapter, type OutboundMessage } from '../../channels/channel.js';
import { FollowUp, Survey, Ticket } from '../../server/db/entities/index.js';
import { launchBrowser, signInToConsole } from '../helpers/browser.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { inbound, startWorld, TEST_PASSWORD, type TestWorld } from '../helpers/harness.js';

/**
 * The managers' dashboard, the follow-ups page, the ticket's survey panel and the member's survey page
 * in Debian's Chromium, against a real server: tickets are created, answered and solved through the API,
 * the survey worker sends the survey, a member answers it on a phone-sized page (a low rating), the
 * follow-up it opens is done from the console. Writes docs/screenshots/{reports,follow-ups,survey}.png.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'docs/screenshots');
const TZ = 'Asia/Shanghai';
const MINUTE = 60_000;

/** The server's clock, shifted into the past while the week's history is written, then back to now. */
const shift = { ms: 0 };
const clock = { now: () => new Date(Date.now() + shift.ms) };

/** An instant `daysAgo` days before today in Shanghai (UTC+8, no DST), at a wall time there. */
function shanghai(daysAgo: number, hour: number, minute: number): number {
  const today = new Date(Date.now() + 8 * 3_600_000);
  return Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - daysAgo, hour - 8, minute);
}

/** The past week: when each ticket came in, how long until the first reply and the solve (minutes), and the rating a call recorded. */
const HISTORY: Array<{ day: number; at: [number, number]; channel: 'email' | 'webchat'; subject: string; text: string; reply: number; solve: number | null; rating: number | null }> = [
  { day: 6, at: [9, 30], channel: 'email', subject: '会员卡年费被重复扣款', text: '这个月的会员年费扣了两次。', reply: 35, solve: 300, rating: 4 },
  { day: 6, at: [14, 10], channel: 'webchat', subject: '积分兑换的商品什么时候发货', text: '上周兑换的保温杯还没发货。', reply: 8, solve: 60, rating: 5 },
  { day: 5, at: [10, 5], channel: 'email', subject: '生日礼券没有收到', text: '生日当月没有收到礼券。', reply: 50, solve: 600, rating: 3 },
  { day: 5, at: [16, 40], channel: 'email', subject: 'Parking voucher not applied', text: 'My parking voucher was not applied at the exit.', reply: 20, solve: 180, rating: 5 },
  { day: 4, at: [11, 0], channel: 'webchat', subject: '门店营业时间', text: '春节期间门店几点关门？', reply: 5, solve: 30, rating: 5 },
  { day: 4, at: [15, 20], channel: 'email', subject: '投诉：收银员态度恶劣', text: '我要投诉，收银员态度非常差，还对我大声嚷嚷。', reply: 300, solve: 2000, rating: 1 },
  { day: 3, at: [9, 45], channel: 'email', subject: '积分清零规则', text: '请问积分每年什么时候清零？', reply: 25, solve: 240, rating: 4 },
  { day: 2, at: [13, 30], channel: 'webchat', subject: '会员等级升级条件', text: '消费多少可以升级到金卡？', reply: 12, solve: 90, rating: null },
  { day: 2, at: [17, 0], channel: 'email', subject: '建议：增加线上预约', text: '建议增加线上预约美容服务。', reply: 90, solve: null, rating: null },
  { day: 1, at: [10, 20], channel: 'email', subject: '退货退款进度', text: '退货三天了，退款还没到。', reply: 40, solve: 720, rating: 4 },
  { day: 1, at: [15, 0], channel: 'webchat', subject: '停车券怎么领取', text: '停车券在哪里领？', reply: 6, solve: null, rating: null },
];

/** The member's mailbox: an email channel that records what it sends (replies and the survey email). */
class MailRecorder implements ChannelAdapter {
  readonly kind = 'email' as const;
  readonly sent: OutboundMessage[] = [];
  describe() {
    return { kind: 'email' as const, name: { en: 'Email (test)', 'zh-CN': '邮件（测试）' }, sendsText: true, settings: [] };
  }
  async send(message: OutboundMessage) {
    this.sent.push(message);
    return { providerId: `mail-${message.deliveryId}` };
  }
}

describe('browser: reports, follow-ups and surveys (Chromium)', function () {
  this.timeout(120_000);
  let w: TestWorld;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let created = 0;
  let historyCreated = 0;
  let historySolved = 0;
  /** The email ticket whose survey the member answers through the link, and that survey's link token. */
  let emailTicket: { id: number; number: string };
  let surveyToken: string;
  /** A phone-only member's ticket: its survey waits for an agent to record the answer from a call. */
  let phoneTicketId: number;
  /** A solved WeChat ticket: an agent schedules a follow-up on it by hand from the survey panel. */
  let wechatTicketId: number;
  const mailbox = new MailRecorder();
  let manualFollowUp: number;

  const newContext = async (viewport = { width: 1366, height: 900 }) => {
    const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: TZ, acceptDownloads: true });
    contexts.push(ctx);
    return ctx;
  };

  const signIn = async (email: string): Promise<Page> => {
    return signInToConsole(await newContext(), w.baseUrl, email, TEST_PASSWORD);
  };

  const solve = async (ticketId: number) => {
    const res = await w.api('POST', `/api/tickets/${ticketId}/status`, { token: w.agentA.token, body: { status: 'solved' } });
    expect(res.status, JSON.stringify(res.body)).to.be.within(200, 204);
  };
  const reply = async (ticketId: number, text: string) => {
    const res = await w.api('POST', `/api/tickets/${ticketId}/messages`, { token: w.agentA.token, body: { text, visibility: 'public' } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  };
  const sentSurvey = (ticketId: number) => expectEventually(async () => {
    const [s] = await w.services.db.read((m) => m.find(Survey, { where: { ticketId }, order: { id: 'DESC' } }));
    expect(s?.status).to.equal('sent');
    return s!;
  }, 10_000);

  before(async function () {
    if (!existsSync(path.join(ROOT, 'web/dist/index.html')) || !existsSync(path.join(ROOT, 'web/dist/survey.html'))) {
      throw new Error('web/dist is not built: run `npm run build:web` (npm test and npm install do)');
    }
    browser = await launchBrowser();
    w = await startWorld(ENGINES[0]!, { realtime: true, clock, channels: new ChannelRegistry().register(mailbox) });
    await w.api('POST', '/api/sla-policies', { token: w.admin.token, body: { name: 'Standard', firstResponseMinutes: 240, resolutionMinutes: 2880 } });

    // The past week, written at its own times: replies, solves, surveys sent and answered on a call.
    for (const [i, h] of HISTORY.entries()) {
      const start = shanghai(h.day, ...h.at);
      const go = (minutes: number) => { shift.ms = start + minutes * MINUTE - Date.now(); };
      go(0);
      const from = h.channel === 'email'
        ? { kind: 'email' as const, value: `history${i}@example.com`, name: `会员${i}` }
        : { kind: 'webchat' as const, value: `visitor-history-${i}`, name: `访客${i}` };
      const { ticketId } = await w.services.tickets.ingest(inbound({ channel: h.channel, from, subject: h.subject, text: h.text, departmentId: w.deptA, receivedAt: clock.now() }));
      go(h.reply);
      await reply(ticketId, '您好，已收到，正在为您处理。');
      if (h.solve === null) continue;
      go(h.solve);
      await solve(ticketId);
      if (h.rating === null) continue;
      const survey = await sentSurvey(ticketId);
      go(h.solve + 90);
      const res = await w.api('POST', `/api/tickets/${ticketId}/surveys/${survey.id}/answer`, { token: w.agentA.token, body: { rating: h.rating } });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    }
    shift.ms = 0;
    historyCreated = HISTORY.length;
    historySolved = HISTORY.filter((h) => h.solve !== null).length;

    // A small period's worth of work in department A: several channels, some answered, some solved.
    const backlog = [
      { channel: 'email' as const, from: { kind: 'email' as const, value: 'chen.jie@example.com', name: '陈杰' }, subject: '会员卡年费被重复扣款', text: '你好，我的会员卡年费这个月被扣了两次，请尽快退回多扣的 298 元。' },
      { channel: 'wechat' as const, from: { kind: 'wechat' as const, value: 'wxid_demo_zhao', name: '赵敏' }, subject: undefined, text: '门店的停车券怎么领取？' },
      { channel: 'email' as const, from: { kind: 'email' as const, value: 'amy.wong@example.com', name: 'Amy Wong' }, subject: 'Suggestion: online booking for the spa', text: 'It would be great if members could book spa slots online instead of calling.' },
    ];
    const ids: number[] = [];
    for (const b of backlog) ids.push((await w.services.tickets.ingest(inbound({ ...b, departmentId: w.deptA }))).ticketId);
    await solve(ids[1]!);
    wechatTicketId = ids[1]!;
    await reply(ids[0]!, '您好，已核实重复扣款，298 元将在 3 个工作日内退回。');
    await reply(ids[2]!, 'Thank you, we have passed this on to the spa team.');

    const mail = await w.services.tickets.ingest(inbound({
      channel: 'email', from: { kind: 'email', value: 'liu.yang@example.com', name: '刘洋' }, subject: '积分没有到账', text: '上个月消费的积分到现在还没有到账。', departmentId: w.deptA,
    }));
    await reply(mail.ticketId, '已为您补发积分，请查收。');
    await solve(mail.ticketId);
    const phone = await w.services.tickets.ingest(inbound({
      channel: 'phone', from: { kind: 'phone', value: '+86 138 0013 9000', name: '孙丽' }, subject: undefined, text: '询问会员日活动时间', departmentId: w.deptA,
    }));
    await solve(phone.ticketId);
    phoneTicketId = phone.ticketId;
    created = historyCreated + ids.length + 2;

    // The survey worker sends the email survey at once: the member's email carries the link.
    await sentSurvey(mail.ticketId);
    const ticket = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: mail.ticketId }));
    emailTicket = { id: mail.ticketId, number: ticket.number ?? '' };
    surveyToken = await expectEventually(() => {
      const link = mailbox.sent.filter((m) => m.ticketId === mail.ticketId).map((m) => /\/survey\/([A-Za-z0-9._-]+)/.exec(m.text)?.[1]).find(Boolean);
      expect(link, 'survey link in the email').to.match(/^\d+\./);
      return link!;
    }, 10_000);
    await sentSurvey(phone.ticketId);

    // A follow-up an agent asked for by hand, already overdue (written as the follow-up service stores one).
    const now = Date.now();
    manualFollowUp = await w.services.db.tx(async (m) => (await m.save(m.create(FollowUp, {
      ticketId: ids[0]!, departmentId: w.deptA, assigneeId: w.agentA.agentId, reason: 'manual', surveyId: null, status: 'open', channel: 'call',
      script: '致电确认退款是否到账', dueAt: new Date(now - 2 * 3_600_000), attempts: 0, outcome: null, note: null, createdBy: w.supervisorA.agentId,
      createdAt: new Date(now - 26 * 3_600_000), doneAt: null, doneBy: null,
    }))).id);
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await w?.stop();
  });

  it('the dashboard shows the period\'s figures, charts and breakdown, and exports CSV', async () => {
    const page = await signIn('supervisor.a@test.memberdesk');
    await page.getByTestId('nav-reports').click();
    await page.getByTestId('reports').waitFor();
    await page.getByTestId('report-period').selectOption('last7');
    await page.locator(`[data-testid="kpi-created"][data-value="${created}"]`).waitFor();
    expect(Number(await page.getByTestId('kpi-solved').getAttribute('data-value'))).to.equal(historySolved + 3);
    expect(Number(await page.getByTestId('kpi-backlog').getAttribute('data-value'))).to.equal(created - historySolved - 3);
    // Every day of the week has its bar; the week's ratings make a CSAT line.
    expect(await page.locator('[data-testid="chart-volume"] svg rect.chart__bar').count()).to.be.greaterThan(6);
    await page.locator('[data-testid="chart-csat"] svg path.chart__line').waitFor();
    // Medians in working minutes are shown as hours and minutes; nothing measured is "—", never NaN.
    expect(await page.getByTestId('report-summary').innerText()).not.to.match(/NaN|undefined/);
    await page.locator('[data-testid="chart-volume"] svg rect.chart__bar').first().waitFor();
    expect(await page.locator('[data-testid="chart-volume"] svg title').count()).to.be.greaterThan(1);

    // The breakdown: one row for department A, sortable.
    await page.getByTestId('breakdown-by').selectOption('channel');
    await page.locator('[data-testid="breakdown-table"][data-by="channel"]').waitFor();
    const channels = await page.locator('[data-testid="breakdown-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    expect(channels).to.include.members(['email', 'webchat', 'wechat', 'phone']);
    await page.getByTestId('sort-created').click();
    await page.locator('[data-testid="breakdown-table"] th[aria-sort="ascending"]').waitFor();

    // CSV: fetched with the bearer header, saved from a blob.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-summary').click()]);
    expect(download.suggestedFilename()).to.match(/\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv).to.match(/created/i);
    const [breakdownCsv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-breakdown').click()]);
    expect(breakdownCsv.suggestedFilename()).to.match(/breakdown.*\.csv$/);

    await page.getByTestId('breakdown-by').selectOption('department');
    await page.locator('[data-testid="breakdown-table"][data-by="department"]').waitFor();
    // The dashboard scrolls inside the console: a viewport tall enough for all of it, scrolled to the top.
    await page.setViewportSize({ width: 1366, height: 1480 });
    await page.getByTestId('reports').evaluate((el) => el.closest('.page')?.scrollTo(0, 0));
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(SHOTS, 'reports.png') });

    // A period without tickets says so.
    await page.getByTestId('report-period').selectOption('custom');
    await page.getByTestId('report-from').fill('2020-01-01');
    await page.getByTestId('report-to').fill('2020-01-31');
    await page.locator('[data-testid="report-summary"] [data-testid="report-empty"]').waitFor();
  });

  it('the member\'s survey page: a low rating through the link, then the link is used; a tampered link gets a clear page', async () => {
    const ctx = await newContext({ width: 390, height: 844 });
    const member = await ctx.newPage();
    // No connection at first: a page that says so and retries.
    await ctx.route('**/api/surveys/link/**', (route) => route.abort());
    await member.goto(`${w.baseUrl}/survey/${surveyToken}`);
    await member.locator('[data-testid="survey-error"][data-code="NETWORK"]').waitFor();
    await ctx.unroute('**/api/surveys/link/**');
    await member.getByTestId('survey-retry').click();
    await member.getByTestId('survey-question').waitFor();
    expect(await member.getByTestId('survey-question').innerText()).to.contain(emailTicket.number);
    // The member's own language choice (the survey's language is Chinese).
    expect(await member.locator('html').getAttribute('lang')).to.equal('zh-CN');
    await member.locator('[data-testid="survey-lang"] [data-locale="en"]').click();
    expect(await member.locator('html').getAttribute('lang')).to.equal('en');
    expect(await member.getByTestId('survey-submit').innerText()).to.equal('Send rating');
    await member.locator('[data-testid="survey-lang"] [data-locale="zh-Hans"]').click();
    await member.getByTestId('survey-star-2').check();
    await member.getByTestId('survey-comment').fill('积分是补上了，但是等了两周，希望以后快一点。');
    await member.screenshot({ path: path.join(SHOTS, 'survey.png'), fullPage: true });
    await member.getByTestId('survey-submit').click();
    await member.getByTestId('survey-thanks').waitFor();

    // The same link again: already answered, with the earlier rating.
    await member.reload();
    await member.locator('[data-testid="survey-error"][data-code="SURVEY_ANSWERED"]').waitFor();
    expect(await member.locator('[data-testid="survey-error"] [data-rating]').getAttribute('data-rating')).to.equal('2');

    // A tampered token (its MAC no longer matches): the invalid-link page, no stack trace.
    const tampered = `${surveyToken.slice(0, -4)}${surveyToken.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    await member.goto(`${w.baseUrl}/survey/${tampered}`);
    await member.locator('[data-testid="survey-error"][data-code="SURVEY_LINK_INVALID"]').waitFor();
    expect(await member.locator('body').innerText()).not.to.match(/Error:|at .*\(|stack/i);

    // The answer is the ticket's: a low rating opened a follow-up.
    await expectEventually(async () => {
      const f = await w.services.db.read((m) => m.find(FollowUp, { where: { ticketId: emailTicket.id } }));
      expect(f.map((x) => [x.reason, x.status])).to.deep.equal([['low_rating', 'open']]);
    });
  });

  it('the follow-ups page lists the open follow-ups, and marking one done removes it from the open list', async () => {
    const page = await signIn('agent.a@test.memberdesk');
    await page.getByTestId('nav-follow-ups').click();
    await page.getByTestId('follow-ups').waitFor();
    const row = page.locator('[data-testid="follow-up-row"]', { hasText: emailTicket.number });
    await row.waitFor();
    expect(await row.locator('[data-testid="rating-stars"]').getAttribute('data-rating')).to.equal('2');
    const manual = page.locator(`[data-testid="follow-up-row"][data-follow-up-id="${manualFollowUp}"]`);
    expect(await manual.getByTestId('follow-up-due').getAttribute('data-overdue')).to.equal('true');
    await page.screenshot({ path: path.join(SHOTS, 'follow-ups.png'), fullPage: true });

    await row.getByTestId('follow-up-mark-done').click();
    const dialog = page.getByTestId('follow-up-done-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('outcome-satisfied').check();
    await dialog.getByTestId('follow-up-note').fill('电话回访：会员表示理解，已致歉并赠送 200 积分。');
    await dialog.getByTestId('follow-up-done-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });
    await manual.waitFor();
    const [stored] = await w.services.db.read((m) => m.find(FollowUp, { where: { ticketId: emailTicket.id } }));
    expect([stored?.status, stored?.outcome, stored?.doneBy]).to.deep.equal(['done', 'satisfied', w.agentA.agentId]);

    // Done shows under "done", with its outcome; the subject opens the ticket.
    await page.getByTestId('follow-ups-status-done').click();
    await page.locator('[data-testid="follow-up-row"][data-status="done"]', { hasText: emailTicket.number }).getByTestId('follow-up-outcome').waitFor();
    await page.locator('[data-testid="follow-up-row"]', { hasText: emailTicket.number }).getByTestId('follow-up-open').click();
    await page.locator(`[data-testid="ticket-view"][data-ticket-id="${emailTicket.id}"]`).waitFor();
    const panel = page.getByTestId('survey-panel');
    await panel.locator('[data-testid="survey-item"][data-status="answered"] [data-rating="2"]').waitFor();
    await panel.locator('[data-testid="ticket-follow-up"][data-status="done"]').waitFor();
  });

  it('the ticket\'s survey panel records an answer given on a call', async () => {
    const page = await signIn('agent.a@test.memberdesk');
    await page.goto(`${w.baseUrl}/#/tickets/${phoneTicketId}`);
    const panel = page.locator(`[data-testid="ticket-view"][data-ticket-id="${phoneTicketId}"] [data-testid="survey-panel"]`);
    await panel.locator('[data-testid="survey-item"][data-status="sent"]').waitFor();
    await panel.getByTestId('survey-record').click();
    const dialog = page.getByTestId('survey-record-dialog');
    await dialog.getByTestId('survey-rating-5').check();
    await dialog.getByTestId('survey-record-comment').fill('很满意，解答得很清楚。');
    await dialog.getByTestId('survey-record-confirm').click();
    await panel.locator('[data-testid="survey-item"][data-status="answered"] [data-rating="5"]').waitFor();
    expect(await panel.innerText()).to.contain('很满意');
  });

  it('an agent schedules a follow-up from the ticket\'s survey panel: it shows there and in GET /api/follow-ups', async () => {
    const page = await signIn('agent.a@test.memberdesk');
    await page.goto(`${w.baseUrl}/#/tickets/${wechatTicketId}`);
    const panel = page.locator(`[data-testid="ticket-view"][data-ticket-id="${wechatTicketId}"] [data-testid="survey-panel"]`);
    await panel.getByTestId('schedule-follow-up').click();
    const dialog = page.getByTestId('schedule-follow-up-dialog');
    await dialog.waitFor();
    // Shanghai wall time as a datetime-local value (the browser runs in Asia/Shanghai).
    const local = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);
    // Defaults: tomorrow at 10:00 local, the ticket's own channel (WeChat), 3 attempts.
    expect(await dialog.getByTestId('schedule-follow-up-due').inputValue()).to.equal(local(shanghai(-1, 10, 0)));
    expect(await dialog.getByTestId('schedule-follow-up-channel').inputValue()).to.equal('wechat');
    expect(await dialog.getByTestId('schedule-follow-up-attempts').inputValue()).to.equal('3');

    const due = shanghai(-2, 15, 30);
    await dialog.getByTestId('schedule-follow-up-due').fill(local(due));
    await dialog.getByTestId('schedule-follow-up-channel').selectOption('call');
    await dialog.getByTestId('schedule-follow-up-script').fill('致电确认停车券是否已领取');
    await dialog.getByTestId('schedule-follow-up-assignee').selectOption(String(w.agentA.agentId));
    await dialog.getByTestId('schedule-follow-up-attempts').fill('5');
    await dialog.getByTestId('schedule-follow-up-confirm').click();
    await dialog.waitFor({ state: 'detached' });

    // The panel re-reads the ticket's follow-ups: the new one is there, open, by hand.
    const item = panel.locator('[data-testid="ticket-follow-up"][data-status="open"]');
    await item.waitFor();
    expect(await item.innerText()).to.contain('手动创建');

    const res = await w.api('GET', '/api/follow-ups?status=open', { token: w.agentA.token });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const mine = (res.body as { items: Array<{ ticketId: number; reason: string; channel: string | null; dueAt: string; script: string | null; assigneeId: number | null; maxAttempts: number }> })
      .items.filter((f) => f.ticketId === wechatTicketId);
    expect(mine.map((f) => [f.reason, f.channel, f.dueAt, f.script, f.assigneeId, f.maxAttempts])).to.deep.equal([
      ['manual', 'call', new Date(due).toISOString(), '致电确认停车券是否已领取', w.agentA.agentId, 5],
    ]);
  });
});
