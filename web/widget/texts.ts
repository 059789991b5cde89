/** The widget's words, in the two languages of the product. The server's own (emails) are in channels/webchat/chat-texts.ts. */
export type WidgetLocale = 'zh-CN' | 'en';

export interface WidgetTexts {
  title: string;
  open: string;
  close: string;
  online: string;
  away: string;
  connecting: string;
  placeholder: string;
  send: string;
  prechatIntro: string;
  name: string;
  email: string;
  start: string;
  skip: string;
  you: string;
  agent: string;
  typing: (name: string | null) => string;
  offlineBy: (when: string) => string;
  offline: string;
  transcript: string;
  transcriptEmail: string;
  transcriptSend: string;
  transcriptSent: string;
  sending: string;
  failed: string;
  errors: Record<string, string>;
  attachment: string;
  surveyStar: (n: number) => string;
  surveyThanks: string;
  surveyAnswered: (rating: number) => string;
  surveyClosed: string;
}

const zh: WidgetTexts = {
  title: '在线客服',
  open: '打开在线客服',
  close: '关闭',
  online: '客服在线',
  away: '客服暂时不在线，请留言',
  connecting: '正在连接…',
  placeholder: '输入消息，按 Enter 发送',
  send: '发送',
  prechatIntro: '开始之前，可以留下您的称呼和邮箱（均为选填），方便我们在您离开后回复您。',
  name: '称呼',
  email: '邮箱',
  start: '开始聊天',
  skip: '跳过',
  you: '我',
  agent: '客服',
  typing: (name) => `${name ?? '客服'} 正在输入…`,
  offlineBy: (when) => `客服暂时不在线。您的消息已记录为工单，我们会在 ${when} 前回复您。`,
  offline: '客服暂时不在线。您的消息已记录为工单，我们会尽快回复您。',
  transcript: '发送聊天记录到邮箱',
  transcriptEmail: '接收聊天记录的邮箱',
  transcriptSend: '发送',
  transcriptSent: '聊天记录将发送到您的邮箱。',
  sending: '发送中…',
  failed: '发送失败，点击重试',
  errors: {
    RATE_LIMITED: '操作太频繁，请稍后再试。',
    VALIDATION_FAILED: '消息内容无效或过长。',
    INVALID_EMAIL: '请输入有效的邮箱地址。',
    EMAIL_REQUIRED: '请填写接收聊天记录的邮箱。',
    NO_CONVERSATION: '还没有可以发送的聊天记录。',
    EMAIL_UNAVAILABLE: '暂不支持通过邮件发送聊天记录。',
    ORIGIN_NOT_ALLOWED: '此网站未开通在线客服。',
    INTERNAL: '出了点问题，请稍后再试。',
  },
  attachment: '附件',
  surveyStar: (n) => `${n} 分`,
  surveyThanks: '感谢您的评价！',
  surveyAnswered: (r) => `您的评分：${r} 分`,
  surveyClosed: '此评价已结束。',
};

const en: WidgetTexts = {
  title: 'Chat with us',
  open: 'Open the chat',
  close: 'Close',
  online: 'We are online',
  away: 'We are away — leave a message',
  connecting: 'Connecting…',
  placeholder: 'Type a message, Enter to send',
  send: 'Send',
  prechatIntro: 'Before we start: your name and email (both optional) let us answer you even after you leave.',
  name: 'Name',
  email: 'Email',
  start: 'Start chat',
  skip: 'Skip',
  you: 'You',
  agent: 'Agent',
  typing: (name) => `${name ?? 'An agent'} is typing…`,
  offlineBy: (when) => `No one is available right now. Your message is now a ticket; we will answer by ${when}.`,
  offline: 'No one is available right now. Your message is now a ticket; we will answer as soon as we can.',
  transcript: 'Email me the transcript',
  transcriptEmail: 'Email address for the transcript',
  transcriptSend: 'Send',
  transcriptSent: 'The transcript is on its way to your inbox.',
  sending: 'Sending…',
  failed: 'Not sent — click to retry',
  errors: {
    RATE_LIMITED: 'That was a lot at once; please wait a moment.',
    VALIDATION_FAILED: 'That message is empty or too long.',
    INVALID_EMAIL: 'Please enter a valid email address.',
    EMAIL_REQUIRED: 'Please enter the email address to send the transcript to.',
    NO_CONVERSATION: 'There is no conversation to send yet.',
    EMAIL_UNAVAILABLE: 'Transcripts by email are not available here.',
    ORIGIN_NOT_ALLOWED: 'Chat is not enabled for this site.',
    INTERNAL: 'Something went wrong; please try again.',
  },
  attachment: 'Attachment',
  surveyStar: (n) => `${n} of 5`,
  surveyThanks: 'Thank you for your rating!',
  surveyAnswered: (r) => `Your rating: ${r} of 5`,
  surveyClosed: 'This survey has closed.',
};

export const TEXTS: Record<WidgetLocale, WidgetTexts> = { 'zh-CN': zh, en };

/** A data-locale or browser language → ours: Chinese of any script or region → zh-CN, anything else → en. */
export function widgetLocale(language: string | null | undefined): WidgetLocale {
  return typeof language === 'string' && /^zh\b/i.test(language) ? 'zh-CN' : 'en';
}
