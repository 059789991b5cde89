import { SUGGESTION_OUTCOMES, type SuggestionOutcome } from '../db/entities/suggestion.entity.js';

/**
 * The words a member reads about the decision on their suggestion: built-in defaults per outcome and
 * language, which an installation (department 0) or a department may replace (`message_template`).
 * Pure: rendering and checking are unit-tested without a database.
 */

export const TEMPLATE_LANGUAGES = ['zh-Hans', 'zh-Hant', 'en'] as const;
export type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number];

export const TEMPLATE_KEYS = SUGGESTION_OUTCOMES.map((o) => `suggestion.${o}` as const);
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

export const PLACEHOLDERS = ['ticketNumber', 'summary', 'effectiveOn', 'department'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

export function templateKey(outcome: SuggestionOutcome): TemplateKey {
  return `suggestion.${outcome}`;
}

export const DEFAULT_TEMPLATES: Record<TemplateKey, Record<TemplateLanguage, string>> = {
  'suggestion.adopted': {
    'zh-Hans': '尊敬的会员，您好！感谢您提出的宝贵建议（工单 {ticketNumber}）。经{department}评估，您的建议已被采纳：{summary}预计生效日期：{effectiveOn}。再次感谢您对我们的支持与信任！',
    'zh-Hant': '尊敬的會員，您好！感謝您提出的寶貴建議（工單 {ticketNumber}）。經{department}評估，您的建議已被採納：{summary}預計生效日期：{effectiveOn}。再次感謝您對我們的支持與信任！',
    en: 'Dear member, thank you for your suggestion (ticket {ticketNumber}). After review, {department} has adopted it: {summary} It takes effect on {effectiveOn}. Thank you again for helping us improve.',
  },
  'suggestion.planned': {
    'zh-Hans': '尊敬的会员，您好！感谢您提出的宝贵建议（工单 {ticketNumber}）。{department}已将您的建议纳入后续改进计划：{summary}预计时间：{effectiveOn}。届时欢迎您体验，感谢您的耐心与支持！',
    'zh-Hant': '尊敬的會員，您好！感謝您提出的寶貴建議（工單 {ticketNumber}）。{department}已將您的建議納入後續改進計劃：{summary}預計時間：{effectiveOn}。屆時歡迎您體驗，感謝您的耐心與支持！',
    en: 'Dear member, thank you for your suggestion (ticket {ticketNumber}). {department} has added it to our improvement plans: {summary} Expected: {effectiveOn}. Thank you for your patience and support.',
  },
  'suggestion.declined': {
    'zh-Hans': '尊敬的会员，您好！感谢您提出的宝贵建议（工单 {ticketNumber}）。{department}经认真评估，暂时无法采纳，原因如下：{summary}我们非常重视您的意见，欢迎您继续为我们提出建议。',
    'zh-Hant': '尊敬的會員，您好！感謝您提出的寶貴建議（工單 {ticketNumber}）。{department}經認真評估，暫時無法採納，原因如下：{summary}我們非常重視您的意見，歡迎您繼續為我們提出建議。',
    en: 'Dear member, thank you for your suggestion (ticket {ticketNumber}). {department} has reviewed it carefully but cannot adopt it for now, because: {summary} We value your feedback and welcome your further suggestions.',
  },
};

const PLACEHOLDER_RE = /\{([A-Za-z]+)\}/g;

/** Placeholders a body uses that the renderer does not know (an edited template with `{name}` is refused). */
export function unknownPlaceholders(body: string): string[] {
  const unknown = new Set<string>();
  for (const m of body.matchAll(PLACEHOLDER_RE)) if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) unknown.add(m[1]!);
  return [...unknown];
}

/** Fills the known placeholders; anything else in braces is left as written. */
export function renderTemplate(body: string, values: TemplateValues): string {
  return body.replace(PLACEHOLDER_RE, (whole, name: string) => ((PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole));
}

/** A summary ends a sentence in the templates: give it closing punctuation in the template's language if it has none. */
export function sentence(summary: string, language: TemplateLanguage): string {
  const s = summary.trim();
  if (/[。！？.!?…」”)）]$/.test(s)) return s;
  return language === 'en' ? `${s}.` : `${s}。`;
}

/** The languages a member is written to: theirs, or (unknown, other) simplified Chinese and English both. */
export function memberLanguages(language: string | null | undefined): TemplateLanguage[] {
  return (TEMPLATE_LANGUAGES as readonly string[]).includes(language ?? '') ? [language as TemplateLanguage] : ['zh-Hans', 'en'];
}

/** `effectiveOn` as the member reads it: the date, or "to be announced" in their language. */
export function effectiveText(effectiveOn: string | null, language: TemplateLanguage): string {
  if (effectiveOn) return effectiveOn;
  return language === 'en' ? 'to be announced' : language === 'zh-Hant' ? '另行通知' : '另行通知';
}
