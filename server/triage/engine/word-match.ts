import { normalizeText } from './normalize.js';

/**
 * How a configured word (a rule keyword, an urgency word) is found in a normalised text. Chinese
 * is written without spaces, so a Chinese word is a plain substring; an English word or number must
 * stand on its own, so "sue" misses "issue" and "pursue" and 315 misses 12315. The edges are judged
 * by script, not by \b: in "我的iphone坏了" the word "iphone" touches Chinese on both sides and still
 * stands on its own.
 */
export interface WordMatcher {
  /** The word as configured, for reasons shown to agents. */
  readonly word: string;
  test(normalized: string): boolean;
}

const WORD_EDGE = /[\p{Script=Latin}\p{N}]/u;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Null for a word that normalises to nothing (blank, or only spaces). */
export function compileWord(word: string): WordMatcher | null {
  const normalized = normalizeText(word);
  if (!normalized) return null;
  const chars = [...normalized];
  const openStart = WORD_EDGE.test(chars[0]!);
  const openEnd = WORD_EDGE.test(chars[chars.length - 1]!);
  if (!openStart && !openEnd) return { word, test: (text) => text.includes(normalized) };
  const pattern = new RegExp(
    `${openStart ? '(?<![\\p{Script=Latin}\\p{N}])' : ''}${escapeRegExp(normalized)}${openEnd ? '(?![\\p{Script=Latin}\\p{N}])' : ''}`,
    'u',
  );
  return { word, test: (text) => pattern.test(text) };
}

/** Compiles a list, dropping blank entries. */
export function compileWords(words: readonly string[]): WordMatcher[] {
  return words.map(compileWord).filter((m): m is WordMatcher => m !== null);
}
