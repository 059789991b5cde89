import { expect } from 'chai';
import { In } from 'typeorm';
import { Member, MemberIdentity, Message, Ticket, TicketEvent } from '../../server/db/entities/index.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { inbound, startWorld, type TestWorld } from '../helpers/harness.js';

for (const engine of ENGINES) {
  describe(`ingest [${engine.name}]`, () => {
    let w: TestWorld;
    before(async () => { w = await startWorld(engine); });
    after(async () => { await w.stop(); });

    const count = (entity: typeof Message | typeof Ticket | typeof Member, where: Record<string, unknown> = {}) =>
      w.services.db.read((m) => m.countBy(entity, where));

    it('stores 50 concurrent distinct messages exactly once despite 10 concurrent re-deliveries', async () => {
      const messages = Array.from({ length: 50 }, (_, i) => inbound({ externalId: `<burst-${i}@example.com>`, from: { kind: 'email', value: `burst${i}@example.com` } }));
      const redeliveries = messages.slice(0, 10);
      const results = await Promise.all([...messages, ...redeliveries].map((m) => w.services.tickets.ingest(m)));

      const stored = await w.services.db.read((m) => m.createQueryBuilder(Message, 'msg').where("msg.externalId LIKE '<burst-%'").getMany());
      expect(stored).to.have.length(50);
      const tickets = await w.services.db.read((m) => m.findBy(Ticket, { id: In([...new Set(results.map((r) => r.ticketId))]) }));
      expect(tickets).to.have.length(50);
      const numbers = tickets.map((t) => t.number);
      expect(new Set(numbers).size).to.equal(50);
      for (const n of numbers) expect(n).to.match(/^MD-\d{6}$/);
      // Every delivery of the same message answers with the same ticket and message.
      for (let i = 0; i < 10; i++) {
        expect(results[50 + i]!.messageId).to.equal(results[i]!.messageId);
        expect(results[50 + i]!.ticketId).to.equal(results[i]!.ticketId);
      }
      expect(results.filter((r) => r.duplicate)).to.have.length(10);
    });

    it('creates one member when the same new sender writes twice at the same moment', async () => {
      const from = { kind: 'phone' as const, value: '+86 139 0000 0001' };
      const a = inbound({ channel: 'phone', from, externalId: 'race-1' });
      const b = inbound({ channel: 'phone', from: { kind: 'phone', value: '13900000001' }, externalId: 'race-2' });
      const [ra, rb] = await Promise.all([w.services.tickets.ingest(a), w.services.tickets.ingest(b)]);
      expect(ra.ticketId).to.equal(rb.ticketId);
      const identities = await w.services.db.read((m) => m.countBy(MemberIdentity, { kind: 'phone', blindIndex: w.services.vault.blindIndex('phone', '+8613900000001') }));
      expect(identities).to.equal(1);
    });

    it('continues the member\'s open ticket on that channel, and opens a new one on another channel or after solve', async () => {
      const from = { kind: 'email' as const, value: 'thread@example.com' };
      const first = await w.services.tickets.ingest(inbound({ from, subject: 'Points missing' }));
      const second = await w.services.tickets.ingest(inbound({ from, subject: 'Re: Points missing' }));
      expect(second.ticketId).to.equal(first.ticketId);
      expect(second.created).to.equal(false);

      const chat = await w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: 'thread-chat' } }));
      expect(chat.ticketId).not.to.equal(first.ticketId);

      await w.services.tickets.setStatus(w.admin, first.ticketId, 'solved');
      const third = await w.services.tickets.ingest(inbound({ from, subject: 'Another question' }));
      expect(third.ticketId).not.to.equal(first.ticketId);
      expect(third.created).to.equal(true);
    });

    it('reopens a pending ticket when the member answers, recording why', async () => {
      const from = { kind: 'email' as const, value: 'pending@example.com' };
      const first = await w.services.tickets.ingest(inbound({ from }));
      await w.services.tickets.setStatus(w.admin, first.ticketId, 'pending');
      await w.services.tickets.ingest(inbound({ from }));
      const ticket = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: first.ticketId }));
      expect(ticket.status).to.equal('open');
      const events = await w.services.db.read((m) => m.find(TicketEvent, { where: { ticketId: first.ticketId }, order: { id: 'ASC' } }));
      expect(events.map((e) => e.type)).to.deep.equal(['ticket.created', 'message.received', 'status.changed', 'status.changed', 'message.received']);
      expect(events[3]!.data).to.deep.equal({ from: 'pending', to: 'open', reason: 'member_replied' });
    });

    it('follows a thread hint only to a ticket of the same member, and through a merge', async () => {
      const a = await w.services.tickets.ingest(inbound({ from: { kind: 'email', value: 'hint-a@example.com' } }));
      const other = await w.services.tickets.ingest(inbound({ from: { kind: 'email', value: 'hint-b@example.com' } }));
      // A hint to somebody else's ticket is ignored: no hijacking.
      const hijack = await w.services.tickets.ingest(inbound({ from: { kind: 'email', value: 'hint-b@example.com' }, threadTicketId: a.ticketId }));
      expect(hijack.ticketId).to.equal(other.ticketId);

      // One member on two channels: an email ticket merged into the chat ticket; a reply to the email goes where it went.
      const member = await w.services.members.create({ name: 'Merge Member', identities: { email: 'merge@example.com', webchat: 'merge-chat' } });
      const chat = await w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: 'merge-chat' } }));
      const mail = await w.services.tickets.ingest(inbound({ channel: 'email', from: { kind: 'email', value: 'merge@example.com' } }));
      await w.services.tickets.merge(w.admin, mail.ticketId, chat.ticketId);
      const reply = await w.services.tickets.ingest(inbound({ channel: 'email', from: { kind: 'email', value: 'merge@example.com' }, threadTicketId: mail.ticketId }));
      expect(reply.ticketId).to.equal(chat.ticketId);
      const merged = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: mail.ticketId }));
      expect(merged).to.include({ status: 'merged', mergedIntoId: chat.ticketId, memberId: member.id });
      const moved = await w.services.db.read((m) => m.countBy(Message, { ticketId: chat.ticketId }));
      expect(moved).to.equal(3);
    });

    if (engine.name === 'mysql') {
      it('sees an agent\'s solve that commits while a follow-up waits, instead of overwriting it', async () => {
        const from = { kind: 'email' as const, value: 'race-solve@example.com' };
        const first = await w.services.tickets.ingest(inbound({ from }));
        // The agent's transaction holds the ticket row, as setStatus does, and solves it…
        const qr = w.services.db.ds.createQueryRunner();
        await qr.connect();
        await qr.startTransaction();
        await qr.query('SELECT id FROM ticket WHERE id = ? FOR UPDATE', [first.ticketId]);
        await qr.query("UPDATE ticket SET status = 'solved' WHERE id = ?", [first.ticketId]);
        // …while the member's follow-up arrives: it either waits for that lock or already skips the row.
        let settled = false;
        const followUp = w.services.tickets.ingest(inbound({ from })).finally(() => { settled = true; });
        await expectEventually(async () => {
          const [row] = await w.services.db.ds.query("SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'");
          expect(settled || Number(row.n) > 0).to.equal(true);
        }, 10_000, 200); // polling INNODB_TRX faster than this starves the waiting transaction
        await qr.commitTransaction();
        await qr.release();
        const result = await followUp;
        expect(result.ticketId, 'a solved ticket is not continued').not.to.equal(first.ticketId);
        const solved = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: first.ticketId }));
        expect(solved.status).to.equal('solved');
      });
    }

    it('stores no contact data in plaintext', async () => {
      await w.services.tickets.ingest(inbound({ channel: 'phone', from: { kind: 'phone', value: '+86 137 5555 6666', name: 'Plain Test' } }));
      await w.services.tickets.ingest(inbound({ channel: 'wechat', from: { kind: 'wechat', value: 'wxid_plaintext_probe' } }));
      const rows = await w.services.db.read((m) => m.query('SELECT * FROM member_identity'));
      const dump = JSON.stringify(rows);
      expect(dump).not.to.contain('13755556666');
      expect(dump).not.to.contain('wxid_plaintext_probe');
      expect(dump).not.to.contain('burst1@example.com');
      expect(dump).to.contain('137****6666');
    });

    it('writes ticket, message and events in one transaction: a failure leaves nothing behind', async () => {
      const before = { tickets: await count(Ticket), messages: await count(Message) };
      const failing = { decide: () => { throw new Error('classifier crashed'); } };
      const { TicketService } = await import('../../server/tickets/ticket.service.js');
      const svc = new TicketService({ db: w.services.db, members: w.services.members, clock: w.services.clock, triager: failing, sendsText: () => false });
      let caught: unknown;
      try { await svc.ingest(inbound({ from: { kind: 'email', value: 'atomic@example.com' } })); } catch (err) { caught = err; }
      expect(String(caught)).to.contain('classifier crashed');
      expect(await count(Ticket)).to.equal(before.tickets);
      expect(await count(Message)).to.equal(before.messages);
      const orphan = await w.services.db.read((m) => m.countBy(MemberIdentity, { blindIndex: w.services.vault.blindIndex('email', 'atomic@example.com') }));
      expect(orphan).to.equal(0);
    });
  });
}
