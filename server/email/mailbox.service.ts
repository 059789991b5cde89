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
  /**
   * IMAP settings with the password replaced (secrets are never returned; sending the mask back keeps
   * the stored password), or why they cannot be read (sealed under a master key this server lacks).
   */
  imap: (Omit<ImapMailboxSettings, 'password'> & { password: typeof PASSWORD_MASK }) | { unreadable: string } | null;
  createdAt: string;
}

export const IMAP_CONTEXT = 'mailbox-imap';
/**
 * How long each process keeps the address → mailbox map: every inbound mail looks at it several times
 * (piping auth, its mailbox, is the sender ours, which recipients are ours). A change made through this
 * process applies at once; one made through another process (a deactivation, a rotated piping token)
 * within this time.
 */
const ADDRESS_CACHE_MS = 5_000;
const PASSWORD_MASK = '********';

/** Mailboxes: address → department, IMAP settings sealed by the master key, a piping token shown once. */
export class MailboxService {
  private addresses: { until: number; byAddress: Promise<Map<string, Mailbox>> } | null = null;

  constructor(private readonly db: Database, private readonly vault: PiiVault) {}

  /** Every mailbox (active or not) by its lower-case address; briefly cached, see ADDRESS_CACHE_MS. */
  async byAddress(): Promise<Map<string, Mailbox>> {
    const now = Date.now();
    if (!this.addresses || this.addresses.until <= now) {
      const byAddress = this.db.read((m) => m.find(Mailbox)).then((rows) => new Map(rows.map((r) => [r.address, r])));
      this.addresses = { until: now + ADDRESS_CACHE_MS, byAddress };
      byAddress.catch(() => { this.addresses = null; });
    }
    return this.addresses.byAddress;
  }

  async create(input: MailboxInput & { address: string; departmentId: number }): Promise<{ mailbox: MailboxView; pipingToken: string }> {
    const token = `mdp_${randomBytes(24).toString('base64url')}`;
    const id = await this.db.tx(async (m) => {
      if (!(await m.existsBy(Department, { id: input.departmentId }))) throw new UnprocessableError('UNKNOWN_DEPARTMENT', `department ${input.departmentId} does not exist`, { field: 'departmentId' });
      const res = await m.insert(Mailbox, {
        address: input.address.toLowerCase(), departmentId: input.departmentId, acknowledge: input.acknowledge ?? true, active: input.active ?? true,
        imapSealed: input.imap ? this.seal(input.imap) : null, pipingTokenHash: hashToken(token),
      });
      return Number(res.identifiers[0]!.id);
    }).catch(rethrowTaken).finally(() => { this.addresses = null; });
    return { mailbox: await this.get(id), pipingToken: token };
  }

  async update(id: number, input: MailboxInput): Promise<MailboxView> {
    await this.db.tx(async (m) => {
      const current = await m.findOneBy(Mailbox, { id });
      if (!current) throw new NotFoundError('mailbox');
      if (input.departmentId !== undefined && !(await m.existsBy(Department, { id: input.departmentId }))) {
        throw new UnprocessableError('UNKNOWN_DEPARTMENT', `department ${input.departmentId} does not exist`, { field: 'departmentId' });
      }
      const patch: Partial<Mailbox> = {};
      if (input.address !== undefined) patch.address = input.address.toLowerCase();
      if (input.departmentId !== undefined) patch.departmentId = input.departmentId;
      if (input.acknowledge !== undefined) patch.acknowledge = input.acknowledge;
      if (input.active !== undefined) patch.active = input.active;
      if (input.imap !== undefined) {
        let imap = input.imap;
        // A GET's settings sent back as they were: the mask stands for the stored password.
        if (imap && imap.password === PASSWORD_MASK) {
          if (!current.imapSealed) throw new UnprocessableError('IMAP_PASSWORD_REQUIRED', 'this mailbox has no IMAP password yet; send the real one', { field: 'imap.password' });
          imap = { ...imap, password: this.unseal(current.imapSealed).password };
        }
        patch.imapSealed = imap ? this.seal(imap) : null;
      }
      if (Object.keys(patch).length) await m.update(Mailbox, { id }, patch);
    }).catch(rethrowTaken).finally(() => { this.addresses = null; });
    return this.get(id);
  }

  async rotateToken(id: number): Promise<{ pipingToken: string }> {
    const token = `mdp_${randomBytes(24).toString('base64url')}`;
    const res = await this.db.tx((m) => m.update(Mailbox, { id }, { pipingTokenHash: hashToken(token) }));
    this.addresses = null;
    if (!res.affected) throw new NotFoundError('mailbox');
    return { pipingToken: token };
  }

  async remove(id: number): Promise<void> {
    const res = await this.db.tx((m) => m.delete(Mailbox, { id }));
    this.addresses = null;
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
    const mailbox = (await this.byAddress()).get(address.toLowerCase());
    return mailbox?.active ? mailbox : null;
  }

  /** Constant-time check of a piping token against the mailbox's stored hash. */
  tokenMatches(mailbox: Mailbox, token: string): boolean {
    const given = Buffer.from(hashToken(token), 'hex');
    return timingSafeEqual(given, Buffer.from(mailbox.pipingTokenHash, 'hex'));
  }

  /**
   * Active mailboxes with IMAP settings, unsealed for the pollers. One whose settings this server cannot
   * unseal is left out and reported, so it does not stop the polling of the others.
   */
  async imapMailboxes(onUnreadable?: (mailboxId: number, error: string) => void): Promise<Array<{ mailbox: Mailbox; settings: ImapMailboxSettings }>> {
    const rows = await this.db.read((m) => m.findBy(Mailbox, { active: true }));
    return rows.filter((r) => r.imapSealed).flatMap((r) => {
      try {
        return [{ mailbox: r, settings: this.unseal(r.imapSealed!) }];
      } catch (err) {
        onUnreadable?.(r.id, String(err));
        return [];
      }
    });
  }

  private seal(settings: ImapMailboxSettings): string {
    return this.vault.keyring.wrap(Buffer.from(JSON.stringify(settings)), IMAP_CONTEXT).wrapped;
  }

  private unseal(sealed: string): ImapMailboxSettings {
    return JSON.parse(this.vault.keyring.unwrap(sealed, IMAP_CONTEXT).toString('utf8')) as ImapMailboxSettings;
  }

  private view(r: Mailbox): MailboxView {
    let imap: MailboxView['imap'] = null;
    if (r.imapSealed) {
      try {
        imap = { ...this.unseal(r.imapSealed), password: PASSWORD_MASK };
      } catch (err) {
        imap = { unreadable: `${String(err)}; configure the previous master key (MEMBERDESK_PREVIOUS_MASTER_KEYS) and run npm run keys:rotate, or set the IMAP settings again` };
      }
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
