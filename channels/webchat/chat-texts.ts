/**
 * What the server itself writes to a chat member (emails, system lines), in the widget's two
 * languages. The widget's own labels live in web/widget/texts.ts.
 */
export const CHAT_LOCALES = ['zh-CN', 'en'] as const;
export type ChatLocale = (typeof CHAT_LOCALES)[number];

/** A browser's language (zh, zh-CN, zh-Hans-CN, zh-TW…) or a ticket's detected one (zh-Hans, zh-Hant) → ours; English otherwise. */
export function chatLocale(language: string | null | undefined): ChatLocale {
  return typeof language === 'string' && /^zh\b/i.test(language) ? 'zh-CN' : 'en';
}

export interface TranscriptLine {
  author: 'member' | 'agent' | 'system';
  agentName?: string | null;
  text: string;
  createdAt: Date;
}

const T = {
  'zh-CN': {
    transcriptSubject: '聊天记录',
    transcriptIntro: (n: string) => `以下是您与我们客服的聊天记录（工单 ${n}）。`,
    transcriptNote: '聊天记录已按会员要求通过邮件发送。',
    you: '您',
    agent: '客服',
    system: '系统',
    replyIntro: (n: string) => `您在网页聊天中的咨询（工单 ${n}）有新的回复：`,
    replyOutro: '您可以直接回复此邮件，或再次打开网页聊天继续沟通。',
  },
  en: {
    transcriptSubject: 'Chat transcript',
    transcriptIntro: (n: string) => `Here is the transcript of your chat with our service team (ticket ${n}).`,
    transcriptNote: 'Chat transcript sent by email at the member\'s request.',
    you: 'You',
    agent: 'Agent',
    system: 'System',
    replyIntro: (n: string) => `There is a new reply to your web chat (ticket ${n}):`,
    replyOutro: 'Reply to this email, or open the chat on our website again to continue.',
  },
} as const;

/** The line kept on the ticket when a member asks for a transcript (the email itself is composed when sent). */
export function transcriptNote(locale: ChatLocale): string {
  return T[locale].transcriptNote;
}

/** "2026-11-23 15:04" in the member's time zone (UTC when unknown or invalid, then labelled). */
export function formatChatTime(at: Date, timeZone: string | null | undefined): string {
  const zone = timeZone && isTimeZone(timeZone) ? timeZone : 'UTC';
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}${zone === 'UTC' ? ' UTC' : ''}`;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The email a member gets for `chat:transcript`: every public line of the conversation, oldest first. */
export function transcriptEmail(lines: TranscriptLine[], o: { locale: ChatLocale; ticketNumber: string; timeZone?: string | null }): { subject: string; text: string } {
  const t = T[o.locale];
  const body = lines.map((l) => {
    const who = l.author === 'member' ? t.you : l.author === 'agent' ? (l.agentName || t.agent) : t.system;
    return `[${formatChatTime(l.createdAt, o.timeZone)}] ${who}:\n${l.text.replace(/\s+$/, '')}`;
  });
  return { subject: t.transcriptSubject, text: [t.transcriptIntro(o.ticketNumber), '', ...body.flatMap((b) => [b, ''])].join('\n').replace(/\n+$/, '') };
}

/** An agent's reply that could not reach the widget (the visitor had left), as an email. */
export function replyEmail(text: string, o: { locale: ChatLocale; ticketNumber: string; agentName?: string | null }): string {
  const t = T[o.locale];
  const who = o.agentName ? `${o.agentName}:\n` : '';
  return `${t.replyIntro(o.ticketNumber)}\n\n${who}${text.replace(/\s+$/, '')}\n\n${t.replyOutro}`;
}
