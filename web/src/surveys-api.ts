/**
 * Satisfaction surveys and follow-up tasks (回访) as the console reads them: GET /api/follow-ups,
 * POST /api/follow-ups/:id/done, GET /api/tickets/:id/surveys | follow-ups, and recording an answer
 * a member gave on a call. The member's own survey page has its own client (web/src/survey/).
 */
import { request, type Query } from './api';
import type { Items, Page } from './types';

export const FOLLOW_UP_STATUS_VIEWS = ['open', 'done', 'all'] as const;
export type FollowUpStatusView = (typeof FOLLOW_UP_STATUS_VIEWS)[number];

export const FOLLOW_UP_REASONS = ['low_rating', 'manual', 'rule'] as const;
export type FollowUpReason = (typeof FOLLOW_UP_REASONS)[number];

export const FOLLOW_UP_OUTCOMES = ['satisfied', 'not_satisfied', 'unreachable', 'other'] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];

export interface FollowUp {
  id: number;
  ticketId: number;
  ticketNumber: string;
  subject: string;
  departmentId: number;
  assigneeId: number | null;
  reason: FollowUpReason;
  surveyId: number | null;
  /** The survey answer's rating (1–5) behind a low-rating follow-up. */
  rating: number | null;
  status: 'open' | 'done' | 'cancelled';
  /** How to reach the member (call | email | wechat); null: the agent decides. */
  channel?: string | null;
  /** What to say, when the rule or the survey suggested it. */
  script?: string | null;
  dueAt: string;
  createdAt: string;
  doneAt: string | null;
  doneBy: number | null;
  outcome: FollowUpOutcome | null;
  note: string | null;
  /** Attempts made so far (an unreachable member is tried again until maxAttempts). */
  attempts?: number;
  maxAttempts?: number;
  ruleId?: number | null;
  /** The server's word that it is past due (else computed from dueAt). */
  overdue?: boolean;
  /** The answer to recording an outcome: not_satisfied reopened the solved ticket; unreachable scheduled another attempt. */
  reopened?: boolean;
  retried?: boolean;
}

export interface FollowUpQuery {
  status?: FollowUpStatusView;
  departmentId?: number | null;
  reason?: FollowUpReason | null;
  /** `me`, `none` or an agent id. */
  assigneeId?: string | null;
  /** 1: only those due now (or within the server's look-ahead). */
  due?: 1 | null;
  limit?: number;
  cursor?: string | null;
}

