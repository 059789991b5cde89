import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { ChannelRegistry } from '../../channel.js';
import type { Database } from '../../../server/db/database.js';
import { Member, MemberIdentity, WechatBinding } from '../../../server/db/entities/index.js';
import type { MemberService } from '../../../server/members/member.service.js';
import { identityAad } from '../../../server/members/identity.js';
import type { PiiVault } from '../../../server/security/pii-vault.js';
import type { Clock } from '../../../server/clock.js';
import { ValidationError } from '../../../server/errors.js';

export const BINDING_TTL_MS = 10 * 60_000;
export const BINDING_MAX_ATTEMPTS = 5;

const BIND = /^\s*(?:绑定|綁定|bind)\s*[:：]?\s*([+\d][\d\s-]{2,30}|[A-Za-z0-9-]{3,32})\s*$/i;
const CODE = /^\s*(\d{6})\s*$/;

export const BINDING_TEXT = {
  sent: '如该会员号或手机号已登记，验证码已发送至会员登记的邮箱，请在10分钟内回复6位验证码。\nIf this member number or phone is registered, a code was sent to the member\'s registered email: reply with the 6 digits within 10 minutes.',
  unavailable: '暂时无法发送验证码，请直接留言，客服将为您绑定。\nWe cannot send a code right now; leave us a message and an agent will link your account.',
  linked: '绑定成功，您的微信已关联会员账户。\nDone: this WeChat is now linked to your membership.',
  wrong: '验证码不正确，请重试。\nThat code is not right; please try again.',
  exhausted: '验证码错误次数过多，请重新发送“绑定 会员号”。\nToo many wrong codes; send "bind <member number>" again.',
};

export interface BindingDeps {
  db: Database;
  vault: PiiVault;
  members: MemberService;
  channels: ChannelRegistry;
  clock: Clock;
  log: { info(m: string, f?: Record<string, unknown>): void; warn(m: string, f?: Record<string, unknown>): void };
}

/**
 * A WeChat contact links itself to a member: `绑定 <会员号或手机号>` / `bind <number or phone>` → a 6-digit
 * code goes to the member's registered email (we have no SMS) → the contact replies with it within 10
 * minutes, 5 tries → the contact's `wx:` identity moves to that member (new messages thread there; the
 * tickets it already has stay with the placeholder member). The reply never says whether the number exists.
 */
export class WechatBindingFlow {
  constructor(private readonly d: BindingDeps) {}

  /** The bot's interceptor: a reply when the text was part of the binding dialogue, null otherwise. */
  readonly handle = async (contactIdentity: string, text: string): Promise<string | null> => {
    const bind = BIND.exec(text);
    if (bind) return this.request(contactIdentity, bind[1]!.trim());
    const code = CODE.exec(text);
    if (code) return this.confirm(contactIdentity, code[1]!);
    return null;
  };

  private async request(contactIdentity: string, given: string): Promise<string> {
    const email = this.d.channels.get('email');
    if (!email) return BINDING_TEXT.unavailable;
    const memberId = await this.findMember(given);
    const contactIndex = this.d.vault.blindIndex('wechat', contactIdentity);
    if (!memberId) {
      this.d.log.info('wechat binding: no member for the number given');
      return BINDING_TEXT.sent;
    }
    const address = await this.emailOf(memberId);
    if (!address) {
      this.d.log.info('wechat binding: member has no email for the code', { memberId });
      return BINDING_TEXT.sent;
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const now = this.d.clock.now();
    await this.d.db.tx(async (m) => {
      await m.delete(WechatBinding, { contactIndex });
      await m.insert(WechatBinding, { contactIndex, memberId, codeHash: this.hash(contactIndex, code), expiresAt: new Date(now.getTime() + BINDING_TTL_MS), attempts: 0, createdAt: now });
    });
    try {
      await email.send({
        deliveryId: 0, channel: 'email', ticketId: 0, ticketNumber: '', messageId: 0, meta: null,
        to: { kind: 'email', value: address },
        subject: '微信绑定验证码 / WeChat linking code',
        text: `您的微信绑定验证码：${code}（10分钟内有效）。如非本人操作，请忽略。\nYour WeChat linking code: ${code} (valid for 10 minutes). If you did not ask for it, ignore this message.`,
      });
    } catch (err) {
      await this.d.db.tx((m) => m.delete(WechatBinding, { contactIndex }));
      this.d.log.warn('wechat binding: code email failed', { memberId, error: String((err as Error)?.message ?? err) });
      // The same answer as for an unknown number: a different one would tell a stranger that this number is a member's.
      return BINDING_TEXT.sent;
    }
    this.d.log.info('wechat binding: code sent', { memberId });
    return BINDING_TEXT.sent;
  }

  private async confirm(contactIdentity: string, code: string): Promise<string | null> {
    const contactIndex = this.d.vault.blindIndex('wechat', contactIdentity);
    const now = this.d.clock.now();
    const pending = await this.d.db.read((m) => m.findOneBy(WechatBinding, { contactIndex }));
    // No binding under way: six digits are just a message (an order number…), for a ticket.
    if (!pending || pending.expiresAt <= now) return null;
    const expected = Buffer.from(pending.codeHash, 'hex');
    const got = Buffer.from(this.hash(contactIndex, code), 'hex');
    if (!timingSafeEqual(expected, got)) {
      const attempts = pending.attempts + 1;
      await this.d.db.tx((m) => attempts >= BINDING_MAX_ATTEMPTS
        ? m.delete(WechatBinding, { id: pending.id })
        : m.update(WechatBinding, { id: pending.id }, { attempts }));
      return attempts >= BINDING_MAX_ATTEMPTS ? BINDING_TEXT.exhausted : BINDING_TEXT.wrong;
    }
    await this.d.db.sqlTx(async (sql) => {
      await sql.run('DELETE FROM wechat_binding WHERE id = ?', [pending.id]);
      // The placeholder member made at first contact gives the identity up; the member gets it (replacing an older WeChat id).
      await sql.run('DELETE FROM member_identity WHERE kind = ? AND blindIndex = ?', ['wechat', contactIndex]);
      await this.d.members.addContact(sql, pending.memberId, { identity: { kind: 'wechat', value: contactIdentity }, replace: true });
    }, { retryOnConflict: true });
    this.d.log.info('wechat binding: contact linked', { memberId: pending.memberId });
    return BINDING_TEXT.linked;
  }

  private async findMember(given: string): Promise<number | null> {
    const byNumber = await this.d.db.read((m) => m.findOne(Member, { where: { memberNumber: given }, select: { id: true, wrappedKey: true } }));
    if (byNumber && byNumber.wrappedKey !== 'erased') return byNumber.id;
    try {
      return (await this.d.members.findByIdentity('phone', given))?.id ?? null;
    } catch (err) {
      if (err instanceof ValidationError) return null; // not a phone number either
      throw err;
    }
  }

  private async emailOf(memberId: number): Promise<string | null> {
    return this.d.db.read(async (m) => {
      const member = await m.findOneBy(Member, { id: memberId });
      const identity = await m.findOneBy(MemberIdentity, { memberId, kind: 'email' });
      if (!member || !identity || identity.bouncedAt || member.wrappedKey === 'erased') return null;
      return this.d.vault.decrypt(this.d.vault.unwrap(member.wrappedKey), identity.valueEnc, identityAad(memberId, 'email'));
    });
  }

  private hash(contactIndex: string, code: string): string {
    return createHmac('sha256', this.d.vault.subKey('wechat-binding')).update(`${contactIndex}\u0000${code}`).digest('hex');
  }
}
