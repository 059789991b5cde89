import type { Channel, Priority, Tier, TicketType } from '../domain.js';
import { DEFAULT_CATEGORY } from '../domain.js';

export interface TriageInput {
  channel: Channel;
  subject: string;
  text: string;
  memberTier: Tier;
}

export interface TriageResult {
  type: TicketType;
  category: string;
  priority: Priority;
  /** Where the labels came from; shown to agents beside the ticket. */
  reasons: string[];
}

/**
 * The seam where classification plugs into ingest (triage issue). Until a real classifier is
 * configured, tickets get the documented defaults and say so in their reasons.
 */
export interface Triager {
  triage(input: TriageInput): Promise<TriageResult> | TriageResult;
}

export const defaultTriager: Triager = {
  triage: () => ({ type: 'enquiry', category: DEFAULT_CATEGORY, priority: 'normal', reasons: ['defaults: no classifier configured'] }),
};
