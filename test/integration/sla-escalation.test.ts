import crypto from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ChannelRegistry } from '../../channels/channel.js';
import { Notification, SlaAlert, Ticket, TicketEvent } from '../../server/db/entities/index.js';
import type { Notifier, OutgoingNotification } from '../../server/notify/notification.js';
import { SlackNotifier } from '../../server/notify/slack/slack.notifier.js';
import { ENGINES } from '../helpers/engines.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { inbound, startWorld, type TestWorld } from '../helpers/harness.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { slaTick } from '../helpers/sla.js';
import { expectEventually } from '../helpers/expect-eventually.js';

const SIGNING_SECRET = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/slack/block_actions_payload.json');

/** Alert emails as the sender sees them (the SMTP path is covered by notification-worker.test.ts). */
class RecordingEmail implements Notifier {
  readonly channel = 'email' as const;
  sent: OutgoingNotification[] = [];
  async send(n: OutgoingNotification) { this.sent.push(n); return { providerRef: `<alert-${n.id}@test>` }; }
}

/**
 * A breach reaches the department head in Slack (through Bolt's client, against a local fake of
 * Slack's Web API) and by email; Acknowledge, Take over and the email link act on the ticket.
 */
for (const engine of ENGINES) {
  describe(`SLA escalation to the department head [${engine.name}]`, () => {
    let w: TestWorld;
    let slack: FakeSlack;
    let email: RecordingEmail;
    let now = new Date('2026-04-06T01:00:00.000Z');
    const clock = { now: () => now };
    const later = (minutes: number) => { now = new Date(now.getTime() + minutes * 60_000); };
    const adminToken = () => w.services.signer.issue(w.admin.agentId, 0, now).token;
    const eventsOf = (ticketId: number, type: string) => w.services.db.read((m) => m.find(TicketEvent, { where: { ticketId, type }, order: { id: 'ASC' } }));

    /** A click as Slack sends it: the fixture's block_actions payload with our button and user, signed now. */
    const click = async (actionId: string, alertId: number, slackUserId: string, secret = SIGNING_SECRET) => {
      const p = JSON.parse(await readFile(FIXTURE, 'utf8')) as Record<string, any>;
      p.user = { ...p.user, id: slackUserId };
      p.actions[0] = { ...p.actions[0], action_id: actionId, value: String(alertId) };
      p.response_url = `${slack.responseUrl}T111/111/x`;
      p.container = { ...p.container, is_ephemeral: false };
      p.message = { type: 'message', ts: '111.222', text: 'alert', blocks: [] };
      const raw = `payload=${encodeURIComponent(JSON.stringify(p))}`;
      const ts = String(Math.floor(Date.now() / 1000));
      const sig = `v0=${crypto.createHmac('sha256', secret).update(`v0:${ts}:${raw}`).digest('hex')}`;
      const res = await fetch(`${w.baseUrl}/slack/events`, { method: 'POST', body: raw, headers: {
        'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig } });
      return res.status;
    };
    const breachOf = async (ticketId: number) => w.services.db.read((m) => m.findOneByOrFail(SlaAlert, { ticketId, kind: 'breach', level: 1 }));
    const newTicket = async (value: string, priority?: 'urgent') => {
      const { ticketId } = await w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value }, receivedAt: now, departmentId: w.deptA }));
      if (priority) await w.services.tickets.setPriority({ agentId: w.admin.agentId, role: 'admin', departmentIds: [] }, ticketId, priority);
      return ticketId;
    };
    const breach = async (ticketId: number) => {
      later(10);
      await slaTick(w.services, now);
      await w.services.notifications.runOnce();
      return breachOf(ticketId);
    };

    before(async () => {
      slack = await startFakeSlack();
      email = new RecordingEmail();
      w = await startWorld(engine, {
        clock, startDelivery: false, channels: new ChannelRegistry().register(new RecordingAdapter()),
        notifiers: [new SlackNotifier({ token: 'xoxb-test', apiUrl: slack.url }), email],
        app: { slack: { signingSecret: SIGNING_SECRET, token: 'xoxb-test', apiUrl: slack.url } },
      });
      await w.services.agents.update(w.supervisorA.agentId, { slackUserId: 'U0HEAD' });
      await w.services.agents.update(w.admin.agentId, { slackUserId: 'U0BOSS' });
      expect((await w.api('POST', '/api/sla-policies', { token: adminToken(), body: { name: 'Chat', firstResponseMinutes: 10 } })).status).to.equal(201);
      expect((await w.api('PATCH', `/api/departments/${w.deptA}`, { token: adminToken(), body: {
        headAgentId: w.supervisorA.agentId, slackChannel: 'C0SLA',
        escalationChain: [{ agentId: w.supervisorA.agentId, delayMinutes: 15 }, { agentId: w.admin.agentId, delayMinutes: 30 }],
      } })).status).to.equal(200);
    });
    after(async () => { await w.stop(); await slack.close(); });
    beforeEach(() => { slack.calls.length = 0; email.sent = []; });

    it('posts the breach to the department channel with Acknowledge / Take over, and emails the head an acknowledge link', async () => {
      const ticketId = await newTicket('esc-1');
      const alert = await breach(ticketId);
      const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
      expect(posts).to.have.length(1);
      expect(posts[0]!.body.channel).to.equal('C0SLA');
      expect(JSON.stringify(posts[0]!.body.blocks)).to.contain('sla_acknowledge').and.contain('sla_take_over').and.contain(`"${alert.id}"`);
      expect(email.sent).to.have.length(1);
      expect(email.sent[0]!.target).to.equal('supervisor.a@test.memberdesk');
      expect(email.sent[0]!.payload).to.include({ kind: 'sla.breached', metric: 'first_response', level: 1, ticketId });
      expect(email.sent[0]!.payload.ackUrl).to.match(/\/sla\/ack\//);
      const rows = await w.services.db.read((m) => m.findBy(Notification, { alertId: alert.id }));
      expect(rows.map((r) => r.status)).to.deep.equal(['sent', 'sent']);
      expect(rows.find((r) => r.channel === 'slack')!.providerRef).to.match(/^C0SLA:/);
    });

    it('Acknowledge in Slack stops the chain and is recorded; level 2 never goes out', async () => {
      const ticketId = await newTicket('esc-2');
      const alert = await breach(ticketId);
      // Slack hears back at ack(); the work goes on after the answer.
      expect(await click('sla_acknowledge', alert.id, 'U0HEAD')).to.equal(200);
      const acked = await expectEventually(async () => {
        const rows = await eventsOf(ticketId, 'sla.acknowledged');
        expect(rows).to.have.length(1);
        return rows;
      });
      expect(acked[0]!.data.via).to.equal('slack');
      expect(acked[0]!.actorId).to.equal(w.supervisorA.agentId);
      await expectEventually(() => expect(JSON.stringify(slack.calls.find((c) => c.method === 'chat.update')?.body)).to.contain('Acknowledged by'));
      later(60);
      await slaTick(w.services, now);
      expect(await eventsOf(ticketId, 'sla.escalated')).to.have.length(0);
    });

    it('acknowledged in the console, the Slack alert loses its buttons too; a later click says it was already done', async () => {
      const ticketId = await newTicket('esc-2b');
      const alert = await breach(ticketId);
      const ack = await w.api('POST', `/api/tickets/${ticketId}/sla/acknowledge`, { token: w.services.signer.issue(w.supervisorA.agentId, 0, now).token });
      expect(ack.body.acknowledged).to.equal(1);
      // The sent alert is edited in the background, not on the request path.
      const update = await expectEventually(() => {
        const found = slack.calls.find((c) => c.method === 'chat.update');
        expect(found).to.not.equal(undefined);
        return found!;
      });
      expect(update.body.channel).to.equal('C0SLA');
      expect(JSON.stringify(update.body.blocks)).to.contain('Acknowledged by Supervisor A').and.not.contain('sla_acknowledge');
      expect(await click('sla_acknowledge', alert.id, 'U0HEAD')).to.equal(200);
      await expectEventually(() => expect(JSON.stringify(slack.calls.find((c) => c.method === 'response_url')?.body)).to.contain('already acknowledged'));
    });

    it('unacknowledged, level 2 (the director) is told in their own Slack after level 1\'s delay', async () => {
      const ticketId = await newTicket('esc-3');
      await breach(ticketId);
      slack.calls.length = 0;
      later(15);
      await slaTick(w.services, now);
      await w.services.notifications.runOnce();
      const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
      expect(posts.map((c) => c.body.channel)).to.deep.equal(['U0BOSS']);
      expect((await eventsOf(ticketId, 'sla.escalated'))[0]!.data).to.include({ level: 2, contactAgentId: w.admin.agentId });
    });

    it('Take over assigns the ticket to whoever clicked and acknowledges', async () => {
      const ticketId = await newTicket('esc-4');
      const alert = await breach(ticketId);
      expect(await click('sla_take_over', alert.id, 'U0HEAD')).to.equal(200);
      const ticket = await expectEventually(async () => {
        const t = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: ticketId }));
        expect(t.escalationAlertId).to.equal(null);
        return t;
      });
      expect(ticket.assigneeId).to.equal(w.supervisorA.agentId);
      expect(ticket.escalationAlertId).to.equal(null);
      expect(await eventsOf(ticketId, 'sla.acknowledged')).to.have.length(1);
    });

    it('a forged or unknown-user click changes nothing', async () => {
      const ticketId = await newTicket('esc-5');
      const alert = await breach(ticketId);
      expect(await click('sla_acknowledge', alert.id, 'U0HEAD', 'not-the-secret-0000000000000000')).to.equal(401);
      expect(await click('sla_acknowledge', alert.id, 'U0STRANGER')).to.equal(200);
      await expectEventually(() => expect(JSON.stringify(slack.calls.find((c) => c.method === 'response_url')?.body)).to.contain('not linked'));
      expect(await eventsOf(ticketId, 'sla.acknowledged')).to.have.length(0);
    });

    it('refuses a policy condition on a department or category that does not exist, and unknown keys on acknowledge', async () => {
      const dept = await w.api('POST', '/api/sla-policies', { token: adminToken(), body: { name: 'Ghost dept', firstResponseMinutes: 5, conditions: { departmentIds: [999999] } } });
      expect(dept.status).to.equal(422);
      expect(dept.body.error).to.deep.include({ code: 'UNKNOWN_DEPARTMENT', details: { field: 'conditions.departmentIds' } });
      const category = await w.api('POST', '/api/sla-policies', { token: adminToken(), body: { name: 'Ghost category', firstResponseMinutes: 5, conditions: { categories: ['nope'] } } });
      expect(category.body.error.code).to.equal('UNKNOWN_CATEGORY');
      const odd = await w.api('POST', '/api/tickets/999999/sla/acknowledge', { token: adminToken(), body: { foo: 1 } });
      expect(odd.status).to.equal(400);
      expect(odd.body.error.details[0].field).to.equal('foo');
    });

    it('an old link acknowledges its own alert, not one fired after it was sent', async () => {
      const ticketId = await newTicket('esc-6b');
      const first = await breach(ticketId);
      const link = new URL(String(email.sent.find((n) => n.payload.alertId === first.id)!.payload.ackUrl));
      await w.services.tickets.setPriority({ agentId: w.admin.agentId, role: 'admin', departmentIds: [] }, ticketId, 'urgent');
      const urgent = await w.services.db.read((m) => m.findOneByOrFail(SlaAlert, { ticketId, kind: 'urgent' }));
      expect(urgent.id).to.be.greaterThan(first.id);
      expect((await fetch(`${w.baseUrl}${link.pathname}`, { method: 'POST' })).status).to.equal(200);
      const after = await w.services.db.read((m) => m.find(SlaAlert, { where: { ticketId }, order: { id: 'ASC' } }));
      expect(after.find((a) => a.id === first.id)!.acknowledgedAt).to.not.equal(null);
      expect(after.find((a) => a.id === urgent.id)!.acknowledgedAt, 'fired after the link was sent').to.equal(null);
    });

    it('a solved ticket ends its chain, so a breach after a reopen starts a new one', async () => {
      const ticketId = await newTicket('esc-6c');
      await breach(ticketId);
      expect((await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: ticketId }))).escalationAlertId).to.not.equal(null);
      const admin = { agentId: w.admin.agentId, role: 'admin' as const, departmentIds: [] };
      await w.services.tickets.setStatus(admin, ticketId, 'solved');
      const solved = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: ticketId }));
      expect(solved).to.include({ escalationAlertId: null, escalationLevel: 0, escalationDueAt: null });
      expect((await w.services.sla.viewOf(ticketId))?.escalation).to.equal(null);
      await w.services.tickets.setStatus(admin, ticketId, 'open'); // back among the open breaches the head's report counts
    });

    it('the email link shows a confirmation page; only its POST acknowledges; a tampered link is refused', async () => {
      const ticketId = await newTicket('esc-6');
      await breach(ticketId);
      const link = new URL(String(email.sent[0]!.payload.ackUrl));
      const page = await fetch(`${w.baseUrl}${link.pathname}`);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.contain('<form method="post">');
      expect(await eventsOf(ticketId, 'sla.acknowledged')).to.have.length(0);
      const tampered = link.pathname.replace(/\.(\d+)\./, (_m, id: string) => `.${Number(id) + 1}.`);
      expect((await fetch(`${w.baseUrl}${tampered}`, { method: 'POST' })).status).to.equal(400);
      const done = await fetch(`${w.baseUrl}${link.pathname}`, { method: 'POST' });
      expect(done.status).to.equal(200);
      expect((await eventsOf(ticketId, 'sla.acknowledged'))[0]!.data.via).to.equal('email');
    });

    it('an urgent ticket tells the head at once, not only at a breach', async () => {
      const ticketId = await newTicket('esc-7', 'urgent');
      await w.services.notifications.runOnce();
      const post = slack.calls.find((c) => c.method === 'chat.postMessage');
      expect(post?.body.channel).to.equal('C0SLA');
      expect(email.sent.map((n) => n.payload.kind)).to.deep.equal(['ticket.urgent']);
      expect(await w.services.db.read((m) => m.countBy(SlaAlert, { ticketId, kind: 'urgent' }))).to.equal(1);
    });

    it('the head sees open breaches and compliance of the department', async () => {
      const head = w.services.signer.issue(w.supervisorA.agentId, 0, now).token;
      const report = await w.api('GET', `/api/departments/${w.deptA}/sla?days=30`, { token: head });
      expect(report.status).to.equal(200);
      expect(report.body.openBreaches.length).to.be.greaterThan(3);
      expect(report.body.openBreaches[0].metrics).to.include('first_response');
      expect(report.body.compliance.tickets).to.be.greaterThan(3);
      // Every decided ticket here breached; the urgent one still inside its target is not counted yet.
      expect(report.body.compliance.overall).to.deep.equal({ measured: report.body.openBreaches.length, met: 0, percent: 0 });
      expect(report.body.compliance.tickets).to.equal(report.body.openBreaches.length + 1);
      const agent = await w.api('GET', `/api/departments/${w.deptA}/sla`, { token: w.services.signer.issue(w.agentA.agentId, 0, now).token });
      expect(agent.status).to.equal(403);
    });
  });
}
