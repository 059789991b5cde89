/**
 * What the model sees of a normalised text (normalizeText's output).
 *
 * Chinese is not segmented: a word segmenter would be a large dictionary and still miss the
 * desk's vocabulary (商品名, 门店名, new slang). Character bigrams and trigrams over each run of Chinese
 * characters carry the words anyway (退款, 没收到, 到账); a run of one character is kept as it is.
 * Every character as a unigram as well evaluated no better (test/bench/triage.eval.ts, and
 * cross-validation on the training parts) and costs a third more features.
 *
 * English: words minus stop words, lightly stemmed (refunds/refunded → refund), as unigrams and
 * bigrams of neighbouring kept words ("track order"). Character n-grams of words, meant to catch
 * misspellings, made the bitext figures slightly worse (they blur intents that share words), so
 * they are left out.
 *
 * Feature kinds cannot collide: Chinese n-grams are Han only, words are Latin, bigrams hold a
 * space, phrasing features (below) start with '^'. Repeats are kept; the model decides how to
 * count them.
 */

const LONG_NUMBER = /^\d{6,}$/;

const STOP_WORDS: ReadonlySet<string> = new Set(
  ('a an the and or but if then so of to in on at by for with from into about as is am are was were be been being ' +
    'i me my mine we us our you your yours he him his she her it its they them their this that these those ' +
    'do does did doing have has had having can could would should will shall may might must ' +
    'what which who whom whose when where why how there here some any all each every both ' +
    'just also too very really please pls hi hello hey dear thanks thank regards ' +
    "i'm i've i'd i'll you're it's that's there's let's im ive id ill youre " +
    'up out over again further once only own same than such'
  ).split(' '),
);

/** Strips the commonest English inflections; no dictionary, so it only has to be consistent. */
function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ied')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('ly')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

const RUN = /\p{Script=Han}+|[\p{Script=Latin}\p{N}]+(?:'[\p{Script=Latin}]+)?/gu;

function hanFeatures(run: string, out: string[]): void {
  const chars = [...run];
  if (chars.length === 1) out.push(run);
  for (let i = 0; i + 1 < chars.length; i++) {
    out.push(chars[i]! + chars[i + 1]!);
    if (i + 2 < chars.length) out.push(chars[i]! + chars[i + 1]! + chars[i + 2]!);
  }
}

function wordFeatures(words: string[], out: string[]): void {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    out.push(w);
    if (i + 1 < words.length) out.push(`${w} ${words[i + 1]!}`);
  }
}

/** Words that say how a message is put rather than what it is about: stop words for the topic, signal for the type. */
const PHRASING_WORDS: ReadonlySet<string> = new Set(
  'what which who when where why how can could would should will do does did is are may might must not no never'.split(' '),
);
const PHRASING_MARKS = ['?', '!', '吗', '呢'] as const;

/**
 * Extra features for the ticket type only: question words, modals and negation ('^how', '^can'),
 * question and exclamation marks, Chinese question particles. They are stop words for the
 * category ("how do I" says nothing about delivery) but they separate an enquiry from a complaint
 * or a suggestion: with them the type's macro-F1 rose by about 0.1 in cross-validation on the seed
 * examples, while adding them to the category's features lowered its.
 */
export function phrasingFeaturesOf(normalized: string): string[] {
  const out: string[] = [];
  for (const m of normalized.matchAll(/[\p{Script=Latin}]+/gu)) if (PHRASING_WORDS.has(m[0])) out.push(`^${m[0]}`);
  for (const mark of PHRASING_MARKS) if (normalized.includes(mark)) out.push(`^${mark}`);
  return out;
}

/**
 * Chinese characters that are grammar, not content: an n-gram starting or ending with one (了两, 买的,
 * 也没) is real statistical evidence but reads as noise, so it is not shown to agents.
 */
const FUNCTION_CHARS = /^[了的也就是在和都把被着过吗呢吧啊个我你他她它们这那有要]|[了的也就是在和都把被着过吗呢吧啊个我你他她它这那有要]$/u;

/** Whether a feature means something to a reader, as evidence beside a prediction. */
export function isReadableFeature(feature: string): boolean {
  if (/^\p{Script=Han}/u.test(feature)) return [...feature].length > 1 && !FUNCTION_CHARS.test(feature);
  return feature !== '<number>' && !feature.startsWith('^');
}

export function featuresOf(normalized: string): string[] {
  const out: string[] = [];
  let words: string[] = [];
  for (const m of normalized.replace(/[’‘]/g, "'").matchAll(RUN)) {
    const token = m[0];
    if (/^\p{Script=Han}/u.test(token)) {
      // A Chinese run ends an English phrase: "iphone 坏了 screen" has no "iphone screen" bigram.
      wordFeatures(words, out);
      words = [];
      hanFeatures(token, out);
    } else if (!STOP_WORDS.has(token)) {
      words.push(LONG_NUMBER.test(token) ? '<number>' : stem(token));
    }
  }
  wordFeatures(words, out);
  return out;
}
