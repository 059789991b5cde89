import { App, ExpressReceiver, LogLevel, type AllMiddlewareArgs, type BlockAction, type ButtonAction, type Logger, type SlackActionMiddlewareArgs } from '@slack/bolt';
import type { AlertActionResult, AlertActions } from '../notification.js';
import {
  ACKNOWLEDGE_ACTION_ID,
  OPEN_TICKET_ACTION_ID,
  TAKE_OVER_ACTION_ID,
  stateLines,
  withAlertState,
  type AlertMessageState,
} from './slack-blocks.js';
import { slackClientOptions, updateSlackMessage } from './slack.notifier.js';

export interface InteractionLog {
  warn(msg: string, meta?: object): void;
}

export interface SlackInteractionsOptions {
  signingSecret: string;
  /** Bot token (xoxb-…) used for chat.update. */
  token: string;
  /** Web API base URL ending in `/api/`; tests point it at a fake. */
  apiUrl?: string;
  actions: AlertActions;
  log?: InteractionLog;
}

export interface SlackInteractions {
  /** Mount before any body parser: Bolt verifies the signature over the raw body. Serves POST /slack/events. */
  router: ExpressReceiver['router'];
  app: App;
}

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
type AlertVerb = 'acknowledge' | 'takeOver';

const consoleLog: InteractionLog = { warn: (msg, meta) => console.warn(msg, meta ?? '') };

/** Routes Bolt's own warnings (e.g. a failed signature check) into our log; debug/info chatter is dropped. */
function boltLogger(log: InteractionLog): Logger {
  let level = LogLevel.WARN;
  const text = (parts: unknown[]): string => parts.map((p) => (typeof p === 'string' ? p : String(p))).join(' ');
  return {
    debug: () => {},
    info: () => {},
    warn: (...msg: unknown[]) => log.warn(`slack: ${text(msg)}`),
    error: (...msg: unknown[]) => log.warn(`slack error: ${text(msg)}`),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/** Alert ids are positive integers we put there ourselves; anything else is a stale or tampered button. */
function parseAlertId(value: string | undefined): number | null {
  if (!value || !/^[1-9][0-9]{0,15}$/.test(value)) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : null;
}

function stringField(obj: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' ? v : undefined;
}

function stateFor(result: Extract<AlertActionResult, { ok: true }>): AlertMessageState {
  return result.action === 'taken_over' ? { takenOverBy: result.agentName } : { acknowledgedBy: result.agentName };
}

/** The clicked message as our notifications record it (`channel:ts`), when Slack says which it was. */
function clickedMessage(body: ButtonArgs['body']): string | undefined {
  const channel = body.channel?.id ?? stringField(body.container, 'channel_id');
  const ts = body.message?.ts ?? stringField(body.container, 'message_ts');
  return channel && ts ? `${channel}:${ts}` : undefined;
}

/** Edits the clicked message at once for the person who clicked; the other copies are edited in the background. */
async function showHandled(args: ButtonArgs, state: AlertMessageState): Promise<void> {
  const { body, client } = args;
  const ref = clickedMessage(body);
  const blocks: unknown = body.message?.blocks;
  const line = stateLines(state).join('\n');
  if (ref && Array.isArray(blocks)) {
    const original = typeof body.message?.text === 'string' ? `${body.message.text} — ` : '';
    await updateSlackMessage(client, ref, { text: `${original}${line}`, blocks: withAlertState(blocks, state) });
    return;
  }
  // No message to edit (ephemeral alert, or Slack left it out): at least tell the person who clicked.
  await args.respond({ response_type: 'ephemeral', replace_original: false, text: line });
}

function alertHandler(verb: AlertVerb, actions: AlertActions, log: InteractionLog) {
  return async (args: ButtonArgs): Promise<void> => {
    // Ack first: Slack gives up after 3 s; the work goes on after the answer (processBeforeResponse is off).
    await args.ack();
    const { body, action } = args;
    try {
      const alertId = parseAlertId(action.value);
      if (alertId === null) {
        log.warn('slack: alert button with a bad value', { actionId: action.action_id, user: body.user.id });
        await args.respond({ response_type: 'ephemeral', replace_original: false, text: 'This alert button is no longer valid. / 此提醒按钮已失效。' });
        return;
      }
      const input = { alertId, slackUserId: body.user.id, messageRef: clickedMessage(body) };
      const result = verb === 'acknowledge' ? await actions.acknowledge(input) : await actions.takeOver(input);
      if (!result.ok) {
        await args.respond({ response_type: 'ephemeral', replace_original: false, text: result.message });
        return;
      }
      await showHandled(args, stateFor(result));
    } catch (err) {
      log.warn(`slack: ${verb} handler failed`, { error: err instanceof Error ? err.message : String(err), user: body.user.id });
    }
  };
}

/** Bolt app + Express router for the Acknowledge / Take over buttons on SLA alerts. */
export function createSlackInteractions(opts: SlackInteractionsOptions): SlackInteractions {
  const log = opts.log ?? consoleLog;
  const logger = boltLogger(log);
  const receiver = new ExpressReceiver({
    signingSecret: opts.signingSecret,
    endpoints: '/slack/events',
    // A long-running server: answer Slack at ack(), then do the work (true is for function platforms).
    processBeforeResponse: false,
    logger,
  });
  const app = new App({
    receiver,
    logger,
    // A fixed single-workspace token: no auth.test round trip at start-up or on the first click.
    authorize: async () => ({ botToken: opts.token }),
    clientOptions: slackClientOptions(opts.apiUrl),
  });

  app.action<BlockAction<ButtonAction>>(ACKNOWLEDGE_ACTION_ID, alertHandler('acknowledge', opts.actions, log));
  app.action<BlockAction<ButtonAction>>(TAKE_OVER_ACTION_ID, alertHandler('takeOver', opts.actions, log));
  // The "Open ticket" link button also posts an interaction; unacked, Slack shows the user a warning.
  app.action(OPEN_TICKET_ACTION_ID, async ({ ack }) => {
    await ack();
  });
  app.error(async (error) => {
    log.warn('slack: unhandled error in Bolt', { error: error.message });
  });

  return { router: receiver.router, app };
}
