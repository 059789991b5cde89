import { PRIORITIES, type Priority, type TicketType } from '../domain.js';
import type { TriageDecision } from './triager.js';

/**
 * How a ticket's stored labels change after it was first triaged (pure). Two hands write them: triage
 * again on each member message, and agents, whose word is final.
 */

/** A ticket's labels as stored: columns plus the triage record with each label's confidence and reasons. */
export interface StoredLabels {
  type: TicketType;
  category: string;
  priority: Priority;
  language: string | null;
  labelsConfirmed: boolean;
  triage: Record<string, unknown> | null;
}

interface LabelRecord { value?: string; confidence?: number; reasons?: Array<{ source?: string }> }

const SOURCE_RANK: Record<string, number> = { agent: 5, rule: 4, model: 3, signal: 2, lexicon: 2, default: 1 };

/** Whether a fresh label may replace the stored one: a stronger source, or the same source at least as sure. */
function outranks(fresh: LabelRecord | undefined, stored: LabelRecord | undefined): boolean {
  const rank = (l: LabelRecord | undefined) => SOURCE_RANK[l?.reasons?.[0]?.source ?? 'default'] ?? 1;
  if (rank(fresh) !== rank(stored)) return rank(fresh) > rank(stored);
  return Number(fresh?.confidence ?? 0) >= Number(stored?.confidence ?? 0);
}

export interface Retriage {
  type: TicketType;
  category: string;
  priority: Priority;
  language: string | null;
  changes: Partial<Record<'type' | 'category' | 'priority', { from: string; to: string }>>;
  record: Record<string, unknown>;
}

/**
 * A member wrote again. Type and category change only on a ticket no agent has labelled, and only to
 * a label from a stronger source (rule over model over phrasing over default; the same source: at
 * least as confident). Priority only rises, also on a confirmed ticket (a member now reporting an
 * injury must not wait), and only above what triage itself said last, so an agent who lowered it is
 * not overruled by the same signals. Null: nothing changes.
 */
export function retriage(stored: StoredLabels, fresh: TriageDecision): Retriage | null {
  const old = stored.triage;
  const stronger = (key: 'type' | 'category') => !stored.labelsConfirmed && fresh[key] !== stored[key]
    && outranks(fresh.record[key] as LabelRecord | undefined, old?.[key] as LabelRecord | undefined);
  const rank = (p: string) => PRIORITIES.indexOf(p as Priority);
  const lastByTriage = (old?.priority as LabelRecord | undefined)?.value ?? stored.priority;
  const next = {
    type: stronger('type') ? fresh.type : stored.type,
    category: stronger('category') ? fresh.category : stored.category,
    priority: rank(fresh.priority) > rank(stored.priority) && rank(fresh.priority) > rank(lastByTriage) ? fresh.priority : stored.priority,
  };
  const changes: Retriage['changes'] = {};
  for (const key of ['type', 'category', 'priority'] as const) if (next[key] !== stored[key]) changes[key] = { from: stored[key], to: next[key] };
  if (!Object.keys(changes).length) return null;
  // The fresh result, but each label that did not change keeps the record (and reasons) it had; the
  // language is the one detected on the member's first words.
  const record: Record<string, unknown> = { ...fresh.record, language: old?.language ?? fresh.record.language };
  for (const key of ['type', 'category', 'priority'] as const) {
    if ((fresh.record[key] as LabelRecord | undefined)?.value !== next[key] && old?.[key] !== undefined) record[key] = old[key];
  }
  return { ...next, language: stored.language ?? fresh.language, changes, record };
}

/** The triage record after an agent set labels: theirs with confidence 1, the previous value kept for the history. */
export function corrected(
  stored: Record<string, unknown> | null, set: Partial<Record<'type' | 'category' | 'language', string>>, agentId: number, at: Date,
): Record<string, unknown> {
  const record = { ...(stored ?? {}) };
  const by = { source: 'agent', code: 'agent.corrected', detail: `set by agent ${agentId}` };
  for (const [key, value] of Object.entries(set)) {
    if (value === undefined) continue;
    const old = record[key] as LabelRecord | undefined;
    record[key] = { value, confidence: 1, reasons: [by], ...(old?.value !== undefined && old.value !== value ? { previous: old } : {}) };
  }
  return { ...record, confirmedBy: agentId, confirmedAt: at.toISOString() };
}
