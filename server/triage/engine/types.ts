import type { Channel, Priority, Tier, TicketType } from '../../domain.js';

/** The vocabulary of triage (ARCHITECTURE §6). Pure data: shared by the engine, the service, the API and the eval. */
export const LANGUAGES = ['zh-Hans', 'zh-Hant', 'en', 'other'] as const;
export type Language = (typeof LANGUAGES)[number];

export const SENTIMENTS = ['very_negative', 'negative', 'neutral', 'positive', 'very_positive'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

/** Why a label has its value: shown to agents beside the ticket, so every entry reads on its own. */
export interface Reason {
  source: 'rule' | 'model' | 'signal' | 'lexicon' | 'detector' | 'default' | 'agent';
  /** Human-readable, English; the console translates by `code`. */
  detail: string;
  /** Stable machine code, e.g. rule.matched, model.predicted, urgency.safety, default.no_signal. */
  code: string;
  ruleId?: number;
  /** The configured keywords (or the regex's matched text) that matched. */
  words?: string[];
  score?: number;
}

export interface Labelled<T> {
  value: T;
  /** 0..1: 1 for a rule or an agent, the model's posterior for the model, 0 for a default. */
  confidence: number;
  reasons: Reason[];
}

export interface RuleConditions {
  channels?: Channel[];
  tiers?: Tier[];
  /** The department the channel pointed at (a mailbox's), when there is one. */
  departmentIds?: number[];
  languages?: Language[];
}

export interface RuleMatch {
  /** Keywords in Chinese (Simplified or Traditional: both match either) or English (case-insensitive, whole words). */
  keywords?: string[];
  /** `any` (default): one keyword suffices; `all`: every keyword must occur. */
  mode?: 'any' | 'all';
  /** JavaScript regular expression source, matched case-insensitively against the normalised (Simplified, NFKC, lower-case) text. */
  regex?: string;
  /** Where to look (default both). */
  fields?: 'subject' | 'text' | 'both';
}

export interface RuleActions {
  type?: TicketType;
  category?: string;
  priority?: Priority;
  tags?: string[];
  departmentId?: number;
}

export interface TriageRule {
  id: number;
  name: string;
  enabled: boolean;
  /** Rules are evaluated in ascending position; for each label, the first matching rule that sets it wins. */
  position: number;
  conditions: RuleConditions;
  match: RuleMatch;
  actions: RuleActions;
}

export interface UrgencySettings {
  /** Safety and health words (食物中毒, 过敏, injury…): the ticket becomes urgent. */
  safetyWords: string[];
  /** Legal or media threats (12315, 律师, lawyer, sue…): the ticket becomes urgent. */
  legalWords: string[];
  /** Other tickets of the same member created within `windowDays` before this one; at `threshold` or more, urgency rises one level. */
  repeatContact: { windowDays: number; threshold: number };
  /** Levels a member tier adds (e.g. diamond: 1). */
  tierBoost: Partial<Record<Tier, number>>;
  /** Levels a very negative sentiment adds (default 1). */
  negativeBoost: number;
}

/** A labelled text the model learns from: an agent's correction (or confirmation), or a seed example. */
export interface TrainingExample {
  text: string;
  type?: TicketType | null;
  category?: string | null;
}

export interface ClassifyInput {
  text: string;
  subject?: string;
  channel?: Channel;
  memberTier?: Tier;
  /** The department the channel pointed at, for rule conditions. */
  departmentId?: number;
  /** The member's other tickets created within the repeat-contact window (the service counts them). */
  recentContacts?: number;
}

export interface TriageResult {
  type: Labelled<TicketType>;
  category: Labelled<string>;
  priority: Labelled<Priority>;
  language: Labelled<Language>;
  sentiment: Labelled<Sentiment> & { score: number };
  /** Tags added by matching rules. */
  tags: string[];
  /** A department a rule sent the ticket to; null when no rule did (routing then uses the category map). */
  department: Labelled<number> | null;
  /** Ids of the rules that matched, in order. */
  matchedRules: number[];
}
