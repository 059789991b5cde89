import * as OpenCC from 'opencc-js';

/**
 * The one text form every triage comparison uses: rule keywords, rule regexes, urgency words, the
 * model's features and the sentiment lexicon all meet the member's text in this form, so a word
 * written in Traditional or Simplified, full- or half-width, upper or lower case matches either way.
 * It is a matching key, never shown to anyone.
 */

type Fold = (text: string) => string;

let traditionalFold: Fold | undefined;

/**
 * Traditional → Simplified. No single opencc-js preset maps every Taiwan AND Hong Kong form: `tw`
 * and `twp` leave Hong Kong's 衞 alone, `hk` and `t` leave Taiwan's 著 (著火) alone. So the
 * library's own dictionaries are chained: Hong Kong variants → OpenCC standard, then Taiwan phrases
 * and variants → standard (which also turns Taiwan vocabulary such as 登入, 訊息, 軟體 into 登录,
 * 消息, 软件, so a Mainland keyword matches Taiwan wording), then standard → Simplified.
 * Built lazily, once per process (about 20 ms).
 */
function toSimplifiedFold(): Fold {
  if (traditionalFold) return traditionalFold;
  const { from, to } = OpenCC.Locale;
  const fold = OpenCC.ConverterFactory(...(from.hk ?? []), ...(from.twp ?? []), ...(to.cn ?? []));
  traditionalFold = fold;
  return fold;
}

/**
 * Simplified spellings that Traditional sources keep apart but members use interchangeably. Not a
 * script conversion (opencc does that): 帳號 becomes 帐号 while 賬號 and the Mainland standard become
 * 账号, so without this a rule for 账号 would miss every Taiwan member. 帐篷 turning into 账篷 is
 * harmless because this form is only ever compared with itself.
 */
const SIMPLIFIED_VARIANTS: ReadonlyMap<string, string> = new Map([
  ['帐', '账'],
  ['甚么', '什么'],
]);
const VARIANT_PATTERN = new RegExp([...SIMPLIFIED_VARIANTS.keys()].join('|'), 'g');

const HAN = /\p{Script=Han}/u;


/**
 * Chinese script folding only (Traditional → Simplified, then the variants above), leaving every
 * other character untouched. Used on regex sources, where NFKC or lower-casing would change the
 * pattern's meaning (`\D`, full-width brackets).
 */
export function foldChineseScript(text: string): string {
  if (!HAN.test(text)) return text;
  return toSimplifiedFold()(text).replace(VARIANT_PATTERN, (v) => SIMPLIFIED_VARIANTS.get(v) ?? v);
}

/** NFKC (full-width → half-width), Traditional → Simplified, lower case, single spaces. */
export function normalizeText(text: string): string {
  return foldChineseScript(text.normalize('NFKC')).toLowerCase().replace(/\s+/g, ' ').trim();
}
