import type { Bilingual } from '../notify/alert-text.js';
import { addDays, instantOf, isTimeZone, localAt } from '../../sla/zone.js';
import { staffEmailBody } from '../notify/staff-email.js';

/**
 * The weekly suggestions digest, pure: when it is due (a weekday and local time in a zone) and what it
 * says (subject, text and HTML in Chinese and English, the contact's language first). The worker and the
 * report read the same figures (SuggestionService.figures).
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When the weekly digest goes out: a weekday and a local time in `timezone`; null schedule = off. */
export interface DigestSchedule { weekday: Weekday; hour: number; minute: number; timezone: string }

export const DEFAULT_DIGEST_SCHEDULE: DigestSchedule = { weekday: 'mon', hour: 9, minute: 0, timezone: 'Asia/Shanghai' };
/** What MEMBERDESK_SUGGESTION_DIGEST accepts: `off`, or `mon 09:00` with an optional IANA zone after it. */
export const DIGEST_SCHEDULE_PATTERN = '^(off|(mon|tue|wed|thu|fri|sat|sun) ([01][0-9]|2[0-3]):[0-5][0-9]( [A-Za-z_]+(/[A-Za-z0-9_+-]+)*)?)$';

/** `mon 09:00`, `fri 17:30 Europe/London`, `off` → the schedule (null: no digest); undefined for anything else. */
export function parseDigestSchedule(value: string): DigestSchedule | null | undefined {
  if (!new RegExp(DIGEST_SCHEDULE_PATTERN).test(value)) return undefined;
  if (value === 'off') return null;
  const [day, time, zone] = value.split(' ') as [Weekday, string, string | undefined];
  const timezone = zone ?? DEFAULT_DIGEST_SCHEDULE.timezone;
  if (!isTimeZone(timezone)) return undefined;
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return { weekday: day, hour, minute, timezone };
}

/** The latest scheduled time at or before `nowMs` (the week it closes is [at − 7 days, at)). */
export function latestDigestTime(s: DigestSchedule, nowMs: number): number {
  const local = localAt(s.timezone, nowMs);
  const today = { year: local.year, month: local.month, day: local.day };
  const weekday = new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay();
  const back = (weekday - WEEKDAYS.indexOf(s.weekday) + 7) % 7;
  let at = instantOf(s.timezone, { ...addDays(today, -back), hour: s.hour, minute: s.minute });
  if (at > nowMs) at = instantOf(s.timezone, { ...addDays(today, -back - 7), hour: s.hour, minute: s.minute });
  return at;
}

/**
 * The week a digest sent at `at` covers: from the previous scheduled time (the same local weekday and time a
 * week earlier, so a daylight-saving change in between neither drops nor counts an hour twice) to `at`.
 */
export function digestPeriod(s: DigestSchedule, at: number): { from: Date; to: Date } {
  return { from: new Date(latestDigestTime(s, at - 1)), to: new Date(at) };
}

/** The figures of a period (the digest and GET /api/reports/suggestions). */
export interface SuggestionCounts {
  /** Suggestions received in the period. */
  new: number;
  /** Suggestions (tickets, i.e. members told) decided in the period, by outcome. */
  decided: { adopted: number; planned: number; declined: number };
  /** Waiting for a decision now. */
  awaiting: number;
  /** Of those, past their decision deadline (or flagged breached). */
  overdue: number;
}

export interface DigestInput {
  departmentName: string;
  contact: { name: string; locale: string };
  /** ISO instants: [from, to). */
  period: { from: string; to: string };
  counts: SuggestionCounts;
  /** The overdue suggestions, oldest deadline first (at most a few dozen are listed). */
  overdue: Array<{ number: string; subject: string; dueAt: string | null }>;
  /** The console's suggestions queue. */
  queueUrl: string;
}

export interface DigestEmail { subject: string; text: string; html: string }

const MAX_LISTED = 20;

function day(iso: string): string {
  return iso.slice(0, 10);
}

export function digestEmail(p: DigestInput): DigestEmail {
  const zhFirst = p.contact.locale.startsWith('zh');
  const pair = (b: Bilingual) => (zhFirst ? `${b.zh} / ${b.en}` : `${b.en} / ${b.zh}`);
  const c = p.counts;
  const decidedTotal = c.decided.adopted + c.decided.planned + c.decided.declined;
  const range = `${day(p.period.from)} – ${day(new Date(new Date(p.period.to).getTime() - 1).toISOString())}`;
  const intro: Bilingual = {
    en: `Hello ${p.contact.name}, here are ${p.departmentName}'s member suggestions for the week ${range} (UTC dates).`,
    zh: `${p.contact.name}，您好：以下是${p.departmentName}本周（${range}，UTC 日期）的会员建议汇总。`,
  };
  // [label, value, indented under "Decided"]
  const lines: Array<[Bilingual, string, boolean]> = [
    [{ en: 'New suggestions', zh: '新建议' }, String(c.new), false],
    [{ en: 'Decided', zh: '已决定' }, String(decidedTotal), false],
    [{ en: 'adopted', zh: '采纳' }, String(c.decided.adopted), true],
    [{ en: 'planned', zh: '计划中' }, String(c.decided.planned), true],
    [{ en: 'declined', zh: '暂不采纳' }, String(c.decided.declined), true],
    [{ en: 'Awaiting a decision', zh: '待决定' }, String(c.awaiting), false],
    [{ en: 'Overdue', zh: '已超期' }, String(c.overdue), false],
  ];
  const listed = p.overdue.slice(0, MAX_LISTED);
  const overdueTitle: Bilingual = { en: 'Overdue suggestions', zh: '超期未决定的建议' };
  const more = p.overdue.length > listed.length ? p.overdue.length - listed.length : 0;
  const moreLine: Bilingual = { en: `… and ${more} more`, zh: `…… 另有 ${more} 条` };
  const queue: Bilingual = { en: 'Open the suggestions queue', zh: '打开建议评估队列' };
  const footer: Bilingual = { en: 'This weekly digest was sent automatically by MemberDesk.', zh: '此周报由 MemberDesk 自动发送。' };
  const itemLine = (o: DigestInput['overdue'][number]) => `${o.number}  ${o.subject}${o.dueAt ? `  (${o.dueAt.slice(0, 16).replace('T', ' ')} UTC)` : ''}`;

  const { text, html } = staffEmailBody({
    zhFirst, intro, footer,
    rows: lines.map(([label, value, indent]) => ({ label, value, indent })),
    list: { title: overdueTitle, items: listed.map(itemLine), ...(more ? { more: moreLine } : {}) },
    links: [[queue, p.queueUrl]],
  });

  const subject = pair({ en: `Suggestions this week: ${p.departmentName}: ${c.new} new, ${decidedTotal} decided, ${c.overdue} overdue`, zh: `本周会员建议：${p.departmentName}：新 ${c.new}，已决定 ${decidedTotal}，超期 ${c.overdue}` });
  return { subject, text, html };
}

/** The Slack line (no buttons): the same counts. */
export function digestSlackText(p: Pick<DigestInput, 'departmentName' | 'counts' | 'queueUrl'>): string {
  const c = p.counts;
  const decided = c.decided.adopted + c.decided.planned + c.decided.declined;
  return `Weekly suggestions digest / 会员建议周报 · ${p.departmentName}: new 新 ${c.new}, decided 已决定 ${decided} `
    + `(adopted 采纳 ${c.decided.adopted}, planned 计划 ${c.decided.planned}, declined 暂不采纳 ${c.decided.declined}), `
    + `awaiting 待决定 ${c.awaiting}, overdue 超期 ${c.overdue} · ${p.queueUrl}`;
}
