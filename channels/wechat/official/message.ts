import type { InboundMessage } from '../../channel.js';
import { OFFICIAL_PREFIX } from '../wechat.adapter.js';
import { field, WechatXmlError, type WechatXmlObject } from './xml.js';

/**
 * What one Official Account callback means for tickets. Member messages (text, image, voice, video,
 * location, link, and message types we do not know yet) become InboundMessages. Events (subscribe,
 * unsubscribe, SCAN, CLICK, VIEW, LOCATION, template-send reports…) are not conversations: they are
 * `ignored` — no ticket, no row — and only logged at debug level by the caller.
 */
export type OfficialInbound =
  | { kind: 'message'; message: InboundMessage }
  | { kind: 'ignored'; reason: string };

export interface OfficialAccountRef { id: number; departmentId: number }

/** OpenIDs are 28 characters of [A-Za-z0-9_-]; a little slack for other id forms, none for separators. */
const OPENID = /^[A-Za-z0-9_-]{1,128}$/;

/** The member identity of an OpenID reached through an account: `oa:<accountId>:<openid>`. */
function officialIdentity(accountId: number, openid: string): string {
  return `${OFFICIAL_PREFIX}${accountId}:${openid}`;
}

export function mapOfficialMessage(x: WechatXmlObject, account: OfficialAccountRef, receivedAt: Date): OfficialInbound {
  const openid = field(x, 'FromUserName').trim();
  const msgType = field(x, 'MsgType').trim().toLowerCase();
  const createTime = field(x, 'CreateTime').trim();
  if (!OPENID.test(openid)) throw new WechatXmlError('FromUserName is missing or not an OpenID');
  if (!msgType) throw new WechatXmlError('MsgType is missing');
  const msgId = (field(x, 'MsgId') || field(x, 'MsgID')).trim();

  if (msgType === 'event') {
    const event = field(x, 'Event').trim().toLowerCase() || 'unknown';
    return { kind: 'ignored', reason: `event:${event}` };
  }

  const base = { source: 'wechat-official', accountId: account.id, msgType, msgId: msgId || null, createTime: createTime ? Number(createTime) : null };
  let text: string;
  let meta: Record<string, unknown>;
  switch (msgType) {
    case 'text':
      text = field(x, 'Content');
      meta = {};
      if (!text.trim()) text = '[空消息 / Empty message]';
      break;
    case 'image':
      text = '[图片 / Image]';
      meta = { picUrl: field(x, 'PicUrl') || null, mediaId: field(x, 'MediaId') || null };
      break;
    case 'voice': {
      const recognition = field(x, 'Recognition').trim();
      text = recognition || '[语音 / Voice message]';
      meta = { mediaId: field(x, 'MediaId') || null, format: field(x, 'Format') || null, recognition: recognition || null };
      break;
    }
    case 'video':
    case 'shortvideo':
      text = msgType === 'video' ? '[视频 / Video]' : '[小视频 / Short video]';
      meta = { mediaId: field(x, 'MediaId') || null, thumbMediaId: field(x, 'ThumbMediaId') || null };
      break;
    case 'location': {
      const latitude = field(x, 'Location_X');
      const longitude = field(x, 'Location_Y');
      const label = field(x, 'Label');
      text = `[位置 / Location] ${label ? `${label} ` : ''}(${latitude}, ${longitude})`;
      meta = { latitude: Number(latitude), longitude: Number(longitude), scale: field(x, 'Scale') ? Number(field(x, 'Scale')) : null, label: label || null };
      break;
    }
    case 'link': {
      const title = field(x, 'Title');
      const description = field(x, 'Description');
      const url = field(x, 'Url');
      text = `[链接 / Link] ${title}${description && description !== title ? ` — ${description}` : ''}${url ? `\n${url}` : ''}`;
      meta = { title: title || null, description: description || null, url: url || null };
      break;
    }
    default:
      // A member wrote something we cannot show (a mini-program card, a new type): agents still see that they wrote.
      text = `[不支持的消息类型 / Unsupported message type: ${msgType.slice(0, 40)}]`;
      meta = {};
  }
  return {
    kind: 'message',
    message: {
      channel: 'wechat',
      // WeChat's advice: deduplicate by MsgId; without one (rare), by sender and time.
      externalId: msgId ? `${OFFICIAL_PREFIX}${account.id}:${msgId}` : `${OFFICIAL_PREFIX}${account.id}:${openid}:${createTime}:${msgType}`,
      from: { kind: 'wechat', value: officialIdentity(account.id, openid) },
      text,
      receivedAt,
      departmentId: account.departmentId,
      continueOpenTicket: true,
      meta: { ...base, ...meta },
    },
  };
}
