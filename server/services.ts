import os from 'node:os';
import path from 'node:path';
import { ChannelRegistry } from '../channels/channel.js';
import { EmailInboundService } from './email/email-inbound.service.js';
import { MailboxService } from './email/mailbox.service.js';
import { ConfiguredFileStore, DatabaseFileStore, DirectoryFileStore, type FileBackend, type FileStore } from './files/file-store.js';
import { PhoneAdapter } from '../channels/phone/phone.adapter.js';
import { WebchatAdapter } from '../channels/webchat/webchat.adapter.js';
import { WechatAdapter } from '../channels/wechat/wechat.adapter.js';
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
import type { Triager } from './triage/triager.js';
import { TriageService } from './triage/triage.service.js';
import { TriageAdminService } from './triage/triage-admin.service.js';
import { Assigner } from './routing/assigner.js';
import { PresenceService } from './routing/presence.service.js';
import { AckLinks } from '../sla/ack-token.js';
import { EscalationService } from '../sla/escalation.service.js';
import { SlaScheduler } from '../sla/scheduler.js';
import { SlaConfig } from '../sla/sla-config.js';
import { SlaService } from '../sla/sla.service.js';
import { SlaAdminService } from '../sla/sla-admin.service.js';
import { NotificationWorker } from './notify/notification.worker.js';
import type { Notifier } from './notify/notification.js';
import { ChangeFeed } from './change-feed.js';
import { FollowUps } from './follow-ups/follow-up.service.js';
import { SurveyLinks } from './surveys/survey-link.js';
import { DEFAULT_SURVEY_SETTINGS, type SurveySettings } from './surveys/survey-settings.js';
import { SurveyService } from './surveys/survey.service.js';
import { DEFAULT_DIGEST_SCHEDULE, type DigestSchedule } from './suggestions/digest.js';
import { SuggestionService } from './suggestions/suggestion.service.js';
import { dueWorker, type WakeLoop } from './wake-loop.js';

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
  slaConfig: SlaConfig;
  sla: SlaService;
  slaScheduler: SlaScheduler;
  escalations: EscalationService;
  slaAdmin: SlaAdminService;
  ackLinks: AckLinks;
  /** Re-evaluates live tickets under the current SLA rules (after a tier or department calendar change). */
  recomputeSla(scope?: { memberId?: number; departmentId?: number }): Promise<number>;
  notifications: NotificationWorker;
  triage: TriageService;
  triageAdmin: TriageAdminService;
  presence: PresenceService;
  /** Department assignment strategies are cached briefly; an edit here clears them. */
  assigner: Assigner;
  /** Committed ticket changes and SLA alerts, for the realtime gateway. */
  feed: ChangeFeed;
  /** Satisfaction surveys on solve (server/surveys) and the worker that sends, reminds and expires them. */
  surveys: SurveyService;
  surveyWorker: WakeLoop;
  /** Follow-up tasks (回访) opened by low ratings. */
  followUps: FollowUps;
  /** Puts follow-ups into the live queue when they fall due (docs/follow-ups.md). */
  followUpWorker: WakeLoop;
  /** Suggestions: evaluation queue, decisions, templates, weekly digest (docs/suggestions.md). */
  suggestions: SuggestionService;
  suggestionDigest: { start(): void; stop(): Promise<void> };
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
  /** Replaces the triage service in ingest (tests of failure paths). */
  triager?: Triager;
  /** Member names are PII here (MEMBERDESK_MASK_NAMES). */
  maskNames?: boolean;
  /** Root of the file store (attachments, raw mail); a temporary directory when absent (tests). */
  dataDir?: string;
  /** Attachments in the data directory (default) or the database. */
  fileStore?: FileBackend;
  /** Base URL of the console in links sent to staff (alert emails, Slack buttons). */
  publicUrl?: string;
  /** Senders of staff notifications (Slack, email); alerts are written only for the channels given here. */
  notifiers?: Notifier[];
  /** Survey timing and the low-rating threshold (defaults: at once, 7 days, one reminder after 48 h, 1–2 is low). */
  surveys?: Partial<SurveySettings>;
  /** When the weekly suggestions digest goes out (default Monday 09:00 Asia/Shanghai); null: never. */
  suggestionDigest?: DigestSchedule | null;
}

/** Longest sleep of the survey and follow-up workers: how late a step written by another process may be seen. */
const DUE_WORKER_MAX_SLEEP_MS = 30_000;

/** How long each process keeps SLA policies, calendars and contacts before reading them again. */
const SLA_CONFIG_TTL_MS = 5_000;

