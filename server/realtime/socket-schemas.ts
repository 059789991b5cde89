import { Ajv, type ValidateFunction } from 'ajv';
import { AppError, ValidationError } from '../errors.js';
import { PRESENCES } from '../domain.js';

/** Client → server events on /agents and their payloads (docs/realtime.md); anything else is refused. */
const id = { type: 'integer', minimum: 1, maximum: 2_147_483_647 };
const AGENT_EVENTS = {
  'ticket:view': { type: 'object', properties: { ticketId: id }, required: ['ticketId'], additionalProperties: false },
  'ticket:leave': { type: 'object', properties: { ticketId: id }, required: ['ticketId'], additionalProperties: false },
  'ticket:typing': { type: 'object', properties: { ticketId: id, typing: { type: 'boolean' } }, required: ['ticketId', 'typing'], additionalProperties: false },
  'presence:set': { type: 'object', properties: { presence: { enum: [...PRESENCES] } }, required: ['presence'], additionalProperties: false },
} as const;

export type AgentEvent = keyof typeof AGENT_EVENTS;

const ajv = new Ajv({ allErrors: true });
const validators = new Map<string, ValidateFunction>(Object.entries(AGENT_EVENTS).map(([name, schema]) => [name, ajv.compile(schema)]));

export type Ack = (answer: { ok: true; [k: string]: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } }) => void;

/** The payload when it matches its event's schema; a ValidationError naming what is wrong otherwise. */
export function validated<T>(event: AgentEvent, payload: unknown): T {
  const check = validators.get(event)!;
  if (check(payload)) return payload as T;
  const problems = (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  throw new ValidationError(`${event}: ${problems.join('; ')}`, { problems });
}

/** An error as an acknowledgement: our typed errors keep their code; anything else is INTERNAL (and logged by the caller). Shared by /agents and /chat. */
export function errorAnswer(err: unknown): { ok: false; error: { code: string; message: string; details?: unknown } } {
  if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } };
  return { ok: false, error: { code: 'INTERNAL', message: 'something went wrong on the server; try again' } };
}

/** A refused handshake: the client's connect_error carries the code as message and { code, message } as data. */
export function refuse(code: string, message: string): Error & { data: { code: string; message: string } } {
  return Object.assign(new Error(code), { data: { code, message } });
}

/**
 * The payload and a reply function of a client event. `emit(event, ack)` without a payload puts the ack
 * first: it is still answered (the payload is then `{}`, which the schema judges). No ack: answers go nowhere.
 */
export function ackOf(payload: unknown, ack: unknown): { payload: unknown; reply: Ack } {
  if (typeof payload === 'function' && ack === undefined) return { payload: {}, reply: payload as Ack };
  return { payload, reply: typeof ack === 'function' ? (ack as Ack) : () => undefined };
}
