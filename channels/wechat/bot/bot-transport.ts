import type { Wechaty } from 'wechaty';
import { ChannelSendError, type OutboundMessage } from '../../channel.js';
import { WECHATY_PREFIX, type WechatTransport } from '../wechat.adapter.js';

export interface RateLimits {
  /** Least time between two messages to one contact. */
  perContactIntervalMs: number;
  /** Messages per rolling minute, all contacts together. */
  globalPerMinute: number;
  /** A send that would have to wait longer than this is refused (retried later by the delivery worker). */
  maxWaitMs: number;
}

/**
 * Personal WeChat accounts get restricted when they send fast or in bursts, so the bot keeps well under
 * (WeChat publishes no numbers; the defaults are conservative): one message per contact per 2 s and 20
 * per minute overall. One process runs the bot, so the counts are kept in memory.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = { perContactIntervalMs: 2_000, globalPerMinute: 20, maxWaitMs: 3_000 };

export class SendRateLimiter {
  private readonly lastByContact = new Map<string, number>();
  /** Times of the reserved sends of the last minute (and of the next few seconds), ascending. */
  private slots: number[] = [];

  constructor(private readonly limits: RateLimits = DEFAULT_RATE_LIMITS, private readonly now: () => number = Date.now) {}

  /**
   * Reserves the earliest slot for a message to `contact`: the milliseconds to wait before sending it,
   * or null (nothing reserved) when that would be longer than `maxWaitMs`.
   */
  reserve(contact: string): number | null {
    const now = this.now();
    this.slots = this.slots.filter((t) => t > now - 60_000);
    let at = Math.max(now, (this.lastByContact.get(contact) ?? -Infinity) + this.limits.perContactIntervalMs);
    const { globalPerMinute } = this.limits;
    if (this.slots.length >= globalPerMinute) at = Math.max(at, this.slots[this.slots.length - globalPerMinute]! + 60_000);
    if (at - now > this.limits.maxWaitMs) return null;
    this.lastByContact.set(contact, at);
    this.slots.push(at);
    this.slots.sort((a, b) => a - b);
    if (this.lastByContact.size > 10_000) {
      for (const [k, t] of this.lastByContact) if (t < now - this.limits.perContactIntervalMs) this.lastByContact.delete(k);
    }
    return at - now;
  }
}

/**
 * The `wx:` door of the WeChat adapter: `say()` to the contact through the running bot. Not logged in
 * or over the send rate: retryable (the delivery worker backs off); an unknown contact: permanent.
 */
export class WechatyTransport implements WechatTransport {
  readonly prefix = WECHATY_PREFIX;

  constructor(private readonly bot: () => Wechaty | null, private readonly limiter: SendRateLimiter = new SendRateLimiter()) {}

  async send(contactId: string, message: OutboundMessage): Promise<{ providerId: string }> {
    const wechaty = this.bot();
    if (!wechaty || !wechaty.isLoggedIn) throw new ChannelSendError('the WeChat bot is not logged in', false);
    let contact;
    try {
      contact = await wechaty.Contact.find({ id: contactId });
    } catch (err) {
      throw new ChannelSendError(`WeChat contact lookup failed: ${String((err as Error).message ?? err)}`, false);
    }
    if (!contact) throw new ChannelSendError('the WeChat contact is not among the bot\'s contacts (deleted, or never added)', true);
    const wait = this.limiter.reserve(contactId);
    if (wait === null) throw new ChannelSendError('WeChat send rate limit reached; retried later', false);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const text = message.text.trim() || '…';
    let sent;
    try {
      sent = await contact.say(text);
    } catch (err) {
      throw new ChannelSendError(`WeChat say() failed: ${String((err as Error).message ?? err)}`, false);
    }
    return { providerId: sent?.id ? `wx:${sent.id}` : `wx:sent:${message.deliveryId}` };
  }
}
