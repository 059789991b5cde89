import { webApi, type types as slackTypes } from '@slack/bolt';
import { PermanentNotifyError, type HandledState, type Notifier, type NotificationPayload, type OutgoingNotification } from '../notification.js';
import { alertBlocks, type AlertMessageState } from './slack-blocks.js';

export type SlackWebClient = InstanceType<typeof webApi.WebClient>;

export interface SlackClientOptions {
  token: string;
  /** Base URL of the Web API, ending in `/api/`; tests point it at a fake. */
  apiUrl?: string;
}

/**
 * Client options shared by the notifier and the interactions app. No retries: the notification worker
 * owns retrying, and an interaction must finish inside Slack's 3 s window. Rate-limited calls reject at once
 * instead of sleeping out the Retry-After inside the client.
 */
export function slackClientOptions(apiUrl?: string): NonNullable<ConstructorParameters<typeof webApi.WebClient>[1]> {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // No default timeout: a hung call would outlive the worker's claim and the row be sent twice.
    timeout: 10_000,
    logLevel: webApi.LogLevel.ERROR,
  };
}

export function createSlackClient(opts: SlackClientOptions): SlackWebClient {
  return new webApi.WebClient(opts.token, slackClientOptions(opts.apiUrl));
}

/** Slack error codes that will not get better by retrying the same call. */
const PERMANENT_SLACK_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'invalid_auth',
  'account_inactive',
  'user_not_found',
  'is_archived',
  'not_authed',
  'token_revoked',
  'missing_scope',
  'invalid_blocks',
  'msg_too_long',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** The `error` of a Slack `{ok:false}` answer, if `err` is the web-api client's platform error. */
function slackErrorCode(err: unknown): string | null {
  if (!isRecord(err) || err.code !== webApi.ErrorCode.PlatformError || !isRecord(err.data)) return null;
  return typeof err.data.error === 'string' ? err.data.error : null;
}

/** Maps a web-api failure to what the worker understands: PermanentNotifyError (give up) or Error (retry). */
function toNotifyError(method: string, err: unknown): Error {
  const slackCode = slackErrorCode(err);
  if (slackCode !== null) {
    const message = `Slack ${method} failed: ${slackCode}`;
    return PERMANENT_SLACK_ERRORS.has(slackCode) ? new PermanentNotifyError(message) : new Error(message, { cause: err });
  }
  if (isRecord(err) && err.code === webApi.ErrorCode.RateLimitedError) {
    const after = typeof err.retryAfter === 'number' ? `, retry after ${err.retryAfter}s` : '';
    return new Error(`Slack ${method} rate limited${after}`, { cause: err });
  }
  if (isRecord(err) && err.code === webApi.ErrorCode.HTTPError) {
    return new Error(`Slack ${method} HTTP ${String(err.statusCode)}`, { cause: err });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new Error(`Slack ${method} request failed: ${detail}`, { cause: err });
}

// Our blocks are plain data (alertBlocks returns unknown[] so it stays free of SDK types); Slack validates them.
function asSlackBlocks(blocks: unknown[]): slackTypes.AnyBlock[] {
  return blocks as slackTypes.AnyBlock[];
}

/** `providerRef` is `channel:ts`; the ts itself contains a dot but never a colon. */
function parseProviderRef(providerRef: string): { channel: string; ts: string } {
  const at = providerRef.indexOf(':');
  if (at <= 0 || at === providerRef.length - 1) throw new PermanentNotifyError(`Bad Slack providerRef: ${providerRef}`);
  return { channel: providerRef.slice(0, at), ts: providerRef.slice(at + 1) };
}

/** Replaces a posted message's text and blocks; failures are mapped like `send`. */
export async function updateSlackMessage(
  client: SlackWebClient,
  providerRef: string,
  message: { text: string; blocks: unknown[] },
): Promise<void> {
  const { channel, ts } = parseProviderRef(providerRef);
  try {
    await client.chat.update({ channel, ts, text: message.text, blocks: asSlackBlocks(message.blocks) });
  } catch (err) {
    throw toNotifyError('chat.update', err);
  }
}

/** Re-renders an alert that was posted earlier (e.g. acknowledged from the console) to show who handled it. */
async function updateAlertMessage(
  client: SlackWebClient,
  providerRef: string,
  payload: NotificationPayload,
  state: AlertMessageState,
): Promise<void> {
  await updateSlackMessage(client, providerRef, alertBlocks(payload, state));
}

export class SlackNotifier implements Notifier {
  readonly channel = 'slack' as const;
  readonly client: SlackWebClient;

  constructor(opts: SlackClientOptions) {
    this.client = createSlackClient(opts);
  }

  async markHandled(sent: { providerRef: string; payload: NotificationPayload }, state: HandledState): Promise<void> {
    await updateAlertMessage(this.client, sent.providerRef, sent.payload, state);
  }

  async send(n: OutgoingNotification): Promise<{ providerRef: string | null }> {
    if (n.channel !== 'slack') throw new PermanentNotifyError(`SlackNotifier cannot send a ${n.channel} notification`);
    if (!n.target) throw new PermanentNotifyError('Slack notification has no target channel');
    const { text, blocks } = alertBlocks(n.payload);
    let result: { channel?: string; ts?: string };
    try {
      result = await this.client.chat.postMessage({ channel: n.target, text, blocks: asSlackBlocks(blocks) });
    } catch (err) {
      throw toNotifyError('chat.postMessage', err);
    }
    // Posting to a user id answers with the DM channel id; chat.update later needs that one, not the user id.
    const channel = result.channel ?? n.target;
    return { providerRef: result.ts ? `${channel}:${result.ts}` : null };
  }
}
