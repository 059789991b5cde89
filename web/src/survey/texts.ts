/**
 * The member survey page's words. Its own small table (the page shares nothing with the console but
 * React): Simplified Chinese, Traditional Chinese for members who wrote in it, and English.
 */
export type SurveyLocale = 'zh-Hans' | 'zh-Hant' | 'en';

const zhHans = {
  'page.title': '服务满意度调查',
  'brand': '会员服务',
  'lang.label': '语言',
  'loading': '正在打开调查…',
  'about': '关于工单 {number}',
  'solvedAt': '已于 {date} 处理完成',
  'question': '您对这次的服务满意吗？',
  'question.hint': '请点选 1–5 星，5 星表示非常满意。',
  'rating.1': '非常不满意',
  'rating.2': '不满意',
  'rating.3': '一般',
  'rating.4': '满意',
  'rating.5': '非常满意',
  'rating.option': '{rating} 星，{label}',
  'rating.stars': '{rating} 星（满分 5 星）',
  'comment': '还有什么想告诉我们的吗？',
  'comment.optional': '选填',
  'comment.placeholder': '您的意见和建议会帮助我们做得更好',
  'comment.count': '{count}/{max}',
  'submit': '提交评价',
  'sending': '正在提交…',
  'pick': '请先选择星级',
  'send.failed': '提交没有成功，可能是网络不稳定。您的评价还在，请再试一次。',
  'thanks.title': '感谢您的评价！',
  'thanks.text': '您的反馈我们已经收到，它会帮助我们把服务做得更好。',
  'thanks.low': '很抱歉这次没能让您满意。我们已收到您的反馈，负责的同事会尽快跟进。',
  'thanks.yourRating': '您的评分',
  'close': '您现在可以关闭此页面。',
  'error.SURVEY_LINK_INVALID.title': '链接无法打开',
  'error.SURVEY_LINK_INVALID.text': '这个调查链接不完整或已失效。请从邮件或消息中重新打开完整的链接。',
  'error.SURVEY_EXPIRED.title': '调查已结束',
  'error.SURVEY_EXPIRED.text': '这份调查已经过了填写期限，感谢您的关注。如有新的问题，欢迎随时联系我们。',
  'error.SURVEY_CANCELLED.title': '您的问题正在重新处理',
  'error.SURVEY_CANCELLED.text': '这张工单已重新打开，我们正在继续为您处理。处理完成后，我们会再次邀请您评价。',
  'error.SURVEY_ANSWERED.title': '您已经评价过了',
  'error.SURVEY_ANSWERED.text': '这份调查已经提交，感谢您的反馈！',
  'error.SURVEY_ANSWERED.earlier': '您之前的评分',
  'error.NETWORK.title': '暂时无法连接',
  'error.NETWORK.text': '网络好像不太稳定，请检查网络后重试。',
  'error.UNKNOWN.title': '出了点问题',
  'error.UNKNOWN.text': '页面暂时无法打开，请稍后再试。',
  'retry': '重试',
} as const;

export type SurveyTextKey = keyof typeof zhHans;

const zhHant: Record<SurveyTextKey, string> = {
  'page.title': '服務滿意度調查',
  'brand': '會員服務',
  'lang.label': '語言',
  'loading': '正在開啟調查…',
  'about': '關於工單 {number}',
  'solvedAt': '已於 {date} 處理完成',
  'question': '您對這次的服務滿意嗎？',
  'question.hint': '請點選 1–5 星，5 星表示非常滿意。',
  'rating.1': '非常不滿意',
  'rating.2': '不滿意',
  'rating.3': '普通',
  'rating.4': '滿意',
  'rating.5': '非常滿意',
  'rating.option': '{rating} 星，{label}',
  'rating.stars': '{rating} 星（滿分 5 星）',
  'comment': '還有什麼想告訴我們的嗎？',
  'comment.optional': '選填',
  'comment.placeholder': '您的意見和建議會幫助我們做得更好',
  'comment.count': '{count}/{max}',
  'submit': '提交評價',
  'sending': '正在提交…',
  'pick': '請先選擇星級',
  'send.failed': '提交沒有成功，可能是網路不穩定。您的評價還在，請再試一次。',
  'thanks.title': '感謝您的評價！',
  'thanks.text': '我們已經收到您的回饋，它會幫助我們把服務做得更好。',
  'thanks.low': '很抱歉這次沒能讓您滿意。我們已收到您的回饋，負責的同事會盡快跟進。',
  'thanks.yourRating': '您的評分',
  'close': '您現在可以關閉此頁面。',
  'error.SURVEY_LINK_INVALID.title': '連結無法開啟',
  'error.SURVEY_LINK_INVALID.text': '這個調查連結不完整或已失效。請從郵件或訊息中重新開啟完整的連結。',
  'error.SURVEY_EXPIRED.title': '調查已結束',
  'error.SURVEY_EXPIRED.text': '這份調查已經過了填寫期限，感謝您的關注。如有新的問題，歡迎隨時聯絡我們。',
  'error.SURVEY_CANCELLED.title': '您的問題正在重新處理',
  'error.SURVEY_CANCELLED.text': '這張工單已重新開啟，我們正在繼續為您處理。處理完成後，我們會再次邀請您評價。',
  'error.SURVEY_ANSWERED.title': '您已經評價過了',
  'error.SURVEY_ANSWERED.text': '這份調查已經提交，感謝您的回饋！',
  'error.SURVEY_ANSWERED.earlier': '您之前的評分',
  'error.NETWORK.title': '暫時無法連線',
  'error.NETWORK.text': '網路好像不太穩定，請檢查網路後重試。',
  'error.UNKNOWN.title': '出了點問題',
  'error.UNKNOWN.text': '頁面暫時無法開啟，請稍後再試。',
  'retry': '重試',
};

