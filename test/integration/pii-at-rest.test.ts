import { expect } from 'chai';
import { ENGINES } from '../helpers/engines.js';
import { inbound, startWorld, type TestWorld } from '../helpers/harness.js';

/** Contact data entered through every path, in the spellings members and agents type. */
const PHONES = ['13700001001', '13700001002', '13700001003', '13700001004', '13700001005'];
const EMAILS = ['pii.ingest@example.com', 'pii.api@example.com', 'pii.import@example.com', 'pii.patch@example.com'];
const WECHAT = ['wxid_pii_ingest', 'wxid_pii_api', 'wxid_pii_import'];

for (const engine of ENGINES) {
  describe(`member contact data at rest [${engine.name}]`, () => {
    let w: TestWorld;
    before(async () => {
      w = await startWorld(engine);
      const s = w.services;
      await s.tickets.ingest(inbound({ channel: 'email', from: { kind: 'email', value: 'PII.Ingest@Example.com' } }));
      await s.tickets.ingest(inbound({ channel: 'wechat', from: { kind: 'wechat', value: WECHAT[0]! } }));
      await s.tickets.ingest(inbound({ channel: 'phone', from: { kind: 'phone', value: '+86 137 0000 1001' } }));
      await w.api('POST', '/api/members', { token: w.agentA.token, body: { name: 'Api', phone: '137-0000-1002', email: EMAILS[1], wechat: WECHAT[1] } });
      const csv = `name,tier,store,email,phone,wechat_id\nImported,gold,SH-001,${EMAILS[2]},0086 137 0000 1003,${WECHAT[2]}\n`;
      expect((await w.api('POST', '/api/members/import', { token: w.admin.token, raw: csv, contentType: 'text/csv' })).status).to.equal(200);
      await w.api('POST', '/api/calls', { token: w.agentA.token, body: { direction: 'inbound', phone: '13700001004', summary: 'Asked about a refund', durationSeconds: 30 } });
      const out = await w.api('POST', '/api/calls', { token: w.agentA.token, body: { direction: 'outbound', phone: '13700001005', summary: 'Called back', durationSeconds: 30 } });
      const memberId = (await w.api('GET', `/api/tickets/${out.body.ticketId}`, { token: w.agentA.token })).body.member.id;
      await w.api('PATCH', `/api/members/${memberId}`, { token: w.agentA.token, body: { email: EMAILS[3] } });
      await w.api('GET', `/api/members/${memberId}?reveal=phone,email&reason=audit%20trail%20check`, { token: w.admin.token });
    });
    after(async () => { await w.stop(); });

    it('stores no phone number, email or WeChat id in plaintext in any table', async () => {
      const tables = w.services.db.ds.entityMetadatas.map((meta) => meta.tableName);
      expect(tables).to.include.members(['member', 'member_identity', 'ticket', 'message', 'ticket_event', 'audit_entry', 'delivery']);
      const needles = [...PHONES, ...PHONES.map((p) => `+86${p}`), ...EMAILS, 'pii.ingest@example.com', ...WECHAT];
      let rows = 0;
      for (const table of tables) {
        const dump = await w.services.db.read((m) => m.query(`SELECT * FROM ${w.services.db.ds.driver.escape(table)}`)) as unknown[];
        rows += dump.length;
        const text = JSON.stringify(dump);
        for (const needle of needles) expect(text, `${needle} in ${table}`).not.to.contain(needle);
      }
      expect(rows).to.be.greaterThan(30);
      // …and yet every identity is found again by its blind index.
      for (const phone of PHONES) {
        const found = await w.api('GET', `/api/members?phone=${phone}`, { token: w.admin.token });
        expect(found.body.items, phone).to.have.length(1);
      }
    });

    it('finds a member by phone with one indexed equality lookup', async () => {
      const blind = w.services.vault.blindIndex('phone', '+8613700001001');
      const sql = 'SELECT mb.id FROM member_identity mi JOIN member mb ON mb.id = mi.memberId WHERE mi.kind = ? AND mi.blindIndex = ?';
      if (engine.name === 'mysql') {
        const plan = await w.services.db.ds.query(`EXPLAIN ${sql}`, ['phone', blind]) as Array<{ table: string; key: string | null; type: string }>;
        const mi = plan.find((p) => p.table === 'mi')!;
        expect(mi.key).to.equal('IDX_member_identity_lookup');
        expect(['const', 'eq_ref', 'ref']).to.include(mi.type);
        expect(plan.find((p) => p.table === 'mb')!.key).to.equal('PRIMARY');
      } else {
        const plan = await w.services.db.read((m) => m.query(`EXPLAIN QUERY PLAN ${sql}`, ['phone', blind])) as Array<{ detail: string }>;
        expect(plan.map((p) => p.detail).join(' | ')).to.match(/IDX_member_identity_lookup/);
      }
    });
  });
}
