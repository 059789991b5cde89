import { expect } from 'chai';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { types } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { WechatBot } from '../../channels/wechat/bot/wechat-bot.js';
import { Ticket, WechatOfficialAccount } from '../../server/db/entities/index.js';
import { launchBrowser, signInToConsole } from '../helpers/browser.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { inbound, startWorld, TEST_PASSWORD, type TestWorld } from '../helpers/harness.js';

/**
 * The WeChat console screens in Debian's Chromium, against a real server: an admin sees the bot's login
 * QR code (wechaty-puppet-mock) drawn by the server, then the logged-in account, logs it out, and
 * adds / edits / deletes an Official Account through the dialogs; without WECHATY_PUPPET the screen
 * explains how to configure it; a supervisor links a first-contact WeChat ticket to its member from the
 * member panel. Writes docs/screenshots/wechat-admin.png.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'docs/screenshots');
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

describe('browser: WeChat settings and linking a first contact (Chromium)', function () {
  this.timeout(120_000);
  let w: TestWorld;
  let browser: Browser;
  let mocker: mock.Mocker;
  let bot: WechatBot;
  const contexts: BrowserContext[] = [];

  const signIn = async (world: TestWorld, email: string): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    contexts.push(ctx);
    return signInToConsole(ctx, world.baseUrl, email, TEST_PASSWORD);
  };

  before(async function () {
    if (!existsSync(path.join(ROOT, 'web/dist/index.html'))) {
      throw new Error('web/dist is not built: run `npm run build:web` (npm test and npm install do)');
    }
    browser = await launchBrowser();
    mocker = new mock.Mocker();
    // The bot as server/main.ts wires it when WECHATY_PUPPET is set, with the tests' puppet.
    bot = new WechatBot({ puppet: new PuppetMock({ mocker }), binding: false });
    w = await startWorld(ENGINES[0]!, { realtime: true, app: { wechatBot: bot } });
    await bot.start(w.services);
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await bot?.stop();
    await w?.stop();
  });

  it('an admin sees the login QR code, then the account, logs it out, and manages Official Accounts', async () => {
    mocker.scan('https://login.weixin.qq.com/l/browser-test-qr', types.ScanStatus.Waiting);
    const admin = await signIn(w, 'admin@test.memberdesk');
    await admin.getByTestId('nav-wechat').click();
    expect(new URL(admin.url()).hash).to.equal('#/admin/wechat');
    const botPanel = admin.locator('[data-testid="wechat-bot"][data-configured="true"][data-status="scan"]');
    await botPanel.waitFor();
    expect(await botPanel.getByTestId('wechat-bot-status').innerText()).to.equal('等待扫码登录');

    // The QR code is an image made from the server's SVG (a data: URL, not markup in the page), and it loads.
    const qr = botPanel.getByTestId('wechat-bot-qr-image');
    await qr.waitFor();
    expect(await qr.getAttribute('src')).to.match(/^data:image\/svg\+xml;utf8,%3Csvg/);
    await expectEventually(async () => expect(await qr.evaluate((el) => { const img = el as unknown as { complete: boolean; naturalWidth: number }; return img.complete && img.naturalWidth > 0; })).to.equal(true));
    expect(await admin.locator('[data-testid="wechat-bot"] svg').count()).to.equal(0);

    // No Official Account yet: the empty state says what to do.
    await admin.getByTestId('oa-empty').waitFor();

    // Add one through the dialog.
    await admin.getByTestId('oa-add').click();
    const dialog = admin.getByTestId('oa-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('oa-save').isDisabled()).to.equal(true);
    await dialog.getByTestId('oa-name').fill('会员服务号');
    await dialog.getByTestId('oa-app-id').fill('wx5f2d8c1e9a7b3c40');
    await dialog.getByTestId('oa-app-secret').fill('0123456789abcdef0123456789abcdef');
    await dialog.getByTestId('oa-token').fill('x');
    expect(await dialog.getByTestId('oa-save').isDisabled()).to.equal(true);   // a Token is 3–32 letters or digits
    await dialog.getByTestId('oa-token').fill('MemberDesk2024');
    await dialog.getByTestId('oa-aes-key').fill(AES_KEY);
    expect(await dialog.getByTestId('oa-department').inputValue()).to.equal(String(w.deptA));
    await dialog.getByTestId('oa-save').click();
    await dialog.waitFor({ state: 'detached' });

    const account = await w.services.db.read((m) => m.findOneByOrFail(WechatOfficialAccount, { appId: 'wx5f2d8c1e9a7b3c40' }));
    expect(account).to.include({ name: '会员服务号', departmentId: w.deptA, active: true });
    const row = admin.locator(`[data-testid="oa-row"][data-account-id="${account.id}"]`);
    await row.waitFor();
    expect(await row.innerText()).to.contain('会员服务号').and.to.contain('wx5f2d8c1e9a7b3c40').and.to.contain('Dept A');
    expect(await row.getByTestId('oa-callback-url').innerText()).to.equal(`${w.baseUrl}/api/channels/wechat/official/${account.id}`);
    // Secrets are write-only: the table says they are set, never what they are.
    const secrets = await row.getByTestId('oa-secrets').innerText();
    expect(secrets).to.contain('AppSecret: 已设置').and.to.contain('Token: 已设置').and.to.contain('EncodingAESKey: 已设置');
    expect(await admin.content()).to.not.contain('0123456789abcdef0123456789abcdef').and.not.contain('MemberDesk2024').and.not.contain(AES_KEY);

    await admin.screenshot({ path: path.join(SHOTS, 'wechat-admin.png'), fullPage: true });

    // Edit: the secret fields start empty (kept unless typed); a new name is saved.
    await row.getByTestId('oa-edit').click();
    const edit = admin.getByTestId('oa-dialog');
    await edit.waitFor();
    expect(await edit.getByTestId('oa-app-secret').inputValue()).to.equal('');
    await edit.getByTestId('oa-name').fill('会员服务号（华东）');
    await edit.getByTestId('oa-save').click();
    await edit.waitFor({ state: 'detached' });
    await row.filter({ hasText: '会员服务号（华东）' }).waitFor();
    const stored = await w.services.db.read((m) => m.findOneByOrFail(WechatOfficialAccount, { id: account.id }));
    expect(stored.name).to.equal('会员服务号（华东）');
    expect(stored.appSecretSealed).to.equal(account.appSecretSealed);

    // The phone scans: the screen follows by itself and shows the account; the admin logs it out.
    const me = mocker.createContact({ name: '会员服务中心' });
    mocker.login(me);
    const loggedIn = admin.locator('[data-testid="wechat-bot"][data-status="logged_in"]');
    await loggedIn.waitFor();
    expect(await loggedIn.getByTestId('wechat-bot-user').innerText()).to.contain('会员服务中心');
    expect(await admin.getByTestId('wechat-bot-qr').count()).to.equal(0);
    await loggedIn.getByTestId('wechat-bot-logout').click();
    const confirm = admin.getByTestId('wechat-bot-logout-dialog');
    await confirm.waitFor();
    expect(await confirm.innerText()).to.contain('会员服务中心');
    await confirm.getByTestId('wechat-bot-logout-dialog-confirm').click();
    await confirm.waitFor({ state: 'detached' });
    await expectEventually(() => expect(bot.state().status).to.not.equal('logged_in'));
    await admin.locator('[data-testid="wechat-bot"]:not([data-status="logged_in"])').waitFor();

    // Delete, after a confirmation: the empty state is back.
    await row.getByTestId('oa-delete').click();
    const del = admin.getByTestId('oa-delete-dialog');
    await del.waitFor();
    await del.getByTestId('oa-delete-dialog-confirm').click();
    await admin.getByTestId('oa-empty').waitFor();
    expect(await w.services.db.read((m) => m.countBy(WechatOfficialAccount, { id: account.id }))).to.equal(0);
  });

  it('without WECHATY_PUPPET the screen explains how to configure the bot; other roles are told it is for admins', async () => {
    const bare = await startWorld(ENGINES[0]!);
    try {
      const admin = await signIn(bare, 'admin@test.memberdesk');
      await admin.goto(`${bare.baseUrl}/#/admin/wechat`);
      const empty = admin.locator('[data-testid="wechat-bot"][data-configured="false"]').getByTestId('wechat-bot-empty');
      await empty.waitFor();
      expect(await empty.innerText()).to.contain('尚未配置微信机器人').and.to.contain('WECHATY_PUPPET').and.to.contain('WECHATY_PUPPET_SERVICE_TOKEN');
      await admin.getByTestId('oa-empty').waitFor();
      await admin.locator('[data-testid="lang-switch"] [data-locale="en"]').click();
      await empty.filter({ hasText: 'No WeChat bot configured' }).waitFor();

      const supervisor = await signIn(bare, 'supervisor.a@test.memberdesk');
      expect(await supervisor.getByTestId('nav-wechat').count()).to.equal(0);
      await supervisor.goto(`${bare.baseUrl}/#/admin/wechat`);
      await supervisor.getByTestId('wechat-admin-only').waitFor();
      expect(await supervisor.getByTestId('wechat-bot').count()).to.equal(0);
    } finally {
      await bare.stop();
    }
  });

  it('a supervisor links a first-contact WeChat ticket to its member from the member panel', async () => {
    const first = await w.services.tickets.ingest(inbound({
      channel: 'wechat', from: { kind: 'wechat', value: 'wx:browser-link-contact', name: '小王' }, subject: undefined, text: '我的积分怎么还没到账？', departmentId: w.deptA,
    }));
    const placeholder = (await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: first.ticketId }))).memberId!;
    const member = await w.services.members.create({ name: '王芳', memberNumber: 'M-20240518', tier: 'gold', identities: { phone: '13800138123' } });
    const bound = await w.services.members.create({ name: '王芳芳', tier: 'silver', identities: { wechat: 'wx:already-bound-elsewhere' } });

    // An agent sees the record, not the button.
    const agent = await signIn(w, 'agent.a@test.memberdesk');
    await agent.goto(`${w.baseUrl}/#/tickets/${first.ticketId}`);
    await agent.locator(`[data-testid="ticket-view"][data-ticket-id="${first.ticketId}"] [data-testid="member-panel"]`).waitFor();
    expect(await agent.getByTestId('link-member-open').count()).to.equal(0);

    const supervisor = await signIn(w, 'supervisor.a@test.memberdesk');
    await supervisor.goto(`${w.baseUrl}/#/tickets/${first.ticketId}`);
    const panel = supervisor.locator(`[data-testid="ticket-view"][data-ticket-id="${first.ticketId}"] [data-testid="member-panel"]`);
    await panel.getByTestId('member-first-contact').waitFor();
    await panel.getByTestId('link-member-open').click();
    const dialog = supervisor.getByTestId('link-member-dialog');
    await dialog.waitFor();

    // A member who already has a WeChat id: the server's CONTACT_EXISTS, in words.
    await dialog.getByTestId('link-member-query').fill('王芳');
    expect(await dialog.getByTestId('link-member-by').inputValue()).to.equal('q');
    await dialog.getByTestId('link-member-query').press('Enter');
    await dialog.locator(`[data-testid="link-member-result"][data-member-id="${bound.id}"]`).click();
    await dialog.getByTestId('link-member-confirm').click();
    const refused = dialog.locator('[data-testid="wechat-error"][data-code="CONTACT_EXISTS"]');
    await refused.waitFor();
    expect(await refused.innerText()).to.contain('这位会员已有同类联系方式');

    // Found by the exact phone number (the kind follows what is typed), contacts masked as the API gives them.
    await dialog.getByTestId('link-member-query').fill('138 0013 8123');
    expect(await dialog.getByTestId('link-member-by').inputValue()).to.equal('phone');
    await dialog.getByTestId('link-member-search').click();
    const result = dialog.locator(`[data-testid="link-member-result"][data-member-id="${member.id}"]`);
    await result.waitFor();
    expect(await dialog.getByTestId('link-member-result').count()).to.equal(1);
    const shown = await result.innerText();
    expect(shown).to.contain('王芳').and.to.contain('M-20240518').and.not.contain('13800138123');
    await result.click();
    await dialog.getByTestId('link-member-confirm').click();
    await dialog.waitFor({ state: 'detached' });

    // The panel now shows the member, and the button is gone.
    await panel.locator('.member__name', { hasText: '王芳' }).waitFor();
    expect(await panel.getByTestId('member-first-contact').count()).to.equal(0);
    expect((await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: first.ticketId }))).memberId).to.equal(member.id);
    expect((await w.services.members.findByIdentity('wechat', 'wx:browser-link-contact'))!.id).to.equal(member.id);
    expect((await w.services.members.get(placeholder)).identities).to.deep.equal([]);
  });
});
