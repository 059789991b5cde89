import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { AuditLog, type AuditView } from '../../server/audit/audit-log.js';
import { systemClock } from '../../server/clock.js';
import { createDataSource } from '../../server/db/data-source.js';
import { Database } from '../../server/db/database.js';
import { ENGINES } from '../helpers/engines.js';
import { startWorld, TEST_PASSWORD, type TestWorld } from '../helpers/harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs `npm run audit:verify` (the same script, without npm) against a database. */
function runVerifyCli(databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/audit/audit-verify.cli.ts'], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

for (const engine of ENGINES) {
  describe(`audit [${engine.name}]`, () => {
    let w: TestWorld;
    before(async () => { w = await startWorld(engine); });
    after(async () => { await w.stop(); });

    /** Every page of GET /api/audit for a query, following nextCursor. */
    const allPages = async (query: string, limit: number): Promise<{ items: AuditView[]; pages: number }> => {
      const items: AuditView[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await w.api('GET', `/api/audit?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token: w.admin.token });
        expect(res.status).to.equal(200);
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      return { items, pages };
    };

    /** The raw row, as the database stores it, to put back after a tampering test. */
    const rawRow = async (id: number): Promise<Record<string, unknown>> => {
      const [row] = await w.services.db.ds.query('SELECT * FROM audit_entry WHERE id = ?', [id]) as Array<Record<string, unknown>>;
      expect(row, `audit entry ${id}`).to.be.an('object');
      return row!;
    };
    const reinsert = async (row: Record<string, unknown>): Promise<void> => {
      const cols = Object.keys(row);
      const esc = (c: string) => w.services.db.ds.driver.escape(c);
      await w.services.db.ds.query(`INSERT INTO audit_entry (${cols.map(esc).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, cols.map((c) => row[c]));
    };
    const entryIds = async (): Promise<number[]> =>
      (await w.services.db.ds.query('SELECT id FROM audit_entry ORDER BY id') as Array<{ id: number | string }>).map((r) => Number(r.id));

    describe('what is recorded', () => {
      it('records successful and failed logins with the client address', async () => {
        const ok = await w.api('POST', '/api/auth/login', { body: { email: 'agent.a@test.memberdesk', password: TEST_PASSWORD } });
        expect(ok.status).to.equal(200);
        const bad = await w.api('POST', '/api/auth/login', { body: { email: 'Agent.B@Test.Memberdesk', password: 'wrong-password' } });
        expect(bad.status).to.equal(401);

        const logins = await w.api('GET', `/api/audit?action=auth.login&actorId=${w.agentA.agentId}`, { token: w.admin.token });
        expect(logins.status).to.equal(200);
        expect(logins.body.items).to.have.length(1);
        const login = logins.body.items[0] as AuditView;
        expect(login).to.deep.include({ action: 'auth.login', actor: { type: 'agent', id: w.agentA.agentId }, target: null });
        expect(login.ip).to.match(/127\.0\.0\.1/);
        expect(Date.parse(login.at)).to.be.closeTo(Date.now(), 60_000);

        const failures = await w.api('GET', '/api/audit?action=auth.login_failed', { token: w.admin.token });
        const failure = (failures.body.items as AuditView[]).find((e) => e.data.email === 'agent.b@test.memberdesk');
        expect(failure).to.deep.include({ actor: { type: 'anonymous', id: null } });
        expect(failure!.ip).to.match(/127\.0\.0\.1/);
        expect(failure!.data).to.not.have.property('reason');
      });

      it('records rate-limited login attempts as failures too', async () => {
        const email = 'nobody@test.memberdesk';
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) statuses.push((await w.api('POST', '/api/auth/login', { body: { email, password: 'wrong-password' } })).status);
        expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 429]);
        const res = await w.api('GET', '/api/audit?action=auth.login_failed&limit=100', { token: w.admin.token });
        const mine = (res.body.items as AuditView[]).filter((e) => e.data.email === email);
        expect(mine).to.have.length(6);
        expect(mine.filter((e) => e.data.reason === 'rate_limited')).to.have.length(1);
        expect(mine[0]!.data.reason).to.equal('rate_limited');
      });

      it('records role and department changes with the acting admin, and nothing when they stay the same', async () => {
        const created = await w.services.agents.create({ name: 'Role Test', email: 'role.test@test.memberdesk', password: TEST_PASSWORD, departmentIds: [w.deptB] });
        const patch = await w.api('PATCH', `/api/agents/${created.id}`, { token: w.admin.token, body: { role: 'supervisor', departmentIds: [w.deptB, w.deptA] } });
        expect(patch.status).to.equal(200);
        // Same role, same departments (in another order), another field: no audit entries.
        expect((await w.api('PATCH', `/api/agents/${created.id}`, { token: w.admin.token, body: { role: 'supervisor', departmentIds: [w.deptA, w.deptB], name: 'Renamed' } })).status).to.equal(200);

        const res = await w.api('GET', `/api/audit?targetType=agent&targetId=${created.id}`, { token: w.admin.token });
        expect(res.status).to.equal(200);
        const items = res.body.items as AuditView[];
        expect(items.map((e) => e.action).sort()).to.deep.equal(['agent.departments_changed', 'agent.role_changed']);
        for (const e of items) expect(e).to.deep.include({ actor: { type: 'agent', id: w.admin.agentId }, target: { type: 'agent', id: String(created.id) } });
        expect(items.find((e) => e.action === 'agent.role_changed')!.data).to.deep.equal({ from: 'agent', to: 'supervisor' });
        expect(items.find((e) => e.action === 'agent.departments_changed')!.data).to.deep.equal({ from: [w.deptB], to: [w.deptA, w.deptB].sort((a, b) => a - b) });
      });
    });

    describe('GET /api/audit', () => {
      before(async () => {
        for (let i = 0; i < 5; i++) {
          await w.services.audit.append({ actor: { type: 'agent', id: w.agentA.agentId }, action: 'test.page', target: { type: 'page', id: 'p1' }, reason: `entry ${i}`, data: { i } });
        }
        await w.services.audit.append({ actor: { type: 'system', id: null }, action: 'test_other', target: { type: 'page', id: 'p2' } });
      });

      it('is for admins only', async () => {
        for (const p of [w.agentA, w.supervisorA]) {
          const res = await w.api('GET', '/api/audit', { token: p.token });
          expect(res.status).to.equal(403);
          expect(res.body.error.code).to.equal('FORBIDDEN');
        }
        expect((await w.api('GET', '/api/audit')).status).to.equal(401);
      });

      it('pages newest first with a cursor, without gaps or repeats', async () => {
        const { items, pages } = await allPages('targetType=page&targetId=p1', 2);
        expect(pages).to.equal(3);
        expect(items.map((e) => e.reason)).to.deep.equal(['entry 4', 'entry 3', 'entry 2', 'entry 1', 'entry 0']);
        const ids = items.map((e) => e.id);
        expect(ids).to.deep.equal([...ids].sort((a, b) => b - a));
        expect(items[0]).to.deep.include({ action: 'test.page', actor: { type: 'agent', id: w.agentA.agentId }, target: { type: 'page', id: 'p1' }, ip: null, data: { i: 4 } });
      });

      it('filters by exact action, action prefix, actor and target', async () => {
        const q = async (query: string) => ((await w.api('GET', `/api/audit?${query}&limit=100`, { token: w.admin.token })).body.items as AuditView[]);
        expect(await q('action=test.page')).to.have.length(5);
        expect(await q('action=test')).to.have.length(0);
        // A prefix ends with a dot; LIKE wildcards in it are literal (test_other does not match "test.").
        expect((await q('action=test.')).map((e) => e.action)).to.deep.equal(Array(5).fill('test.page'));
        expect(await q('action=auth.')).to.not.be.empty;
        expect((await q(`actorId=${w.agentA.agentId}&action=test.`)).every((e) => e.actor.id === w.agentA.agentId)).to.equal(true);
        expect((await q('targetType=page')).map((e) => e.target?.id).sort()).to.deep.equal(['p1', 'p1', 'p1', 'p1', 'p1', 'p2']);
        expect(await q('targetType=page&targetId=nothing')).to.have.length(0);
      });

      it('filters by time: from inclusive, to exclusive', async () => {
        const { items } = await allPages('targetType=page', 100);
        const times = items.map((e) => e.at).sort();
        const pivot = times[2]!;
        const from = await allPages(`targetType=page&from=${encodeURIComponent(pivot)}`, 100);
        expect(from.items.map((e) => e.id).sort()).to.deep.equal(items.filter((e) => e.at >= pivot).map((e) => e.id).sort());
        const to = await allPages(`targetType=page&to=${encodeURIComponent(pivot)}`, 100);
        expect(to.items.map((e) => e.id).sort()).to.deep.equal(items.filter((e) => e.at < pivot).map((e) => e.id).sort());
        expect((await allPages('targetType=page&from=2000-01-01&to=2000-01-02', 100)).items).to.have.length(0);
      });

      it('refuses bad filters', async () => {
        for (const query of ['targetId=p1', 'from=yesterday', 'limit=101', 'actorId=x', 'cursor=nonsense', 'colour=red']) {
          const res = await w.api('GET', `/api/audit?${query}`, { token: w.admin.token });
          expect(res.status, query).to.equal(400);
        }
      });
    });

    describe('the hash chain', () => {
      before(async () => {
        // Content that does not survive a naive round trip: a Date inside data, a lone surrogate, non-BMP text.
        await w.services.audit.append({ actor: { type: 'system', id: null }, action: 'test.chain', reason: 'half \ud800 pair', data: { when: new Date(), emoji: '😀' } });
        for (let i = 0; i < 4; i++) await w.services.audit.append({ actor: { type: 'system', id: null }, action: 'test.chain', target: { type: 'n', id: i }, data: { i } });
      });

      it('verifies an intact chain, in any batch size', async () => {
        const total = (await entryIds()).length;
        expect(total).to.be.greaterThan(10);
        expect(await w.services.audit.verify()).to.deep.equal({ ok: true, checked: total });
        expect(await w.services.audit.verify(3)).to.deep.equal({ ok: true, checked: total });
      });

      it('finds an edited field of one entry', async () => {
        const ids = await entryIds();
        const id = ids[Math.floor(ids.length / 2)]!;
        const original = await rawRow(id);
        await w.services.db.ds.query('UPDATE audit_entry SET reason = ? WHERE id = ?', ['x', id]);
        try {
          const r = await w.services.audit.verify();
          expect(r).to.include({ ok: false, firstBadId: id, checked: ids.indexOf(id) });
          expect(r.problem).to.match(/changed/);
          expect(await w.services.audit.verify(4)).to.include({ ok: false, firstBadId: id });
        } finally {
          await w.services.db.ds.query('UPDATE audit_entry SET reason = ? WHERE id = ?', [original.reason ?? null, id]);
        }
        expect((await w.services.audit.verify()).ok).to.equal(true);
      });

      it('finds an entry deleted from the middle', async () => {
        const ids = await entryIds();
        const i = Math.floor(ids.length / 2);
        const row = await rawRow(ids[i]!);
        await w.services.db.ds.query('DELETE FROM audit_entry WHERE id = ?', [ids[i]]);
        try {
          const r = await w.services.audit.verify();
          expect(r).to.include({ ok: false, firstBadId: ids[i + 1] });
          expect(r.problem).to.match(/deleted/);
        } finally {
          await reinsert(row);
        }
        expect((await w.services.audit.verify()).ok).to.equal(true);
      });

      it('finds entries deleted from the end', async () => {
        const ids = await entryIds();
        const rows = [await rawRow(ids.at(-2)!), await rawRow(ids.at(-1)!)];
        await w.services.db.ds.query('DELETE FROM audit_entry WHERE id >= ?', [ids.at(-2)]);
        try {
          const r = await w.services.audit.verify();
          expect(r).to.include({ ok: false, checked: ids.length - 2 });
          expect(r.firstBadId).to.equal(undefined);
          expect(r.problem).to.match(/head/);
        } finally {
          for (const row of rows) await reinsert(row);
        }
        expect((await w.services.audit.verify()).ok).to.equal(true);
      });

      it('keeps one chain under concurrent appends', async () => {
        const before = (await entryIds()).length;
        await Promise.all(Array.from({ length: 30 }, (_, i) =>
          w.services.audit.append({ actor: { type: 'system', id: null }, action: 'test.concurrent', data: { i } })));
        expect(await w.services.audit.verify()).to.deep.equal({ ok: true, checked: before + 30 });
      });

      it('verifies while appends go on', async () => {
        const appends = Promise.all(Array.from({ length: 20 }, (_, i) =>
          w.services.audit.append({ actor: { type: 'system', id: null }, action: 'test.during_verify', data: { i } })));
        const results = await Promise.all([w.services.audit.verify(2), w.services.audit.verify(5)]);
        await appends;
        for (const r of results) expect(r.ok, r.problem).to.equal(true);
      });
    });

    if (engine.name === 'mysql') {
      it('npm run audit:verify exits 0 on an intact chain and 1 once an entry is edited', async () => {
        const target = await engine.fresh();
        const ds = await createDataSource({ databaseUrl: target.databaseUrl, dataDir: null });
        try {
          await ds.runMigrations();
          const log = new AuditLog(new Database(ds, 'mysql'), systemClock);
          for (let i = 0; i < 3; i++) await log.append({ actor: { type: 'system', id: null }, action: 'test.cli', reason: `r${i}`, data: { i } });
          const ok = await runVerifyCli(target.databaseUrl!);
          expect(ok.code, ok.stderr).to.equal(0);
          expect(ok.stdout).to.match(/intact: 3 entries/);

          const [second] = await ds.query('SELECT id FROM audit_entry ORDER BY id LIMIT 1 OFFSET 1') as Array<{ id: number }>;
          await ds.query('UPDATE audit_entry SET reason = ? WHERE id = ?', ['x', second!.id]);
          const broken = await runVerifyCli(target.databaseUrl!);
          expect(broken.code).to.equal(1);
          expect(broken.stderr).to.include(`first bad entry: id ${second!.id}`);
        } finally {
          await ds.destroy();
          await target.drop();
        }
      });
    }
  });
}
