import type { Router } from 'express';
import type { Services } from '../../services.js';
import { defineRoute, int, obj, pageQuery, str, type ApiServices } from '../api.js';

const isoDate = { anyOf: [str({ format: 'date-time' }), str({ format: 'date' })] };

/** The audit log, for admins: who did what to whom, when, from where and why. */
export function auditRoutes(r: Router, auth: ApiServices, s: Services): void {
  defineRoute<Record<string, never>, {
    action?: string; actorId?: number; targetType?: string; targetId?: string; from?: string; to?: string; cursor?: string; limit: number;
  }, never>(r, auth, {
    method: 'get', path: '/audit', tag: 'audit', roles: ['admin'],
    summary: 'Audit log entries, newest first (keyset cursor). action is exact, or a prefix when it ends with a dot (pii.); '
      + 'targetId needs targetType; from <= at < to (ISO date or date-time).',
    query: obj({
      action: str({ minLength: 1, maxLength: 64 }), actorId: int(), targetType: str({ minLength: 1, maxLength: 32 }),
      targetId: str({ minLength: 1, maxLength: 64 }), from: isoDate, to: isoDate, ...pageQuery,
    }),
    responseDescription: '{ items: [{ id, at, actor: {type, id}, action, target: {type, id} | null, ip, reason, data }], nextCursor }',
  }, ({ query }) => s.audit.list({
    ...query, from: query.from !== undefined ? new Date(query.from) : undefined, to: query.to !== undefined ? new Date(query.to) : undefined,
  }));
}
