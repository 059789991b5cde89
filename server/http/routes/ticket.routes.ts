import type { Router } from 'express';
import { CHANNELS, PRIORITIES, TICKET_STATUSES, TICKET_TYPES, TIERS, type Channel, type Priority, type Tier, type TicketStatus, type TicketType } from '../../domain.js';
import type { Services } from '../../services.js';
import { TICKET_SORTS, type TicketSort, type TicketView } from '../../tickets/ticket.queries.js';
import { parseReveal, revealQuery } from './member.routes.js';
import express from 'express';
import { signUpload, verifyUpload } from '../../files/upload-token.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { StoredAttachment } from '../../../channels/channel.js';
import { defineRoute, idParams, int, nullable, obj, oneOf, pageQuery, str, text, type ApiServices } from '../api.js';

type Id = { id: number };

export function ticketRoutes(r: Router, auth: ApiServices, s: Services): void {
  defineRoute<Record<string, never>, {
    status?: TicketStatus[]; departmentId?: number; assigneeId?: string; memberId?: number; channel?: Channel; priority?: Priority; tier?: Tier;
    type?: TicketType; category?: string; language?: string;
    q?: string; sort: TicketSort; cursor?: string; limit: number;
  }, never>(r, auth, {
    method: 'get', path: '/tickets', tag: 'tickets',
    summary: 'List tickets you may see, filtered, sorted and paginated (keyset cursor). assigneeId takes an id, "me" or "none"; tier is the member\'s; '
      + 'sort=sla puts the earliest running SLA deadline first. Each item has sla {dueAt, warnAt, breached}, and readAt/unread for you.',
    query: obj({
      status: { type: 'array', items: oneOf(TICKET_STATUSES), maxItems: 7 },
      departmentId: int(), assigneeId: str({ pattern: '^([0-9]+|me|none)$' }), memberId: int(),
      channel: oneOf(CHANNELS), priority: oneOf(PRIORITIES), tier: oneOf(TIERS), type: oneOf(TICKET_TYPES), category: str({ maxLength: 64 }),
      language: oneOf(['zh-Hans', 'zh-Hant', 'en', 'other']), q: str({ maxLength: 200 }),
      sort: { ...oneOf(TICKET_SORTS), default: '-updatedAt' }, ...pageQuery,
    }),
  }, ({ principal, query }) => s.queries.list(principal, {
    ...query,
    assigneeId: query.assigneeId === 'me' ? principal.agentId : query.assigneeId === 'none' ? 'none'
      : query.assigneeId !== undefined ? Number(query.assigneeId) : undefined,
  }));

  defineRoute<Id, { follow: boolean; reveal?: string; reason?: string }, never>(r, auth, {
    method: 'get', path: '/tickets/:id', tag: 'tickets', params: idParams,
    query: obj({ follow: { type: 'boolean', default: true }, ...revealQuery }),
    summary: 'A ticket with its messages. A merged ticket redirects (308) to the ticket it was merged into unless follow=false. '
      + '?reveal=phone&reason=… adds the member\'s unmasked fields as member.revealed (needs pii:read; audited).',
  }, async ({ principal, params, query, res, req }) => {
    const ticket = await s.queries.get(principal, params.id);
    if (ticket.status === 'merged' && ticket.mergedIntoId && query.follow) {
      res.redirect(308, `/api/tickets/${ticket.mergedIntoId}`);
      return;
    }
    const withSla = await withClocks(s, ticket);
    const reveal = parseReveal(query);
    if (!reveal || !ticket.member) return withSla;
    const revealed = await s.privacy.reveal(principal, ticket.member.id, reveal.fields, reveal.reason, req.ip ?? null);
    return { ...withSla, member: { ...ticket.member, revealed } };
  });

  defineRoute<Id, { cursor?: string; limit: number }, never>(r, auth, {
    method: 'get', path: '/tickets/:id/events', tag: 'tickets', params: idParams, query: obj(pageQuery),
    summary: 'The ticket\'s history, oldest first: every change, who made it, when and why.',
  }, ({ principal, params, query }) => s.queries.events(principal, params.id, query));

  defineRoute<Id, never, never>(r, auth, {
    method: 'post', path: '/tickets/:id/read', tag: 'tickets', params: idParams,
    summary: 'You have read the ticket up to now: it leaves your unread marks until the next message.',
  }, ({ principal, params }) => s.queries.markRead(principal, params.id, s.clock.now()));

  defineRoute<Id, never, { text: string; visibility: 'public' | 'internal'; status?: TicketStatus; attachments?: string[] }>(r, auth, {
    method: 'post', path: '/tickets/:id/messages', tag: 'tickets', params: idParams, status: 201,
    summary: 'Reply to the member on the ticket\'s channel (visibility public) or add an internal note; optionally change status at once. '
      + 'attachments: tokens from POST /api/uploads.',
    body: obj({
      text: text(50_000), visibility: { ...oneOf(['public', 'internal']), default: 'public' }, status: oneOf(TICKET_STATUSES),
      attachments: { type: 'array', items: str({ minLength: 10, maxLength: 2000 }), maxItems: 10 },
    }, ['text']),
  }, async ({ principal, params, body }) => {
    const secret = s.vault.subKey('uploads');
    const attachments = (body.attachments ?? []).map((token, i) => {
      const file = verifyUpload(token, secret);
      if (!file) throw new ValidationError('an attachment token is not one POST /api/uploads issued', [{ field: `attachments.${i}`, message: 'is not a valid upload token' }], 'INVALID_ATTACHMENT');
      return file;
    });
    const { messageId } = await s.tickets.addMessage(principal, params.id, { ...body, attachments });
    return { messageId, ticket: await s.queries.get(principal, params.id).then((t) => withClocks(s, t), () => null) };
  });

  defineRoute<Record<string, never>, { name: string }, never>(r, auth, {
    method: 'post', path: '/uploads', tag: 'tickets', status: 201, bodyType: 'application/octet-stream',
    query: obj({ name: text(200) }, ['name']),
    summary: 'Upload a file (raw body, its own Content-Type, ≤ 10 MB) to attach to a reply; answers a token for the attachments of POST /tickets/:id/messages.',
  }, async ({ query, req }) => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      throw new ValidationError('send the file as the raw body', [{ field: 'body', message: 'is empty' }], 'INVALID_BODY');
    }
    const contentType = (req.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim().slice(0, 100);
    const { path } = await s.files.put('attachments', req.body);
    const file = { name: query.name.replace(/[\\/]/g, '_'), contentType, size: req.body.length, path };
    return { token: signUpload(file, s.vault.subKey('uploads')), name: file.name, contentType, size: file.size };
  }, express.raw({ type: () => true, limit: '10mb' }));

  defineRoute<{ id: number; messageId: number; index: number }, never, never>(r, auth, {
    method: 'get', path: '/tickets/:id/messages/:messageId/attachments/:index', tag: 'tickets',
    params: obj({ id: int(), messageId: int(), index: { type: 'integer', minimum: 0, maximum: 100 } }, ['id', 'messageId', 'index']),
    summary: 'Download an attachment of a message of a ticket you may see (inline images included).',
  }, async ({ principal, params, res }) => {
    const ticket = await s.queries.get(principal, params.id);
    const message = ticket.messages.find((m) => m.id === params.messageId);
    const file = (message?.attachments as StoredAttachment[] | undefined)?.[params.index];
    if (!file) throw new NotFoundError('attachment');
    const bytes = await s.files.get(file.path);
    res.setHeader('Content-Type', file.contentType || 'application/octet-stream');
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.status(200).end(bytes);
  });

  const action = <B>(path: string, summary: string, body: Record<string, unknown>, run: (p: Parameters<typeof s.tickets.setStatus>[0], id: number, b: B) => Promise<void>) =>
    defineRoute<Id, never, B>(r, auth, { method: 'post', path: `/tickets/:id/${path}`, tag: 'tickets', params: idParams, summary, body },
      async ({ principal, params, body: b }) => {
        await run(principal, params.id, b);
        // After a transfer the agent may no longer see the ticket: answer with what is still visible.
        return s.queries.get(principal, params.id).then((t) => withClocks(s, t), () => ({ id: params.id, visible: false }));
      });

  action<{ status: TicketStatus }>('status', 'Change status; only the transitions of the status table are allowed (409 lists the allowed ones).',
    obj({ status: oneOf(TICKET_STATUSES) }, ['status']), (p, id, b) => s.tickets.setStatus(p, id, b.status));
  action<{ assigneeId: number | null }>('assign', 'Assign to an agent of the ticket\'s department, or unassign with null.',
    obj({ assigneeId: nullable(int()) }, ['assigneeId']), (p, id, b) => s.tickets.assign(p, id, b.assigneeId));
  action<{ departmentId: number; note?: string }>('transfer', 'Move to another department; an assignee who does not work there is unassigned.',
    obj({ departmentId: int(), note: text(1000) }, ['departmentId']), (p, id, b) => s.tickets.transfer(p, id, b.departmentId, b.note));
  action<{ priority: Priority }>('priority', 'Change priority.', obj({ priority: oneOf(PRIORITIES) }, ['priority']),
    (p, id, b) => s.tickets.setPriority(p, id, b.priority));
  const tagList = { type: 'array', items: text(40), maxItems: 30 };
  action<{ add?: string[]; remove?: string[] }>('tags', 'Add and/or remove tags.',
    { ...obj({ add: tagList, remove: tagList }), minProperties: 1 }, (p, id, b) => s.tickets.changeTags(p, id, b));
  action<{ targetTicketId: number }>('merge', 'Merge this ticket into another: its messages move there and it redirects to it.',
    obj({ targetTicketId: int() }, ['targetTicketId']), (p, id, b) => s.tickets.merge(p, id, b.targetTicketId));
}

/** A ticket as GET /tickets/:id shows it: every SLA clock, plus the queue's summary of the one due first (the list's fields). */
export async function withClocks<T extends TicketView>(s: Services, ticket: T): Promise<T & { sla: unknown }> {
  const clocks = await s.sla.viewOf(ticket.id);
  return { ...ticket, sla: clocks ? { dueAt: null, warnAt: null, breached: false, ...ticket.sla, ...clocks } : ticket.sla };
}
