import { expect } from 'chai';
import { createDataSource } from '../../server/db/data-source.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENGINES } from '../helpers/engines.js';

for (const engine of ENGINES) {
  describe(`schema [${engine.name}]`, () => {
    it('migrations produce exactly the schema the entities describe, and revert cleanly one by one', async () => {
      const target = await engine.fresh();
      const ds = await createDataSource({ databaseUrl: target.databaseUrl, dataDir: null });
      try {
        const applied = await ds.runMigrations();
        expect(applied.map((m) => m.name)).to.deep.equal(MIGRATIONS.map((M) => new M().name));
        const diff = await ds.driver.createSchemaBuilder().log();
        expect(diff.upQueries.map((q) => q.query), 'entities and migrations disagree').to.deep.equal([]);

        for (let i = 0; i < applied.length; i++) await ds.undoLastMigration();
        const tables = await ds.createQueryRunner().getTables(['ticket', 'message', 'member', 'audit_entry', 'pii_grant', 'agent_store']);
        expect(tables.filter(Boolean)).to.have.length(0);
        await ds.runMigrations();
        expect((await ds.driver.createSchemaBuilder().log()).upQueries).to.have.length(0);
      } finally {
        await ds.destroy();
        await target.drop();
      }
    });
  });
}
