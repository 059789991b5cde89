/**
 * What the member reads: the survey prompt and its reminder on each channel, in the ticket's language
 * (zh-Hans, zh-Hant, en; anything else gets Chinese and English). Pure.
 */
/**
 * Stands for the member's signed link in the stored message: agents see the thread, and a link they could open
 * would let them rate themselves. The delivery worker puts the real link in at send time (SurveyService.expandLink).
 */
export const SURVEY_LINK_MARKER = '[survey link / 评价链接]';

export type SurveyLocale = 'zh-Hans' | 'zh-Hant' | 'en' | 'both';

export function surveyLocale(language: string | null | undefined): SurveyLocale {
  if (language === 'zh-Hans' || language === 'zh-Hant' || language === 'en') return language;
  return 'both';
}

interface Words { ask: string; remind: string; link: string; reply: string; widget: string; expires: string; thanks: string; sorry: string }

const WORDS: Record<Exclude<SurveyLocale, 'both'>, Words> = {
  'zh-Hans': {
    ask: '您的工单 {number} 已处理完毕。请问您对这次服务满意吗？',
    remind: '温馨提醒：您还没有评价工单 {number} 的服务，您的意见对我们很重要。',
    link: '请点击链接评分（1–5 分）：{url}',
    reply: '请直接回复数字 1–5（5 = 非常满意，1 = 非常不满意），可在数字后附上意见。',
    widget: '请为本次服务评分（1–5 分）。',
    expires: '链接 {days} 天内有效。',
    thanks: '感谢您的评价！',
    sorry: '很抱歉这次没能让您满意，我们的同事会尽快回访您。',
  },
  'zh-Hant': {
    ask: '您的工單 {number} 已處理完畢。請問您對這次服務滿意嗎？',
    remind: '溫馨提醒：您還沒有評價工單 {number} 的服務，您的意見對我們很重要。',
    link: '請點擊連結評分（1–5 分）：{url}',
    reply: '請直接回覆數字 1–5（5 = 非常滿意，1 = 非常不滿意），可在數字後附上意見。',
    widget: '請為本次服務評分（1–5 分）。',
    expires: '連結 {days} 天內有效。',
    thanks: '感謝您的評價！',
    sorry: '很抱歉這次沒能讓您滿意，我們的同事會盡快回訪您。',
  },
  en: {
    ask: 'Your request {number} has been resolved. How satisfied are you with our service?',
    remind: 'A gentle reminder: you have not yet rated our service on request {number}. Your opinion matters to us.',
    link: 'Rate us from 1 to 5 here: {url}',
    reply: 'Just reply with a number from 1 to 5 (5 = very satisfied, 1 = very dissatisfied); you may add a comment after it.',
    widget: 'Please rate this conversation from 1 to 5.',
    expires: 'The link works for {days} days.',
    thanks: 'Thank you for your rating!',
    sorry: 'We are sorry we did not meet your expectations; a colleague will call you back soon.',
  },
};

function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

function compose(locale: SurveyLocale, parts: (w: Words) => string[], vars: Record<string, string | number>): string {
  const one = (l: Exclude<SurveyLocale, 'both'>) => parts(WORDS[l]).map((p) => fill(p, vars)).join('\n');
  return locale === 'both' ? `${one('zh-Hans')}\n\n${one('en')}` : one(locale);
}

export interface PromptInput { locale: SurveyLocale; ticketNumber: string; reminder: boolean; url?: string; expiryDays: number }

/** The survey email's body: the question and the signed link. */
export function emailPrompt(i: PromptInput & { url: string }): string {
  return compose(i.locale, (w) => [i.reminder ? w.remind : w.ask, w.link, w.expires], { number: i.ticketNumber, url: i.url, days: i.expiryDays });
}

/** A WeChat prompt: answered by replying with a digit. */
export function replyPrompt(i: PromptInput): string {
  return compose(i.locale, (w) => [i.reminder ? w.remind : w.ask, w.reply], { number: i.ticketNumber });
}

/** The line shown above the widget's inline rating (and the text of the message in the thread). */
export function widgetPrompt(i: PromptInput): string {
  return compose(i.locale, (w) => [i.reminder ? w.remind : w.ask, w.widget], { number: i.ticketNumber });
}

/** The acknowledgement of an answer on a conversational channel (WeChat). */
export function answerAck(locale: SurveyLocale, low: boolean): string {
  return compose(locale, (w) => (low ? [w.thanks, w.sorry] : [w.thanks]), {});
}

/**
 * A reply that answers a 1–5 prompt: the digit alone or first (half- or full-width, optionally with 分/星/stars),
 * then an optional comment after punctuation, or after a space when Chinese follows ("5 很满意"). "3 people in
 * the queue" or "50元" is not an answer but a new message.
 */
export function parseRatingReply(text: string): { rating: number; comment: string | null } | null {
  const m = /^([1-5])(?:\s*(分|星|颗星|顆星|stars?|points?))?([\s\S]*)$/i.exec(text.normalize('NFKC').trim());
  if (!m) return null;
  const unit = Boolean(m[2]);
  const rest = m[3]!;
  if (rest !== '') {
    const punctuated = /^\s*[,，。.!！:：;；、\-–—~]/.test(rest);
    const chineseAfterSpace = /^\s+\p{Script=Han}/u.test(rest);
    const wordAfterUnit = unit && /^\s/.test(rest);
    if (!punctuated && !chineseAfterSpace && !wordAfterUnit) return null;
  }
  const comment = rest.replace(/^[\s,，。.!！:：;；、\-–—~]+/, '').trim();
  return { rating: Number(m[1]), comment: comment ? comment.slice(0, 2000) : null };
}
