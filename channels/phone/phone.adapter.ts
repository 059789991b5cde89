import { randomUUID } from 'node:crypto';
import type { ChannelAdapter, ChannelDescription, InboundMessage, OutboundMessage } from '../channel.js';

/** A call as an agent logs it (POST /api/calls), after schema validation. */
export interface CallLog {
  direction: 'inbound' | 'outbound';
  phone: string;
  summary: string;
  durationSeconds: number;
  memberName?: string;
  ticketId?: number;
  departmentId?: number;
  /** Client-chosen key; a retried POST with the same key is stored once. */
  clientRef?: string;
  occurredAt?: string;
}

export function callExternalId(call: CallLog): string {
  return `call:${call.clientRef ?? randomUUID()}`;
}

export function callMeta(call: CallLog, loggedByAgentId: number): Record<string, unknown> {
  return { call: { direction: call.direction, durationSeconds: call.durationSeconds, loggedByAgentId } };
}

/** An inbound call is the member speaking: it goes through ingest like any other channel's message. */
export function inboundFromCall(call: CallLog, loggedByAgentId: number, now: Date, externalId: string): InboundMessage {
  return {
    channel: 'phone',
    externalId,
    from: { kind: 'phone', value: call.phone, name: call.memberName },
    subject: firstLine(call.summary),
    text: call.summary,
    receivedAt: call.occurredAt ? new Date(call.occurredAt) : now,
    departmentId: call.departmentId,
    threadTicketId: call.ticketId,
    assignTo: loggedByAgentId,
    meta: callMeta(call, loggedByAgentId),
  };
}

function firstLine(text: string): string {
  const line = text.trim().split(/\r?\n/)[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line || 'Phone call';
}

/**
 * The phone "channel" has no provider: the agent talks to the member and logs the call. Its send
 * confirms that a logged outbound call went out, so calls flow through the same delivery rows as
 * every other outbound message; a typed reply cannot be delivered by phone.
 */
export class PhoneAdapter implements ChannelAdapter {
  readonly kind = 'phone' as const;

  describe(): ChannelDescription {
    return { kind: 'phone', name: { en: 'Phone', 'zh-CN': '电话' }, sendsText: false, settings: [] };
  }

  async send(message: OutboundMessage): Promise<{ providerId: string }> {
    return { providerId: `call-${message.messageId}` };
  }
}
