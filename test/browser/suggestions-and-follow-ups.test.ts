import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FollowUp, Ticket } from '../../server/db/entities/index.js';
import { launchBrowser, signInToConsole } from '../helpers/browser.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { inbound, startWorld, TEST_PASSWORD, type TestWorld } from '../helpers/harness.js';

/**
 * The suggestions screen, the live queue's "Follow-ups due" section and the follow-up rules, in Debian's Chromium
 * against a real server: a supervisor decides two alike suggestions together and groups a third under the same
 * decision; an agent records a due follow-up as unreachable (it comes back when due again) and then as satisfied.
 * Writes docs/screenshots/suggestions.png.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'docs/screenshots');

describe('browser: suggestions and due follow-ups (Chromium)', function () {
  this.timeout(120_000);
  let w: TestWorld;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const suggestions: Array<{ id: number; number: string }> = [];
  let followUpTicket: { id: number; number: string };
  let followUpId: number;

  const signIn = async (email: string): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
    contexts.push(ctx);
    return signInToConsole(ctx, w.baseUrl, email, TEST_PASSWORD);
  };

  const ok = (res: { status: number; body: unknown }, status = 200) => expect(res.status, JSON.stringify(res.body)).to.equal(status);

  before(async function () {
    if (!existsSync(path.join(ROOT, 'web/dist/index.html'))) throw new Error('web/dist is not built: run `npm run build:web`');
    browser = await launchBrowser();
    w = await startWorld(ENGINES[0]!, { realtime: true });
    // What bootstrap installs: the suggestions' decision SLA (10 working days).
    await w.services.suggestions.ensureDefaults();

    // Three members suggest online booking (alike), each on email; triage's type is corrected to suggestion by an agent.
    const texts = [
      { name: '陈杰', subject: '建议：美容服务可以线上预约', text: '建议增加线上预约美容服务，每次打电话预约太麻烦了。' },
      { name: '赵敏', subject: '希望能在小程序里预约 SPA', text: '希望会员可以在小程序里直接预约 SPA 时段。' },
      { name: 'Amy Wong', subject: 'Suggestion: online booking for the spa', text: 'It would be great if members could book spa slots online instead of calling.' },
    ];
    for (const [i, x] of texts.entries()) {
      const { ticketId } = await w.services.tickets.ingest(inbound({ from: { kind: 'email', value: `suggest${i}@example.com`, name: x.name }, subject: x.subject, text: x.text, departmentId: w.deptA }));
      ok(await w.api('POST', `/api/tickets/${ticketId}/triage`, { token: w.agentA.token, body: { type: 'suggestion' } }));
      const t = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: ticketId }));
      expect(t.type).to.equal('suggestion');
      suggestions.push({ id: ticketId, number: t.number ?? '' });
    }

    // A solved complaint whose follow-up call, scheduled by hand for agent A, fell due ten minutes ago.
    const c = await w.services.tickets.ingest(inbound({ from: { kind: 'email', value: 'liu.yang@example.com', name: '刘洋' }, subject: '积分没有到账', text: '上个月消费的积分到现在还没有到账。', departmentId: w.deptA }));
    const ct = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: c.ticketId }));
    followUpTicket = { id: c.ticketId, number: ct.number ?? '' };
    const created = await w.api('POST', `/api/tickets/${c.ticketId}/follow-ups`, {
      token: w.supervisorA.token,
      body: { dueAt: new Date(Date.now() - 10 * 60_000).toISOString(), channel: 'call', script: '致电确认积分是否已经到账', assigneeId: w.agentA.agentId, maxAttempts: 3 },
    });
    ok(created, 201);
    followUpId = (created.body as { id: number }).id;
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await w?.stop();
  });

  it('a supervisor decides two alike suggestions together, then groups a third under the same decision', async () => {
    const page = await signIn('supervisor.a@test.memberdesk');
    await page.getByTestId('nav-suggestions').click();
    await page.getByTestId('suggestions').waitFor();
    const row = (id: number) => page.locator(`[data-testid="suggestion-row"][data-ticket-id="${id}"]`);
    for (const s of suggestions) await row(s.id).waitFor();
    // Each shows its decision deadline (the suggestions' SLA) as a countdown.
    expect(await row(suggestions[0]!.id).getByTestId('countdown').count()).to.equal(1);

    // Search narrows the list; clearing it brings all back.
    await page.getByTestId('suggestions-search').fill('online booking');
    await expectEventually(async () => expect(await page.locator('[data-testid="suggestion-row"]').count()).to.equal(1));
    await page.getByTestId('suggestions-search').fill('');
    await expectEventually(async () => expect(await page.locator('[data-testid="suggestion-row"]').count()).to.equal(3));

    await row(suggestions[0]!.id).getByTestId('suggestion-select').check();
    await row(suggestions[1]!.id).getByTestId('suggestion-select').check();
    expect(await page.getByTestId('suggestions-selected').getAttribute('data-count')).to.equal('2');
    await page.getByTestId('suggestions-decide').click();
    const dialog = page.getByTestId('suggestion-decide-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('suggestion-outcome-adopted').check();
    await dialog.getByTestId('suggestion-summary').fill('自下月起，会员可以在小程序中在线预约美容和 SPA 服务');
    await dialog.getByTestId('suggestion-effective-on').fill('2027-01-01');
    // The member's words, from the department's template in the member's language.
    const preview = dialog.getByTestId('suggestion-preview');
    await expectEventually(async () => expect(await preview.innerText()).to.contain('在线预约美容和 SPA 服务。').and.contain('2027-01-01').and.contain(suggestions[0]!.number));
    await page.screenshot({ path: path.join(SHOTS, 'suggestions.png') });
    await dialog.getByTestId('suggestion-decide-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await row(suggestions[0]!.id).waitFor({ state: 'detached' });
    await row(suggestions[1]!.id).waitFor({ state: 'detached' });
    await row(suggestions[2]!.id).waitFor();

    const [a, b] = await w.services.db.read((m) => Promise.all([m.findOneByOrFail(Ticket, { id: suggestions[0]!.id }), m.findOneByOrFail(Ticket, { id: suggestions[1]!.id })]));
    expect(a.suggestionDecisionId).to.be.a('number');
    expect(b.suggestionDecisionId).to.equal(a.suggestionDecisionId);

    // The third, alike one joins the same decision.
    await row(suggestions[2]!.id).getByTestId('suggestion-select').check();
    await page.getByTestId('suggestions-add-to-decision').click();
    const add = page.getByTestId('suggestion-add-dialog');
    await add.locator(`[data-testid="suggestion-decision-option"][data-decision-id="${a.suggestionDecisionId}"]`).click();
    await add.getByTestId('suggestion-add-confirm').click();
    await add.waitFor({ state: 'detached' });
    await page.getByTestId('suggestions-empty').waitFor();
    const c = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: suggestions[2]!.id }));
    expect(c.suggestionDecisionId).to.equal(a.suggestionDecisionId);

    // Decided: all three with their outcome; a row opens its ticket in the queue view.
    await page.getByTestId('suggestions-tab-decided').click();
    await expectEventually(async () => expect(await page.locator('[data-testid="suggestion-decision"][data-outcome="adopted"]').count()).to.equal(3));

    // The department's own wording for an outcome and language, then back to the default.
    await page.getByTestId('suggestions-tab-templates').click();
    const card = page.locator('[data-testid="template-card"][data-language="zh-Hans"]');
    await card.getByTestId('template-body').fill('您好！您的建议（{ticketNumber}）已被{department}采纳：{summary}生效日期：{effectiveOn}。');
    await card.getByTestId('template-save').click();
    await page.locator('[data-testid="template-card"][data-language="zh-Hans"] [data-testid="template-source"][data-source="department"]').waitFor();
    await page.locator('[data-testid="template-card"][data-language="zh-Hans"]').getByTestId('template-reset').click();
    await page.locator('[data-testid="template-card"][data-language="zh-Hans"] [data-testid="template-source"][data-source="builtin"]').waitFor();

    // Reports: the suggestions tab counts the three adopted ones; the follow-ups tab shows the due one.
    await page.getByTestId('nav-reports').click();
    await page.getByTestId('reports-tab-suggestions').click();
    await page.locator('[data-testid="suggestions-kpi-adopted"][data-value="3"]').waitFor();
    expect(await page.locator('[data-testid="suggestion-report-row"][data-outcome="adopted"]').count()).to.equal(3);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-suggestions').click()]);
    expect(csv.suggestedFilename()).to.match(/^memberdesk-suggestions.*\.csv$/);
    expect(await readFile((await csv.path())!, 'utf8')).to.contain(suggestions[2]!.number);
    await page.getByTestId('reports-tab-follow-ups').click();
    await page.locator('[data-testid="follow-ups-kpi-created"][data-value="1"]').waitFor();
    await page.getByTestId('follow-ups-report-by').selectOption('agent');
    await page.locator(`[data-testid="follow-ups-report-table"] [data-testid="figure-row"][data-key="${w.agentA.agentId}"]`).waitFor();
    const [fcsv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-follow-ups').click()]);
    expect(fcsv.suggestedFilename()).to.match(/^memberdesk-follow-ups-agent.*\.csv$/);
    await page.getByTestId('reports-tab-overview').click();

    await page.getByTestId('nav-suggestions').click();
    await page.getByTestId('suggestions-tab-decided').click();
    await row(suggestions[0]!.id).getByTestId('suggestion-open').click();
    await page.locator(`[data-testid="ticket-view"][data-ticket-id="${suggestions[0]!.id}"]`).waitFor();
  });

  it('an agent sees the due follow-up at the top of the queue, records "unreachable" (it comes back when due again), then "satisfied"', async () => {
    const page = await signIn('agent.a@test.memberdesk');
    const section = page.getByTestId('due-follow-ups');
    const item = section.locator(`[data-testid="due-follow-up"][data-follow-up-id="${followUpId}"]`);
    await item.waitFor();
    expect(await item.getAttribute('data-overdue')).to.equal('true');
    expect(await item.locator('[data-testid="countdown"]').getAttribute('data-state')).to.equal('breached');
    expect(await item.innerText()).to.contain(followUpTicket.number);

    // Unreachable: retried one working day later; two attempts left after this one.
    await item.getByTestId('due-follow-up-record').click();
    const dialog = page.getByTestId('follow-up-done-dialog');
    await dialog.getByTestId('outcome-unreachable').check();
    expect(await dialog.getByTestId('follow-up-attempts-left').getAttribute('data-left')).to.equal('2');
    await dialog.getByTestId('follow-up-retry-days').fill('1');
    await dialog.getByTestId('follow-up-done-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    // Due again tomorrow: out of the "due within the hour" section.
    await item.waitFor({ state: 'detached' });
    let stored = await w.services.db.read((m) => m.findOneByOrFail(FollowUp, { id: followUpId }));
    expect([stored.status, stored.attempts]).to.deep.equal(['open', 1]);
    expect(stored.dueAt.getTime()).to.be.greaterThan(Date.now() + 3_600_000);

    // Time passes: it falls due again; the worker's follow_up_due notice brings it back without a reload.
    await w.services.db.tx((m) => m.update(FollowUp, { id: followUpId }, { dueAt: new Date(Date.now() - 60_000) }));
    await w.services.followUps.runDue();
    await item.waitFor({ timeout: 15_000 });
    expect(await item.innerText()).to.match(/第 2\/3 次/);

    // Not satisfied warns that it reopens the ticket; satisfied closes the follow-up.
    await item.getByTestId('due-follow-up-record').click();
    await dialog.getByTestId('outcome-not_satisfied').check();
    await dialog.getByTestId('follow-up-reopen-warning').waitFor();
    await dialog.getByTestId('outcome-satisfied').check();
    await dialog.getByTestId('follow-up-note').fill('第二次电话接通，会员确认积分已到账。');
    await dialog.getByTestId('follow-up-done-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await section.waitFor({ state: 'detached' });
    stored = await w.services.db.read((m) => m.findOneByOrFail(FollowUp, { id: followUpId }));
    expect([stored.status, stored.outcome, stored.doneBy]).to.deep.equal(['done', 'satisfied', w.agentA.agentId]);

    // Clicking a due follow-up opens its ticket: checked on a fresh one.
    const again = await w.api('POST', `/api/tickets/${followUpTicket.id}/follow-ups`, {
      token: w.agentA.token, body: { dueAt: new Date(Date.now() + 20 * 60_000).toISOString(), channel: 'wechat' },
    });
    ok(again, 201);
    await page.getByTestId('queue-refresh').click();
    await page.reload();
    const soon = page.locator(`[data-testid="due-follow-up"][data-follow-up-id="${(again.body as { id: number }).id}"]`);
    await soon.waitFor();
    expect(await soon.getAttribute('data-overdue')).to.equal('false');
    await soon.getByTestId('due-follow-up-open').click();
    await page.locator(`[data-testid="ticket-view"][data-ticket-id="${followUpTicket.id}"]`).waitFor();
  });

  it('an admin reorders, edits, deactivates and deletes follow-up rules', async () => {
    const page = await signIn('admin@test.memberdesk');
    await page.getByTestId('nav-follow-ups').click();
    await page.getByTestId('follow-ups-tab-rules').click();
    const rows = page.locator('[data-testid="rule-row"]');
    await expectEventually(async () => expect(await rows.count()).to.equal(2));
    const ids = async () => rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-rule-id'))));
    const before = await ids();

    // New rule, last in order.
    await page.getByTestId('rule-add').click();
    const dialog = page.getByTestId('rule-dialog');
    await dialog.getByTestId('rule-name').fill('钻石卡建议：采纳后电话致谢');
    await dialog.getByTestId('rule-trigger').selectOption('solved');
    await dialog.getByTestId('rule-delay').fill('3');
    await dialog.locator('[data-testid="rule-cond-types"] input[data-value="suggestion"]').check();
    await dialog.locator('[data-testid="rule-cond-tiers"] input[data-value="diamond"]').check();
    await dialog.getByTestId('rule-max-attempts').fill('2');
    await dialog.getByTestId('rule-save').click();
    await dialog.waitFor({ state: 'detached' });
    await expectEventually(async () => expect(await rows.count()).to.equal(3));
    const added = (await ids()).find((id) => !before.includes(id))!;
    const rules = (await w.api('GET', '/api/follow-up-rules', { token: w.admin.token })).body as { items: Array<{ id: number; conditions: unknown; delayDays: number; maxAttempts: number }> };
    const rule = rules.items.find((r) => r.id === added)!;
    expect([rule.conditions, rule.delayDays, rule.maxAttempts]).to.deep.equal([{ types: ['suggestion'], tiers: ['diamond'] }, 3, 2]);

    // Move it to the top.
    const addedRow = page.locator(`[data-testid="rule-row"][data-rule-id="${added}"]`);
    await addedRow.getByTestId('rule-up').click();
    await expectEventually(async () => expect((await ids()).indexOf(added)).to.equal(1));
    await addedRow.getByTestId('rule-up').click();
    await expectEventually(async () => expect((await ids())[0]).to.equal(added));
    const order = ((await w.api('GET', '/api/follow-up-rules', { token: w.admin.token })).body as { items: Array<{ id: number }> }).items.map((r) => r.id);
    expect(order[0]).to.equal(added);

    // Deactivate, then delete.
    await addedRow.getByTestId('rule-toggle').click();
    await page.locator(`[data-testid="rule-row"][data-rule-id="${added}"][data-active="false"]`).waitFor();
    page.once('dialog', (d) => void d.accept());
    await addedRow.getByTestId('rule-delete').click();
    await addedRow.waitFor({ state: 'detached' });
  });
});
