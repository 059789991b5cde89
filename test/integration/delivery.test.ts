import { expect } from 'chai';
import { ChannelRegistry } from '../../channels/channel.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { Delivery, Message, TicketEvent } from '../../server/db/entities/index.js';
import { DeliveryWorker } from '../../server/delivery/delivery.worker.js';
import { silentLogger } from '../../server/logger.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { inbound, startWorld, type TestWorld } from '../helpers/harness.js';

for (const engine of ENGINES) {
  describe(`delivery worker [${engine.name}]`, () => {
    let w: TestWorld;
    let adapter: RecordingAdapter;
    let now = new Date();
    const clock = { now: () => now };
    const advance = (ms: number) => { now = new Date(now.getTime() + ms); };

    before(async () => {
      adapter = new RecordingAdapter();
      w = await startWorld(engine, { clock, channels: new ChannelRegistry().register(adapter), startDelivery: false });
    });
    after(async () => { await w.stop(); });
    beforeEach(() => { adapter.sent = []; adapter.failures = []; });

    const chatTicket = (who: string) =>
      w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: who }, departmentId: w.deptA, receivedAt: now }));
    const delivery = (messageId: number) => w.services.db.read((m) => m.findOneByOrFail(Delivery, { messageId }));
    const message = (id: number) => w.services.db.read((m) => m.findOneByOrFail(Message, { id }));

    it('sends a public reply after commit, with the member address decrypted only for the adapter', async () => {
      const t = await chatTicket('visitor-deliver');
      const { messageId } = await w.services.tickets.addMessage(w.agentA, t.ticketId, { text: '您好，已为您查询。', visibility: 'public' });
      expect((await message(messageId)).deliveryState).to.equal('pending');
      expect(await w.services.delivery.runOnce()).to.equal(1);
      expect(adapter.sent).to.have.length(1);
      expect(adapter.sent[0]).to.include({ ticketId: t.ticketId, messageId, text: '您好，已为您查询。', ticketNumber: t.ticketNumber });
      expect(adapter.sent[0]!.to).to.deep.equal({ kind: 'webchat', value: 'visitor-deliver' });
      expect(await delivery(messageId)).to.include({ status: 'sent', attempts: 1, providerId: `chat-${(await delivery(messageId)).id}` });
      expect((await message(messageId)).deliveryState).to.equal('sent');
      expect(await w.services.delivery.runOnce()).to.equal(0);
    });

    it('never sends an internal note', async () => {
      const t = await chatTicket('visitor-note');
      await w.services.tickets.addMessage(w.agentA, t.ticketId, { text: 'internal only', visibility: 'internal' });
      expect(await w.services.delivery.runOnce()).to.equal(0);
      expect(adapter.sent).to.deep.equal([]);
    });

    it('retries a transient failure with backoff: not before the wait, then delivered', async () => {
      const t = await chatTicket('visitor-retry');
      adapter.failures = ['transient', 'transient'];
      const { messageId } = await w.services.tickets.addMessage(w.agentA, t.ticketId, { text: 'retry me', visibility: 'public' });
      expect(await w.services.delivery.runOnce()).to.equal(1);
      const first = await delivery(messageId);
      expect(first).to.include({ status: 'pending', attempts: 1, lastError: 'transient failure', claimedBy: null });
      const wait = first.nextAttemptAt.getTime() - now.getTime();
      expect(wait).to.be.within(4_000, 6_000);

      expect(await w.services.delivery.runOnce(), 'too early').to.equal(0);
      advance(wait + 1);
      expect(await w.services.delivery.runOnce()).to.equal(1);
      const second = await delivery(messageId);
      expect(second.attempts).to.equal(2);
      expect(second.nextAttemptAt.getTime() - now.getTime()).to.be.within(8_000, 12_000);
      advance(12_001);
      expect(await w.services.delivery.runOnce()).to.equal(1);
      expect(await delivery(messageId)).to.include({ status: 'sent', attempts: 3 });
      expect(adapter.sent.map((s) => s.messageId)).to.deep.equal([messageId]);
    });

    it('gives up on a permanent failure, marks the message failed and records it on the ticket', async () => {
      const t = await chatTicket('visitor-permanent');
      adapter.failures = ['permanent'];
      const { messageId } = await w.services.tickets.addMessage(w.agentA, t.ticketId, { text: 'never arrives', visibility: 'public' });
      await w.services.delivery.runOnce();
      expect(await delivery(messageId)).to.include({ status: 'failed', attempts: 1 });
      expect((await message(messageId)).deliveryState).to.equal('failed');
      const events = await w.services.db.read((m) => m.findBy(TicketEvent, { ticketId: t.ticketId, type: 'delivery.failed' }));
      expect(events).to.have.length(1);
      expect(events[0]!.data).to.include({ messageId, reason: 'permanent failure' });
    });

    it('lets several workers drain one queue with every row sent exactly once', async () => {
      const t = await chatTicket('visitor-many');
      const ids: number[] = [];
      for (let i = 0; i < 40; i++) ids.push((await w.services.tickets.addMessage(w.agentA, t.ticketId, { text: `reply ${i}`, visibility: 'public' })).messageId);
      const workers = [1, 2, 3].map(() => new DeliveryWorker({ db: w.services.db, vault: w.services.vault, channels: w.services.channels, clock, log: silentLogger, pollMs: 10, batchSize: 5 }));
      const drain = async (worker: DeliveryWorker) => { while ((await worker.runOnce()) > 0) { /* keep going */ } };
      await Promise.all(workers.map(drain));
      const sentIds = adapter.sent.map((s) => s.messageId).sort((a, b) => a - b);
      expect(sentIds).to.deep.equal(ids);
      const rows = await w.services.db.read((m) => m.createQueryBuilder(Delivery, 'd').where('d.messageId IN (:...ids)', { ids }).getMany());
      expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).to.equal(true);
    });

    it('picks up a row whose claiming process died once the claim runs out', async () => {
      const t = await chatTicket('visitor-orphan');
      const { messageId } = await w.services.tickets.addMessage(w.agentA, t.ticketId, { text: 'orphaned', visibility: 'public' });
      const d = await delivery(messageId);
      await w.services.db.tx((m) => m.update(Delivery, { id: d.id }, { claimedBy: 'dead-worker', claimedUntil: new Date(now.getTime() + 60_000) }));
      expect(await w.services.delivery.runOnce()).to.equal(0);
      advance(60_001);
      expect(await w.services.delivery.runOnce()).to.equal(1);
      expect(await delivery(messageId)).to.include({ status: 'sent' });
    });

    it('a kick wakes a started worker at once instead of at the next poll', async () => {
      const fresh = new DeliveryWorker({ db: w.services.db, vault: w.services.vault, channels: w.services.channels, clock, log: silentLogger, pollMs: 60_000 });
      fresh.start();
      try {
        await new Promise((r) => setImmediate(r));
        const t = await chatTicket('visitor-kick');
        const { messageId } = await w.services.tickets.addMessage(w.agentA, t.ticketId, { text: 'kick', visibility: 'public' });
        fresh.kick();
        await expectEventually(async () => expect((await message(messageId)).deliveryState).to.equal('sent'));
      } finally {
        await fresh.stop();
      }
    });
  });
}
