import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A WeChat Official Account (公众号) whose server callback points at us
 * (`/api/channels/wechat/official/:id`). Its three secrets are sealed by the master key and never
 * returned by the API.
 */
@Entity('wechat_official_account')
@Index('IDX_wechat_official_account_app', ['appId'], { unique: true })
export class WechatOfficialAccount {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'varchar', length: 64 }) appId: string;
  @Column({ type: 'text' }) appSecretSealed: string;
  /** The callback Token (signature key). */
  @Column({ type: 'text' }) tokenSealed: string;
  /** EncodingAESKey for safe/compatible mode; null: plaintext mode only. */
  @Column({ type: 'text', nullable: true }) encodingAesKeySealed: string | null;
  /** Department that tickets from this account land in. */
  @Column({ type: 'integer' }) departmentId: number;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}
