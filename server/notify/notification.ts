import type { DigestInput } from '../suggestions/digest.js';

/**
 * What staff are told about an SLA alert or an unhappy member (Slack message, email). Carries no member
 * contact data: only the ticket's number, subject and department, and links into the console.
 */
export interface NotificationPayload {
  /** `survey.low_rating`: a member rated the service low; a follow-up (回访) is due at `dueAt`. */
  kind: 'sla.breached' | 'sla.escalated' | 'ticket.urgent' | 'survey.low_rating' | 'suggestion.digest';
  /** The SLA alert; 0 for a low rating (nothing to acknowledge: the follow-up is done in the console). */
  alertId: number;
  /** The rating, for `survey.low_rating`. */
  rating?: number;
  ticketId: number;
  ticketNumber: string;
  subject: string;
  departmentName: string;
  priority: string;
  /** first_response | next_response | resolution; null for an urgent-ticket alert. */
  metric: 'first_response' | 'next_response' | 'resolution' | null;
  /** Escalation level this notification is for (1 = department head). */
  level: number;
  /** ISO time of the breached deadline; null for an urgent-ticket alert. */
  dueAt: string | null;
  /** The contact being notified (agent id and display name), and their Slack user to mention. */
  contact: { agentId: number; name: string; slackUserId: string | null; locale: string };
  /** Console link to the ticket. */
  ticketUrl: string;
  /** Email only: a signed link to acknowledge (confirmation page, POST on click). */
  ackUrl?: string;
  /** `suggestion.digest`: the weekly suggestions digest (docs/suggestions.md); ticket fields are empty, ticketId 0. */
  digest?: DigestInput;
}

/** A notification row as a sender sees it. */
export interface OutgoingNotification {
  id: number;
  channel: 'slack' | 'email';
  /** Slack channel or user id; or the staff email address. */
  target: string;
  payload: NotificationPayload;
}

/** Sends one notification; `providerRef` is kept on the row (Slack `channel:ts`, SMTP message id). */
export interface Notifier {
  readonly channel: 'slack' | 'email';
  send(n: OutgoingNotification): Promise<{ providerRef: string | null }>;
  /** Optional: show on what was sent that someone handled the alert (Slack edits its message; mail cannot). */
  markHandled?(sent: { providerRef: string; payload: NotificationPayload }, state: HandledState): Promise<void>;
}

/** Who handled an alert, as shown on the notifications already sent about it. */
export interface HandledState { acknowledgedBy?: string; takenOverBy?: string }

/** A failure the worker should not retry (bad channel, unknown user, no transport): the row fails at once. */
export class PermanentNotifyError extends Error {
  readonly permanent = true;
}

/** What a click on Acknowledge / Take over does; implemented by the escalation service. */
export interface AlertActionInput { alertId: number; slackUserId: string; messageRef?: string }

export interface AlertActions {
  /** `messageRef`: the clicked message (`channel:ts`), which the click handler edits itself. */
  acknowledge(input: AlertActionInput): Promise<AlertActionResult>;
  takeOver(input: AlertActionInput): Promise<AlertActionResult>;
}

export type AlertActionResult =
  | { ok: true; ticketNumber: string; agentName: string; action: 'acknowledged' | 'taken_over' }
  | { ok: false; message: string };
