import type { Router } from 'express';
import type { CallLog } from '../../../channels/phone/phone.adapter.js';
import type { Services } from '../../services.js';
import { Reply, defineRoute, int, obj, oneOf, str, text, type ApiServices } from '../api.js';

export function callRoutes(r: Router, auth: ApiServices, s: Services): void {
  defineRoute<Record<string, never>, never, CallLog>(r, auth, {
    method: 'post', path: '/calls', tag: 'phone', status: 201,
    summary: 'Log a phone call. Inbound: the member\'s message (continues their open phone ticket or opens one). Outbound: a public response on the ticket. '
      + 'Send an Idempotency-Key header (or clientRef) so a retried request is stored once; a repeat answers 200 with duplicate=true.',
    body: obj({
      direction: oneOf(['inbound', 'outbound']),
      phone: str({ minLength: 3, maxLength: 40, pattern: '^[0-9+()\\-. ]+$' }),
      summary: text(20_000),
      durationSeconds: { type: 'integer', minimum: 0, maximum: 86_400 },
      memberName: text(120),
      ticketId: int(), departmentId: int(),
      clientRef: str({ minLength: 1, maxLength: 120 }),
      occurredAt: str({ format: 'date-time' }),
    }, ['direction', 'phone', 'summary', 'durationSeconds']),
  }, async ({ principal, body, req }) => {
    const key = req.get('idempotency-key');
    const result = await s.tickets.logCall(principal, { ...body, clientRef: body.clientRef ?? (key ? key.slice(0, 120) : undefined) });
    return result.duplicate ? new Reply(200, result) : result;
  });
}
