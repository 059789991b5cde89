import type { Channel, Tier } from '../../domain.js';
import { foldChineseScript } from './normalize.js';
import type { Language, TriageRule } from './types.js';
import { compileWords, type WordMatcher } from './word-match.js';

/**
 * Keyword and regex rules, compiled once when the rule set changes and matched against every
 * ticket. Keywords and text meet in normalised form (normalize.ts), so a keyword in either Chinese
 * script matches text in either; English keywords match whole words only (word-match.ts).
 *
 * A rule with both keywords and a regex needs both: the regex narrows the keywords (退款 plus an
 * order number), it is not an alternative to them.
 */

/** Thrown by compileRules for a rule that cannot be matched safely; `field` says what to fix. */
export class RuleCompileError extends Error {
  readonly ruleId: number;
  readonly field: 'keywords' | 'regex' | 'match';
  constructor(ruleId: number, field: 'keywords' | 'regex' | 'match', message: string) {
    super(message);
    this.name = 'RuleCompileError';
    this.ruleId = ruleId;
    this.field = field;
  }
}

/** One rule ready to match: internal to this module and classify. */
export interface CompiledRule {
  rule: TriageRule;
  keywords: WordMatcher[];
  regex: RegExp | null;
}

/** The output of compileRules: opaque to callers, who only hand it back to matchRules. */
export interface CompiledRules {
  readonly rules: readonly CompiledRule[];
}

export interface RuleContext {
  subject: string;
  text: string;
  normalizedSubject: string;
  normalizedText: string;
  channel?: Channel;
  memberTier?: Tier;
  departmentId?: number;
  language: Language;
}

export interface RuleMatchResult {
  rule: TriageRule;
  /** The configured keywords that matched, then the regex's matched text. */
  words: string[];
}

const MAX_REGEX_LENGTH = 1000;
/** Unbounded repetitions (`*`, `+`, `{n,}`) a pattern may hold: two keep the worst case quadratic. */
const MAX_UNBOUNDED = 2;
/** How much of a text a rule's regex reads: with the quadratic bound, a few milliseconds at worst. */
export const REGEX_INPUT_LIMIT = 2_000;

type Repeat = 'none' | 'optional' | 'fixed' | 'variable';

/**
 * Why a pattern could backtrack exponentially, or null. The classic cause is a repeated group that
 * itself contains a repetition — (a+)+, (\w+\s?)*, (x*){2,} — where the engine tries every way of
 * splitting a run between the inner and the outer loop; or a repeated group of alternatives that can
 * match the same text, (a|aa)*. Beyond those, more than MAX_UNBOUNDED unbounded repetitions (.*a.*b.*c
 * is cubic). A conservative structural check, not a proof: it refuses some harmless patterns, which
 * their author can rewrite (a character class instead of alternatives: [ab]*); (a+)? and (\d+) pass.
 */
function catastrophicReason(source: string): string | null {
  if (source.length > MAX_REGEX_LENGTH) return `longer than ${MAX_REGEX_LENGTH} characters`;
  // One entry per open group: does it contain a repetition of varying length?
  const varies: boolean[] = [false];
  // Per open group: does it hold alternatives (|) at its own level?
  const alternates: boolean[] = [false];
  let unbounded = 0;
  let i = 0;
  const repeat = (): Repeat => {
    const ch = source[i];
    let kind: Repeat = 'none';
    if (ch === '*' || ch === '+') {
      i++;
      unbounded++;
      kind = 'variable';
    } else if (ch === '?') {
      i++;
      kind = 'optional';
    } else if (ch === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(source.slice(i));
      if (!m) return 'none';
      i += m[0].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (max === Infinity) unbounded++;
      kind = max <= 1 ? 'optional' : min === max ? 'fixed' : 'variable';
    }
    if (kind !== 'none' && (source[i] === '?' || source[i] === '+')) i++;
    return kind;
  };
  const afterAtom = (): void => {
    const kind = repeat();
    if (kind === 'variable' || kind === 'optional') varies[varies.length - 1] = true;
  };
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\') {
      i += 2;
      if (/[pPu]/.test(source[i - 1] ?? '') && source[i] === '{') i = source.indexOf('}', i) + 1 || source.length;
      afterAtom();
    } else if (ch === '[') {
      i++;
      if (source[i] === '^') i++;
      if (source[i] === ']') i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i++;
      afterAtom();
    } else if (ch === '(') {
      i++;
      if (source[i] === '?') {
        const m = /^\?(?::|=|!|<=|<!|<[^>]+>)/.exec(source.slice(i));
        i += m ? m[0].length : 1;
      }
      varies.push(false);
      alternates.push(false);
    } else if (ch === '|') {
      i++;
      alternates[alternates.length - 1] = true;
    } else if (ch === ')') {
      i++;
      const inner = varies.length > 1 ? varies.pop()! : false;
      const alternatives = alternates.length > 1 ? alternates.pop()! : false;
      const kind = repeat();
      if (inner && (kind === 'variable' || kind === 'fixed')) return 'a repeated group contains a repetition, e.g. (a+)+';
      if (alternatives && kind === 'variable') return 'a repeated group of alternatives, e.g. (a|aa)*: use a character class such as [ab]*';
      varies[varies.length - 1] ||= inner || kind === 'variable' || kind === 'optional';
    } else {
      i++;
      afterAtom();
    }
  }
  if (unbounded > MAX_UNBOUNDED) return `more than ${MAX_UNBOUNDED} unbounded repetitions (*, +, {n,}), e.g. .*a.*b.*c`;
  return null;
}

