import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ImapMailboxSettings } from '../../channels/email/imap.poller.js';
import type { Database } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import { Department, Mailbox } from '../db/entities/index.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.js';
import type { PiiVault } from '../security/pii-vault.js';

export interface MailboxInput {
  address?: string;
  departmentId?: number;
  acknowledge?: boolean;
  active?: boolean;
  imap?: ImapMailboxSettings | null;
}

export interface MailboxView {
  id: number; address: string; departmentId: number; acknowledge: boolean; active: boolean;
  /** IMAP settings with the password replaced: secrets are never returned. */
  imap: (Omit<ImapMailboxSettings, 'password'> & { password: '********' }) | null;
  createdAt: string;
}

const IMAP_CONTEXT = 'mailbox-imap';

/** Mailboxes: address → department, IMAP settings sealed by the master key, a piping token shown once. */
export class MailboxService {
  constructor(private readonly db: Database, private readonly vault: PiiVault) {}

  async create(input: MailboxInput & { address: string; departmentId: number }): Promise<{ mailbox: MailboxView; pipingToken: string }> {
    const token = `mdp_${randomBytes(24).toString('base64url')}`;
    const id = await this.db.tx(async (m) => {
      if (!(await m.existsBy(Department, { id: input.departmentId }))) throw new UnprocessableError('UNKNOWN_DEPARTMENT', `department ${input.departmentId} does not exist`, { field: 'departmentId' });
      const res = await m.insert(Mailbox, {
        address: input.address.toLowerCase(), departmentId: input.departmentId, acknowledge: input.acknowledge ?? true, active: input.active ?? true,
        imapSealed: input.imap ? this.seal(input.imap) : null, pipingTokenHash: hashToken(token),
      });
      return Number(res.identifiers[0]!.id);
    }).catch(rethrowTaken);
    return { mailbox: await this.get(id), pipingToken: token };
  }

  async update(id: number, input: MailboxInput): Promise<MailboxView> {
    await this.db.tx(async (m) => {
      if (!(await m.existsBy(Mailbox, { id }))) throw new NotFoundError('mailbox');
      if (input.departmentId !== undefined && !(await m.existsBy(Department, { id: input.departmentId }))) {
        throw new UnprocessableError('UNKNOWN_DEPARTMENT', `department ${input.departmentId} does not exist`, { field: 'departmentId' });
      }
      const patch: Partial<Mailbox> = {};
      if (input.address !== undefined) patch.address = input.address.toLowerCase();
      if (input.departmentId !== undefined) patch.departmentId = input.departmentId;
      if (input.acknowledge !== undefined) patch.acknowledge = input.acknowledge;
      if (input.active !== undefined) patch.active = input.active;
      if (input.imap !== undefined) patch.imapSealed = input.imap ? this.seal(input.imap) : null;
      if (Object.keys(patch).length) await m.update(Mailbox, { id }, patch);
    }).catch(rethrowTaken);
    return this.get(id);
  }

  async rotateToken(id: number): Promise<{ pipingToken: string }> {
    const token = `mdp_${randomBytes(24).toString('base64url')}`;
    const res = await this.db.tx((m) => m.update(Mailbox, { id }, { pipingTokenHash: hashToken(token) }));
    if (!res.affected) throw new NotFoundError('mailbox');
    return { pipingToken: token };
  }

  async remove(id: number): Promise<void> {
    const res = await this.db.tx((m) => m.delete(Mailbox, { id }));
    if (!res.affected) throw new NotFoundError('mailbox');
  }

  async list(): Promise<MailboxView[]> {
    const rows = await this.db.read((m) => m.find(Mailbox, { order: { address: 'ASC' } }));
    return rows.map((r) => this.view(r));
  }

  async get(id: number): Promise<MailboxView> {
    const row = await this.db.read((m) => m.findOneBy(Mailbox, { id }));
    if (!row) throw new NotFoundError('mailbox');
    return this.view(row);
  }

  async entityByAddress(address: string): Promise<Mailbox | null> {
    return this.db.read((m) => m.findOneBy(Mailbox, { address: address.toLowerCase(), active: true }));
  }

  /** Constant-time check of a piping token against the mailbox's stored hash. */
  tokenMatches(mailbox: Mailbox, token: string): boolean {
    const given = Buffer.from(hashToken(token), 'hex');
    return timingSafeEqual(given, Buffer.from(mailbox.pipingTokenHash, 'hex'));
  }

  /** Active mailboxes with IMAP settings, unsealed for the pollers. */
  async imapMailboxes(): Promise<Array<{ mailbox: Mailbox; settings: ImapMailboxSettings }>> {
    const rows = await this.db.read((m) => m.findBy(Mailbox, { active: true }));
    return rows.filter((r) => r.imapSealed).map((r) => ({ mailbox: r, settings: JSON.parse(this.vault.keyring.unwrap(r.imapSealed!, IMAP_CONTEXT).toString('utf8')) as ImapMailboxSettings }));
  }

  private seal(settings: ImapMailboxSettings): string {
    return this.vault.keyring.wrap(Buffer.from(JSON.stringify(settings)), IMAP_CONTEXT).wrapped;
  }

  private view(r: Mailbox): MailboxView {
    let imap: MailboxView['imap'] = null;
    if (r.imapSealed) {
      const s = JSON.parse(this.vault.keyring.unwrap(r.imapSealed, IMAP_CONTEXT).toString('utf8')) as ImapMailboxSettings;
      imap = { ...s, password: '********' };
    }
    return { id: r.id, address: r.address, departmentId: r.departmentId, acknowledge: r.acknowledge, active: r.active, imap, createdAt: r.createdAt.toISOString() };
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function rethrowTaken(err: unknown): never {
  if (isUniqueViolation(err)) throw new ConflictError('ADDRESS_TAKEN', 'another mailbox already has this address');
  throw err;
}