/** Wires the domain together; no transport here, so tests and the server share it. */
export function buildServices(o: ServiceOptions): Services {
  const channels = o.channels ?? new ChannelRegistry();
  if (!channels.get('phone')) channels.register(new PhoneAdapter());
  if (!channels.get('webchat')) channels.register(new WebchatAdapter({ db: o.db, vault: o.vault, channels, log: o.log }));
  // WeChat's doors (Official Account, wechaty bot) register their transports when they are set up.
  if (!channels.get('wechat')) channels.register(new WechatAdapter());
  const members = new MemberService(o.db, o.vault, { maskNames: o.maskNames });
  const audit = new AuditLog(o.db, o.clock);
  const agents = new AgentService(o.db, o.clock, audit);
  const files = new ConfiguredFileStore(o.fileStore ?? 'dir',
    new DirectoryFileStore(path.join(o.dataDir ?? path.join(os.tmpdir(), `memberdesk-${process.pid}`), 'files')),
    new DatabaseFileStore(o.db));
  const delivery = new DeliveryWorker({
    db: o.db, vault: o.vault, channels, clock: o.clock, log: o.log, pollMs: o.deliveryPollMs, files,
    expandText: (text, meta) => (surveys ? surveys.expandLink(text, meta) : Promise.resolve(text)),
    afterFinalFailure: async (m, messageId, now) => { await surveys?.onPromptUndeliverable(m, messageId, now); },
  });
  const publicUrl = (o.publicUrl ?? 'http://localhost:3000').replace(/\/+$/, '');
  const ackLinks = new AckLinks(o.vault.subKey('sla-ack'), publicUrl, o.clock);
  const slaConfig = new SlaConfig(o.db, SLA_CONFIG_TTL_MS);
  const notifiers = o.notifiers ?? [];
  const notifyChannels = { slack: notifiers.some((n) => n.channel === 'slack'), email: notifiers.some((n) => n.channel === 'email') };
  const notifications = new NotificationWorker({ db: o.db, clock: o.clock, log: o.log, pollMs: o.deliveryPollMs, notifiers });
  const sla = new SlaService({
    db: o.db, config: slaConfig, clock: o.clock, log: o.log, channels: () => notifyChannels,
    links: {
      ticketUrl: (id) => `${publicUrl}/#/tickets/${id}`,
      ackUrl: (alertId, agentId) => ackLinks.url(alertId, agentId),
    },
  });
  const feed = new ChangeFeed(o.log);
  const slaScheduler = new SlaScheduler({
    db: o.db, sla, clock: o.clock, log: o.log,
    afterBatch: () => { notifications.kick(); feed.publish({ kind: 'alerts', alerts: sla.takeFiredAlerts() }); },
  });
  /** After a committed change the SLA engine saw: wake the scheduler for the deadline it set, send the alerts it wrote, tell the consoles. */
  const afterSlaChange = (): void => {
    const check = sla.takeEarliestCheck();
    if (check) slaScheduler.wakeBy(check);
    if (sla.takeNotificationsWritten()) notifications.kick();
    feed.publish({ kind: 'alerts', alerts: sla.takeFiredAlerts() });
  };
  /** Re-evaluates live tickets (all, a member's or a department's) under the current rules; wakes the scheduler for what it set. */
  const recomputeSla = async (scope: { memberId?: number; departmentId?: number } = {}): Promise<number> => {
    const n = await sla.recomputeLive(scope);
    afterSlaChange();
    return n;
  };
  // After an admin's edit, in the background: one recompute at a time (a change during one runs another
  // after it), and once more when other processes' cached rules have expired, since until then they may
  // have re-evaluated tickets under the old rules.
  let recomputing: Promise<void> | null = null;
  let recomputeAgain = false;
  const recompute = (): void => {
    if (recomputing) { recomputeAgain = true; return; }
    recomputing = recomputeSla()
      .then((n) => o.log.info('sla recomputed live tickets', { tickets: n }))
      .catch((err) => o.log.error('sla recompute failed', { error: String(err) }))
      .finally(() => { recomputing = null; if (recomputeAgain) { recomputeAgain = false; recompute(); } });
  };
  const afterAdminChange = (): void => {
    recompute();
    setTimeout(recompute, SLA_CONFIG_TTL_MS + 1_000).unref();
  };

  const followUps = new FollowUps({
    db: o.db, clock: o.clock, log: o.log, tickets: () => tickets, notifyChannels: () => notifyChannels, ticketUrl: (id) => `${publicUrl}/#/tickets/${id}`, slaConfig,
  });
  // Assigned once the ticket service it needs exists; the ticket service's hooks only run later, on changes.
  let surveys: SurveyService | null = null;
  let surveyWorker: WakeLoop | null = null;
  const followUpWorker = dueWorker({ name: 'follow-up worker', log: o.log, maxSleepMs: DUE_WORKER_MAX_SLEEP_MS, runDue: () => followUps.runDue() });
  /** After a committed change: wake the survey worker for a step it wrote, send the notifications a low rating wrote. */
  const afterSurveyChange = (): void => {
    const at = surveys?.takeEarliestCheck();
    if (at) surveyWorker?.wakeIn(at.getTime() - o.clock.now().getTime());
    if (followUps.takeNotificationsWritten()) notifications.kick();
    const due = followUps.takeEarliestDue();
    if (due) followUpWorker.wakeIn(due.getTime() - o.clock.now().getTime());
  };

  const mailboxes = new MailboxService(o.db, o.vault);
  const triage = new TriageService({ db: o.db, log: o.log });
  const assigner = new Assigner();
  const tickets = new TicketService({
    db: o.db, members, clock: o.clock, triager: o.triager ?? triage, assigner,
    onLabelsCorrected: () => { void triage.syncModel(true); },
    sendsText: (c) => channels.get(c)?.describe().sendsText ?? false,
    onEvents: async (sql, ticketId, events, now) => {
      await sla.onTicketEvents(sql, ticketId, events, now);
      await surveys!.onTicketEvents(sql, ticketId, events, now);
      await followUps.onTicketEvents(sql, ticketId, events, now);
    },
    claimReply: (sql, c) => surveys!.claimReply(sql, c),
    afterCommit: (n) => {
      if (n.deliveries > 0) delivery.kick();
      feed.publish({ kind: 'tickets', notice: n });
      afterSlaChange();
      afterSurveyChange();
    },
  });
  surveys = new SurveyService({
    db: o.db, clock: o.clock, log: o.log, tickets, followUps, settings: { ...DEFAULT_SURVEY_SETTINGS, ...o.surveys },
    links: new SurveyLinks(o.vault.subKey('survey-link'), publicUrl),
  });
  surveyWorker = dueWorker({ name: 'survey worker', log: o.log, maxSleepMs: DUE_WORKER_MAX_SLEEP_MS, runDue: () => surveys!.runDue() });
  const suggestions = new SuggestionService({
    db: o.db, clock: o.clock, log: o.log, tickets, slaAdmin: new SlaAdminService({ db: o.db, config: slaConfig, onChange: () => {} }), recomputeSla: afterAdminChange,
    notifyChannels: () => notifyChannels, onNotificationsWritten: () => notifications.kick(), queueUrl: `${publicUrl}/#/suggestions`,
    digest: o.suggestionDigest === undefined ? DEFAULT_DIGEST_SCHEDULE : o.suggestionDigest,
  });
  // Wakes hourly, or a second after the next scheduled time (so that it has passed when the pass runs); off with the schedule `off`.
  const digestLoop = dueWorker({
    name: 'suggestion digest worker', log: o.log, maxSleepMs: 3_600_000,
    runDue: async () => { const { nextInMs } = await suggestions.runDigests(); return { nextInMs: nextInMs === null ? null : nextInMs + 1_000 }; },
  });
  const suggestionDigest = { start: () => { if (suggestions.digestSchedule) digestLoop.start(); }, stop: () => digestLoop.stop() };
  return {
    suggestions, suggestionDigest,
    triage, triageAdmin: new TriageAdminService(o.db, triage), assigner, feed, surveys, surveyWorker, followUps, followUpWorker,
    presence: new PresenceService({ db: o.db, clock: o.clock, tickets, log: o.log }),
    files, slaConfig, sla, slaScheduler, notifications, ackLinks,
    slaAdmin: new SlaAdminService({ db: o.db, config: slaConfig, onChange: afterAdminChange }),
    recomputeSla,
    escalations: new EscalationService({
      db: o.db, clock: o.clock, sla, tickets, agents, log: o.log, afterCommit: afterSlaChange,
      onHandled: (ids, state, except) => notifications.markHandled(ids, state, except),
    }),
    mailboxes,
    emailInbound: new EmailInboundService({ db: o.db, tickets, files, clock: o.clock, log: o.log, secret: o.vault.subKey('email-threading'), vault: o.vault, mailboxes }),
    db: o.db, vault: o.vault, clock: o.clock, log: o.log, channels, tickets, members, delivery,
    audit,
    privacy: new MemberPrivacyService(o.db, o.vault, audit, o.clock),
    queries: new TicketQueries(o.db, members),
    agents,
    departments: new DepartmentService(o.db),
    signer: new TokenSigner(o.vault.tokenKey, o.tokenTtlMinutes * 60),
  };
}
