import express, { type Request, type Router } from 'express';
import type { Principal } from '../../agents/principal.js';
import { InboundFailure } from '../../db/entities/index.js';
import type { MailboxInput } from '../../email/mailbox.service.js';
import { AuthError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import type { Services } from '../../services.js';
import { Reply, defineRoute, idParams, int, nullable, obj, str, type ApiServices } from '../api.js';

const imapSchema = obj({
  host: str({ minLength: 1, maxLength: 190 }), port: int({ maximum: 65535 }), secure: { type: 'boolean' },
  user: str({ minLength: 1, maxLength: 190 }), password: str({ minLength: 1, maxLength: 500 }),
  folder: str({ minLength: 1, maxLength: 190 }), processedFolder: nullable(str({ minLength: 1, maxLength: 190 })),
}, ['host', 'port', 'secure', 'user', 'password']);
const mailboxFields = {
  address: str({ format: 'email', maxLength: 190 }), departmentId: int(), acknowledge: { type: 'boolean' }, active: { type: 'boolean' },
  imap: { anyOf: [imapSchema, { type: 'null' }] },
};

/** The piping caller holding the mailbox's token: allowed on this one route only, as an admin is. */
const PIPE: Principal = { agentId: 0, role: 'admin', departmentIds: [] };

export function emailRoutes(r: Router, auth: ApiServices, s: Services): void {
  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/channels/email/mailboxes', tag: 'email', roles: ['admin'], summary: 'Mailboxes (IMAP passwords never returned).',
  }, async () => ({ items: await s.mailboxes.list() }));

  defineRoute<Record<string, never>, never, MailboxInput & { address: string; departmentId: number }>(r, auth, {
    method: 'post', path: '/channels/email/mailboxes', tag: 'email', roles: ['admin'], status: 201,
    body: obj(mailboxFields, ['address', 'departmentId']),
    summary: 'Add a mailbox: its mail becomes tickets of departmentId. The answer holds the piping token, shown only this once.',
  }, ({ body }) => s.mailboxes.create(body));

  defineRoute<{ id: number }, never, MailboxInput>(r, auth, {
    method: 'patch', path: '/channels/email/mailboxes/:id', tag: 'email', roles: ['admin'], params: idParams,
    body: { ...obj(mailboxFields), minProperties: 1 }, summary: 'Change a mailbox (imap: null removes IMAP polling).',
  }, ({ params, body }) => s.mailboxes.update(params.id, body));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'post', path: '/channels/email/mailboxes/:id/rotate-token', tag: 'email', roles: ['admin'], params: idParams,
    summary: 'Issue a new piping token (the old one stops working); shown only this once.',
  }, ({ params }) => s.mailboxes.rotateToken(params.id));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'delete', path: '/channels/email/mailboxes/:id', tag: 'email', roles: ['admin'], params: idParams, status: 204,
    summary: 'Remove a mailbox (its tickets stay).',
  }, async ({ params }) => { await s.mailboxes.remove(params.id); });

  defineRoute<Record<string, never>, { limit: number }, never>(r, auth, {
    method: 'get', path: '/channels/email/failures', tag: 'email', roles: ['admin'], query: obj({ limit: int({ maximum: 200, default: 50 }) }),
    summary: 'Messages that could not be imported, newest first, with the reason (raw bytes kept in the file store).',
  }, async ({ query }) => ({
    items: (await s.db.read((m) => m.find(InboundFailure, { order: { id: 'DESC' }, take: query.limit })))
      .map((f) => ({ id: f.id, mailboxId: f.mailboxId, reason: f.reason, size: f.size, createdAt: f.createdAt.toISOString() })),
  }));

  // Piping is authenticated by the mailbox's own token (an MTA has no agent account) or an admin token.
  const pipingAuth: ApiServices = {
    async authenticate(req: Request): Promise<Principal> {
      const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
      if (token?.startsWith('mdp_')) {
        const mailbox = await s.mailboxes.entityByAddress(String(req.query.mailbox ?? ''));
        if (mailbox && s.mailboxes.tokenMatches(mailbox, token)) return PIPE;
        throw new AuthError('INVALID_TOKEN', 'the piping token does not belong to this mailbox');
      }
      const principal = await auth.authenticate(req);
      if (principal.role !== 'admin') throw new ForbiddenError('piping needs the mailbox\'s piping token or an admin token');
      return principal;
    },
  };
  defineRoute<Record<string, never>, { mailbox: string }, never>(r, pipingAuth, {
    method: 'post', path: '/channels/email/inbound', tag: 'email', status: 201, bodyType: 'message/rfc822', roles: ['admin'],
    query: obj({ mailbox: str({ format: 'email', maxLength: 190 }) }, ['mailbox']),
    summary: 'Pipe one raw message (Content-Type: message/rfc822) into a mailbox. 201 {ticketId, messageId} when stored; 200 {ignored: reason} for auto-replies, bounces, duplicates and unparseable mail (kept for admins) — never a 5xx for a bad message.',
  }, async ({ query, req }) => {
    const mailbox = await s.mailboxes.entityByAddress(query.mailbox);
    if (!mailbox) throw new NotFoundError('mailbox');
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      throw new ValidationError('send the raw message as the body with Content-Type: message/rfc822', [{ field: 'body', message: 'is empty' }], 'INVALID_BODY');
    }
    const outcome = await s.emailInbound.receive(mailbox, req.body);
    if (!outcome.stored) return new Reply(200, { ignored: outcome.ignored, ...(outcome.failureId ? { failureId: outcome.failureId } : {}) });
    if (outcome.duplicate) return new Reply(200, { ignored: 'duplicate', ticketId: outcome.ticketId, messageId: outcome.messageId });
    return { ticketId: outcome.ticketId, messageId: outcome.messageId, created: outcome.created };
  }, express.raw({ type: ['message/rfc822', 'application/octet-stream', 'text/plain'], limit: '40mb' }));
}
