import type { Locale, Translate } from './i18n/i18n';

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
function dtf(locale: Locale, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(opts)}`;
  let f = dateTimeFormats.get(key);
  if (!f) dateTimeFormats.set(key, (f = new Intl.DateTimeFormat(locale, opts)));
  return f;
}

/** Today: the time; this year: day and time; older: the full date. */
export function formatTime(iso: string | null | undefined, locale: Locale, now = Date.now()): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return dtf(locale, { hour: '2-digit', minute: '2-digit' }).format(d);
  if (d.getFullYear() === today.getFullYear()) return dtf(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
  return dtf(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

export function formatFullTime(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '—';
  return dtf(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso));
}

export function formatRelative(iso: string, locale: Locale, now: number): string {
  const diffS = Math.round((Date.parse(iso) - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  const abs = Math.abs(diffS);
  if (abs < 60) return rtf.format(0, 'minute');
  if (abs < 3600) return rtf.format(Math.round(diffS / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(diffS / 3600), 'hour');
  return rtf.format(Math.round(diffS / 86_400), 'day');
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Time left on a clock: seconds while under an hour (agents watch those tick), coarser beyond. Negative: overdue. */
export function formatCountdown(ms: number, t: Translate): string {
  const sign = ms < 0 ? '−' : '';
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return sign + t('duration.dh', { d, h });
  if (h > 0) return sign + t('duration.hm', { h, m: pad(m) });
  return `${sign}${pad(m)}:${pad(s % 60)}`;
}

/** Working minutes as the SLA view gives them. */
export function formatMinutes(minutes: number, t: Translate): string {
  const whole = Math.round(Math.abs(minutes));
  const h = Math.floor(whole / 60);
  const m = whole % 60;
  const text = h > 0 ? t('duration.hm', { h, m: pad(m) }) : t('duration.m', { m });
  return minutes < 0 ? `−${text}` : text;
}

export function formatCallDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${m}:${pad(seconds % 60)}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function initials(name: string): string {
  // "王芳 Wang Fang" → "王芳"; "Tom Chen" → "TC".
  const cjk = name.match(/[\u3400-\u9fff]+/);
  if (cjk) return cjk[0].slice(0, 2);
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]!.toUpperCase()).join('');
}
