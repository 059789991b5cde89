import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Attachments and raw mail in the database (MEMBERDESK_FILE_STORE=db): objects and their 60 KiB chunks. */
export class FileStore1764100000000 implements MigrationInterface {
  name = 'FileStore1764100000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(new Table({ name: 'file_object', columns: [
      { name: 'sha256', type: 'varchar', length: '64', isPrimary: true },
      { name: 'size', type: 'integer' },
      { name: 'chunks', type: 'integer' },
      { name: 'createdAt', type: 'datetime', precision: 3 },
    ] }), true);
    await qr.createTable(new Table({ name: 'file_chunk', columns: [
      { name: 'sha256', type: 'varchar', length: '64', isPrimary: true },
      { name: 'seq', type: 'integer', isPrimary: true },
      { name: 'data', type: 'blob' },
    ] }), true);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('file_chunk', true);
    await qr.dropTable('file_object', true);
  }
}
