import { expect } from 'chai';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { isValidSlackRequest } from '@slack/bolt';
import {
  PermanentNotifyError,
  type AlertActionResult,
  type AlertActions,
  type NotificationPayload,
  type OutgoingNotification,
} from '../../server/notify/notification.js';
import { alertBlocks, withAlertState } from '../../server/notify/slack/slack-blocks.js';
import { createSlackInteractions } from '../../server/notify/slack/slack-interactions.js';
import { SlackNotifier } from '../../server/notify/slack/slack.notifier.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from '../helpers/fake-slack.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/slack');
const TOKEN = 'xoxb-test-token';
const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function signSlack(secret: string, timestamp: string, rawBody: string): string {
  return 'v0=' + crypto.createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
}

function payload(over: Partial<NotificationPayload> = {}): NotificationPayload {
  return {
    kind: 'sla.breached',
    alertId: 42,
    ticketId: 7,
    ticketNumber: 'T-2025-0007',
    subject: 'Card <declined> & refund',
    departmentName: 'Billing & Payments',
    priority: 'high',
    metric: 'first_response',
    level: 1,
    dueAt: '2025-03-04T05:06:07.000Z',
    contact: { agentId: 3, name: 'Lin Wei', slackUserId: 'U024BE7LH', locale: 'zh-CN' },
    ticketUrl: 'https://desk.example.test/tickets/7',
    ...over,
  };
}

function notification(over: Partial<OutgoingNotification> = {}): OutgoingNotification {
  return { id: 1, channel: 'slack', target: 'C0ALERTS', payload: payload(), ...over };
}

/** All buttons in the message's actions blocks. */
function buttons(blocks: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(blocks)) return [];
  return blocks
    .filter((b): b is Record<string, unknown> => isRecord(b) && b.type === 'actions' && Array.isArray(b.elements))
    .flatMap((b) => (b.elements as unknown[]).filter(isRecord));
}

function callsOf(fake: FakeSlack, method: string): FakeSlackCall[] {
  return fake.calls.filter((c) => c.method === method);
}

describe('slack: alert blocks', () => {
  it('renders header, fields, mention, link and the two action buttons carrying the alert id', () => {
    const { text, blocks } = alertBlocks(payload());
    const json = JSON.stringify(blocks);
    expect(json).to.include('T-2025-0007 · SLA breached · 首次响应超时 / First response overdue');
    expect(json).to.include('Card &lt;declined&gt; &amp; refund');
    expect(json).to.include('Billing &amp; Payments');
    expect(json).not.to.include('<declined>');
    expect(json).to.include('2025-03-04 05:06 UTC');
    expect(json).to.include('<@U024BE7LH>');
    const els = buttons(blocks);
    expect(els.map((e) => e.action_id)).to.deep.equal(['open_ticket', 'sla_acknowledge', 'sla_take_over']);
    expect(els[0].url).to.equal('https://desk.example.test/tickets/7');
    expect(els[1].value).to.equal('42');
    expect(els[2]).to.include({ value: '42', style: 'primary' });
    expect(text).to.include('T-2025-0007').and.include('&lt;declined&gt;');
  });

  it('names urgent tickets and escalation levels; leaves out a missing or malformed mention', () => {
    const urgent = JSON.stringify(alertBlocks(payload({ kind: 'ticket.urgent', metric: null, dueAt: null })).blocks);
    expect(urgent).to.include('Urgent ticket / 紧急工单');
    const escalated = JSON.stringify(alertBlocks(payload({ kind: 'sla.escalated', level: 2, metric: 'resolution' })).blocks);
    expect(escalated).to.include('level 2').and.include('Resolution overdue');
    const noMention = alertBlocks(payload({ contact: { agentId: 3, name: 'x', slackUserId: null, locale: 'en' } }));
    expect(JSON.stringify(noMention.blocks)).not.to.include('<@');
    const bad = alertBlocks(payload({ contact: { agentId: 3, name: 'x', slackUserId: '!channel', locale: 'en' } }));
    expect(JSON.stringify(bad.blocks)).not.to.include('<@');
  });

  it('replaces the action buttons with who handled it, keeping the ticket link', () => {
    const done = alertBlocks(payload(), { takenOverBy: 'Lin <Wei>' });
    expect(buttons(done.blocks).map((e) => e.action_id)).to.deep.equal(['open_ticket']);
    expect(JSON.stringify(done.blocks)).to.include('Taken over by Lin &lt;Wei&gt;');
    const rewritten = withAlertState(alertBlocks(payload()).blocks, { acknowledgedBy: 'Lin' });
    expect(buttons(rewritten).map((e) => e.action_id)).to.deep.equal(['open_ticket']);
    expect(JSON.stringify(rewritten)).to.include('Acknowledged by Lin');
  });
});

