import type { Server as SocketServer } from 'socket.io';
import { ChannelSendError, type ChannelAdapter, type ChannelDescription, type ChannelRegistry, type OutboundMessage } from '../channel.js';
import type { Database } from '../../server/db/database.js';
import type { Logger } from '../../server/logger.js';
import type { PiiVault } from '../../server/security/pii-vault.js';
import { CHAT_NAMESPACE, visitorRoom } from './chat-rooms.js';
import { chatLocale, replyEmail, transcriptEmail } from './chat-texts.js';
import { ChatStore, type ChatTicket } from './chat.store.js';

export interface WebchatAdapterDeps { db: Database; vault: PiiVault; channels: ChannelRegistry; log: Logger }

/**
 * Web chat replies (docs/webchat.md, "Replies"). The delivery worker hands over public agent
 * messages only (internal notes never get a delivery row). A reply goes to the visitor's widget when
 * one is connected (on any process: fetchSockets goes through the Redis adapter); otherwise by email
 * when the member left an address, through the registered email adapter; otherwise the send fails
 * retryably, so the worker tries again with backoff (the visitor may come back) and finally marks
 * the message failed. A transcript request (a system line with `meta.transcript`) is mailed here too,
 * composed at send time from the public thread.
 */
export class WebchatAdapter implements ChannelAdapter {
  readonly kind = 'webchat' as const;
  private io: SocketServer | null = null;
  private readonly store: ChatStore;

  constructor(private readonly deps: WebchatAdapterDeps) {
    this.store = new ChatStore(deps.db, deps.vault);
  }

  /** The socket server the replies go out through (set when the realtime server starts, null when it stops). */
  bind(io: SocketServer | null): void {
    this.io = io;
  }

  describe(): ChannelDescription {
    return { kind: 'webchat', name: { en: 'Web chat', 'zh-CN': '网页聊天' }, sendsText: true, settings: [] };
  }

  async send(message: OutboundMessage): Promise<{ providerId: string }> {
    const ticket = await this.store.ticket(message.ticketId);
    if (!ticket) throw new ChannelSendError('the ticket of this reply is gone', true);
    if (message.meta?.['transcript'] === true) return this.sendTranscript(message, ticket);
    if (this.io) {
      const chat = this.io.of(CHAT_NAMESPACE);
      const room = visitorRoom(ticket.memberId);
      if ((await chat.in(room).fetchSockets()).length) {
        const view = await this.store.view(message.messageId);
        if (!view) throw new ChannelSendError('this message is not one a member may see', true);
        chat.to(room).emit('chat:message', { ...view, ticketNumber: ticket.number });
        return { providerId: `socket:${message.messageId}` };
      }
    }
    const email = this.deps.channels.get('email');
    const address = email ? await this.store.emailOf(ticket.memberId) : null;
    if (email && address) {
      const locale = chatLocale((await this.store.memberLocale(ticket.id)) ?? ticket.language);
      const agentName = (await this.store.view(message.messageId))?.agentName ?? null;
      const sent = await email.send({
        ...message, channel: 'email', to: { kind: 'email', value: address }, meta: null,
        text: replyEmail(message.text, { locale, ticketNumber: ticket.number, agentName }),
      });
      this.deps.log.info('webchat reply sent by email: the visitor was not connected', { deliveryId: message.deliveryId, ticketId: ticket.id });
      return { providerId: `email:${sent.providerId}`.slice(0, 190) };
    }
    throw new ChannelSendError(this.io
      ? 'the visitor is not connected and left no email address'
      : 'web chat is not running in this process and the visitor left no email address', false);
  }

  /** The whole public conversation before the request, to the address the member gave (or their email identity). */
  private async sendTranscript(message: OutboundMessage, ticket: ChatTicket): Promise<{ providerId: string }> {
    const email = this.deps.channels.get('email');
    if (!email) throw new ChannelSendError('no email channel is configured to send the transcript', true);
    const sealed = message.meta?.['to'];
    const address = typeof sealed === 'string' ? await this.store.unsealForMember(ticket.memberId, sealed) : await this.store.emailOf(ticket.memberId);
    if (!address) throw new ChannelSendError('the member has no email address for the transcript', true);
    const lines = await this.store.transcriptLines(ticket.id, message.messageId);
    const timeZone = typeof message.meta?.['timeZone'] === 'string' ? message.meta['timeZone'] : null;
    const locale = chatLocale(typeof message.meta?.['locale'] === 'string' ? message.meta['locale'] : ticket.language);
    const mail = transcriptEmail(lines.map((l) => ({ author: l.author, agentName: l.agentName ?? null, text: l.text, createdAt: l.at })), { locale, ticketNumber: ticket.number, timeZone });
    const sent = await email.send({
      ...message, channel: 'email', to: { kind: 'email', value: address }, subject: mail.subject, text: mail.text,
      // Mail no person wrote: Auto-Submitted, so auto-responders stay quiet.
      meta: { automatic: true }, attachments: undefined,
    });
    return { providerId: `email:${sent.providerId}`.slice(0, 190) };
  }
}
