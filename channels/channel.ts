import type { Channel, IdentityKind } from '../server/domain.js';

/** A file kept in the file store, referenced from a message. */
export interface StoredAttachment { name: string; contentType: string; size: number; path: string; contentId?: string | null; inline?: boolean }

/**
 * The contract between channel adapters and the ticket service (ARCHITECTURE §4). Adapters know
 * their protocol, never tickets: they turn a raw payload into an InboundMessage and deliver an
 * OutboundMessage, returning the provider's id.
 */
export interface InboundMessage {
  channel: Channel;
  /** The provider's message id; with `channel`, the idempotency key of ingest. */
  externalId: string;
  from: { kind: IdentityKind; value: string; name?: string };
  subject?: string;
  text: string;
  html?: string;
  receivedAt: Date;
  /** Department the channel points at (a mailbox's default, the agent who logged a call). */
  departmentId?: number;
  /** A ticket the channel's own threading resolved (e.g. email References); checked by the service. */
  threadTicketId?: number;
  /**
   * Continue the member's open ticket on this channel when nothing else threads the message (chat,
   * WeChat, phone: one conversation). Email says false: a mail that is no reply starts a new ticket.
   */
  continueOpenTicket?: boolean;
  meta?: Record<string, unknown>;
  attachments?: StoredAttachment[];
  /** Others addressed on the message (an email's Cc/To besides us): they may continue the ticket. */
  participants?: Array<{ kind: IdentityKind; value: string }>;
  /**
   * The automatic acknowledgement of a new ticket, if the channel sends one (a mailbox's setting):
   * written with the ticket, in its transaction, so it is sent exactly when the ticket exists.
   */
  acknowledge?: (ticket: { number: string; language: string | null }) => string;
  /** An agent who already handles the conversation (took the call): assigned when they work in the routed department. */
  assignTo?: number;
  /** The provider's own message id when it differs from externalId's form (an email's Message-ID), for threading. */
  rfcMessageId?: string;
}

export interface OutboundMessage {
  deliveryId: number;
  channel: Channel;
  ticketId: number;
  ticketNumber: string;
  messageId: number;
  /** Decrypted address of the member on this channel, handed to the adapter only at send time. */
  to: { kind: IdentityKind; value: string } | null;
  subject: string;
  text: string;
  meta: Record<string, unknown> | null;
  /** Files the agent attached, read from the file store at send time. */
  attachments?: Array<{ name: string; contentType: string; content: Buffer }>;
}

export interface ChannelDescription {
  kind: Channel;
  name: { en: string; 'zh-CN': string };
  /** Whether an agent's typed reply can be delivered on this channel. */
  sendsText: boolean;
  settings: Array<{ key: string; label: string; secret?: boolean }>;
}

export interface ChannelAdapter {
  readonly kind: Channel;
  describe(): ChannelDescription;
  send(message: OutboundMessage): Promise<{ providerId: string }>;
}

/** Failures an adapter reports; `permanent` ones are not retried. */
export class ChannelSendError extends Error {
  constructor(message: string, readonly permanent: boolean) {
    super(message);
    this.name = 'ChannelSendError';
  }
}

export class ChannelRegistry {
  private readonly adapters = new Map<Channel, ChannelAdapter>();

  register(adapter: ChannelAdapter): this {
    this.adapters.set(adapter.kind, adapter);
    return this;
  }

  get(kind: Channel): ChannelAdapter | undefined {
    return this.adapters.get(kind);
  }

  list(): ChannelDescription[] {
    return [...this.adapters.values()].map((a) => a.describe());
  }
}
