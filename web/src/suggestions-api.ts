/**
 * Suggestions (建议) as the console reads them: the departments' evaluation queue, decisions (one decision may
 * answer several alike suggestions), the member-facing templates a department may edit, and the suggestions report
 * (server/http/routes/suggestion.routes.ts).
 */
import { request, type Query } from './api';
import type { Channel, Language, Tier } from './types';

export const SUGGESTION_OUTCOMES = ['adopted', 'planned', 'declined'] as const;
export type SuggestionOutcome = (typeof SUGGESTION_OUTCOMES)[number];

export const SUGGESTION_STATES = ['awaiting', 'decided', 'all'] as const;
export type SuggestionState = (typeof SUGGESTION_STATES)[number];

/** The languages a template is written in (the member's language picks one). */
export const TEMPLATE_LANGUAGES = ['zh-Hans', 'zh-Hant', 'en'] as const;
export type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number];

export const TEMPLATE_PLACEHOLDERS = ['{ticketNumber}', '{summary}', '{effectiveOn}', '{department}'] as const;

/** A decision as the list carries it (server/suggestions/suggestion.service.ts DecisionSummary). */
export interface SuggestionDecision {
  id: number;
  outcome: SuggestionOutcome;
  summary: string;
  effectiveOn: string | null;
  decidedAt: string;
  decidedBy: number;
}

/** One suggestion of the evaluation queue (the server's SuggestionItem). */
export interface SuggestionItem {
  ticketId: number;
  number: string;
  subject: string;
  excerpt: string;
  departmentId: number;
  status: string;
  memberTier: Tier | string;
  channel: Channel;
  language: Language | string | null;
  createdAt: string;
  resolutionDueAt: string | null;
  resolutionBreached: boolean;
  decision: SuggestionDecision | null;
}

/** A decision with the suggestions it answers (the answer to deciding and to grouping). */
export interface DecisionView extends SuggestionDecision { departmentId: number; updatedAt: string; tickets: SuggestionItem[] }

export interface SuggestionQuery {
  state?: SuggestionState;
  departmentId?: number | null;
  q?: string;
  cursor?: string | null;
  limit?: number;
}

export interface DecisionInput {
  ticketIds: number[];
  outcome: SuggestionOutcome;
  summary: string;
  effectiveOn?: string;
}

export interface MessageTemplateView {
  key: string;
  language: TemplateLanguage;
  body: string;
  /** department: this department's own; installation: department 0's; builtin: the shipped default. */
  source: 'department' | 'installation' | 'builtin';
  departmentId: number;
  updatedAt: string | null;
  updatedBy: number | null;
}

/** One suggestion the period's figures concern. */
export interface SuggestionReportRow {
  ticketId: number;
  number: string;
  /** null for analysts. */
  subject: string | null;
  departmentId: number;
  createdAt: string;
  state: 'awaiting' | 'decided' | 'closed';
  outcome: SuggestionOutcome | null;
  decidedAt: string | null;
  dueAt: string | null;
  overdue: boolean;
}

export interface SuggestionReport {
  period: { from: string; to: string };
  new: number;
  decided: { adopted: number; planned: number; declined: number };
  awaiting: number;
  overdue: number;
  rows: SuggestionReportRow[];
}

/** Template keys: `suggestion.adopted` … */
export const templateKey = (o: SuggestionOutcome) => `suggestion.${o}`;

/** The member's language → the template's (other languages read the Simplified Chinese one). */
export function templateLanguage(language: string | null | undefined): TemplateLanguage {
  return language === 'en' || language === 'zh-Hant' ? language : 'zh-Hans';
}

/** A template with its placeholders filled, as the member will read it. */
export function fillTemplate(body: string, vars: { ticketNumber: string; summary: string; effectiveOn: string; department: string }): string {
  return body.replace(/\{(ticketNumber|summary|effectiveOn|department)\}/g, (_m, k: keyof typeof vars) => vars[k]);
}

/** As the server renders it (server/suggestions/template.ts): the summary ends a sentence. */
export function sentence(summary: string, language: TemplateLanguage): string {
  const s = summary.trim();
  if (!s || /[。！？.!?…」”)）]$/.test(s)) return s;
  return language === 'en' ? `${s}.` : `${s}。`;
}

/** `effectiveOn` as the member reads it: the date, or "to be announced" in their language. */
export function effectiveText(effectiveOn: string | null | undefined, language: TemplateLanguage): string {
  if (effectiveOn) return effectiveOn;
  return language === 'en' ? 'to be announced' : '另行通知';
}

async function csv(path: string, query: Query, fallback: string): Promise<{ blob: Blob; fileName: string }> {
  const res = await request<Response>('GET', path, { query: { ...query, format: 'csv' }, raw: true, headers: { accept: 'text/csv, */*' } });
  const header = res.headers.get('content-disposition');
  const name = header && /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header)?.[1];
  let fileName = fallback;
  if (name) { try { fileName = decodeURIComponent(name.trim()); } catch { fileName = name.trim(); } }
  return { blob: await res.blob(), fileName };
}

export const suggestionsApi = {
  list: (q: SuggestionQuery) => request<{ items: SuggestionItem[]; nextCursor: string | null }>('GET', '/suggestions', { query: { ...q } }),
  decide: (body: DecisionInput) => request<DecisionView>('POST', '/suggestions/decisions', { body }),
  addTickets: (decisionId: number, ticketIds: number[]) => request<DecisionView>('POST', `/suggestions/decisions/${decisionId}/tickets`, { body: { ticketIds } }),
  decision: (id: number) => request<DecisionView>('GET', `/suggestions/decisions/${id}`),
  templates: (departmentId: number) => request<{ departmentId: number; placeholders: string[]; items: MessageTemplateView[] }>('GET', '/suggestions/templates', { query: { departmentId } }),
  saveTemplate: (departmentId: number, key: string, language: string, body: string) =>
    request<MessageTemplateView>('PUT', `/suggestions/templates/${departmentId}/${encodeURIComponent(key)}/${encodeURIComponent(language)}`, { body: { body } }),
  resetTemplate: (departmentId: number, key: string, language: string) =>
    request<unknown>('DELETE', `/suggestions/templates/${departmentId}/${encodeURIComponent(key)}/${encodeURIComponent(language)}`),
  report: (query: Query) => request<SuggestionReport>('GET', '/reports/suggestions', { query }),
  reportCsv: (query: Query) => csv('/reports/suggestions', query, `memberdesk-suggestions-${String(query.from ?? '').slice(0, 10)}.csv`),
};
