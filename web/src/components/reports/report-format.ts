import { useEffect, useMemo, useState } from 'react';
import { asApiError, type ApiError } from '../../api';
import { useI18n, type Locale, type Translate } from '../../i18n/i18n';
import type { TrendInterval } from '../../reports-api';

export interface ReportFormat {
  /** Whole numbers with the locale's grouping. */
  count(n: number | null | undefined): string;
  /** A fraction 0..1 as a percentage. */
  percent(f: number | null | undefined): string;
  /** Working minutes as hours and minutes. */
  minutes(m: number | null | undefined): string;
  /** A 1–5 rating average. */
  rating(r: number | null | undefined): string;
}

/** Numbers as the locale writes them; null (nothing measured) as "—". */
export function useReportFormat(): ReportFormat {
  const { t, locale } = useI18n();
  return useMemo(() => {
    const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    const dec = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
    const none = (v: number | null | undefined): v is null | undefined => v === null || v === undefined || !Number.isFinite(v);
    return {
      count: (n) => (none(n) ? '—' : int.format(n)),
      percent: (f) => (none(f) ? '—' : pct.format(f)),
      minutes: (m) => (none(m) ? '—' : reportMinutes(m, t)),
      rating: (r) => (none(r) ? '—' : dec.format(r)),
    };
  }, [t, locale]);
}

/** Working minutes as hours and minutes ("1 小时 30 分", "45 分钟", "12 小时"). */
export function reportMinutes(minutes: number, t: Translate): string {
  const whole = Math.round(Math.abs(minutes));
  const h = Math.floor(whole / 60);
  const m = whole % 60;
  const text = h === 0 ? t('reports.duration.m', { m }) : m === 0 ? t('reports.duration.h', { h }) : t('reports.duration.hm', { h, m });
  return minutes < 0 ? `−${text}` : text;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dtf(locale: Locale, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(opts)}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale, opts)));
  return f;
}

/** A calendar day, long enough to stand alone (a period's ends, a tooltip). */
export function formatDay(d: Date, locale: Locale): string {
  return dtf(locale, { year: 'numeric', month: 'short', day: 'numeric' }).format(d);
}

/** A trend bucket's start under the x axis: short. */
export function bucketTick(iso: string, interval: TrendInterval, locale: Locale): string {
  const d = new Date(iso);
  return interval === 'month'
    ? dtf(locale, { year: '2-digit', month: 'short' }).format(d)
    : dtf(locale, { month: 'numeric', day: 'numeric' }).format(d);
}

/** A trend bucket's start in a tooltip or table: the day, or the month with its year. */
export function bucketLabel(iso: string, interval: TrendInterval, locale: Locale): string {
  const d = new Date(iso);
  return interval === 'month' ? dtf(locale, { year: 'numeric', month: 'long' }).format(d) : formatDay(d, locale);
}

export interface Loaded<T> { data: T | null; error: ApiError | null; loading: boolean; reload(): void }

/**
 * One report read: re-run whenever `key` (the query) changes; the previous answer stays on screen
 * while the next loads, and an error replaces it (stale figures under new filters would mislead).
 */
export function useReport<T>(load: () => Promise<T>, key: string | null): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: ApiError | null; loading: boolean }>({ data: null, error: null, loading: key !== null });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (key === null) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    let live = true;
    setState((s) => ({ ...s, error: null, loading: true }));
    load().then(
      (data) => { if (live) setState({ data, error: null, loading: false }); },
      (err: unknown) => { if (live) setState({ data: null, error: asApiError(err), loading: false }); },
    );
    return () => { live = false; };
    // `load` is a new closure on every render; the query it sends is what `key` names.
  }, [key, attempt]);
  return useMemo(() => ({ ...state, reload: () => setAttempt((n) => n + 1) }), [state]);
}
