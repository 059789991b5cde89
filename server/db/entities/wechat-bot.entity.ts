import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A WeChat contact (of the personal-account bot) asking to be linked to a member: sent `绑定 <会员号或手机号>`,
 * got a one-time code at the member's registered email, and has until `expiresAt` and 5 attempts to send it back.
 */
@Entity('wechat_binding')
@Index('IDX_wechat_binding_contact', ['contactIndex'], { unique: true })
export class WechatBinding {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  /** Blind index of the contact's `wx:` identity (never the id itself). */
  @Column({ type: 'varchar', length: 64 }) contactIndex: string;
  @Column({ type: 'integer' }) memberId: number;
  /** HMAC of the code (keyed, bound to the contact). */
  @Column({ type: 'varchar', length: 64 }) codeHash: string;
  @Column({ type: 'datetime', precision: 3 }) expiresAt: Date;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}
