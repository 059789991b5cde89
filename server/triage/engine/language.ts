import * as OpenCC from 'opencc-js';
import type { DictGroup } from 'opencc-js';
import { foldChineseScript } from './normalize.js';
import type { Labelled, Language } from './types.js';

/**
 * Which language a member wrote in, from the characters alone: routing and reply templates need
 * zh-Hans / zh-Hant / en, anything else is `other`.
 *
 * Chinese vs English is a weighted share: one Chinese character carries about as much as two Latin
 * letters (a syllable, a morpheme), so "我的iPhone订单还没到" is Chinese and "Order 123 for 王先生"
 * is English. Kana make the text Japanese (kanji alone are indistinguishable from hanzi) unless
 * they are a stray few; hangul, Cyrillic, Arabic, Thai… make it `other` when they outweigh the rest.
 *
 * Simplified vs Traditional counts characters only one script uses, decided by opencc in both
 * directions: Traditional-only when folding to Simplified changes it (錢 → 钱), Simplified-only when
 * no Traditional standard (OpenCC, Taiwan, Hong Kong) writes it that way (钱 → 錢). Characters both
 * scripts share (我, 要, 退) count for neither, so a short shared-only text is zh-Hans with a lower
 * confidence.
 */

const LATIN_LETTERS_PER_HAN = 2;
const KANA_SHARE_OF_JAPANESE = 0.1;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;

type ScriptClass = 'traditional' | 'simplified' | 'shared';

let toTraditional: Array<(text: string) => string> | undefined;
const scriptClassCache = new Map<string, ScriptClass>();

/**
 * The single-character entries of opencc's Simplified → Traditional dictionaries. Only single
 * characters are ever converted here, and the full preset also loads a 400 kB phrase dictionary
 * (about 350 ms on the first ticket) that could never match one.
 */
function singleCharacterEntries(groups: readonly DictGroup[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const group of groups) {
    for (const dict of group) {
      const entries = typeof dict === 'string' ? dict.split('|').map((e) => e.split(' ')) : dict;
      for (const [from, to] of entries) if (from && to && [...from].length === 1) out.push([from, to]);
    }
  }
  return out;
}

/** Simplified → OpenCC standard, Taiwan and Hong Kong Traditional, character by character. */
function traditionalConverters(): Array<(text: string) => string> {
  const { from, to } = OpenCC.Locale;
  const characters = singleCharacterEntries(from.cn ?? []);
  // Should the packed format ever change, fall back to the full presets: slower to load, same answers.
  if (!characters.length) return (['t', 'tw', 'hk'] as const).map((target) => OpenCC.Converter({ from: 'cn', to: target }));
  return [[], to.tw ?? [], to.hk ?? []].map((variants) => OpenCC.ConverterFactory([characters], ...variants));
}

function scriptClass(ch: string): ScriptClass {
  const cached = scriptClassCache.get(ch);
  if (cached) return cached;
  toTraditional ??= traditionalConverters();
  let cls: ScriptClass = 'shared';
  if (foldChineseScript(ch) !== ch) cls = 'traditional';
  else if (toTraditional.every((convert) => convert(ch) !== ch)) cls = 'simplified';
  // Han characters number in the tens of thousands but a desk sees a few thousand: no eviction needed.
  scriptClassCache.set(ch, cls);
  return cls;
}

interface Counts {
  han: number;
  traditional: number;
  simplified: number;
  latin: number;
  kana: number;
  otherLetters: number;
}

/** The script of one character; code-point ranges first, as nearly every character is ASCII or common CJK. */
function scriptOf(ch: string): 'han' | 'latin' | 'kana' | 'other' | null {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x80) return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) ? 'latin' : null;
  if (cp >= 0x4e00 && cp <= 0x9fff) return 'han';
  if (cp >= 0x3040 && cp <= 0x30ff) return 'kana';
  if (HAN.test(ch)) return 'han';
  if (LATIN.test(ch)) return 'latin';
  if (KANA.test(ch)) return 'kana';
  return LETTER.test(ch) ? 'other' : null;
}

function countScripts(text: string): Counts {
  const counts: Counts = { han: 0, traditional: 0, simplified: 0, latin: 0, kana: 0, otherLetters: 0 };
  for (const ch of text) {
    const script = scriptOf(ch);
    if (script === 'han') {
      counts.han++;
      const cls = scriptClass(ch);
      if (cls !== 'shared') counts[cls]++;
    } else if (script === 'latin') counts.latin++;
    else if (script === 'kana') counts.kana++;
    else if (script === 'other') counts.otherLetters++;
  }
  return counts;
}

function round2(x: number): number {
  // `|| 0` turns -0 into 0, which reads better in reasons and compares equal in tests.
  return Math.round(x * 100) / 100 || 0;
}

export function detectLanguage(text: string): Labelled<Language> {
  const c = countScripts(text.normalize('NFKC'));
  const hanWeight = c.han * LATIN_LETTERS_PER_HAN;
  const total = hanWeight + c.latin + c.kana * LATIN_LETTERS_PER_HAN + c.otherLetters;
  if (total === 0) {
    return { value: 'other', confidence: 0, reasons: [{ source: 'detector', code: 'language.no_text', detail: 'No letters to detect a language from' }] };
  }
  // Japanese mixes kanji with kana; a stray の in Chinese internet slang does not make it Japanese.
  if (c.kana > 0 && c.kana >= KANA_SHARE_OF_JAPANESE * (c.kana + c.han)) {
    const share = (c.kana + c.han) * LATIN_LETTERS_PER_HAN / total;
    return {
      value: 'other',
      confidence: round2(Math.min(1, 0.5 + share / 2)),
      reasons: [{ source: 'detector', code: 'language.kana', detail: `Japanese kana (${c.kana}) present`, score: round2(share) }],
    };
  }
  const cjkShare = hanWeight / total;
  const latinShare = c.latin / total;
  const otherShare = c.otherLetters / total;
  if (otherShare > cjkShare && otherShare > latinShare) {
    return {
      value: 'other',
      confidence: round2(otherShare),
      reasons: [{ source: 'detector', code: 'language.other_script', detail: `Mostly letters of another script (${Math.round(otherShare * 100)}%)`, score: round2(otherShare) }],
    };
  }
  if (cjkShare >= latinShare) {
    const share = { source: 'detector', code: 'language.cjk_share', detail: `Chinese characters carry ${Math.round(cjkShare * 100)}% of the text (one counts as ${LATIN_LETTERS_PER_HAN} Latin letters)`, score: round2(cjkShare) } as const;
    const distinctive = c.traditional + c.simplified;
    const traditional = c.traditional > c.simplified;
    // With no script-specific character the guess is the desk's majority script, said plainly.
    const scriptConfidence = distinctive === 0 ? 0.6 : 0.6 + 0.4 * Math.abs(c.traditional - c.simplified) / distinctive;
    return {
      value: traditional ? 'zh-Hant' : 'zh-Hans',
      confidence: round2(Math.min(cjkShare, scriptConfidence)),
      reasons: [
        share,
        {
          source: 'detector',
          code: 'language.script',
          detail: distinctive === 0
            ? 'No character specific to Traditional or Simplified script; assuming Simplified'
            : `${c.traditional} Traditional-only vs ${c.simplified} Simplified-only characters`,
          score: distinctive === 0 ? 0 : round2(c.traditional / distinctive),
        },
      ],
    };
  }
  return {
    value: 'en',
    confidence: round2(latinShare),
    reasons: [{ source: 'detector', code: 'language.latin_share', detail: `Latin letters carry ${Math.round(latinShare * 100)}% of the text`, score: round2(latinShare) }],
  };
}
