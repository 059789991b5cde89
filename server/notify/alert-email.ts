import { formatDueUtc, METRIC_TEXT, type Bilingual } from './alert-text.js';
import type { NotificationPayload } from './notification.js';
import { digestEmail } from '../suggestions/digest.js';
import { staffEmailBody } from './staff-email.js';

export interface AlertEmail {
  subject: string;
  text: string;
  html: string;
}


const PRIORITY: Record<string, Bilingual> = {
  low: { en: 'low', zh: '低' },
  normal: { en: 'normal', zh: '普通' },
  high: { en: 'high', zh: '高' },
  urgent: { en: 'urgent', zh: '紧急' },
};

/**
 * The email a department contact gets for an SLA alert, in Chinese and English (the contact's own
 * language first): heads in a Chinese office often forward these to colleagues who read English.
 * Pure, so every wording is unit-tested without SMTP.
 */
export function alertEmail(p: NotificationPayload): AlertEmail {
  if (p.kind === 'suggestion.digest' && p.digest) return digestEmail(p.digest);
  const zhFirst = p.contact.locale === 'zh-CN';
  const pair = (b: Bilingual) => (zhFirst ? `${b.zh} / ${b.en}` : `${b.en} / ${b.zh}`);
  const what = sentence(p);
  const intro: Bilingual = {
    en: `Hello ${p.contact.name}, ${what.en} Please take a look.`,
    zh: `${p.contact.name}，您好：${what.zh}请尽快处理。`,
  };
  const priority = PRIORITY[p.priority] ?? { en: p.priority, zh: p.priority };
  const fields: Array<[Bilingual, string]> = [
    [{ en: 'Subject', zh: '主题' }, p.subject],
    [{ en: 'Department', zh: '部门' }, p.departmentName],
    [{ en: 'Priority', zh: '优先级' }, pair(priority)],
    ...(p.dueAt ? [[{ en: 'Due', zh: '截止时间' }, formatDueUtc(p.dueAt)] as [Bilingual, string]] : []),
  ];
  const links: Array<[Bilingual, string]> = [
    [{ en: 'Open ticket', zh: '查看工单' }, p.ticketUrl],
    ...(p.ackUrl ? [[{ en: 'Acknowledge', zh: '确认' }, p.ackUrl] as [Bilingual, string]] : []),
  ];
  const footer: Bilingual = { en: 'This message was sent automatically by MemberDesk.', zh: '此邮件由 MemberDesk 自动发送。' };
  const { text, html } = staffEmailBody({ zhFirst, intro, rows: fields.map(([label, value]) => ({ label, value })), links, footer });
  return { subject: `[${p.ticketNumber}] ${pair(headline(p))}`, text, html };
}

function metricOf(p: NotificationPayload): Bilingual {
  return p.metric ? METRIC_TEXT[p.metric] : { en: 'SLA target missed', zh: 'SLA 超时' };
}

/** The subject's words, after the ticket number. */
function headline(p: NotificationPayload): Bilingual {
  const metric = metricOf(p);
  switch (p.kind) {
    case 'ticket.urgent': return { en: 'Urgent ticket', zh: '紧急工单' };
    case 'survey.low_rating': return { en: `Member rated ${p.rating}/5: follow-up due`, zh: `会员评分 ${p.rating}/5，需回访` };
    case 'suggestion.digest': return { en: 'Suggestions digest', zh: '会员建议周报' };
    case 'sla.escalated': return { en: `Escalated to level ${p.level}: ${metric.en}`, zh: `已升级至第 ${p.level} 级：${metric.zh}` };
    case 'sla.breached': return { en: `SLA breached: ${metric.en}`, zh: metric.zh };
  }
}

/** The body's opening sentence, naming the ticket. */
function sentence(p: NotificationPayload): Bilingual {
  const metric = metricOf(p);
  const n = p.ticketNumber;
  switch (p.kind) {
    case 'ticket.urgent': return { en: `ticket ${n} is urgent.`, zh: `工单 ${n} 为紧急工单。` };
    case 'survey.low_rating': return { en: `the member rated ticket ${n} ${p.rating} out of 5, and a follow-up call is due.`, zh: `会员对工单 ${n} 的服务评分为 ${p.rating}/5，需要回访。` };
    case 'suggestion.digest': return { en: 'here is the weekly suggestions digest.', zh: '以下是本周会员建议汇总。' };
    case 'sla.escalated': return { en: `ticket ${n} has been escalated to you (level ${p.level}): ${metric.en}.`, zh: `工单 ${n} 已升级至您（第 ${p.level} 级）：${metric.zh}。` };
    case 'sla.breached': return { en: `ticket ${n} has breached its SLA: ${metric.en}.`, zh: `工单 ${n} 已超出 SLA：${metric.zh}。` };
  }
}
