import type { Period } from '../reports/report.types.js';

/**
 * The follow-ups' vocabulary and API shapes (docs/follow-ups.md), shared by the entities, the services and
 * the console (web/ imports this file, so it imports nothing but types).
 */
export const FOLLOW_UP_STATUSES = ['open', 'done', 'cancelled'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** Why a follow-up exists: an unhappy survey answer, an agent's own, or a rule. */
export const FOLLOW_UP_REASONS = ['low_rating', 'manual', 'rule'] as const;
export type FollowUpReason = (typeof FOLLOW_UP_REASONS)[number];

export const FOLLOW_UP_OUTCOMES = ['satisfied', 'not_satisfied', 'unreachable', 'other'] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];

/** What starts a rule: a ticket solved, or a survey answered at or under the low-rating threshold. */
export const FOLLOW_UP_TRIGGERS = ['solved', 'low_rating'] as const;
export type FollowUpTrigger = (typeof FOLLOW_UP_TRIGGERS)[number];

export const FOLLOW_UP_CHANNELS = ['call', 'email', 'wechat'] as const;
export type FollowUpChannel = (typeof FOLLOW_UP_CHANNELS)[number];

export const FOLLOW_UP_ASSIGN_TO = ['assignee', 'department'] as const;
export type FollowUpAssignTo = (typeof FOLLOW_UP_ASSIGN_TO)[number];

/** Which tickets a rule applies to; every key given must match (absent: any). */
export interface FollowUpConditions {
  types?: string[];
  tiers?: string[];
  categories?: string[];
  departmentIds?: number[];
  channels?: string[];
}

/** A follow-up as the API answers it. */
export interface FollowUpView {
  id: number; ticketId: number; ticketNumber: string; subject: string; departmentId: number; assigneeId: number | null;
  reason: FollowUpReason; surveyId: number | null; rating: number | null; status: FollowUpStatus; channel: string | null; script: string | null;
  dueAt: string; createdAt: string; doneAt: string | null; doneBy: number | null; outcome: FollowUpOutcome | null; note: string | null;
  attempts: number; maxAttempts: number; ruleId: number | null; createdBy: number | null; dueNotifiedAt: string | null;
  /** Open and past its due time (at the moment of the read). */
  overdue: boolean;
}

/** What recording an outcome did: the follow-up after it and, for not_satisfied, whether the ticket was reopened. */
export interface OutcomeResult extends FollowUpView { reopened?: boolean; retried?: boolean }

export const FOLLOW_UP_REPORT_BY = ['department', 'agent'] as const;
export type FollowUpReportBy = (typeof FOLLOW_UP_REPORT_BY)[number];

/** The figures of one group (docs/follow-ups.md, "Reports", has the exact definitions). */
export interface FollowUpFigures {
  created: number;
  due: number;
  done: number;
  overdue: number;
  cancelled: number;
  outcomes: Record<FollowUpOutcome, number>;
}

export interface FollowUpReport {
  period: Period;
  by: FollowUpReportBy;
  /** The instant `overdue` was counted at: min(to, now). */
  overdueAsOf: string;
  totals: FollowUpFigures;
  rows: Array<{ key: number | null; label: string } & FollowUpFigures>;
}
