import { createHash } from 'node:crypto';
import type { StoredAttachment } from '../../channels/channel.js';
import { parseEmail, type ParsedEmail } from '../../channels/email/parse.js';
import { findBodyMarker, threadCandidates, ticketNumberInSubject, verifyOurMessageId, type ThreadingSecret } from '../../channels/email/threading.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { Delivery, InboundFailure, Mailbox, MemberIdentity, Message, Ticket } from '../db/entities/index.js';
import { recordDeliveryFailure } from '../delivery/delivery.worker.js';
import type { FileStore } from '../files/file-store.js';
import type { Logger } from '../logger.js';
import { normaliseIdentity } from '../members/identity.js';
import type { PiiVault } from '../security/pii-vault.js';
import type { TicketService } from '../tickets/ticket.service.js';
import type { MailboxService } from './mailbox.service.js';

export type InboundOutcome =
  | { stored: true; ticketId: number; ticketNumber: string; messageId: number; created: boolean; duplicate: boolean }
  | { stored: false; ignored: string; failureId?: number };

/**
 * Raw email → ticket message (ARCHITECTURE §4): parse (never throws), drop noise (bounces are tied
 * back to our delivery), thread, dedupe per mailbox, ingest. Used by IMAP polling, piping and the
 * SMTP receiver alike; it resolves only after the change committed, so callers acknowledge after it.
 */
export class EmailInboundService {
  constructor(private readonly o: {
    db: Database; tickets: TicketService; files: FileStore; clock: Clock; log: Logger; secret: ThreadingSecret;
    /** Finds the identity a bounce names; without it a hard bounce flags all of the member's email addresses. */
    vault: Pick<PiiVault, 'blindIndex'>;
    /** Our own addresses (mail from them is ignored, they are no participants). */
    mailboxes: Pick<MailboxService, 'byAddress'>;
  }) {}

  async receive(mailbox: Mailbox, raw: Buffer): Promise<InboundOutcome> {
    const mail = await parseEmail(raw);
    const from = mail.from?.address ?? null;
    if (!from || (mail.parseError && !mail.text && !mail.subject)) {
      return this.fail(mailbox, raw, mail.parseError ?? 'the message has no sender address');
    }
    if (await this.isOurAddress(from)) return { stored: false, ignored: 'own_address' };
    if (mail.noise) {
      if (mail.noise.kind === 'bounce') await this.tieBounce(mail);
      return { stored: false, ignored: mail.noise.kind };
    }
    const threadTicketId = await this.threadHint(mail);
    const attachments = await this.storeAttachments(mail);
    const result = await this.o.tickets.ingest({
      channel: 'email',
      externalId: externalIdOf(mailbox.id, mail.messageId, raw),
      from: { kind: 'email', value: from, name: mail.from?.name || undefined },
      subject: mail.subject,
      text: mail.text,
      html: mail.html ?? undefined,
      receivedAt: this.o.clock.now(),
      departmentId: mailbox.departmentId,
      threadTicketId: threadTicketId ?? undefined,
      continueOpenTicket: false,
      participants: await this.participantsOf(mail, from),
      attachments,
      rfcMessageId: mail.messageId && mail.messageId.length <= 190 ? mail.messageId : undefined,
      meta: { email: { mailboxId: mailbox.id, charset: mail.charset, warnings: mail.warnings.slice(0, 5) } },
      acknowledge: mailbox.acknowledge ? (t) => acknowledgement(t.number, t.language) : undefined,
    });
    return { stored: true, ...result };
  }

  /**
   * The ticket a reply belongs to, in the order ARCHITECTURE §4 gives: our signed Message-ID in
   * In-Reply-To/References, any stored Message-ID, our body marker, the ticket number in the subject.
   * Ingest follows the hint only to a live ticket of the same member, so a stranger quoting a
   * ticket number gets a ticket of their own.
   */
  async threadHint(mail: ParsedEmail): Promise<number | null> {
    const candidates = threadCandidates({ inReplyTo: mail.inReplyTo, references: mail.references });
    for (const id of candidates) {
      const ours = verifyOurMessageId(id, this.o.secret);
      if (ours) return ours.ticketId;
    }
    if (candidates.length) {
      const stored = await this.o.db.read((m) => m.createQueryBuilder(Message, 'msg').select('msg.ticketId', 'ticketId')
        .where('msg.rfcMessageId IN (:...ids)', { ids: candidates }).orderBy('msg.id', 'DESC').limit(1).getRawOne<{ ticketId: number }>());
      if (stored) return Number(stored.ticketId);
    }
    return findBodyMarker(mail.text, this.o.secret) ?? ticketNumberInSubject(mail.subject);
  }