describe('slack: notifier', () => {
  let fake: FakeSlack;
  before(async () => {
    fake = await startFakeSlack();
  });
  after(async () => {
    await fake.close();
  });

  it('posts the alert to the target channel and returns channel:ts', async () => {
    const notifier = new SlackNotifier({ token: TOKEN, apiUrl: fake.url });
    expect(notifier.channel).to.equal('slack');
    const { providerRef } = await notifier.send(notification());
    const call = callsOf(fake, 'chat.postMessage').at(-1);
    if (!call) throw new Error('no chat.postMessage reached the fake');
    expect(call.token).to.equal(TOKEN);
    expect(call.body.channel).to.equal('C0ALERTS');
    expect(String(call.body.text)).to.include('T-2025-0007');
    const els = buttons(call.body.blocks);
    expect(els.find((e) => e.action_id === 'sla_acknowledge')?.value).to.equal('42');
    expect(els.find((e) => e.action_id === 'sla_take_over')?.value).to.equal('42');
    expect(providerRef).to.match(/^C0ALERTS:\d+\.000100$/);
  });

  it('treats channel_not_found as permanent, carrying the Slack code', async () => {
    const notifier = new SlackNotifier({ token: TOKEN, apiUrl: fake.url });
    fake.failNext('chat.postMessage', 'channel_not_found');
    const err = await notifier.send(notification()).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(PermanentNotifyError);
    expect((err as Error).message).to.include('channel_not_found');
  });

  it('treats HTTP 500, 429 and ratelimited as transient (plain Error), without waiting out Retry-After', async () => {
    const notifier = new SlackNotifier({ token: TOKEN, apiUrl: fake.url });
    fake.failNextHttp('chat.postMessage', 500);
    const e500 = await notifier.send(notification()).then(() => null, (e: unknown) => e);
    expect(e500).to.be.instanceOf(Error).and.not.instanceOf(PermanentNotifyError);
    expect((e500 as Error).message).to.include('500');

    const started = Date.now();
    fake.failNextHttp('chat.postMessage', 429, { 'retry-after': '30' });
    const e429 = await notifier.send(notification()).then(() => null, (e: unknown) => e);
    expect(e429).to.be.instanceOf(Error).and.not.instanceOf(PermanentNotifyError);
    expect((e429 as Error).message).to.include('rate limited');
    expect(Date.now() - started).to.be.lessThan(5000);

    fake.failNext('chat.postMessage', 'ratelimited');
    const eRl = await notifier.send(notification()).then(() => null, (e: unknown) => e);
    expect(eRl).to.be.instanceOf(Error).and.not.instanceOf(PermanentNotifyError);
  });

  it('treats an unreachable API as transient', async () => {
    const dead = await startFakeSlack();
    const url = dead.url;
    await dead.close();
    const err = await new SlackNotifier({ token: TOKEN, apiUrl: url }).send(notification()).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(Error).and.not.instanceOf(PermanentNotifyError);
  });

  it('markHandled edits the posted message in place: the buttons give way to who acknowledged', async () => {
    await new SlackNotifier({ token: TOKEN, apiUrl: fake.url }).markHandled({ providerRef: 'C0ALERTS:1700000001.000100', payload: payload() }, { acknowledgedBy: 'Lin Wei' });
    const call = callsOf(fake, 'chat.update').at(-1);
    expect(call?.body).to.include({ channel: 'C0ALERTS', ts: '1700000001.000100' });
    expect(JSON.stringify(call?.body.blocks)).to.include('Acknowledged by Lin Wei');
    expect(buttons(call?.body.blocks).map((e) => e.action_id)).to.deep.equal(['open_ticket']);
  });
});

describe('slack: signature vector fixture', () => {
  it('our HMAC and Bolt both accept the documented vector, and reject it when forged or stale', () => {
    const v: unknown = JSON.parse(fixture('signature_vector.json'));
    if (!isRecord(v)) throw new Error('bad fixture');
    const secret = String(v.signing_secret);
    const ts = String(v.x_slack_request_timestamp);
    const body = String(v.raw_body);
    expect(signSlack(secret, ts, body)).to.equal(v.x_slack_signature);
    const at = (sig: string, nowSec: number) =>
      isValidSlackRequest({
        signingSecret: secret,
        body,
        headers: { 'x-slack-signature': sig, 'x-slack-request-timestamp': Number(ts) },
        nowMilliseconds: nowSec * 1000,
      });
    expect(at(String(v.x_slack_signature), Number(ts))).to.equal(true);
    expect(at('v0=lolno', Number(ts))).to.equal(false);
    expect(at(String(v.x_slack_signature), Number(ts) + 301)).to.equal(false);
  });

  it('the raw block_actions body fixture is the payload fixture, form-encoded', () => {
    const raw = fixture('block_actions_raw_body.txt').trim();
    const form = new URLSearchParams(raw);
    expect(JSON.parse(form.get('payload') ?? '')).to.deep.equal(JSON.parse(fixture('block_actions_payload.json')));
  });
});

