import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { bootstrap } from '../../server/bootstrap.js';
import { systemClock } from '../../server/clock.js';
import { Database } from '../../server/db/database.js';
import { createDataSource } from '../../server/db/data-source.js';
import { FollowUp, Survey, Ticket } from '../../server/db/entities/index.js';
import { seedDemo, DEMO_PASSWORD } from '../../server/demo/seed.js';
import { silentLogger } from '../../server/logger.js';
import { Keyring, PiiVault } from '../../server/security/pii-vault.js';
import { buildServices, type Services } from '../../server/services.js';
import { ENGINES } from '../helpers/engines.js';

for (const engine of ENGINES) {
  describe(`first start [${engine.name}]`, () => {
    let s: Services;
    let drop: () => Promise<void>;
    before(async () => {
      const target = await engine.fresh();
      drop = target.drop;
      const ds = await createDataSource({ databaseUrl: target.databaseUrl, dataDir: null });
      await ds.runMigrations();
      const db = new Database(ds, target.databaseUrl ? 'mysql' : 'sqlite');
      s = buildServices({ db, vault: await PiiVault.open(db, new Keyring(randomBytes(32))), clock: systemClock, log: silentLogger, tokenTtlMinutes: 60, deliveryPollMs: 1000 });
    });
    after(async () => { await s.db.ds.destroy(); await drop(); });

    it('creates the default department and a first admin whose generated password is printed once', async () => {
      const printed: string[] = [];
      await bootstrap(s, { adminEmail: null, adminPassword: null, print: (l) => printed.push(l) }, silentLogger);
      const password = /password: (\S+)/.exec(printed.join('\n'))?.[1];
      expect(password).to.match(/^[A-Za-z0-9]{18}$/);
      const admin = await s.agents.authenticate('admin@memberdesk.local', password!, 'test');
      expect(admin?.role).to.equal('admin');
      expect((await s.departments.list()).filter((d) => d.isDefault)).to.have.length(1);

      await bootstrap(s, { adminEmail: null, adminPassword: null, print: (l) => printed.push(l) }, silentLogger);
      expect(printed).to.have.length(1);
      expect(await s.agents.views()).to.have.length(1);
    });

    it('seeds a demo with tickets on every channel once, and demo agents can sign in', async () => {
      expect(await seedDemo(s, silentLogger)).to.equal(true);
      const tickets = await s.db.read((m) => m.find(Ticket));
      expect(new Set(tickets.map((t) => t.channel))).to.deep.equal(new Set(['email', 'wechat', 'webchat', 'phone']));
      expect(await s.agents.authenticate('li.na@demo.memberdesk', DEMO_PASSWORD, 'test')).not.to.equal(null);
      // Rated calls: one happy, one unhappy with its follow-up waiting.
      const ratings = await s.db.read((m) => m.find(Survey, { order: { id: 'ASC' } }));
      expect(ratings.map((r) => [r.status, r.rating, r.answeredVia])).to.deep.equal([['answered', 5, 'agent'], ['answered', 2, 'agent']]);
      expect(await s.db.read((m) => m.find(FollowUp))).to.have.length(1);
      expect(await seedDemo(s, silentLogger)).to.equal(false);
    });
  });
}