export const SURVEY_STATUSES = ['scheduled', 'sent', 'answered', 'cancelled', 'expired'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

export interface Survey {
  id: number;
  status: SurveyStatus;
  channel: 'email' | 'webchat' | 'wechat' | 'call';
  rating: number | null;
  comment: string | null;
  solvedAt: string;
  sendAt: string;
  sentAt: string | null;
  remindedAt: string | null;
  expiresAt: string | null;
  answeredAt: string | null;
  answeredVia: 'link' | 'widget' | 'wechat' | 'agent' | null;
  agentId: number | null;
  recordedBy: number | null;
  /** Why a cancelled survey was withdrawn: reopened, not_solved (the ticket was not solved any more when it was due), … */
  cancelReason?: string | null;
}

// ── follow-up rules (admins write, supervisors read) ──

// Restated from server/db/entities/follow-up-rule.entity.ts (an entity module imports typeorm, which the bundle must not).
export const FOLLOW_UP_TRIGGERS = ['solved', 'low_rating'] as const;
export type FollowUpTrigger = (typeof FOLLOW_UP_TRIGGERS)[number];
export const FOLLOW_UP_CHANNELS = ['call', 'email', 'wechat'] as const;
export type FollowUpChannel = (typeof FOLLOW_UP_CHANNELS)[number];
export interface FollowUpConditions { types?: string[]; tiers?: string[]; categories?: string[]; departmentIds?: number[]; channels?: string[] }

export const FOLLOW_UP_ASSIGN_TO = ['assignee', 'department'] as const;
export type FollowUpAssignTo = (typeof FOLLOW_UP_ASSIGN_TO)[number];

export interface FollowUpRuleInput {
  name: string;
  active: boolean;
  trigger: FollowUpTrigger;
  conditions: FollowUpConditions;
  delayDays: number;
  channel: FollowUpChannel;
  script: string | null;
  assignTo: FollowUpAssignTo;
  maxAttempts: number;
}

export interface FollowUpRule extends FollowUpRuleInput {
  id: number;
  position: number;
  createdAt?: string;
  updatedAt?: string;
}

// ── the follow-ups report ──

export const FOLLOW_UP_REPORT_BY = ['department', 'agent'] as const;
export type FollowUpReportBy = (typeof FOLLOW_UP_REPORT_BY)[number];

export interface FollowUpReportFigures {
  created?: number;
  due?: number;
  done?: number;
  overdue?: number;
  cancelled?: number;
  outcomes?: Partial<Record<FollowUpOutcome | string, number>>;
}

export interface FollowUpReport {
  period?: { from: string; to: string; tz?: string };
  totals: FollowUpReportFigures;
  rows: Array<FollowUpReportFigures & { key: string | number | null; label?: string | null }>;
}

const onlyRows = (r: FollowUpRule[] | Items<FollowUpRule>): FollowUpRule[] => (Array.isArray(r) ? r : r.items);

export const surveysApi = {
  followUps: (q: FollowUpQuery) => request<Page<FollowUp>>('GET', '/follow-ups', { query: { ...q } }),
  markDone: (id: number, body: { outcome: FollowUpOutcome; note?: string; retryInDays?: number }) => request<FollowUp>('POST', `/follow-ups/${id}/done`, { body }),
  createFollowUp: (ticketId: number, body: { dueAt: string; channel: string; script?: string; assigneeId?: number | null }) =>
    request<FollowUp>('POST', `/tickets/${ticketId}/follow-ups`, { body }),

  rules: async () => onlyRows(await request<FollowUpRule[] | Items<FollowUpRule>>('GET', '/follow-up-rules')),
  createRule: (body: FollowUpRuleInput) => request<FollowUpRule>('POST', '/follow-up-rules', { body }),
  updateRule: (id: number, body: Partial<FollowUpRuleInput>) => request<FollowUpRule>('PATCH', `/follow-up-rules/${id}`, { body }),
  deleteRule: (id: number) => request<void>('DELETE', `/follow-up-rules/${id}`),
  orderRules: (ids: number[]) => request<unknown>('PUT', '/follow-up-rules/order', { body: { ids } }),

  report: (query: Query) => request<FollowUpReport>('GET', '/reports/follow-ups', { query }),
  reportCsv: async (query: Query): Promise<{ blob: Blob; fileName: string }> => {
    const res = await request<Response>('GET', '/reports/follow-ups', { query: { ...query, format: 'csv' }, raw: true, headers: { accept: 'text/csv, */*' } });
    const header = res.headers.get('content-disposition');
    const name = header && /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header)?.[1];
    let fileName = `memberdesk-follow-ups-${String(query.by ?? '')}-${String(query.from ?? '').slice(0, 10)}.csv`;
    if (name) { try { fileName = decodeURIComponent(name.trim()); } catch { fileName = name.trim(); } }
    return { blob: await res.blob(), fileName };
  },

  ticketFollowUps: (ticketId: number) => request<Items<FollowUp>>('GET', `/tickets/${ticketId}/follow-ups`),
  ticketSurveys: (ticketId: number) => request<Items<Survey>>('GET', `/tickets/${ticketId}/surveys`),
  /** The member answered on the phone: the agent records it (the panel re-reads the ticket's surveys after). */
  recordAnswer: (ticketId: number, surveyId: number, body: { rating: number; comment?: string }) =>
    request<unknown>('POST', `/tickets/${ticketId}/surveys/${surveyId}/answer`, { body }),
};
