import os from 'node:os';
import path from 'node:path';
import { ChannelRegistry } from '../channels/channel.js';
import { EmailInboundService } from './email/email-inbound.service.js';
import { MailboxService } from './email/mailbox.service.js';
import { ConfiguredFileStore, DatabaseFileStore, DirectoryFileStore, type FileBackend, type FileStore } from './files/file-store.js';
import { PhoneAdapter } from '../channels/phone/phone.adapter.js';
import { AgentService } from './agents/agent.service.js';
import { AuditLog } from './audit/audit-log.js';
import type { Clock } from './clock.js';
import type { Database } from './db/database.js';
import { DeliveryWorker } from './delivery/delivery.worker.js';
import { DepartmentService } from './departments/department.service.js';
import type { Logger } from './logger.js';
import { MemberPrivacyService } from './members/member-privacy.service.js';
import { MemberService } from './members/member.service.js';
import type { PiiVault } from './security/pii-vault.js';
import { TokenSigner } from './security/token.js';
import { TicketQueries } from './tickets/ticket.queries.js';
import { TicketService } from './tickets/ticket.service.js';
import { defaultTriager, type Triager } from './triage/triager.js';

export interface Services {
  db: Database;
  vault: PiiVault;
  clock: Clock;
  log: Logger;
  channels: ChannelRegistry;
  tickets: TicketService;
  queries: TicketQueries;
  members: MemberService;
  agents: AgentService;
  departments: DepartmentService;
  signer: TokenSigner;
  delivery: DeliveryWorker;
  audit: AuditLog;
  privacy: MemberPrivacyService;
  files: FileStore;
  mailboxes: MailboxService;
  emailInbound: EmailInboundService;
}

export interface ServiceOptions {
  db: Database;
  vault: PiiVault;
  clock: Clock;
  log: Logger;
  tokenTtlMinutes: number;
  deliveryPollMs: number;
  /** Adapters beyond the built-in phone channel (configured channels, test doubles). */
  channels?: ChannelRegistry;
  triager?: Triager;
  /** Member names are PII here (MEMBERDESK_MASK_NAMES). */
  maskNames?: boolean;
  /** Root of the file store (attachments, raw mail); a temporary directory when absent (tests). */
  dataDir?: string;
  /** Attachments in the data directory (default) or the database. */
  fileStore?: FileBackend;
}

/** Wires the domain together; no transport here, so tests and the server share it. */
export function buildServices(o: ServiceOptions): Services {
  const channels = o.channels ?? new ChannelRegistry();
  if (!channels.get('phone')) channels.register(new PhoneAdapter());
  const members = new MemberService(o.db, o.vault, { maskNames: o.maskNames });
  const audit = new AuditLog(o.db, o.clock);
  const files = new ConfiguredFileStore(o.fileStore ?? 'dir',
    new DirectoryFileStore(path.join(o.dataDir ?? path.join(os.tmpdir(), `memberdesk-${process.pid}`), 'files')),
    new DatabaseFileStore(o.db));
  const delivery = new DeliveryWorker({ db: o.db, vault: o.vault, channels, clock: o.clock, log: o.log, pollMs: o.deliveryPollMs, files });
  const tickets = new TicketService({
    db: o.db, members, clock: o.clock, triager: o.triager ?? defaultTriager,
    sendsText: (c) => channels.get(c)?.describe().sendsText ?? false,
    afterCommit: (n) => { if (n.deliveries > 0) delivery.kick(); },
  });
  return {
    files,
    mailboxes: new MailboxService(o.db, o.vault),
    emailInbound: new EmailInboundService({ db: o.db, tickets, files, clock: o.clock, log: o.log, secret: o.vault.subKey('email-threading') }),
    db: o.db, vault: o.vault, clock: o.clock, log: o.log, channels, tickets, members, delivery,
    audit,
    privacy: new MemberPrivacyService(o.db, o.vault, audit, o.clock),
    queries: new TicketQueries(o.db, members),
    agents: new AgentService(o.db, o.clock, audit),
    departments: new DepartmentService(o.db),
    signer: new TokenSigner(o.vault.tokenKey, o.tokenTtlMinutes * 60),
  };
}
