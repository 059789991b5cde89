import { expect } from 'chai';
import { Delivery, Message } from '../../server/db/entities/index.js';
import type { TicketStatus } from '../../server/domain.js';
import { routeSpecs } from '../../server/http/api.js';
import { TRANSITIONS } from '../../server/tickets/status.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { inbound, startWorld, TEST_PASSWORD, type TestWorld } from '../helpers/harness.js';

for (const engine of ENGINES) {
  describe(`REST API [${engine.name}]`, () => {
    let w: TestWorld;
    before(async () => { w = await startWorld(engine); });
    after(async () => { await w.stop(); });

    /** A ticket of department A from a fresh member, through ingest. */
    const ticketInA = async (over: Parameters<typeof inbound>[0] = {}) => w.services.tickets.ingest(inbound({ departmentId: w.deptA, ...over }));
    let pairs = 0;
    /** Two live tickets of one member (email and web chat): what can be merged. */
    const sameMemberPair = async () => {
      pairs++;
      await w.services.members.create({ name: `Pair ${pairs}`, identities: { email: `pair${pairs}@example.com`, webchat: `pair-${pairs}` } });
      const first = await ticketInA({ channel: 'email', from: { kind: 'email', value: `pair${pairs}@example.com` } });
      const second = await ticketInA({ channel: 'webchat', from: { kind: 'webchat', value: `pair-${pairs}` } });
      return [first, second] as const;
    };

    describe('health, documentation, authentication', () => {
      it('reports database health', async () => {
        const res = await w.api('GET', '/healthz');
        expect(res.status).to.equal(200);
        expect(res.body.db).to.include({ engine: engine.name, ok: true });
      });

      it('publishes an OpenAPI document generated from the route schemas', async () => {
        const res = await w.api('GET', '/api/openapi.json');
        expect(res.status).to.equal(200);
        expect(res.body.openapi).to.match(/^3\./);
        for (const r of routeSpecs) {
          const path = '/api' + r.path.replace(/:([A-Za-z]+)/g, '{$1}');
          expect(res.body.paths[path]?.[r.method], `${r.method} ${path}`).to.be.an('object');
        }
        expect(res.body.paths['/api/calls'].post.requestBody.content['application/json'].schema.required).to.include('phone');
      });

      it('refuses requests without a valid token with a stable code', async () => {
        expect((await w.api('GET', '/api/tickets')).body.error.code).to.equal('UNAUTHENTICATED');
        const bad = await w.api('GET', '/api/tickets', { token: 'v1.abc.def' });
        expect(bad.status).to.equal(401);
        expect(bad.body.error.code).to.equal('INVALID_TOKEN');
      });

      it('logs in, and rate-limits repeated failures with Retry-After', async () => {
        const ok = await w.api('POST', '/api/auth/login', { body: { email: 'Agent.A@test.memberdesk', password: TEST_PASSWORD } });
        expect(ok.status).to.equal(200);
        expect((await w.api('GET', '/api/auth/me', { token: ok.body.token })).body.email).to.equal('agent.a@test.memberdesk');

        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) {
          statuses.push((await w.api('POST', '/api/auth/login', { body: { email: 'agent.b@test.memberdesk', password: 'wrong-password' } })).status);
        }
        expect(statuses.slice(0, 5)).to.deep.equal([401, 401, 401, 401, 401]);
        const limited = await w.api('POST', '/api/auth/login', { body: { email: 'agent.b@test.memberdesk', password: TEST_PASSWORD } });
        expect(limited.status).to.equal(429);
        expect(limited.body.error.code).to.equal('RATE_LIMITED');
        expect(Number(limited.headers.get('retry-after'))).to.be.greaterThan(0);
        expect(statuses[5]).to.equal(429);
      });

      it('keeps admin routes for admins', async () => {
        const res = await w.api('POST', '/api/agents', { token: w.agentA.token, body: { name: 'X', email: 'x@test.memberdesk', password: 'long-enough' } });
        expect(res.status).to.equal(403);
        expect(res.body.error.code).to.equal('FORBIDDEN');
      });
    });

    describe('bad input', () => {
      it('answers 400 with field details on every write route given a malformed body', async () => {
        const t = await ticketInA();
        const writes = routeSpecs.filter((r) => r.method !== 'get' && r.body);
        expect(writes.length).to.be.greaterThan(10);
        for (const r of writes) {
          const path = '/api' + r.path.replace(':id', String(t.ticketId)).replace(':key', 'other').replace(':surveyId', '1')
            .replace(':token', `1.abcdefghijkl.${'A'.repeat(43)}`);
          const res = r.bodyType
            ? await w.api(r.method.toUpperCase(), path, { token: w.admin.token, raw: '', contentType: r.bodyType })
            : await w.api(r.method.toUpperCase(), path, { token: w.admin.token, body: { unexpectedField: ['?'] } });
          expect(res.status, `${r.method} ${r.path}`).to.equal(400);
          expect(res.body.error.code, `${r.method} ${r.path}`).to.be.a('string');
          expect(res.body.error.message, `${r.method} ${r.path}`).to.be.a('string').and.not.equal('');
          if (!r.bodyType) {
            expect(res.body.error.details, `${r.method} ${r.path}`).to.be.an('array').that.is.not.empty;
            expect(res.body.error.details.map((d: { field: string }) => d.field)).to.include('unexpectedField');
          }
        }
      });

      it('names each bad field, refuses broken JSON, and bad path or query parameters', async () => {
        const res = await w.api('POST', '/api/calls', { token: w.agentA.token, body: { direction: 'sideways', phone: 'abc', summary: '', durationSeconds: -1 } });
        expect(res.status).to.equal(400);
        const fields = res.body.error.details.map((d: { field: string }) => d.field);
        expect(fields).to.include.members(['direction', 'phone', 'summary', 'durationSeconds']);

        const broken = await fetch(`${w.baseUrl}/api/calls`, { method: 'POST', headers: { authorization: `Bearer ${w.agentA.token}`, 'content-type': 'application/json' }, body: '{"direction":' });
        expect(broken.status).to.equal(400);
        expect(((await broken.json()) as { error: { code: string } }).error.code).to.equal('INVALID_JSON');

        expect((await w.api('GET', '/api/tickets/abc', { token: w.agentA.token })).status).to.equal(400);
        const q = await w.api('GET', '/api/tickets?sort=random&limit=1000', { token: w.agentA.token });
        expect(q.status).to.equal(400);
        expect(q.body.error.details.map((d: { field: string }) => d.field)).to.include.members(['query.sort', 'query.limit']);
      });
    });

    describe('department scoping', () => {
      it('gives an agent of department B a 404 on a ticket of department A, the same as a missing one', async () => {
        const t = await ticketInA();
        const missing = await w.api('GET', '/api/tickets/999999', { token: w.agentB.token });
        const hidden = await w.api('GET', `/api/tickets/${t.ticketId}`, { token: w.agentB.token });
        expect(hidden.status).to.equal(404);
        expect(hidden.body).to.deep.equal(missing.body);
        for (const [method, path, body] of [
          ['GET', `/api/tickets/${t.ticketId}/events`, undefined],
          ['POST', `/api/tickets/${t.ticketId}/messages`, { text: 'hi', visibility: 'internal' }],
          ['POST', `/api/tickets/${t.ticketId}/status`, { status: 'open' }],
          ['POST', `/api/tickets/${t.ticketId}/priority`, { priority: 'high' }],
        ] as const) {
          expect((await w.api(method, path, { token: w.agentB.token, body })).status, `${method} ${path}`).to.equal(404);
        }
        const list = await w.api('GET', '/api/tickets?limit=100', { token: w.agentB.token });
        expect(list.body.items.map((i: { id: number }) => i.id)).not.to.include(t.ticketId);
        expect((await w.api('GET', `/api/tickets/${t.ticketId}`, { token: w.agentA.token })).status).to.equal(200);
      });
    });

    describe('status transitions', () => {
      /** Drives a fresh ticket into `status` through the API. */
      const ticketIn = async (status: TicketStatus): Promise<number> => {
        const [t, target] = await sameMemberPair();
        const go = (s: TicketStatus) => w.api('POST', `/api/tickets/${t.ticketId}/status`, { token: w.agentA.token, body: { status: s } });
        const path: Record<TicketStatus, TicketStatus[]> = {
          new: [], open: ['open'], pending: ['pending'], on_hold: ['on_hold'], solved: ['solved'], closed: ['solved', 'closed'], merged: [],
        };
        for (const s of path[status]) expect((await go(s)).status).to.equal(200);
        if (status === 'merged') {
          expect((await w.api('POST', `/api/tickets/${t.ticketId}/merge`, { token: w.agentA.token, body: { targetTicketId: target.ticketId } })).status).to.equal(200);
        }
        return t.ticketId;
      };

      it('refuses every illegal transition with 409 and the allowed ones', async () => {
        for (const from of Object.keys(TRANSITIONS) as TicketStatus[]) {
          const id = await ticketIn(from);
          for (const to of Object.keys(TRANSITIONS) as TicketStatus[]) {
            if (to === from || TRANSITIONS[from].includes(to)) continue;
            const res = await w.api('POST', `/api/tickets/${id}/status`, { token: w.agentA.token, body: { status: to } });
            expect(res.status, `${from} → ${to}`).to.equal(409);
            if (from === 'merged') {
              expect(res.body.error.code).to.equal('TICKET_MERGED');
            } else {
              expect(res.body.error.code).to.equal('ILLEGAL_TRANSITION');
              expect(res.body.error.details.allowed).to.deep.equal(TRANSITIONS[from]);
            }
          }
        }
      });

      it('records solve and reopen times', async () => {
        const id = await ticketIn('solved');
        const solved = await w.api('GET', `/api/tickets/${id}`, { token: w.agentA.token });
        expect(solved.body.solvedAt).to.be.a('string');
        const reopened = await w.api('POST', `/api/tickets/${id}/status`, { token: w.agentA.token, body: { status: 'open' } });
        expect(reopened.body).to.include({ status: 'open', solvedAt: null });
      });
    });

    describe('phone calls', () => {
      it('finds the member by any spelling of the number and continues their open phone ticket', async () => {
        const first = await w.api('POST', '/api/calls', { token: w.agentA.token, body: { direction: 'inbound', phone: '+86 138 0013 8000', summary: 'Asked about points', durationSeconds: 120, memberName: '张伟' } });
        expect(first.status).to.equal(201);
        expect(first.body).to.include({ created: true, duplicate: false });
        const second = await w.api('POST', '/api/calls', { token: w.agentA.token, body: { direction: 'inbound', phone: '13800138000', summary: 'Called again', durationSeconds: 60 } });
        expect(second.status).to.equal(201);
        expect(second.body.ticketId).to.equal(first.body.ticketId);
        const ticket = await w.api('GET', `/api/tickets/${first.body.ticketId}`, { token: w.agentA.token });
        expect(ticket.body).to.include({ channel: 'phone', departmentId: w.deptA, status: 'new' });
        expect(ticket.body.member.name).to.equal('张伟');
        expect(ticket.body.member.identities).to.deep.equal([{ kind: 'phone', masked: '138****8000' }]);
        expect(ticket.body.messages).to.have.length(2);
        expect(ticket.body.messages[0].meta.call).to.include({ direction: 'inbound', durationSeconds: 120, loggedByAgentId: w.agentA.agentId });
        expect(JSON.stringify(ticket.body)).not.to.contain('13800138000');
      });

      it('counts an outbound call as the first response and delivers it through a delivery row', async () => {
        const call = await w.api('POST', '/api/calls', { token: w.agentA.token, body: { direction: 'inbound', phone: '13911110000', summary: 'Complaint about a rude cashier', durationSeconds: 200 } });
        const back = await w.api('POST', '/api/calls', { token: w.agentA.token, body: { direction: 'outbound', phone: '139 1111 0000', summary: 'Called back, apologised, issued a voucher', durationSeconds: 300, ticketId: call.body.ticketId } });
        expect(back.status).to.equal(201);
        expect(back.body.ticketId).to.equal(call.body.ticketId);
        const ticket = await w.api('GET', `/api/tickets/${call.body.ticketId}`, { token: w.agentA.token });
        expect(ticket.body.status).to.equal('open');
        expect(ticket.body.firstResponseAt).to.be.a('string');
        await expectEventually(async () => {
          const msg = await w.services.db.read((m) => m.findOneByOrFail(Message, { id: back.body.messageId }));
          expect(msg.deliveryState).to.equal('sent');
          const d = await w.services.db.read((m) => m.findOneByOrFail(Delivery, { messageId: back.body.messageId }));
          expect(d).to.include({ status: 'sent', providerId: `call-${back.body.messageId}`, attempts: 1 });
        });
        const events = await w.api('GET', `/api/tickets/${call.body.ticketId}/events`, { token: w.agentA.token });
        expect(events.body.items.map((e: { type: string }) => e.type)).to.include.members(['first_response', 'message.sent']);
      });

      it('stores a retried call once (Idempotency-Key or clientRef)', async () => {
        const body = { direction: 'inbound', phone: '13722223333', summary: 'Retry me', durationSeconds: 10 };
        const a = await w.api('POST', '/api/calls', { token: w.agentA.token, body, headers: { 'idempotency-key': 'retry-key-1' } });
        const b = await w.api('POST', '/api/calls', { token: w.agentA.token, body, headers: { 'idempotency-key': 'retry-key-1' } });
        expect([a.status, b.status]).to.deep.equal([201, 200]);
        expect(b.body).to.include({ duplicate: true, messageId: a.body.messageId });
      });

      it('refuses a typed reply on a phone ticket and says what to do instead', async () => {
        const call = await w.api('POST', '/api/calls', { token: w.agentA.token, body: { direction: 'inbound', phone: '13755550000', summary: 'Question', durationSeconds: 10 } });
        const res = await w.api('POST', `/api/tickets/${call.body.ticketId}/messages`, { token: w.agentA.token, body: { text: 'Hello' } });
        expect(res.status).to.equal(422);
        expect(res.body.error.code).to.equal('CHANNEL_CANNOT_SEND_TEXT');
        expect(res.body.error.message).to.contain('POST /api/calls');
        const note = await w.api('POST', `/api/tickets/${call.body.ticketId}/messages`, { token: w.agentA.token, body: { text: 'Member sounded upset', visibility: 'internal' } });
        expect(note.status).to.equal(201);
        expect(note.body.ticket.firstResponseAt).to.equal(null);
      });
    });

    describe('agent actions', () => {
      it('assigns only within the department, and a transfer unassigns', async () => {
        const t = await ticketInA();
        const wrong = await w.api('POST', `/api/tickets/${t.ticketId}/assign`, { token: w.agentA.token, body: { assigneeId: w.agentB.agentId } });
        expect(wrong.status).to.equal(422);
        expect(wrong.body.error.code).to.equal('ASSIGNEE_NOT_IN_DEPARTMENT');
        const ok = await w.api('POST', `/api/tickets/${t.ticketId}/assign`, { token: w.agentA.token, body: { assigneeId: w.agentA.agentId } });
        expect(ok.body.assigneeId).to.equal(w.agentA.agentId);
        const moved = await w.api('POST', `/api/tickets/${t.ticketId}/transfer`, { token: w.agentA.token, body: { departmentId: w.deptB, note: 'billing question' } });
        expect(moved.body).to.deep.equal({ id: t.ticketId, visible: false });
        const seenByB = await w.api('GET', `/api/tickets/${t.ticketId}`, { token: w.agentB.token });
        expect(seenByB.body).to.include({ departmentId: w.deptB, assigneeId: null });
        const types = (await w.api('GET', `/api/tickets/${t.ticketId}/events`, { token: w.admin.token })).body.items.map((e: { type: string }) => e.type);
        expect(types).to.include.ordered.members(['ticket.created', 'message.received', 'assignee.changed', 'department.changed', 'assignee.changed']);
      });

      it('changes priority and tags, recording each change', async () => {
        const t = await ticketInA();
        await w.api('POST', `/api/tickets/${t.ticketId}/priority`, { token: w.agentA.token, body: { priority: 'urgent' } });
        const tagged = await w.api('POST', `/api/tickets/${t.ticketId}/tags`, { token: w.agentA.token, body: { add: ['VIP Member', 'points'] } });
        expect(tagged.body.tags).to.deep.equal(['vip-member', 'points']);
        const untagged = await w.api('POST', `/api/tickets/${t.ticketId}/tags`, { token: w.agentA.token, body: { remove: ['points'] } });
        expect(untagged.body).to.include({ priority: 'urgent' });
        expect(untagged.body.tags).to.deep.equal(['vip-member']);
        const events = (await w.api('GET', `/api/tickets/${t.ticketId}/events`, { token: w.agentA.token })).body.items;
        expect(events.find((e: { type: string }) => e.type === 'priority.changed').data).to.deep.equal({ from: 'normal', to: 'urgent' });
        expect(events.filter((e: { type: string }) => e.type === 'tags.changed').map((e: { data: unknown }) => e.data))
          .to.deep.equal([{ added: ['vip-member', 'points'], removed: [] }, { added: [], removed: ['points'] }]);
      });

      it('merges: messages move, the merged ticket redirects, and takes no more changes', async () => {
        const [source, target] = await sameMemberPair();
        const stranger = await ticketInA();
        const across = await w.api('POST', `/api/tickets/${stranger.ticketId}/merge`, { token: w.agentA.token, body: { targetTicketId: target.ticketId } });
        expect(across.status).to.equal(409);
        expect(across.body.error.code).to.equal('MERGE_DIFFERENT_MEMBERS');
        const res = await w.api('POST', `/api/tickets/${source.ticketId}/merge`, { token: w.agentA.token, body: { targetTicketId: target.ticketId } });
        expect(res.status).to.equal(200);
        const redirect = await w.api('GET', `/api/tickets/${source.ticketId}`, { token: w.agentA.token });
        expect(redirect.status).to.equal(308);
        expect(redirect.headers.get('location')).to.equal(`/api/tickets/${target.ticketId}`);
        const stub = await w.api('GET', `/api/tickets/${source.ticketId}?follow=false`, { token: w.agentA.token });
        expect(stub.body).to.include({ status: 'merged', mergedIntoId: target.ticketId });
        expect(stub.body.messages).to.deep.equal([]);
        const merged = await w.api('GET', `/api/tickets/${target.ticketId}`, { token: w.agentA.token });
        expect(merged.body.messages.map((m: { id: number }) => m.id)).to.include.members([source.messageId, target.messageId]);
        const again = await w.api('POST', `/api/tickets/${source.ticketId}/merge`, { token: w.agentA.token, body: { targetTicketId: target.ticketId } });
        expect(again.status).to.equal(409);
        const self = await w.api('POST', `/api/tickets/${target.ticketId}/merge`, { token: w.agentA.token, body: { targetTicketId: target.ticketId } });
        expect(self.body.error.code).to.equal('MERGE_INTO_SELF');
      });
    });

    describe('lists', () => {
      it('pages through tickets with a cursor: every ticket once, in order', async () => {
        for (let i = 0; i < 7; i++) await ticketInA({ channel: 'webchat', from: { kind: 'webchat', value: `pager-${i}` }, subject: `pager ${i}` });
        // Same-second timestamps (SQLite keeps its defaults to the second) must not lose or repeat rows.
        for (const sort of ['createdAt', '-createdAt', '-updatedAt', 'lastMessageAt'] as const) {
          const seen: number[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const res: { body: { items: Array<{ id: number }>; nextCursor: string | null } } =
              await w.api('GET', `/api/tickets?channel=webchat&q=pager&sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: w.agentA.token });
            seen.push(...res.body.items.map((t) => t.id));
            cursor = res.body.nextCursor;
            pages++;
          } while (cursor && pages < 10);
          expect(pages, sort).to.equal(3);
          expect(new Set(seen).size, sort).to.equal(7);
          if (sort === 'createdAt') expect(seen).to.deep.equal([...seen].sort((a, b) => a - b));
          if (sort === '-createdAt') expect(seen).to.deep.equal([...seen].sort((a, b) => b - a));
        }
        const bad = await w.api('GET', '/api/tickets?cursor=nonsense', { token: w.agentA.token });
        expect(bad.body.error.code).to.equal('INVALID_CURSOR');
      });

      it('filters by status, assignee and number', async () => {
        const t = await ticketInA();
        await w.services.tickets.assign(w.agentA, t.ticketId, w.agentA.agentId);
        const mine = await w.api('GET', '/api/tickets?assigneeId=me&status=new&status=open', { token: w.agentA.token });
        expect(mine.body.items.map((i: { id: number }) => i.id)).to.include(t.ticketId);
        const byNumber = await w.api('GET', `/api/tickets?q=${t.ticketNumber.toLowerCase()}`, { token: w.agentA.token });
        expect(byNumber.body.items.map((i: { id: number }) => i.id)).to.deep.equal([t.ticketId]);
      });
    });

    describe('members', () => {
      it('creates members with masked contact data, finds them by identity, refuses a taken identity', async () => {
        const created = await w.api('POST', '/api/members', { token: w.agentA.token, body: { name: '王芳', tier: 'gold', homeStore: 'SH-001', phone: '+86 186 0000 1234', email: 'Wang.Fang@Example.com' } });
        expect(created.status).to.equal(201);
        expect(created.body.identities).to.deep.equal([{ kind: 'email', masked: 'w***@example.com' }, { kind: 'phone', masked: '186****1234' }]);
        const found = await w.api('GET', '/api/members?phone=18600001234', { token: w.agentA.token });
        expect(found.body.items.map((m: { id: number }) => m.id)).to.deep.equal([created.body.id]);
        const taken = await w.api('POST', '/api/members', { token: w.agentA.token, body: { name: 'Copy', phone: '186-0000-1234' } });
        expect(taken.status).to.equal(409);
        expect(taken.body.error.code).to.equal('IDENTITY_TAKEN');
        const byAgent = await w.api('PATCH', `/api/members/${created.body.id}`, { token: w.agentA.token, body: { email: null } });
        expect(byAgent.body.error.code, 'contact data is for supervisors').to.equal('PII_FORBIDDEN');
        const patched = await w.api('PATCH', `/api/members/${created.body.id}`, { token: w.supervisorA.token, body: { tier: 'diamond', email: null } });
        expect(patched.body).to.include({ tier: 'diamond' });
        expect(patched.body.identities).to.deep.equal([{ kind: 'phone', masked: '186****1234' }]);
        const badPhone = await w.api('POST', '/api/members', { token: w.agentA.token, body: { name: 'Bad', phone: '12' } });
        expect(badPhone.status).to.equal(400);
        expect(badPhone.body.error.code).to.equal('INVALID_PHONE');
      });

      it('erases a member (admin only): contact data gone, tickets kept', async () => {
        const t = await w.services.tickets.ingest(inbound({ departmentId: w.deptA, from: { kind: 'email', value: 'erase.me@example.com' } }));
        const memberId = (await w.api('GET', `/api/tickets/${t.ticketId}`, { token: w.agentA.token })).body.member.id;
        expect((await w.api('DELETE', `/api/members/${memberId}`, { token: w.agentA.token })).status).to.equal(403);
        expect((await w.api('DELETE', `/api/members/${memberId}`, { token: w.admin.token })).status).to.equal(204);
        expect((await w.api('GET', `/api/members/${memberId}`, { token: w.admin.token })).status).to.equal(404);
        const ticket = await w.api('GET', `/api/tickets/${t.ticketId}`, { token: w.agentA.token });
        expect(ticket.status).to.equal(200);
        expect(ticket.body.member).to.equal(null);
      });

      it('imports a CSV all or nothing, with a row-by-row report of a bad file', async () => {
        const bad = [
          'name,tier,store,email,phone,wechat_id',
          '陈静,gold,SH-003,chen.jing@example.com,13700001234,wxid_chenjing',
          ',silver,SH-003,,,',
          'Li Lei,platinum,SH-004,not-an-email,12,',
          'Han Meimei,standard,,chen.jing@example.com,,',
        ].join('\n');
        const res = await w.api('POST', '/api/members/import', { token: w.admin.token, raw: bad, contentType: 'text/csv' });
        expect(res.status).to.equal(400);
        expect(res.body.error.code).to.equal('IMPORT_INVALID');
        expect(res.body.error.details.rows).to.deep.include.members([
          { row: 3, field: 'name', message: 'is required' },
          { row: 4, field: 'tier', message: 'must be one of standard, silver, gold, diamond' },
          { row: 4, field: 'email', message: 'not an email address' },
          { row: 4, field: 'phone', message: 'not a phone number' },
          { row: 5, field: 'email', message: 'same email as row 2' },
        ]);
        expect((await w.api('GET', '/api/members?phone=13700001234', { token: w.admin.token })).body.items).to.deep.equal([]);

        const good = ['name,tier,store,email,phone,wechat_id', '陈静,gold,SH-003,chen.jing@example.com,13700001234,wxid_chenjing', 'Li Lei,,SH-004,,+86 137 0000 5678,'].join('\r\n');
        const ok = await w.api('POST', '/api/members/import', { token: w.supervisorA.token, raw: '\uFEFF' + good, contentType: 'text/csv' });
        expect(ok.status).to.equal(200);
        expect(ok.body).to.deep.equal({ imported: 2 });
        const chen = (await w.api('GET', '/api/members?wechat=wxid_chenjing', { token: w.admin.token })).body.items[0];
        expect(chen).to.include({ name: '陈静', tier: 'gold', homeStore: 'SH-003' });
        const again = await w.api('POST', '/api/members/import', { token: w.admin.token, raw: good, contentType: 'text/csv' });
        expect(again.body.error.details.rows[0]).to.include({ row: 2 });
        expect((await w.api('POST', '/api/members/import', { token: w.agentA.token, raw: good, contentType: 'text/csv' })).status).to.equal(403);
      });
    });

    describe('agents and departments', () => {
      it('lets admins manage agents and departments, and supervisors only their own department', async () => {
        const dept = await w.api('POST', '/api/departments', { token: w.admin.token, body: { name: 'Complaints 投诉处理', email: 'complaints@example.com' } });
        expect(dept.status).to.equal(201);
        expect(dept.body.isDefault).to.equal(false);
        const dup = await w.api('POST', '/api/departments', { token: w.admin.token, body: { name: 'Complaints 投诉处理' } });
        expect(dup.body.error.code).to.equal('NAME_TAKEN');
        const agent = await w.api('POST', '/api/agents', { token: w.admin.token, body: { name: 'New Agent', email: 'new.agent@test.memberdesk', password: 'a-long-password', departmentIds: [dept.body.id] } });
        expect(agent.status).to.equal(201);
        expect(agent.body).to.include({ role: 'agent', active: true });
        expect(agent.body).not.to.have.property('passwordHash');
        const ownDept = await w.api('PATCH', `/api/departments/${w.deptA}`, { token: w.supervisorA.token, body: { slackChannel: '#dept-a' } });
        expect(ownDept.body.slackChannel).to.equal('#dept-a');
        expect((await w.api('PATCH', `/api/departments/${w.deptB}`, { token: w.supervisorA.token, body: { slackChannel: '#x' } })).status).to.equal(403);
        const inUse = await w.api('DELETE', `/api/departments/${dept.body.id}`, { token: w.admin.token });
        expect(inUse.body.error.code).to.equal('DEPARTMENT_IN_USE');

        const off = await w.api('PATCH', `/api/agents/${agent.body.id}`, { token: w.admin.token, body: { active: false } });
        expect(off.body.active).to.equal(false);
        const login = await w.api('POST', '/api/auth/login', { body: { email: 'new.agent@test.memberdesk', password: 'a-long-password' } });
        expect(login.status).to.equal(401);
        const lastAdmin = await w.api('PATCH', `/api/agents/${w.admin.agentId}`, { token: w.admin.token, body: { role: 'agent' } });
        expect(lastAdmin.body.error.code).to.equal('LAST_ADMIN');
      });
    });
  });
}
