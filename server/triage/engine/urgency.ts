import { PRIORITIES, type Priority, type Tier } from '../../domain.js';
import type { Labelled, Reason, Sentiment, UrgencySettings } from './types.js';
import { compileWords, type WordMatcher } from './word-match.js';

/**
 * How urgent a ticket is, as levels on low < normal < high < urgent.
 *
 * A safety or health word, or a legal or media threat, makes it urgent outright: those are the
 * tickets a desk must never leave in a queue. Softer signals each add levels to `normal`: a member
 * who contacted us again within the window, a very negative message, a high tier. Two of them reach
 * urgent. Words are found as rule keywords are (word-match.ts) and negation is ignored on purpose:
 * "孩子没有过敏史，吃完却起了疹子" must still reach a person quickly; a false alarm is the cheaper error.
 *
 * A rule's priority is a floor under the signals (the higher of the two wins); with no signal at all
 * the rule's priority stands alone, which is how a rule can make a ticket `low`.
 */

export interface UrgencyContext {
  /** Normalised subject and text. */
  normalizedText: string;
  /** The member's other tickets within settings.repeatContact.windowDays. */
  recentContacts?: number;
  memberTier?: Tier;
  sentiment: Labelled<Sentiment>;
  /** The first matching rule that sets a priority. */
  rulePriority?: { value: Priority; ruleId: number } | null;
}

export interface CompiledUrgencyWords {
  safety: WordMatcher[];
  legal: WordMatcher[];
}

const NORMAL = PRIORITIES.indexOf('normal');
const URGENT = PRIORITIES.indexOf('urgent');

const compiledBySettings = new WeakMap<UrgencySettings, CompiledUrgencyWords>();

/** Compile the settings' words once per settings change; assessUrgency otherwise caches per settings object. */
export function compileUrgencyWords(settings: UrgencySettings): CompiledUrgencyWords {
  return { safety: compileWords(settings.safetyWords), legal: compileWords(settings.legalWords) };
}

function found(matchers: readonly WordMatcher[], text: string): string[] {
  return matchers.filter((m) => m.test(text)).map((m) => m.word);
}

export function assessUrgency(ctx: UrgencyContext, settings: UrgencySettings, compiledWords?: CompiledUrgencyWords): Labelled<Priority> {
  let words = compiledWords ?? compiledBySettings.get(settings);
  if (!words) {
    words = compileUrgencyWords(settings);
    compiledBySettings.set(settings, words);
  }
  const reasons: Reason[] = [];
  let boost = 0;
  let outright = false;
  /** Signals that are facts (a word, a count, a tier) rather than a judgement (sentiment). */
  let factual = false;

  const safety = found(words.safety, ctx.normalizedText);
  if (safety.length) {
    outright = true;
    reasons.push({ source: 'signal', code: 'urgency.safety', detail: `Safety or health words: ${safety.join(', ')}`, words: safety });
  }
  const legal = found(words.legal, ctx.normalizedText);
  if (legal.length) {
    outright = true;
    reasons.push({ source: 'signal', code: 'urgency.legal', detail: `Legal or media threat: ${legal.join(', ')}`, words: legal });
  }
  const { threshold, windowDays } = settings.repeatContact;
  const recent = ctx.recentContacts ?? 0;
  if (threshold > 0 && recent >= threshold) {
    boost++;
    factual = true;
    reasons.push({
      source: 'signal',
      code: 'urgency.repeat_contact',
      detail: `${recent} other ticket${recent === 1 ? '' : 's'} from this member in the last ${windowDays} days: +1 level`,
      score: recent,
    });
  }
  if (ctx.sentiment.value === 'very_negative' && settings.negativeBoost > 0) {
    boost += settings.negativeBoost;
    reasons.push({
      source: 'signal',
      code: 'urgency.negative_sentiment',
      detail: `Very negative message: +${settings.negativeBoost} level${settings.negativeBoost === 1 ? '' : 's'}`,
      score: ctx.sentiment.confidence,
    });
  }
  const tierBoost = ctx.memberTier ? settings.tierBoost[ctx.memberTier] ?? 0 : 0;
  if (tierBoost > 0) {
    boost += tierBoost;
    factual = true;
    reasons.push({ source: 'signal', code: 'urgency.tier', detail: `${ctx.memberTier} member: +${tierBoost} level${tierBoost === 1 ? '' : 's'}`, score: tierBoost });
  }

  const signalled = outright || boost > 0;
  const signalLevel = outright ? URGENT : Math.min(URGENT, NORMAL + boost);
  const rule = ctx.rulePriority ?? null;
  const ruleLevel = rule ? PRIORITIES.indexOf(rule.value) : -1;
  if (rule) {
    reasons.push({
      source: 'rule',
      code: 'rule.priority',
      detail: signalled ? `Rule sets at least ${rule.value}` : `Rule sets ${rule.value}`,
      ruleId: rule.ruleId,
    });
  }
  if (!signalled && !rule) {
    return { value: 'normal', confidence: 0, reasons: [{ source: 'default', code: 'default.normal', detail: 'No urgency signal: normal' }] };
  }
  const level = signalled ? Math.max(signalLevel, ruleLevel) : ruleLevel;
  // A rule or a fact is certain; a level that rests on sentiment alone is as sure as the sentiment.
  const confidence = (outright || factual || level === ruleLevel) ? 1 : ctx.sentiment.confidence;
  return { value: PRIORITIES[level]!, confidence, reasons };
}
