import { expect } from 'chai';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { Notification, SlaAlert, TicketEvent } from '../../server/db/entities/index.js';
import { row } from '../../server/db/row.js';
import { silentLogger } from '../../server/logger.js';
import { EmailNotifier } from '../../server/notify/email.notifier.js';
import { PermanentNotifyError, type NotificationPayload, type Notifier, type OutgoingNotification } from '../../server/notify/notification.js';
import { NotificationWorker } from '../../server/notify/notification.worker.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { inbound, startWorld, type TestWorld } from '../helpers/harness.js';

/** A notifier double: records what it was asked to send, or throws what the test hands it. */
class RecordingNotifier implements Notifier {
  sent: OutgoingNotification[] = [];
  failWith: Error | null = null;
  constructor(readonly channel: 'slack' | 'email' = 'slack') {}

  async send(n: OutgoingNotification): Promise<{ providerRef: string | null }> {
    // Yield first, so workers running side by side really interleave between claim and send.
    await new Promise((r) => setImmediate(r));
    if (this.failWith) throw this.failWith;
    this.sent.push(n);
    return { providerRef: `C42:${n.id}.0001` };
  }
}

function alertPayload(ticket: { ticketId: number; ticketNumber: string }, over: Partial<NotificationPayload> = {}): NotificationPayload {
  return {
    kind: 'sla.breached', alertId: 77, ticketId: ticket.ticketId, ticketNumber: ticket.ticketNumber, subject: 'Card not received',
    departmentName: 'Dept A', priority: 'high', metric: 'first_response', level: 1, dueAt: '2026-03-02T01:30:00.000Z',
    contact: { agentId: 1, name: 'Head A', slackUserId: 'U0HEAD', locale: 'en' },
    ticketUrl: `https://desk.example/tickets/${ticket.ticketId}`,
    ...over,
  };
}

