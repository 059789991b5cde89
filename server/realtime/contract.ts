import type { Presence, Priority, Role } from '../domain.js';

/**
 * The /agents socket's payloads (docs/realtime.md), shared by the server and the console (web/ imports
 * this file, so it imports nothing but the domain's vocabulary).
 */
export const NOTICE_KINDS = ['ticket.created', 'assigned', 'member.replied', 'sla.warning', 'sla.breach', 'escalation', 'urgent', 'follow_up', 'follow_up_due'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface Notice {
  kind: NoticeKind;
  ticketId: number;
  number: string;
  subject: string;
  priority: Priority;
  departmentId: number;
  at: string;
  metric?: string;
  level?: number;
  /** A survey rating that opened a follow-up (`follow_up`). */
  rating?: number;
  /** The follow-up that fell due (`follow_up_due`). */
  followUpId?: number;
}

export interface Viewer { agentId: number; name: string; typing: boolean }

export interface Hello {
  agent: { id: number; name: string; role: Role; departmentIds: number[]; presence?: Presence | null };
  serverTime: string;
}

export interface AckError { code: string; message: string; details?: unknown }
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: AckError };
