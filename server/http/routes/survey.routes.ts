import type { Router } from 'express';
import type { AnswerInput } from '../../surveys/survey.service.js';
import type { Services } from '../../services.js';
import { followUpRoutes } from './follow-up.routes.js';
import { defineRoute, idParams, int, nullable, obj, str, type ApiServices } from '../api.js';

const answerBody = obj({ rating: { type: 'integer', minimum: 1, maximum: 5 }, comment: nullable(str({ maxLength: 2000 })) }, ['rating']);
// A link token is `<surveyId>.<nonce>.<mac>`; anything else is refused by the schema before any lookup.
const tokenParams = obj({ token: str({ minLength: 10, maxLength: 120, pattern: '^[A-Za-z0-9._-]+$' }) }, ['token']);

/**
 * Satisfaction surveys (docs/surveys.md): the member's signed link (public, rate-limited per IP like every
 * public route), the ticket's surveys for agents, and an answer an agent records from a call. Follow-ups (回访) are registered from here: follow-up.routes.ts.
 */
export function surveyRoutes(r: Router, auth: ApiServices, s: Services): void {
  defineRoute<{ token: string }, never, never>(r, auth, {
    method: 'get', path: '/surveys/link/:token', tag: 'surveys', public: true, params: tokenParams,
    summary: 'The survey a member\'s link names, while it can be answered: {survey: {status, ticketNumber, subject, language, solvedAt}}. '
      + 'Errors: SURVEY_LINK_INVALID (400, altered or unknown), SURVEY_EXPIRED (410), SURVEY_CANCELLED (410, the ticket was reopened), SURVEY_ANSWERED (409, details.rating).',
  }, async ({ params }) => ({ survey: await s.surveys.linkInfo(params.token) }));

  defineRoute<{ token: string }, never, AnswerInput>(r, auth, {
    method: 'post', path: '/surveys/link/:token', tag: 'surveys', public: true, params: tokenParams, body: answerBody,
    summary: 'The member\'s answer through their link: rating 1–5 and an optional comment. Single use; same errors as GET.',
  }, ({ params, body }) => s.surveys.answerByLink(params.token, body));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'get', path: '/tickets/:id/surveys', tag: 'surveys', params: idParams,
    summary: 'The ticket\'s surveys, newest first: status (scheduled, sent, answered, cancelled, expired), channel, rating, comment and timeline.',
  }, ({ principal, params }) => s.surveys.listForTicket(principal, params.id));

  defineRoute<{ id: number; surveyId: number }, never, AnswerInput>(r, auth, {
    method: 'post', path: '/tickets/:id/surveys/:surveyId/answer', tag: 'surveys',
    params: obj({ id: int(), surveyId: int() }, ['id', 'surveyId']), body: answerBody,
    summary: 'Records the answer a member gave on a call (a phone-only ticket, or a member who would rather talk). The rating counts like any other; a low one opens a follow-up.',
  }, ({ principal, params, body }) => s.surveys.recordByAgent(principal, params.id, params.surveyId, body));

  // Follow-ups (回访) have their own routes (docs/follow-ups.md).
  followUpRoutes(r, auth, s);
}
