import type { SqlSession } from '../db/sql-session.js';
import type { Channel, Priority, Tier, TicketType } from '../domain.js';
import type { Language } from './engine/types.js';

export interface TriageInput {
  channel: Channel;
  subject: string;
  text: string;
  memberTier: Tier;
  memberId: number;
  /** The department the channel pointed at (a mailbox's); rules may test it. */
  departmentHint?: number;
  /** The ticket being re-triaged (its own row is not a "repeat contact"). */
  ticketId?: number;
  now: Date;
}

export interface TriageDecision {
  type: TicketType;
  category: string;
  priority: Priority;
  language: Language;
  tags: string[];
  /** Where triage routes the ticket (a rule's department, else the category's); null: the channel's or the default one. */
  departmentId: number | null;
  /** The full result with confidences and reasons, stored on the ticket and shown in the API. */
  record: Record<string, unknown>;
}

/**
 * The seam where classification plugs into ingest (ARCHITECTURE §2 step 4). It runs inside the
 * ingest transaction; `prepare` runs before it, outside, so that refreshing the shared model never
 * holds a transaction open.
 */
export interface Triager {
  prepare?(): Promise<void>;
  decide(sql: SqlSession, input: TriageInput): Promise<TriageDecision> | TriageDecision;
  /** Whether a category may be set on a ticket (exists and is active). */
  isCategory?(sql: SqlSession, key: string): Promise<boolean>;
}
