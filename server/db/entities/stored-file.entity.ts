import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A file kept in the database (MEMBERDESK_FILE_STORE=db), by content hash; its bytes are in `file_chunk`. */
@Entity('file_object')
export class FileObject {
  @PrimaryColumn({ type: 'varchar', length: 64 }) sha256: string;
  @Column({ type: 'integer' }) size: number;
  @Column({ type: 'integer' }) chunks: number;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}

@Entity('file_chunk')
export class FileChunk {
  @PrimaryColumn({ type: 'varchar', length: 64 }) sha256: string;
  @PrimaryColumn({ type: 'integer' }) seq: number;
  @Column({ type: 'blob' }) data: Buffer;
}
