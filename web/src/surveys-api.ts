/**
 * Satisfaction surveys and follow-up tasks (回访) as the console reads them: GET /api/follow-ups,
 * POST /api/follow-ups/:id/done, GET /api/tickets/:id/surveys | follow-ups, and recording an answer
 * a member gave on a call. The member's own survey page has its own client (web/src/survey/).
 */
import { request } from './api';
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
}

export interface FollowUpQuery {
  status?: FollowUpStatusView;
  departmentId?: number | null;
  reason?: FollowUpReason | null;
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

export const surveysApi = {
  followUps: (q: FollowUpQuery) => request<Page<FollowUp>>('GET', '/follow-ups', { query: { ...q } }),
  markDone: (id: number, body: { outcome: FollowUpOutcome; note?: string }) => request<FollowUp>('POST', `/follow-ups/${id}/done`, { body }),
  ticketFollowUps: (ticketId: number) => request<Items<FollowUp>>('GET', `/tickets/${ticketId}/follow-ups`),
  ticketSurveys: (ticketId: number) => request<Items<Survey>>('GET', `/tickets/${ticketId}/surveys`),
  /** The member answered on the phone: the agent records it (the panel re-reads the ticket's surveys after). */
  recordAnswer: (ticketId: number, surveyId: number, body: { rating: number; comment?: string }) =>
    request<unknown>('POST', `/tickets/${ticketId}/surveys/${surveyId}/answer`, { body }),
};
