/**
 * What the dashboard shows (period, filters, trend interval, breakdown dimension), remembered in
 * localStorage like the queue's filters, and the report query it makes. Periods are calendar days
 * in the browser's time zone: `from` is the first day, `to` the day after the last (midnights in `tz`).
 */
import { BREAKDOWN_DIMENSIONS, TREND_INTERVALS, type BreakdownBy, type ReportFilters, type TrendInterval } from '../../reports-api';
import { CHANNELS, TICKET_TYPES, TIERS, type Channel, type Tier, type TicketType } from '../../types';

export const PERIOD_PRESETS = ['last7', 'last30', 'thisMonth', 'lastMonth', 'custom'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export interface ReportSettings {
  preset: PeriodPreset;
  /** Custom period: first and last day, inclusive (YYYY-MM-DD). */
  customFrom: string;
  customTo: string;
  departmentId: number | null;
  agentId: number | null;
  category: string | null;
  channel: Channel | null;
  tier: Tier | null;
  type: TicketType | null;
  interval: TrendInterval;
  by: BreakdownBy;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A local calendar day as YYYY-MM-DD (what <input type=date> reads and writes). */
export function dayString(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** YYYY-MM-DD → that day's local midnight; null for anything else. */
export function parseDay(s: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getMonth() === Number(m[2]) - 1 ? d : null;
}

function addDays(d: Date, days: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days);
}

export interface PeriodRange { from: Date; to: Date }

export { MAX_PERIOD_DAYS } from '../../reports-api';
import { MAX_PERIOD_DAYS } from '../../reports-api';

/** What is wrong with a custom period, if anything: missing days, last before first, longer than the server covers. */
export function customPeriodProblem(s: Pick<ReportSettings, 'preset' | 'customFrom' | 'customTo'>): 'incomplete' | 'reversed' | 'tooLong' | null {
  if (s.preset !== 'custom') return null;
  const from = parseDay(s.customFrom);
  const last = parseDay(s.customTo);
  if (!from || !last) return 'incomplete';
  if (last < from) return 'reversed';
  return Math.round((addDays(last, 1).getTime() - from.getTime()) / 86_400_000) > MAX_PERIOD_DAYS ? 'tooLong' : null;
}

/** The preset's days, `to` exclusive; null when a custom period is incomplete or backwards. */
export function periodRange(s: Pick<ReportSettings, 'preset' | 'customFrom' | 'customTo'>, now = new Date()): PeriodRange | null {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const tomorrow = addDays(today, 1);
  switch (s.preset) {
    case 'last7': return { from: addDays(today, -6), to: tomorrow };
    case 'last30': return { from: addDays(today, -29), to: tomorrow };
    case 'thisMonth': return { from: new Date(today.getFullYear(), today.getMonth(), 1), to: tomorrow };
    case 'lastMonth': return { from: new Date(today.getFullYear(), today.getMonth() - 1, 1), to: new Date(today.getFullYear(), today.getMonth(), 1) };
    case 'custom': {
      const from = parseDay(s.customFrom);
      const last = parseDay(s.customTo);
      if (!from || !last || customPeriodProblem(s)) return null;
      return { from, to: addDays(last, 1) };
    }
  }
}

/** The browser's IANA time zone: the period's days and the trend's buckets are this zone's calendar. */
export function browserTimeZone(): string | undefined {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined; } catch { return undefined; }
}

/** Days as dates the server reads as midnight in `tz`: the query (and the CSV's file name) says which days. */
export function reportFilters(s: ReportSettings, range: PeriodRange, tz = browserTimeZone()): ReportFilters {
  return {
    from: tz ? dayString(range.from) : range.from.toISOString(), to: tz ? dayString(range.to) : range.to.toISOString(), tz,
    departmentId: s.departmentId, agentId: s.agentId,
    category: s.category, channel: s.channel, tier: s.tier, type: s.type,
  };
}

export function defaultSettings(now = new Date()): ReportSettings {
  return {
    preset: 'last30', customFrom: dayString(addDays(now, -29)), customTo: dayString(now),
    departmentId: null, agentId: null, category: null, channel: null, tier: null, type: null, interval: 'day', by: 'department',
  };
}

export const DIMENSION_FILTERS = ['departmentId', 'agentId', 'category', 'channel', 'tier', 'type'] as const;

export function dimensionsActive(s: ReportSettings): boolean {
  return DIMENSION_FILTERS.some((k) => s[k] !== null);
}

const KEY = 'memberdesk.reports';

const oneOf = <T extends string>(list: readonly T[], v: unknown): T | null => (list as readonly unknown[]).includes(v) ? v as T : null;
const positiveInt = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);

/** The remembered settings; anything unreadable falls back to the default. */
export function loadSettings(): ReportSettings {
  const d = defaultSettings();
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<Record<keyof ReportSettings, unknown>> | null;
    if (!raw || typeof raw !== 'object') return d;
    return {
      preset: oneOf(PERIOD_PRESETS, raw.preset) ?? d.preset,
      customFrom: typeof raw.customFrom === 'string' && parseDay(raw.customFrom) ? raw.customFrom : d.customFrom,
      customTo: typeof raw.customTo === 'string' && parseDay(raw.customTo) ? raw.customTo : d.customTo,
      departmentId: positiveInt(raw.departmentId),
      agentId: positiveInt(raw.agentId),
      category: typeof raw.category === 'string' && raw.category ? raw.category : null,
      channel: oneOf(CHANNELS, raw.channel),
      tier: oneOf(TIERS, raw.tier),
      type: oneOf(TICKET_TYPES, raw.type),
      interval: oneOf(TREND_INTERVALS, raw.interval) ?? d.interval,
      by: oneOf(BREAKDOWN_DIMENSIONS, raw.by) ?? d.by,
    };
  } catch {
    return d;
  }
}

export function saveSettings(s: ReportSettings): void {
  try { localStorage.setItem(KEY, JSON.stringify(s)); } catch { /* remembered for this page only */ }
}
