import { formatDueUtc, METRIC_TEXT } from '../alert-text.js';
import type { NotificationPayload } from '../notification.js';
import { digestSlackText } from '../../suggestions/digest.js';

/** Who already handled the alert; when set, the message no longer offers the action buttons. */
export interface AlertMessageState {
  acknowledgedBy?: string;
  takenOverBy?: string;
}

export const ACKNOWLEDGE_ACTION_ID = 'sla_acknowledge';
export const TAKE_OVER_ACTION_ID = 'sla_take_over';
/** Slack sends a block_actions request for link buttons too; the app must ack it. */
export const OPEN_TICKET_ACTION_ID = 'open_ticket';

const ACTIONS_BLOCK_ID = 'sla_alert_actions';
const STATE_BLOCK_ID = 'sla_alert_state';

// Slack rejects a whole message whose header or field text is over its limits, so we cut rather than fail.
const HEADER_MAX = 150;
const FIELD_MAX = 1900;

/** Slack's mrkdwn treats only these three as control characters. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** "SLA breached · 首次响应超时 / First response overdue", without the ticket number. */
function alertHeadline(payload: NotificationPayload): string {
  if (payload.kind === 'ticket.urgent') return 'Urgent ticket / 紧急工单';
  if (payload.kind === 'survey.low_rating') return `Member rated ${payload.rating}/5: follow-up due / 会员评分 ${payload.rating}/5，需回访`;
  const metric = payload.metric ? METRIC_TEXT[payload.metric] : null;
  const metricText = metric ? ` · ${metric.zh} / ${metric.en[0]!.toUpperCase()}${metric.en.slice(1)}` : '';
  if (payload.kind === 'sla.escalated') {
    return `SLA escalated to level ${payload.level} / 已升级至第 ${payload.level} 级${metricText}`;
  }
  return `SLA breached${metricText}`;
}

// Only a well-formed user id goes inside <@…>, so a bad value can't turn into a broadcast or a link.
function mentionOf(slackUserId: string | null): string | null {
  return slackUserId && /^[UW][A-Z0-9]{2,}$/.test(slackUserId) ? `<@${slackUserId}>` : null;
}

function field(label: string, value: string): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: `*${label}*\n${cut(value, FIELD_MAX)}` };
}

function openTicketButton(payload: NotificationPayload): Record<string, unknown> {
  return {
    type: 'button',
    action_id: OPEN_TICKET_ACTION_ID,
    text: { type: 'plain_text', text: 'Open ticket / 打开工单' },
    url: payload.ticketUrl,
  };
}

/** The context line that replaces the buttons once someone has acted. */
export function stateLines(state: AlertMessageState): string[] {
  const lines: string[] = [];
  if (state.acknowledgedBy) lines.push(`:white_check_mark: Acknowledged by ${escapeMrkdwn(state.acknowledgedBy)} / 已确认`);
  if (state.takenOverBy) lines.push(`:raising_hand: Taken over by ${escapeMrkdwn(state.takenOverBy)} / 已接手`);
  return lines;
}

function stateBlock(state: AlertMessageState): Record<string, unknown> {
  return {
    type: 'context',
    block_id: STATE_BLOCK_ID,
    elements: stateLines(state).map((text) => ({ type: 'mrkdwn', text })),
  };
}

function hasState(state: AlertMessageState | undefined): state is AlertMessageState {
  return !!state && (!!state.acknowledgedBy || !!state.takenOverBy);
}

/** The Block Kit alert posted to Slack, and its plain fallback for notifications. */
export function alertBlocks(payload: NotificationPayload, state?: AlertMessageState): { text: string; blocks: unknown[] } {
  // The weekly suggestions digest: a plain message with the counts, nothing to click but the link.
  if (payload.kind === 'suggestion.digest' && payload.digest) {
    const text = escapeMrkdwn(digestSlackText(payload.digest));
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: cut(text, FIELD_MAX) } }] };
  }
  const headline = alertHeadline(payload);
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(`${payload.ticketNumber} · ${headline}`, HEADER_MAX), emoji: true } },
    {
      type: 'section',
      fields: [
        field('Subject / 主题', escapeMrkdwn(payload.subject)),
        field('Department / 部门', escapeMrkdwn(payload.departmentName)),
        field('Priority / 优先级', escapeMrkdwn(payload.priority)),
        field('Due / 截止', escapeMrkdwn(formatDueUtc(payload.dueAt))),
      ],
    },
  ];
  const mention = mentionOf(payload.contact.slackUserId);
  if (mention) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${mention} please take a look / 请处理` } });
  }

  const elements: unknown[] = [openTicketButton(payload)];
  // A low rating has nothing to acknowledge in Slack: its follow-up is done in the console.
  if (!hasState(state) && payload.kind !== 'survey.low_rating') {
    elements.push(
      {
        type: 'button',
        action_id: ACKNOWLEDGE_ACTION_ID,
        text: { type: 'plain_text', text: 'Acknowledge / 确认' },
        value: String(payload.alertId),
      },
      {
        type: 'button',
        action_id: TAKE_OVER_ACTION_ID,
        text: { type: 'plain_text', text: 'Take over / 接手' },
        style: 'primary',
        value: String(payload.alertId),
      },
    );
  }
  blocks.push({ type: 'actions', block_id: ACTIONS_BLOCK_ID, elements });
  if (hasState(state)) blocks.push(stateBlock(state));

  const stateText = hasState(state) ? ` (${stateLines(state).join('; ')})` : '';
  const text = escapeMrkdwn(`${payload.ticketNumber} · ${headline}: ${payload.subject}`) + stateText;
  return { text, blocks };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isAlertButton(el: unknown): boolean {
  return isRecord(el) && (el.action_id === ACKNOWLEDGE_ACTION_ID || el.action_id === TAKE_OVER_ACTION_ID);
}

/**
 * Rewrites a posted alert (blocks as Slack echoes them back in a block_actions payload) into its handled form:
 * the two action buttons go, the state line is added. Used where only the clicked message is at hand, not the payload.
 */
export function withAlertState(blocks: readonly unknown[], state: AlertMessageState): unknown[] {
  const out: unknown[] = [];
  for (const block of blocks) {
    if (isRecord(block) && block.block_id === STATE_BLOCK_ID) continue;
    if (isRecord(block) && block.type === 'actions' && Array.isArray(block.elements)) {
      const elements = block.elements.filter((el) => !isAlertButton(el));
      if (elements.length > 0) out.push({ ...block, elements });
      continue;
    }
    out.push(block);
  }
  if (hasState(state)) out.push(stateBlock(state));
  return out;
}
