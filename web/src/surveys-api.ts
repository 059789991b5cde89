/**
 * Satisfaction surveys and follow-up tasks (回访) as the console reads them: GET /api/follow-ups,
 * POST /api/follow-ups/:id/done, GET /api/tickets/:id/surveys | follow-ups, and recording an answer
 * a member gave on a call. The member's own survey page has its own client (web/src/survey/).
 */
import { request, type Query } from './api';
import type { Items, Page } from './types';
import type { SurveyView } from '../../server/surveys/survey.contract';
import type { FollowUpAssignTo, FollowUpChannel, FollowUpConditions, FollowUpOutcome, FollowUpReason, FollowUpReport, FollowUpTrigger, OutcomeResult } from '../../server/follow-ups/follow-up.contract';

// The vocabulary and answers' shapes are the server's own (dependency-free) contract: one definition, no drift.
export {
  FOLLOW_UP_ASSIGN_TO, FOLLOW_UP_CHANNELS, FOLLOW_UP_OUTCOMES, FOLLOW_UP_REASONS, FOLLOW_UP_REPORT_BY, FOLLOW_UP_TRIGGERS,
  type FollowUpAssignTo, type FollowUpChannel, type FollowUpConditions, type FollowUpFigures as FollowUpReportFigures, type FollowUpOutcome,
  type FollowUpReason, type FollowUpReport, type FollowUpReportBy, type FollowUpTrigger,
} from '../../server/follow-ups/follow-up.contract';

export const FOLLOW_UP_STATUS_VIEWS = ['open', 'done', 'all'] as const;
export type FollowUpStatusView = (typeof FOLLOW_UP_STATUS_VIEWS)[number];

/** A follow-up as the API answers it (after recording an outcome: whether the ticket was reopened or the call rescheduled). */
export type FollowUp = OutcomeResult;

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

export { SURVEY_STATUSES, type SurveyStatus } from '../../server/surveys/survey.contract';
/** A survey as GET /api/tickets/:id/surveys answers it. */
export type Survey = SurveyView;

// ── follow-up rules (admins write, supervisors read) ──

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


const onlyRows = (r: FollowUpRule[] | Items<FollowUpRule>): FollowUpRule[] => (Array.isArray(r) ? r : r.items);

export const surveysApi = {
  followUps: (q: FollowUpQuery) => request<Page<FollowUp>>('GET', '/follow-ups', { query: { ...q } }),
  markDone: (id: number, body: { outcome: FollowUpOutcome; note?: string; retryInDays?: number }) => request<FollowUp>('POST', `/follow-ups/${id}/done`, { body }),
  /** POST /api/tickets/:id/follow-ups (reason manual): dueAt an ISO instant; assigneeId an agent of the ticket's department (UNKNOWN_AGENT, 422, otherwise). */
  createFollowUp: (ticketId: number, body: { dueAt: string; channel: FollowUpChannel; script?: string | null; assigneeId?: number | null; maxAttempts?: number }) =>
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