const en: Record<SurveyTextKey, string> = {
  'page.title': 'How did we do?',
  'brand': 'Member service',
  'lang.label': 'Language',
  'loading': 'Opening the survey…',
  'about': 'About ticket {number}',
  'solvedAt': 'Resolved on {date}',
  'question': 'How satisfied are you with our service?',
  'question.hint': 'Tap 1 to 5 stars; 5 means very satisfied.',
  'rating.1': 'Very dissatisfied',
  'rating.2': 'Dissatisfied',
  'rating.3': 'Neutral',
  'rating.4': 'Satisfied',
  'rating.5': 'Very satisfied',
  'rating.option': '{rating} stars, {label}',
  'rating.stars': '{rating} of 5 stars',
  'comment': 'Anything else you would like to tell us?',
  'comment.optional': 'optional',
  'comment.placeholder': 'Your comments help us do better',
  'comment.count': '{count}/{max}',
  'submit': 'Send rating',
  'sending': 'Sending…',
  'pick': 'Choose a number of stars first',
  'send.failed': 'That did not go through, perhaps the connection dropped. Your answer is still here: please try again.',
  'thanks.title': 'Thank you for your feedback!',
  'thanks.text': 'We have received it, and it helps us serve you better.',
  'thanks.low': 'We are sorry we did not get it right this time. We have received your feedback and a colleague will follow up soon.',
  'thanks.yourRating': 'Your rating',
  'close': 'You can close this page now.',
  'error.SURVEY_LINK_INVALID.title': 'This link does not work',
  'error.SURVEY_LINK_INVALID.text': 'The survey link is incomplete or no longer valid. Please open the full link from the email or message again.',
  'error.SURVEY_EXPIRED.title': 'This survey has closed',
  'error.SURVEY_EXPIRED.text': 'The time to answer this survey has passed. Thank you all the same; contact us any time if you need help.',
  'error.SURVEY_CANCELLED.title': 'We are working on your request again',
  'error.SURVEY_CANCELLED.text': 'This ticket was reopened and we are still handling it. We will ask for your rating again once it is resolved.',
  'error.SURVEY_ANSWERED.title': 'You have already answered',
  'error.SURVEY_ANSWERED.text': 'This survey has been submitted. Thank you for your feedback!',
  'error.SURVEY_ANSWERED.earlier': 'Your rating',
  'error.NETWORK.title': 'Cannot connect right now',
  'error.NETWORK.text': 'The connection seems unstable. Check it and try again.',
  'error.UNKNOWN.title': 'Something went wrong',
  'error.UNKNOWN.text': 'The page cannot be opened right now. Please try again later.',
  'retry': 'Try again',
};

const TABLES: Record<SurveyLocale, Record<SurveyTextKey, string>> = { 'zh-Hans': zhHans, 'zh-Hant': zhHant, en };

/** The HTML lang and Intl locale of each table. */
export const HTML_LANG: Record<SurveyLocale, string> = { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-TW', en: 'en' };

export function surveyText(locale: SurveyLocale, key: SurveyTextKey, vars?: Record<string, string | number>): string {
  const text = TABLES[locale][key];
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

/** The survey's own language (the ticket's) when known. */
export function localeOfLanguage(language: string | null | undefined): SurveyLocale | null {
  if (language === 'zh-Hans') return 'zh-Hans';
  if (language === 'zh-Hant') return 'zh-Hant';
  if (language === 'en') return 'en';
  return null;
}

/** The browser's first language we have: Chinese of Taiwan, Hong Kong, Macao or the Hant script reads Traditional. */
export function browserLocale(languages: readonly string[]): SurveyLocale {
  for (const l of languages) {
    if (/^zh\b/i.test(l)) return /hant|\b(tw|hk|mo)\b/i.test(l) ? 'zh-Hant' : 'zh-Hans';
    if (/^en\b/i.test(l)) return 'en';
  }
  return 'en';
}
