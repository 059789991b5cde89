import { parse } from 'csv-parse/sync';
import { In } from 'typeorm';
import type { Database } from '../db/database.js';
import { MemberIdentity } from '../db/entities/index.js';
import { TIERS, type IdentityKind, type Tier } from '../domain.js';
import { AppError, ValidationError } from '../errors.js';
import type { PiiVault } from '../security/pii-vault.js';
import { normaliseIdentity } from './identity.js';
import type { MemberInput, MemberService } from './member.service.js';

export const IMPORT_COLUMNS = ['name', 'tier', 'store', 'email', 'phone', 'wechat_id'] as const;
const IDENTITY_COLUMNS: Array<[(typeof IMPORT_COLUMNS)[number], IdentityKind]> = [['email', 'email'], ['phone', 'phone'], ['wechat_id', 'wechat']];
export const MAX_IMPORT_ROWS = 50_000;

export interface RowError { row: number; field: string; message: string }

/**
 * CSV member import, all or nothing: every row is checked first (and against existing members);
 * one bad row rejects the file with a row-by-row report, otherwise all rows go in one transaction.
 * Row numbers count the header as row 1, as a spreadsheet shows them.
 */
export async function importMembersCsv(db: Database, vault: PiiVault, members: MemberService, csv: string, allowedStores: string[] | null = null): Promise<{ imported: number }> {
  let records: string[][];
  try {
    records = parse(csv, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (err) {
    throw new ValidationError(`the file is not valid CSV: ${(err as Error).message}`, { rows: [] }, 'IMPORT_INVALID');
  }
  const [header, ...rows] = records;
  if (!header) throw new ValidationError('the file is empty; the first line must name the columns', { rows: [] }, 'IMPORT_INVALID');
  const columns = header.map((h) => h.toLowerCase());
  const unknown = columns.filter((c) => !(IMPORT_COLUMNS as readonly string[]).includes(c));
  if (unknown.length || !columns.includes('name')) {
    throw new ValidationError(`columns must be among ${IMPORT_COLUMNS.join(', ')} and include name; unknown: ${unknown.join(', ') || 'none'}`,
      { rows: [{ row: 1, field: unknown[0] ?? 'name', message: unknown.length ? 'unknown column' : 'missing column' }] }, 'IMPORT_INVALID');
  }
  if (rows.length > MAX_IMPORT_ROWS) {
    throw new ValidationError(`at most ${MAX_IMPORT_ROWS} rows per file; split it`, { rows: [] }, 'IMPORT_TOO_LARGE');
  }

  const errors: RowError[] = [];
  const inputs: MemberInput[] = [];
  const seen = new Map<string, number>();
  rows.forEach((cells, i) => {
    const rowNo = i + 2;
    const get = (c: string) => cells[columns.indexOf(c)] ?? '';
    const name = get('name');
    if (!name) errors.push({ row: rowNo, field: 'name', message: 'is required' });
    else if (name.length > 120) errors.push({ row: rowNo, field: 'name', message: 'is longer than 120 characters' });
    const tier = (get('tier') || 'standard').toLowerCase();
    if (!(TIERS as readonly string[]).includes(tier)) errors.push({ row: rowNo, field: 'tier', message: `must be one of ${TIERS.join(', ')}` });
    const store = get('store');
    if (store.length > 64) errors.push({ row: rowNo, field: 'store', message: 'is longer than 64 characters' });
    // A store-bound importer imports only into their stores.
    if (allowedStores && !allowedStores.includes(store)) errors.push({ row: rowNo, field: 'store', message: `must be one of your stores: ${allowedStores.join(', ')}` });
    const identities: MemberInput['identities'] = {};
    for (const [column, kind] of IDENTITY_COLUMNS) {
      const raw = get(column);
      if (!raw) continue;
      try {
        const value = normaliseIdentity(kind, raw);
        const key = `${kind}:${value}`;
        const earlier = seen.get(key);
        if (earlier) errors.push({ row: rowNo, field: column, message: `same ${column} as row ${earlier}` });
        else seen.set(key, rowNo);
        identities[kind] = value;
      } catch (err) {
        errors.push({ row: rowNo, field: column, message: err instanceof AppError ? err.message : 'is invalid' });
      }
    }
    inputs.push({ name, tier: tier as Tier, homeStore: store || null, identities });
  });

  // Identities that already belong to a member: found by blind index, in chunks.
  const byIndex = new Map<string, { row: number; field: string }>();
  for (const [key, rowNo] of seen) {
    const [kind, ...rest] = key.split(':');
    const column = IDENTITY_COLUMNS.find(([, k]) => k === kind)![0];
    byIndex.set(vault.blindIndex(kind as IdentityKind, rest.join(':')), { row: rowNo, field: column });
  }
  const indexes = [...byIndex.keys()];
  for (let i = 0; i < indexes.length; i += 500) {
    const taken = await db.read((m) => m.find(MemberIdentity, { where: { blindIndex: In(indexes.slice(i, i + 500)) }, select: { blindIndex: true } }));
    for (const t of taken) {
      const at = byIndex.get(t.blindIndex)!;
      // No member id here: the report must not map contact data to members the importer may not see.
      errors.push({ row: at.row, field: at.field, message: 'already belongs to another member' });
    }
  }

  if (errors.length) {
    errors.sort((a, b) => a.row - b.row);
    throw new ValidationError(`${errors.length} problem(s) in the file; nothing was imported`, { rows: errors.slice(0, 500), total: errors.length }, 'IMPORT_INVALID');
  }
  await db.tx(async (m) => {
    for (const input of inputs) await members.insertMember(m, input);
  });
  return { imported: inputs.length };
}
