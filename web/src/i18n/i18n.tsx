import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en } from './en';
import { zhCN, type MessageKey, type Messages } from './zh-CN';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
export type { MessageKey };

const TABLES: Record<Locale, Messages> = { 'zh-CN': zhCN, en };
const LOCALE_KEY = 'memberdesk.locale';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** The remembered choice, else the browser's first language (Chinese of any region reads the zh-CN table). */
export function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(LOCALE_KEY);
    if (saved === 'zh-CN' || saved === 'en') return saved;
  } catch { /* no storage: fall through to the browser */ }
  const langs = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const l of langs) {
    if (/^zh\b/i.test(l)) return 'zh-CN';
    if (/^en\b/i.test(l)) return 'en';
  }
  return 'zh-CN';
}

export function translate(locale: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  const text: string = TABLES[locale][key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

/** A key that may not be in the table (server codes): its translation, or null. */
export function translateOptional(locale: Locale, key: string, vars?: Record<string, string | number>): string | null {
  return key in TABLES[locale] ? translate(locale, key as MessageKey, vars) : null;
}

interface I18n {
  locale: Locale;
  setLocale(l: Locale): void;
  t: Translate;
  /** For keys built from server values (event types, reason codes): null when the table has none. */
  tMaybe(key: string, vars?: Record<string, string | number>): string | null;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const setLocale = useCallback((l: Locale) => {
    setLocaleState(l);
    try { localStorage.setItem(LOCALE_KEY, l); } catch { /* remembered for this page only */ }
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = translate(locale, 'app.title');
  }, [locale]);
  const value = useMemo<I18n>(() => ({
    locale, setLocale,
    t: (key, vars) => translate(locale, key, vars),
    tMaybe: (key, vars) => translateOptional(locale, key, vars),
  }), [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
