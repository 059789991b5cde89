/**
 * The REST and socket shapes the console reads. The vocabulary, the status table and the socket
 * payloads come from the server's own dependency-free modules (the bundle takes only their
 * constants); the ticket views are restated here more narrowly than the server types them (triage,
 * message meta), from server/tickets/ticket.queries.ts and sla/sla.service.ts.
 */
import type { Channel, IdentityKind, Presence, Priority, Role, Tier, TicketStatus, TicketType } from '../../server/domain';

export { CHANNELS, PRESENCES, PRIORITIES, TICKET_STATUSES, TICKET_TYPES, TIERS } from '../../server/domain';
export type { Channel, IdentityKind, Presence, Priority, Role, Tier, TicketStatus, TicketType } from '../../server/domain';
export { LANGUAGES } from '../../server/triage/engine/types';
export type { Language } from '../../server/triage/engine/types';
export { TRANSITIONS } from '../../server/tickets/status';
export { NOTICE_KINDS } from '../../server/realtime/contract';
export type { Ack, AckError, Hello, Notice, NoticeKind, Viewer } from '../../server/realtime/contract';

export interface Page<T> { items: T[]; nextCursor: string | null }
export interface Items<T> { items: T[] }

export interface Agent {
  id: number;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  locale: string;
  departmentIds: number[];
  stores: string[];
  presence: Presence;
  presenceAt: string | null;
  capacity: number | null;
}

export interface Department { id: number; name: string; headAgentId: number | null; isDefault: boolean }

export interface Category { key: string; labelZh: string; labelEn: string; departmentId: number | null; position: number; active: boolean }

export interface ChannelInfo { kind: Channel; name: Record<string, string>; sendsText: boolean }

export interface Member {
  id: number;
  name: string | null;
  tier: Tier;
  homeStore: string | null;
  dedicatedAgentId: number | null;
  identities: Array<{ kind: IdentityKind; masked: string; bouncedAt?: string }>;
}

export interface Reason {
  source: string;
  code: string;
  /** English; the console shows it beside the translated code. */
  detail: string;
  words?: string[];
  score?: number;
  ruleId?: number;
}

export interface Labelled<T> { value: T; confidence: number; reasons: Reason[] }

export interface TriageResult {
  type?: Labelled<TicketType>;
  category?: Labelled<string>;
  priority?: Labelled<Priority>;
  language?: Labelled<string>;
  sentiment?: Labelled<string>;
  tags?: string[];
  route?: { departmentId: number; reason: string } | null;
  classifiedAt?: string;
}

/** The queue's SLA summary: the next deadline of the ticket's running clocks. */
export interface QueueSla { dueAt: string | null; warnAt: string | null; breached: boolean }

interface TicketBase {
  id: number;
  number: string;
  type: TicketType;
  category: string;
  priority: Priority;
  status: TicketStatus;
  channel: Channel;
  subject: string;
  tags: string[];
  departmentId: number;
  assigneeId: number | null;
  member: Member | null;
  triage: TriageResult | null;
  language: string | null;
  labelsConfirmed: boolean;
  mergedIntoId: number | null;
  firstResponseAt: string | null;
  lastMessageAt: string;
  solvedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An item of GET /api/tickets, and the ticket of a `ticket:upsert`. */
export interface QueueItem extends TicketBase {
  sla?: QueueSla | null;
  /** Per agent, REST only; a pushed upsert keeps the known value. */
  readAt?: string | null;
  unread?: boolean;
}

export interface StoredAttachment { name: string; contentType: string; size: number; inline?: boolean }

export interface Message {
  id: number;
  direction: 'inbound' | 'outbound';
  visibility: 'public' | 'internal';
  channel: Channel;
  author: { type: 'member' | 'agent' | 'system'; agentId: number | null; memberId: number | null; name?: string | null };
  text: string;
  html: string | null;
  attachments: StoredAttachment[];
  deliveryState: 'pending' | 'sent' | 'failed' | null;
  meta: { call?: { direction: 'inbound' | 'outbound'; durationSeconds: number; loggedByAgentId?: number } } & Record<string, unknown> | null;
  createdAt: string;
  /** Inbound email: the new text, and the quoted history below it (folded). */
  fresh?: string;
  quoted?: string | null;
}

export interface SlaClock { dueAt: string | null; remainingMinutes: number | null; breached: boolean }

/** GET /api/tickets/:id → sla: the queue's summary fields and every clock. Action answers carry the summary only. */
export interface TicketSla extends Partial<QueueSla> {
  policy: { id: number; name: string | null } | null;
  firstResponse: SlaClock & { achievedAt: string | null; workingMinutes: number | null };
  nextResponse: SlaClock & { waitingSince: string | null };
  resolution: SlaClock & { paused: boolean; usedMinutes: number; workingMinutes: number | null };
  escalation: { alertId: number; level: number; nextLevelAt: string | null } | null;
}

/** GET /api/tickets/:id */
export interface TicketDetail extends TicketBase {
  messages: Message[];
  sla: TicketSla | QueueSla | null;
}

/** The full SLA view (GET /api/tickets/:id), as opposed to the summary an action answers with. */
export function detailedSla(sla: TicketDetail['sla'] | undefined): TicketSla | null {
  return sla && 'firstResponse' in sla ? sla : null;
}

/** The summary (next deadline, warning time, breached) of either shape. */
export function slaSummary(sla: TicketDetail['sla'] | QueueItem['sla'] | undefined): QueueSla | null {
  return sla && sla.dueAt !== undefined ? { dueAt: sla.dueAt ?? null, warnAt: sla.warnAt ?? null, breached: sla.breached ?? false } : null;
}

export interface TicketEvent {
  id: number;
  type: string;
  actor: { type: string; id: number | null };
  data: Record<string, unknown>;
  createdAt: string;
}

export interface LoginResult { token: string; expiresAt: string; agent: Agent }

export interface CallInput {
  direction: 'inbound' | 'outbound';
  phone: string;
  summary: string;
  durationSeconds: number;
  memberName?: string;
  ticketId?: number;
}

export interface CallResult { ticketId: number; messageId: number; ticketNumber: string; created: boolean; duplicate?: boolean }