type ActionCall = { verb: 'acknowledge' | 'takeOver'; alertId: number; slackUserId: string };

function fakeActions(answer: (verb: ActionCall['verb']) => Promise<AlertActionResult>): AlertActions & { calls: ActionCall[] } {
  const calls: ActionCall[] = [];
  return {
    calls,
    acknowledge: async (input) => {
      calls.push({ verb: 'acknowledge', ...input });
      return answer('acknowledge');
    },
    takeOver: async (input) => {
      calls.push({ verb: 'takeOver', ...input });
      return answer('takeOver');
    },
  };
}

describe('slack: interactions', () => {
  let fake: FakeSlack;
  let server: Server;
  let base: string;
  let answer: (verb: ActionCall['verb']) => Promise<AlertActionResult>;
  let actions: ReturnType<typeof fakeActions>;
  const warnings: string[] = [];

  before(async () => {
    fake = await startFakeSlack();
    actions = fakeActions((verb) => answer(verb));
    const { router } = createSlackInteractions({
      signingSecret: SIGNING_SECRET,
      token: TOKEN,
      apiUrl: fake.url,
      actions,
      log: { warn: (msg, meta) => warnings.push(`${msg} ${meta ? JSON.stringify(meta) : ''}`) },
    });
    const web = express();
    web.use(router);
    // Our API's parser comes after, as in the real app; it must not see Slack's requests first.
    web.use(express.json());
    server = await new Promise<Server>((resolve) => {
      const s = web.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fake.close();
  });
  beforeEach(() => {
    actions.calls.length = 0;
    fake.calls.length = 0;
    warnings.length = 0;
    answer = async (verb) => ({
      ok: true,
      ticketNumber: 'T-2025-0007',
      agentName: 'Lin Wei',
      action: verb === 'acknowledge' ? 'acknowledged' : 'taken_over',
    });
  });

  /** The fixture payload with our button, our response_url and (as Slack sends for channel messages) the message. */
  function blockActions(actionId: string, value: string, withMessage = true): string {
    const p: unknown = JSON.parse(fixture('block_actions_payload.json'));
    if (!isRecord(p) || !Array.isArray(p.actions) || !isRecord(p.actions[0]) || !isRecord(p.container)) throw new Error('bad fixture');
    p.actions[0].action_id = actionId;
    p.actions[0].value = value;
    p.response_url = `${fake.responseUrl}T111/111/random-value`;
    if (withMessage) {
      const posted = alertBlocks(payload());
      p.container.is_ephemeral = false;
      p.message = { type: 'message', ts: '111.222', text: posted.text, blocks: posted.blocks, bot_id: 'BBOT' };
    }
    return 'payload=' + encodeURIComponent(JSON.stringify(p));
  }

  async function post(
    rawBody: string,
    opts: { ts?: number; signature?: string; contentType?: string } = {},
  ): Promise<{ status: number; text: string }> {
    const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
    const res = await fetch(`${base}/slack/events`, {
      method: 'POST',
      body: rawBody,
      headers: {
        'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': ts,
        'x-slack-signature': opts.signature ?? signSlack(SIGNING_SECRET, ts, rawBody),
      },
    });
    return { status: res.status, text: await res.text() };
  }

  it('Acknowledge: calls the service with the alert id and clicker, then edits the message', async () => {
    const res = await post(blockActions('sla_acknowledge', '42'));
    expect(res.status).to.equal(200);
    await expectEventually(() => expect(actions.calls).to.deep.equal([{ verb: 'acknowledge', alertId: 42, slackUserId: 'W111', messageRef: 'C111:111.222' }]));
    const update = await expectEventually(() => {
      const u = callsOf(fake, 'chat.update')[0];
      if (!u) throw new Error('no chat.update yet');
      return u;
    });
    expect(update.token).to.equal(TOKEN);
    expect(update.body).to.include({ channel: 'C111', ts: '111.222' });
    expect(String(update.body.text)).to.include('Acknowledged by Lin Wei');
    expect(JSON.stringify(update.body.blocks)).to.include('Acknowledged by Lin Wei');
    expect(buttons(update.body.blocks).map((e) => e.action_id)).to.deep.equal(['open_ticket']);
    expect(callsOf(fake, 'response_url')).to.have.length(0);
  });

  it('Take over: calls takeOver and shows who took it', async () => {
    const res = await post(blockActions('sla_take_over', '42'));
    expect(res.status).to.equal(200);
    await expectEventually(() => expect(actions.calls).to.deep.equal([{ verb: 'takeOver', alertId: 42, slackUserId: 'W111', messageRef: 'C111:111.222' }]));
    await expectEventually(() => {
      const u = callsOf(fake, 'chat.update')[0];
      expect(JSON.stringify(u?.body.blocks)).to.include('Taken over by Lin Wei');
    });
  });

  it('a refused action answers the clicker ephemerally through response_url and leaves the message alone', async () => {
    answer = async () => ({ ok: false, message: 'Already taken over by Zhang San / 已被张三接手' });
    const res = await post(blockActions('sla_take_over', '42'));
    expect(res.status).to.equal(200);
    const reply = await expectEventually(() => {
      const r = callsOf(fake, 'response_url')[0];
      if (!r) throw new Error('no response_url call yet');
      return r;
    });
    expect(reply.path).to.equal('/response_url/T111/111/random-value');
    expect(reply.body).to.deep.equal({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'Already taken over by Zhang San / 已被张三接手',
    });
    expect(callsOf(fake, 'chat.update')).to.have.length(0);
  });

  it('a non-integer alert id is refused quietly without calling the service', async () => {
    const res = await post(blockActions('sla_acknowledge', '42; drop'));
    expect(res.status).to.equal(200);
    await expectEventually(() => expect(callsOf(fake, 'response_url')).to.have.length(1));
    expect(callsOf(fake, 'response_url')[0].body).to.include({ response_type: 'ephemeral', replace_original: false });
    expect(actions.calls).to.have.length(0);
  });

  it('with no message in the payload (the fixture as-is), tells the clicker instead of editing', async () => {
    const res = await post(blockActions('sla_acknowledge', '42', false));
    expect(res.status).to.equal(200);
    await expectEventually(() => expect(String(callsOf(fake, 'response_url')[0]?.body.text)).to.include('Acknowledged by Lin Wei'));
    expect(callsOf(fake, 'chat.update')).to.have.length(0);
  });

  it('a throwing service or a failing chat.update is logged, answered 200, and the app keeps serving', async () => {
    answer = async () => {
      throw new Error('db down');
    };
    expect((await post(blockActions('sla_acknowledge', '42'))).status).to.equal(200);
    await expectEventually(() => expect(warnings.join('\n')).to.include('db down'));

    answer = async () => ({ ok: true, ticketNumber: 'T-2025-0007', agentName: 'Lin Wei', action: 'acknowledged' });
    fake.failNext('chat.update', 'message_not_found');
    expect((await post(blockActions('sla_acknowledge', '42'))).status).to.equal(200);
    await expectEventually(() => expect(warnings.join('\n')).to.include('message_not_found'));

    expect((await post(blockActions('sla_acknowledge', '42'))).status).to.equal(200);
    await expectEventually(() => expect(callsOf(fake, 'chat.update').length).to.be.greaterThan(1));
  });

  it('acks the Open ticket link button', async () => {
    const res = await post(blockActions('open_ticket', ''));
    expect(res.status).to.equal(200);
    expect(actions.calls).to.have.length(0);
  });

  it('a forged signature is 401 and reaches no action', async () => {
    const body = blockActions('sla_acknowledge', '42');
    const ts = Math.floor(Date.now() / 1000);
    const res = await post(body, { ts, signature: signSlack('not-the-secret', String(ts), body) });
    expect(res.status).to.equal(401);
    expect(actions.calls).to.have.length(0);
    expect(fake.calls).to.have.length(0);
  });

  it('a correctly signed request from 10 minutes ago is 401 and reaches no action', async () => {
    const res = await post(blockActions('sla_acknowledge', '42'), { ts: Math.floor(Date.now() / 1000) - 600 });
    expect(res.status).to.equal(401);
    expect(actions.calls).to.have.length(0);
    expect(fake.calls).to.have.length(0);
  });

  it('answers the url_verification challenge when signed, and 401 when not', async () => {
    const body = fixture('url_verification.json');
    const ok = await post(body, { contentType: 'application/json' });
    expect(ok.status).to.equal(200);
    expect(JSON.parse(ok.text)).to.deep.equal({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    const forged = await post(body, { contentType: 'application/json', signature: 'v0=lolno' });
    expect(forged.status).to.equal(401);
  });
});