  /**
   * A bounce of our own mail marks that delivery failed with the reason, on its ticket. A hard
   * bounce also flags the address it names, so agents see it is not reachable.
   */
  private async tieBounce(mail: ParsedEmail): Promise<void> {
    const original = mail.dsn?.originalMessageId ?? null;
    const ours = original ? verifyOurMessageId(original, this.o.secret) : null;
    if (!ours) return;
    const recipient = mail.dsn?.recipients.find((r) => r.action === 'failed') ?? mail.dsn?.recipients[0];
    const reason = `bounced: ${recipient?.status ?? ''} ${recipient?.diagnosticCode ?? ''}`.trim().slice(0, 500);
    const hard = recipient?.action === 'failed';
    const bouncedIndex = hard ? this.emailIndex(recipient.address) : null;
    await this.o.db.tx(async (m) => {
      // Our signed Message-ID names the message, and deliveries are indexed by message (IDX_delivery_message).
      const delivery = await m.findOne(Delivery, { where: { messageId: ours.messageId, channel: 'email' }, order: { id: 'DESC' } });
      if (!delivery || delivery.status === 'failed') return;
      const now = this.o.clock.now();
      await m.update(Delivery, { id: delivery.id }, { status: 'failed', lastError: reason });
      await recordDeliveryFailure(m, delivery, reason, now);
      if (delivery.ticketId && hard) {
        const ticket = await m.findOne(Ticket, { where: { id: delivery.ticketId }, select: { id: true, memberId: true } });
        // The address the DSN names; all of the member's email addresses only when it names none.
        if (ticket) await m.update(MemberIdentity, { memberId: ticket.memberId, kind: 'email', ...(bouncedIndex ? { blindIndex: bouncedIndex } : {}) }, { bouncedAt: now });
      }
    });
  }

  /** The blind index an email identity with this address has (as the member service computes it), or null. */
  private emailIndex(address: string | null): string | null {
    if (!address) return null;
    try {
      return this.o.vault.blindIndex('email', normaliseIdentity('email', address));
    } catch {
      return null; // not an address an identity could hold
    }
  }

  private async storeAttachments(mail: ParsedEmail): Promise<StoredAttachment[]> {
    const out: StoredAttachment[] = [];
    for (const a of mail.attachments.slice(0, MAX_ATTACHMENTS)) {
      if (a.size > MAX_ATTACHMENT_BYTES) continue;
      const { path } = await this.o.files.put('attachments', a.content);
      out.push({ name: (a.filename ?? 'attachment').slice(0, 200), contentType: a.contentType, size: a.size, path, contentId: a.contentId, inline: a.inline });
    }
    return out;
  }

  /** Everyone else the member addressed (To/Cc), minus our own mailboxes: they may join the conversation. */
  private async participantsOf(mail: ParsedEmail, from: string): Promise<Array<{ kind: 'email'; value: string }>> {
    const addresses = [...mail.to, ...mail.cc].map((a) => a.address).filter((a): a is string => !!a && a !== from);
    const ours = addresses.length ? await this.o.mailboxes.byAddress() : new Map();
    return [...new Set(addresses)].filter((a) => !ours.has(a.toLowerCase())).slice(0, 20).map((value) => ({ kind: 'email' as const, value }));
  }

  private async isOurAddress(address: string): Promise<boolean> {
    return (await this.o.mailboxes.byAddress()).has(address.toLowerCase());
  }

  /** Kept raw for an admin; the mailbox is not blocked by it. */
  private async fail(mailbox: Mailbox, raw: Buffer, reason: string): Promise<InboundOutcome> {
    const { path } = await this.o.files.put('inbound-failures', raw);
    const res = await this.o.db.tx((m) => m.insert(InboundFailure, { mailboxId: mailbox.id, reason: reason.slice(0, 500), rawPath: path, size: raw.length, createdAt: this.o.clock.now() }));
    this.o.log.warn('email could not be imported', { mailbox: mailbox.id, reason: reason.slice(0, 200) });
    return { stored: false, ignored: 'unparseable', failureId: Number(res.identifiers[0]!.id) };
  }
}

/**
 * The acknowledgement of a new ticket, in the member's language as triage detected it (Chinese for
 * zh-Hans and zh-Hant, else English). The answer time is a fixed promise (docs/email.md).
 */
export function acknowledgement(ticketNumber: string, language: string | null): string {
  return language?.startsWith('zh')
    ? `您好！我们已收到您的来信，工单号 ${ticketNumber}。客服人员将在 1 个工作日内回复您。回复本邮件即可补充信息，请保留邮件标题中的工单号。`
    : `Hello, we have received your message: ticket ${ticketNumber}. A member of our service team will reply within one working day. You can add details by replying to this email; please keep the ticket number in the subject.`;
}

export const MAX_ATTACHMENTS = 50;
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** Dedupe key: the Message-ID per mailbox, or a hash of the raw bytes for mail without one. */
export function externalIdOf(mailboxId: number, messageId: string | null, raw: Buffer): string {
  const id = messageId && messageId.length <= 150 ? messageId : `sha256:${createHash('sha256').update(messageId ?? raw).digest('hex')}`;
  return `${mailboxId}:${id}`;
}
