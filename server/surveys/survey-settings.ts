/** How surveys behave (MEMBERDESK_SURVEY_* in the environment; docs/surveys.md). */
export interface SurveySettings {
  /** Minutes between the solve and the survey going out; 0 = at once. */
  delayMinutes: number;
  /** Days a survey can be answered after it was sent. */
  expiryDays: number;
  /** Hours after sending when one reminder goes out if still unanswered; 0 = no reminder. */
  reminderHours: number;
  /** Ratings up to this value open a follow-up (回访) for the ticket's department. */
  lowRatingMax: number;
}

export const DEFAULT_SURVEY_SETTINGS: SurveySettings = {
  delayMinutes: 0,
  expiryDays: 7,
  reminderHours: 48,
  lowRatingMax: 2,
};
