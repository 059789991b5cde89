import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Installation-wide values generated once and shared by every server process. */
@Entity('setting')
export class Setting {
  @PrimaryColumn({ type: 'varchar', length: 64 }) key: string;
  @Column({ type: 'text' }) value: string;
}
