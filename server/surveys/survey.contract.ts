/**
 * The surveys' vocabulary and API shape (docs/surveys.md), shared by the entity, the service and the console
 * (web/ imports this file, so it imports nothing).
 */
export const SURVEY_STATUSES = ['scheduled', 'sent', 'answered', 'cancelled', 'expired'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

/** How the member is asked: a link by email, inline in the chat widget, a 1–5 prompt on WeChat, or by an agent on a call. */
export const SURVEY_CHANNELS = ['email', 'webchat', 'wechat', 'call'] as const;
export type SurveyChannel = (typeof SURVEY_CHANNELS)[number];

export const SURVEY_ANSWER_VIA = ['link', 'widget', 'wechat', 'agent'] as const;
export type SurveyAnswerVia = (typeof SURVEY_ANSWER_VIA)[number];

/** A survey as the console sees it (GET /api/tickets/:id/surveys). */
export interface SurveyView {
  id: number; ticketId: number; status: SurveyStatus; channel: SurveyChannel; rating: number | null; comment: string | null;
  solvedAt: string; sendAt: string; sentAt: string | null; remindedAt: string | null; expiresAt: string | null; answeredAt: string | null;
  answeredVia: SurveyAnswerVia | null; agentId: number | null; departmentId: number; recordedBy: number | null;
  /** Why a cancelled survey was withdrawn: reopened, merged, not_solved. */
  cancelReason: string | null;
}
