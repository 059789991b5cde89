import { DEFAULT_CATEGORY, type Priority, type TicketType } from '../../domain.js';
import { detectLanguage } from './language.js';
import type { ModelPrediction, TriageModel } from './model.js';
import { normalizeText } from './normalize.js';
import { matchRules, type CompiledRules, type RuleMatchResult } from './rules.js';
import { scoreNormalizedSentiment } from './sentiment.js';
import { guessTypeFromPhrasing } from './type-heuristic.js';
import type { ClassifyInput, Labelled, Reason, TriageResult, TriageRule, UrgencySettings } from './types.js';
import { assessUrgency, type CompiledUrgencyWords } from './urgency.js';

/**
 * Triage of one message: who decides each label, in order of authority.
 *
 *   type, category  the first matching rule that sets it (an admin said so) → the model (agents
 *                   taught it) → for the type, the phrasing → the default, with a reason saying so
 *   department      a rule only; otherwise routing maps the category
 *   priority        urgency signals, with the first rule-set priority as a floor (urgency.ts)
 *   tags            every matching rule's
 *
 * Pure and deterministic: the same input and kit give the same result, reasons included.
 */

export interface ClassifyKit {
  rules: CompiledRules;
  model: TriageModel;
  urgency: UrgencySettings;
  /** Active category keys: the only ones a rule or the model may set. */
  categories: readonly string[];
  /** Category when nothing decides (default 'other'). */
  defaultCategory?: string;
  /** compileUrgencyWords(urgency), if the caller keeps it; otherwise cached per settings object. */
  urgencyWords?: CompiledUrgencyWords;
}

function ruleReason(m: RuleMatchResult, what: string): Reason {
  return {
    source: 'rule',
    code: 'rule.matched',
    ruleId: m.rule.id,
    detail: `Rule "${m.rule.name}" sets ${what}${m.words.length ? ` (matched ${m.words.join(', ')})` : ''}`,
    words: m.words,
  };
}

function fromRule<T>(m: RuleMatchResult, value: T, what: string): Labelled<T> {
  return { value, confidence: 1, reasons: [ruleReason(m, what)] };
}

function byDefault<T>(value: T, what: string): Labelled<T> {
  return { value, confidence: 0, reasons: [{ source: 'default', code: 'default.no_signal', detail: `Nothing decided the ${what}: default ${String(value)}` }] };
}

interface RuleDecisions {
  type: Labelled<TicketType> | null;
  category: Labelled<string> | null;
  department: Labelled<number> | null;
  priority: { value: Priority; ruleId: number } | null;
  /** Reasons for rule actions that were not applied (an inactive category). */
  ignored: Reason[];
  tags: string[];
}

function decideByRules(matches: readonly RuleMatchResult[], categories: ReadonlySet<string>): RuleDecisions {
  const out: RuleDecisions = { type: null, category: null, department: null, priority: null, ignored: [], tags: [] };
  const tags = new Set<string>();
  for (const m of matches) {
    const a: TriageRule['actions'] = m.rule.actions;
    if (a.type && !out.type) out.type = fromRule(m, a.type, `type ${a.type}`);
    if (a.category && !out.category) {
      if (categories.has(a.category)) out.category = fromRule(m, a.category, `category ${a.category}`);
      else {
        out.ignored.push({
          source: 'rule',
          code: 'rule.inactive_category',
          ruleId: m.rule.id,
          detail: `Rule "${m.rule.name}" sets category ${a.category}, which is not active: ignored`,
          words: m.words,
        });
      }
    }
    if (a.departmentId !== undefined && !out.department) out.department = fromRule(m, a.departmentId, `department ${a.departmentId}`);
    if (a.priority && !out.priority) out.priority = { value: a.priority, ruleId: m.rule.id };
    for (const t of a.tags ?? []) tags.add(t);
  }
  out.tags = [...tags];
  return out;
}

export function classify(input: ClassifyInput, k: ClassifyKit): TriageResult {
  const subject = input.subject ?? '';
  const normalizedSubject = normalizeText(subject);
  const normalizedText = normalizeText(input.text);
  // What normalizeText(modelText(subject, text)) gives, without normalising twice.
  const normalized = normalizedSubject && normalizedText ? `${normalizedSubject} ${normalizedText}` : normalizedSubject || normalizedText;

  const language = detectLanguage(subject ? `${subject}\n${input.text}` : input.text);
  const sentiment = scoreNormalizedSentiment(normalized);
  const matches = matchRules(k.rules, {
    subject,
    text: input.text,
    normalizedSubject,
    normalizedText,
    channel: input.channel,
    memberTier: input.memberTier,
    departmentId: input.departmentId,
    language: language.value,
  });
  const ruled = decideByRules(matches, new Set(k.categories));

  let predicted: ModelPrediction = { type: null, category: null };
  if (!ruled.type || !ruled.category) {
    const categories = ruled.category ? [] : k.categories;
    predicted = k.model.predictNormalized(normalized, { categories });
  }

  const type = ruled.type ?? predicted.type ?? guessTypeFromPhrasing(normalized, sentiment) ?? byDefault<TicketType>('enquiry', 'type');
  const decidedCategory = ruled.category ?? predicted.category ?? byDefault(k.defaultCategory ?? DEFAULT_CATEGORY, 'category');
  const category = ruled.ignored.length ? { ...decidedCategory, reasons: [...decidedCategory.reasons, ...ruled.ignored] } : decidedCategory;

  const priority = assessUrgency(
    { normalizedText: normalized, recentContacts: input.recentContacts, memberTier: input.memberTier, sentiment, rulePriority: ruled.priority },
    k.urgency,
    k.urgencyWords,
  );

  return {
    type,
    category,
    priority,
    language,
    sentiment,
    tags: ruled.tags,
    department: ruled.department,
    matchedRules: matches.map((m) => m.rule.id),
  };
}