/** A saved rule by id and name; one being created (id 0) by name. */
function ruleLabel(rule: TriageRule): string {
  return rule.id ? `rule ${rule.id} (${rule.name})` : `rule "${rule.name}"`;
}

function compileRegex(rule: TriageRule, source: string): RegExp {
  const reason = catastrophicReason(source);
  if (reason) throw new RuleCompileError(rule.id, 'regex', `${ruleLabel(rule)}: regex refused, ${reason}`);
  try {
    // Chinese literals are folded like the text they meet; nothing else in the source is touched.
    return new RegExp(foldChineseScript(source), 'iu');
  } catch (err) {
    throw new RuleCompileError(rule.id, 'regex', `${ruleLabel(rule)}: invalid regex: ${(err as Error).message}`);
  }
}

function compileRule(rule: TriageRule): CompiledRule {
  const configured = rule.match.keywords ?? [];
  const keywords = compileWords(configured);
  const source = rule.match.regex?.trim() ? rule.match.regex : null;
  if (configured.length && !keywords.length && !source) {
    throw new RuleCompileError(rule.id, 'keywords', `${ruleLabel(rule)}: every keyword is blank`);
  }
  if (!keywords.length && !source) {
    throw new RuleCompileError(rule.id, 'match', `${ruleLabel(rule)}: needs keywords or a regex`);
  }
  return { rule, keywords, regex: source ? compileRegex(rule, source) : null };
}

/** Compiles every rule (disabled ones too, so a broken rule is reported when saved, not when enabled). */
export function compileRules(rules: readonly TriageRule[]): CompiledRules {
  const compiled = rules.map(compileRule);
  compiled.sort((a, b) => a.rule.position - b.rule.position || a.rule.id - b.rule.id);
  return { rules: compiled };
}

function admits<T>(allowed: readonly T[] | undefined, value: T | undefined): boolean {
  return !allowed?.length || (value !== undefined && allowed.includes(value));
}

function conditionsHold(rule: TriageRule, ctx: RuleContext): boolean {
  const c = rule.conditions;
  return admits(c.channels, ctx.channel) && admits(c.tiers, ctx.memberTier) && admits(c.departmentIds, ctx.departmentId)
    && admits(c.languages, ctx.language);
}

function matchOne(compiled: CompiledRule, ctx: RuleContext): string[] | null {
  const { rule, keywords, regex } = compiled;
  const fields = rule.match.fields ?? 'both';
  const texts = fields === 'subject' ? [ctx.normalizedSubject] : fields === 'text' ? [ctx.normalizedText] : [ctx.normalizedSubject, ctx.normalizedText];
  const words: string[] = [];
  if (keywords.length) {
    for (const k of keywords) if (texts.some((t) => k.test(t))) words.push(k.word);
    const enough = rule.match.mode === 'all' ? words.length === keywords.length : words.length > 0;
    if (!enough) return null;
  }
  if (regex) {
    let found: string | null = null;
    for (const t of texts) {
      const m = regex.exec(t.length > REGEX_INPUT_LIMIT ? t.slice(0, REGEX_INPUT_LIMIT) : t);
      if (m) {
        found = m[0];
        break;
      }
    }
    if (found === null) return null;
    words.push(found);
  }
  return words;
}

/** The enabled rules whose conditions hold and whose keywords/regex match, in position order. */
export function matchRules(compiled: CompiledRules, ctx: RuleContext): RuleMatchResult[] {
  const out: RuleMatchResult[] = [];
  for (const c of compiled.rules) {
    if (!c.rule.enabled || !conditionsHold(c.rule, ctx)) continue;
    const words = matchOne(c, ctx);
    if (words) out.push({ rule: c.rule, words });
  }
  return out;
}
