import { expect } from 'chai';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, signInToConsole } from '../helpers/browser.js';
import { ENGINES } from '../helpers/engines.js';
import { inbound, startWorld, TEST_PASSWORD, type TestWorld } from '../helpers/harness.js';

/**
 * The console and the chat widget in Debian's Chromium, against a real server: a member writes from
 * the widget on a member site, the ticket appears in the agent's queue without a reload, a second
 * agent opening it is shown as viewing and typing, the agent's reply appears in the widget. The run
 * writes the screenshots the README shows (docs/screenshots/).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'docs/screenshots');

describe('browser: agent console and chat widget (Chromium)', function () {
  this.timeout(120_000);
  let w: TestWorld;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const signIn = async (email: string, viewport = { width: 1366, height: 768 }): Promise<Page> => {
    const ctx = await browser.newContext({ viewport, locale: 'zh-CN' });
    contexts.push(ctx);
    const page = await signInToConsole(ctx, w.baseUrl, email, TEST_PASSWORD);
    await page.locator('[data-testid="conn-status"][data-state="live"]').waitFor();
    return page;
  };

  before(async function () {
    if (!existsSync(path.join(ROOT, 'web/dist/index.html')) || !existsSync(path.join(ROOT, 'web/dist/widget.js'))) {
      throw new Error('web/dist is not built: run `npm run build:web` (npm test and npm install do)');
    }
    browser = await launchBrowser();
    w = await startWorld(ENGINES[0]!, { realtime: true });
    // A queue worth a screenshot: SLA clocks running, one of them urgent, several channels.
    const admin = { token: w.admin.token };
    await w.api('POST', '/api/sla-policies', { ...admin, body: { name: 'Standard', firstResponseMinutes: 240, resolutionMinutes: 2880 } });
    await w.api('POST', '/api/sla-policies', { ...admin, body: { name: 'Urgent', position: 1, conditions: { priorities: ['urgent'] }, firstResponseMinutes: 30 } });
    const backlog = [
      { channel: 'email' as const, from: { kind: 'email' as const, value: 'chen.jie@example.com', name: '陈杰' }, subject: '会员卡年费被重复扣款', text: '你好，我的会员卡年费这个月被扣了两次，请尽快退回多扣的 298 元。' },
      { channel: 'wechat' as const, from: { kind: 'wechat' as const, value: 'wxid_demo_zhao', name: '赵敏' }, subject: undefined, text: '门店的停车券怎么领取？' },
      { channel: 'email' as const, from: { kind: 'email' as const, value: 'amy.wong@example.com', name: 'Amy Wong' }, subject: 'Suggestion: online booking for the spa', text: 'It would be great if members could book spa slots online instead of calling.' },
    ];
    for (const b of backlog) await w.services.tickets.ingest(inbound({ ...b, departmentId: w.deptA }));
    const urgent = await w.services.tickets.ingest(inbound({ channel: 'phone', from: { kind: 'phone', value: '+86 138 0013 9000', name: '孙丽' }, subject: undefined, text: '孩子在门店游乐区摔伤了，需要马上处理', departmentId: w.deptA }));
    await w.api('POST', `/api/tickets/${urgent.ticketId}/priority`, { token: w.agentA.token, body: { priority: 'urgent' } });
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await w?.stop();
  });

  it('a widget message reaches the queue live, a colleague is seen viewing and typing, the reply reaches the widget', async () => {
    const agent = await signIn('agent.a@test.memberdesk');
    await agent.locator('[data-testid="countdown"]').first().waitFor();

    const memberCtx = await browser.newContext({ viewport: { width: 440, height: 760 }, locale: 'zh-CN' });
    contexts.push(memberCtx);
    const member = await memberCtx.newPage();
    await member.goto(`${w.baseUrl}/widget-demo.html`);
    await member.getByTestId('chat-launcher').click();
    await member.getByTestId('chat-prechat-name').fill('刘洋');
    await member.getByTestId('chat-prechat-start').click();
    await member.getByTestId('chat-input').fill('你好，我上个月的积分还没有到账，麻烦查一下。');
    await member.getByTestId('chat-send').click();
    await member.locator('[data-testid="chat-message"][data-author="member"]', { hasText: '积分还没有到账' }).waitFor();

    // No reload: the row arrives over the socket.
    const row = agent.locator('[data-testid="queue-item"]', { hasText: '积分' });
    await row.waitFor();
    const ticketId = Number(await row.getAttribute('data-ticket-id'));
    expect(ticketId).to.be.greaterThan(0);
    await row.click();
    const view = agent.locator(`[data-testid="ticket-view"][data-ticket-id="${ticketId}"]`);
    await view.waitFor();
    await view.locator('[data-testid="message"]', { hasText: '积分还没有到账' }).waitFor();

    // A colleague opens the same ticket and starts typing: the agent sees both.
    const colleague = await signIn('supervisor.a@test.memberdesk');
    await colleague.goto(`${w.baseUrl}/#/tickets/${ticketId}`);
    await colleague.locator(`[data-testid="ticket-view"][data-ticket-id="${ticketId}"]`).waitFor();
    await view.locator('[data-testid="viewers"] [aria-label="Supervisor A"]').waitFor();
    await colleague.getByTestId('reply-box').pressSequentially('我来看一下');
    await view.getByTestId('typing-indicator').waitFor();
    expect(await view.getByTestId('typing-indicator').innerText()).to.contain('Supervisor A');
    await colleague.getByTestId('reply-box').fill('');
    await colleague.getByTestId('reply-box').blur();

    await view.getByTestId('reply-box').fill('您好刘先生，已为您查询：积分将在今天 18:00 前补发到您的账户。');
    await view.getByTestId('reply-send').click();
    await member.locator('[data-testid="chat-message"][data-author="agent"]', { hasText: '积分将在今天' }).waitFor();
    await view.locator('[data-testid="message"][data-visibility="public"]', { hasText: '积分将在今天' }).waitFor();

    expect(await agent.getByTestId('presence-select').inputValue()).to.equal('online');
    await agent.screenshot({ path: path.join(SHOTS, 'console.png') });
    await member.screenshot({ path: path.join(SHOTS, 'widget.png') });
  });

  it('resynchronises after losing its socket: a ticket created meanwhile appears without a reload', async () => {
    const agent = await signIn('agent.a@test.memberdesk');
    const ctx = agent.context();
    // Cut the console off: every socket.io request fails, and the server drops its socket.
    await ctx.route('**/socket.io/**', (route) => route.abort());
    w.realtime!.io.of('/agents').disconnectSockets();
    await agent.locator('[data-testid="conn-status"][data-state="reconnecting"]').waitFor();
    const missed = await w.services.tickets.ingest(inbound({ channel: 'email', from: { kind: 'email', value: 'offline.window@example.com' }, subject: '断线期间的新工单', departmentId: w.deptA }));
    await ctx.unroute('**/socket.io/**');
    await agent.locator('[data-testid="conn-status"][data-state="live"]').waitFor({ timeout: 30_000 });
    await agent.locator(`[data-testid="queue-item"][data-ticket-id="${missed.ticketId}"]`).waitFor();
  });

  it('switches the console to English and keeps the choice after a reload', async () => {
    const agent = await signIn('agent.a@test.memberdesk');
    await agent.locator('[data-testid="lang-switch"] [data-locale="en"]').click();
    await agent.locator('[data-testid="queue-item"]', { hasText: 'spa' }).click();
    await agent.getByTestId('ticket-view').waitFor();
    await agent.reload();
    await agent.getByTestId('queue').waitFor();
    expect(await agent.locator('html').getAttribute('lang')).to.equal('en');
    await agent.locator('[data-testid="queue-item"]', { hasText: 'spa' }).click();
    await agent.getByTestId('ticket-view').waitFor();
    await agent.screenshot({ path: path.join(SHOTS, 'console-en.png') });
  });
});