for (const engine of ENGINES) {
  describe(`notification worker [${engine.name}]`, () => {
    let w: TestWorld;
    let now = new Date('2026-03-02T02:00:00.000Z');
    const clock = { now: () => now };
    const advance = (ms: number) => { now = new Date(now.getTime() + ms); };

    before(async () => { w = await startWorld(engine, { clock, startDelivery: false }); });
    after(async () => { await w.stop(); });

    const newTicket = () => w.services.tickets.ingest(inbound({ departmentId: w.deptA, receivedAt: now }));
    const worker = (notifiers: Notifier[], batchSize?: number) =>
      new NotificationWorker({ db: w.services.db, clock, log: silentLogger, pollMs: 60_000, notifiers, batchSize });
    const notification = (id: number) => w.services.db.read((m) => m.findOneByOrFail(Notification, { id }));
    const failedEvents = (ticketId: number) => w.services.db.read((m) => m.findBy(TicketEvent, { ticketId, type: 'notification.failed' }));

    /** A due notification row as the escalation service would write it; returns its id. */
    async function insertNotification(over: Partial<Notification> & { ticket: { ticketId: number; ticketNumber: string } }): Promise<number> {
      const { ticket, ...fields } = over;
      const payload = alertPayload(ticket);
      const result = await w.services.db.tx((m) => m.insert(Notification, row<Notification>({
        channel: 'slack', alertId: payload.alertId, ticketId: ticket.ticketId, agentId: null, target: 'C0ALERTS',
        payload: payload as unknown as Record<string, unknown>, status: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now,
        ...fields,
      })));
      return (result.identifiers[0] as { id: number }).id;
    }

    it('sends a due row, stores the provider ref and records nothing on the ticket', async () => {
      const t = await newTicket();
      const slack = new RecordingNotifier();
      const id = await insertNotification({ ticket: t });
      expect(await worker([slack]).runOnce()).to.equal(1);
      expect(slack.sent).to.have.length(1);
      expect(slack.sent[0]).to.deep.include({ id, channel: 'slack', target: 'C0ALERTS' });
      expect(slack.sent[0]!.payload).to.include({ alertId: 77, ticketNumber: t.ticketNumber, kind: 'sla.breached' });
      const n = await notification(id);
      expect(n).to.include({ status: 'sent', attempts: 1, providerRef: `C42:${id}.0001`, claimedBy: null, lastError: null });
      expect(n.sentAt?.getTime()).to.equal(now.getTime());
      expect(await failedEvents(t.ticketId)).to.deep.equal([]);
    });

    it('sends every row exactly once when two workers run at the same time', async () => {
      const t = await newTicket();
      const slack = new RecordingNotifier();
      const ids: number[] = [];
      for (let i = 0; i < 24; i++) ids.push(await insertNotification({ ticket: t, target: `C0ALERTS${i}` }));
      const [a, b] = [worker([slack], 4), worker([slack], 4)];
      const drain = async (x: NotificationWorker) => { let n = 0; for (let k; (k = await x.runOnce()) > 0;) n += k; return n; };
      const [byA, byB] = await Promise.all([drain(a), drain(b)]);
      expect(byA + byB).to.equal(ids.length);
      expect(slack.sent.map((s) => s.id).sort((x, y) => x - y)).to.deep.equal(ids);
      const rows = await w.services.db.read((m) => m.createQueryBuilder(Notification, 'n').where('n.id IN (:...ids)', { ids }).getMany());
      expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).to.equal(true);

      // And one row raced by both: one of them sends it.
      const single = await insertNotification({ ticket: t });
      const counts = await Promise.all([a.runOnce(), b.runOnce()]);
      expect(counts[0] + counts[1]).to.equal(1);
      expect(slack.sent.filter((s) => s.id === single)).to.have.length(1);
    });

    it('a slow send outliving the claim does not make the rest of the batch go out twice', async () => {
      const t = await newTicket();
      let release!: () => void;
      const gate = new Promise<void>((r) => { release = r; });
      const slow = new RecordingNotifier();
      const slowSend = slow.send.bind(slow);
      let first = true;
      // The first send hangs past the 60 s lease; meanwhile another process claims what is left.
      slow.send = async (n) => { if (first) { first = false; await gate; } return slowSend(n); };
      const ids = [await insertNotification({ ticket: t, target: 'C0SLOW1' }), await insertNotification({ ticket: t, target: 'C0SLOW2' })];
      const a = worker([slow], 2);
      const pass = a.runOnce();
      await expectEventually(() => expect(first).to.equal(false));
      advance(61_000);
      const b = worker([slow], 2);
      expect(await b.runOnce()).to.equal(2);
      release();
      await pass;
      // The row in flight when the lease ran out can repeat (notifier timeouts keep that window short);
      // the row A had not started is B's alone.
      expect(slow.sent.filter((n) => n.id === ids[1])).to.have.length(1);
    });

    it('cancels, rather than sends, a notification whose alert was acknowledged meanwhile', async () => {
      const t = await newTicket();
      const alert = await w.services.db.tx((m) => m.insert(SlaAlert, row<SlaAlert>({
        ticketId: t.ticketId, metric: 'first_response', cycle: 0, kind: 'breach', level: 1, departmentId: w.deptA, contactAgentId: null,
        dueAt: now, firedAt: now, acknowledgedAt: now, acknowledgedBy: w.supervisorA.agentId,
      })));
      const alertId = (alert.identifiers[0] as { id: number }).id;
      const slack = new RecordingNotifier();
      const id = await insertNotification({ ticket: t, alertId });
      await worker([slack]).runOnce();
      expect(slack.sent).to.have.length(0);
      expect((await notification(id)).status).to.equal('cancelled');
    });

    it('retries a transient failure later, with contact data gone from the stored error', async () => {
      const t = await newTicket();
      const email = new RecordingNotifier('email');
      email.failWith = new Error('451 mailbox head.of.dept@memberdesk.test busy, call +86 138 0013 8000');
      const id = await insertNotification({ ticket: t, channel: 'email', target: 'head.of.dept@memberdesk.test' });
      const x = worker([email]);
      expect(await x.runOnce()).to.equal(1);
      const first = await notification(id);
      expect(first).to.include({ status: 'pending', attempts: 1, claimedBy: null, claimedUntil: null, providerRef: null });
      expect(first.lastError).to.equal('451 mailbox h***@memberdesk.test busy, call 861****00');
      expect(first.nextAttemptAt.getTime() - now.getTime()).to.be.within(4_000, 6_000);
      expect(await x.runOnce(), 'not before the backoff').to.equal(0);
      expect(await failedEvents(t.ticketId)).to.deep.equal([]);

      email.failWith = null;
      advance(6_001);
      expect(await x.runOnce()).to.equal(1);
      expect(await notification(id)).to.include({ status: 'sent', attempts: 2, lastError: null });
    });

    it('fails a permanent error at once and records it on the ticket', async () => {
      const t = await newTicket();
      const slack = new RecordingNotifier();
      slack.failWith = new PermanentNotifyError('channel_not_found: C0ALERTS');
      const id = await insertNotification({ ticket: t });
      await worker([slack]).runOnce();
      expect(await notification(id)).to.include({ status: 'failed', attempts: 1, lastError: 'channel_not_found: C0ALERTS', claimedBy: null });
      const events = await failedEvents(t.ticketId);
      expect(events).to.have.length(1);
      expect(events[0]).to.include({ actorType: 'system', actorId: null });
      expect(events[0]!.data).to.deep.equal({ notificationId: id, channel: 'slack', alertId: 77, reason: 'channel_not_found: C0ALERTS' });
    });

    it('takes `permanent: true` on any error as permanent', async () => {
      const t = await newTicket();
      const slack = new RecordingNotifier();
      slack.failWith = Object.assign(new Error('user_not_found'), { permanent: true });
      const id = await insertNotification({ ticket: t });
      await worker([slack]).runOnce();
      expect(await notification(id)).to.include({ status: 'failed', attempts: 1 });
      expect(await failedEvents(t.ticketId)).to.have.length(1);
    });

    it('fails a row for a channel no notifier sends, saying so', async () => {
      const t = await newTicket();
      const id = await insertNotification({ ticket: t, channel: 'email', target: 'head@memberdesk.test' });
      await worker([new RecordingNotifier('slack')]).runOnce();
      const n = await notification(id);
      expect(n).to.include({ status: 'failed', attempts: 1 });
      expect(n.lastError).to.equal('no notifier is configured for channel "email"');
      const events = await failedEvents(t.ticketId);
      expect(events.map((e) => e.data)).to.deep.equal([{ notificationId: id, channel: 'email', alertId: 77, reason: 'no notifier is configured for channel "email"' }]);
    });

    describe('by email, against a local SMTP server', () => {
      let smtp: SmtpCapture;
      let notifier: EmailNotifier;

      before(async () => {
        smtp = await startSmtpCapture();
        const { port } = smtp;
        notifier = new EmailNotifier({
          transport: { host: '127.0.0.1', port, secure: false, ignoreTLS: true },
          from: { address: 'alerts@helpdesk.test', name: 'MemberDesk Alerts' },
        });
      });
      after(async () => {
        notifier.close();
        await smtp.close();
      });

      it('mails the alert with its headers and ack link, and keeps the Message-ID', async () => {
        const t = await newTicket();
        const ackUrl = `https://desk.example/alerts/77/ack?sig=abc`;
        const x = worker([notifier]);
        x.start();
        try {
          const id = await insertNotification({ ticket: t, channel: 'email', target: 'head@memberdesk.test', payload: { ...alertPayload(t, { ackUrl }) } });
          x.kick();
          const n = await expectEventually(async () => {
            const r = await notification(id);
            expect(r.status).to.equal('sent');
            return r;
          });
          const mail = smtp.received.find((m) => m.headers.get('x-memberdesk-alert') === '77' && m.messageId === n.providerRef);
          expect(mail, 'the mail whose Message-ID the row kept').to.not.equal(undefined);
          expect(mail!.subject).to.equal(`[${t.ticketNumber}] SLA breached: first response overdue / 首次响应超时`);
          expect(mail!.headers.get('auto-submitted')).to.equal('auto-generated');
          expect(mail!.text).to.include(`Acknowledge / 确认: ${ackUrl}`);
          expect(mail!.html).to.include(`href="${ackUrl}"`);
          expect(mail!.to && !Array.isArray(mail!.to) ? mail!.to.value[0]!.address : null).to.equal('head@memberdesk.test');
        } finally {
          await x.stop();
        }
      });

      it('turns a 550 on RCPT into a PermanentNotifyError, and a 451 into a transient error', async () => {
        const t = await newTicket();
        const base = { id: 1, channel: 'email' as const, payload: alertPayload(t) };
        const gone = await notifier.send({ ...base, target: 'gone@memberdesk.test' }).then(() => null, (e: unknown) => e);
        expect(gone).to.be.instanceOf(PermanentNotifyError);
        expect((gone as Error).message).to.match(/550/).and.not.include('gone@');
        const busy = await notifier.send({ ...base, target: 'busy@memberdesk.test' }).then(() => null, (e: unknown) => e);
        expect(busy).to.be.instanceOf(Error).and.not.to.be.instanceOf(PermanentNotifyError);
        expect((busy as { permanent?: unknown }).permanent).to.equal(undefined);

        const id = await insertNotification({ ticket: t, channel: 'email', target: 'gone@memberdesk.test' });
        await worker([notifier]).runOnce();
        expect(await notification(id)).to.include({ status: 'failed', attempts: 1 });
        const events = await failedEvents(t.ticketId);
        expect(events).to.have.length(1);
        expect(String(events[0]!.data['reason'])).to.match(/550/).and.not.include('gone@');
      });
    });
  });
}
