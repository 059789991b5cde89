import { types, type Message } from 'wechaty';
import type { InboundMessage, StoredAttachment } from '../../channel.js';
import type { FileStore } from '../../../server/files/file-store.js';
import { WECHATY_PREFIX } from '../wechat.adapter.js';

/** Media bigger than this is not stored (the message keeps its placeholder). WeChat itself caps files at 1 GB. */
export const MAX_MEDIA_BYTES = 25 * 1024 * 1024;

/** Where media bytes go: the server's FileStore. */
export type MediaStore = Pick<FileStore, 'put'>;

/** Readable stand-ins for what is not text, in both languages the console serves. */
export const PLACEHOLDERS: Partial<Record<types.Message, string>> = {
  [types.Message.Image]: '[图片 / Image]',
  [types.Message.Audio]: '[语音 / Voice message]',
  [types.Message.Attachment]: '[文件 / File]',
  [types.Message.Video]: '[视频 / Video]',
  [types.Message.Emoticon]: '[表情 / Sticker]',
  [types.Message.Url]: '[链接 / Link]',
  [types.Message.Location]: '[位置 / Location]',
  [types.Message.Contact]: '[名片 / Contact card]',
  [types.Message.MiniProgram]: '[小程序 / Mini Program]',
  [types.Message.Transfer]: '[转账 / Transfer]',
  [types.Message.RedEnvelope]: '[红包 / Red packet]',
  [types.Message.Recalled]: '[撤回的消息 / Recalled message]',
  [types.Message.ChatHistory]: '[聊天记录 / Chat history]',
};

export function placeholder(type: types.Message): string {
  return PLACEHOLDERS[type] ?? `[不支持的消息类型 / Unsupported message type: ${types.Message[type] ?? type}]`;
}

const MEDIA = new Set<types.Message>([types.Message.Image, types.Message.Audio, types.Message.Attachment, types.Message.Video, types.Message.Emoticon]);

/** Why a wechaty message does not become a ticket message, or null when it does. */
export function skipReason(message: Message, groupIds: ReadonlySet<string>): 'self' | 'group' | 'system' | null {
  if (message.self()) return 'self';
  const room = message.room();
  if (room && !groupIds.has(room.id)) return 'group';
  // Official accounts' pushes, friend-request notices and the like: not a member talking.
  const talker = message.talker();
  if (talker.type() === types.Contact.Official || message.type() === types.Message.GroupNote) return 'system';
  return null;
}

/**
 * A one-to-one (or configured group) wechaty message as an InboundMessage: text as is, media saved as
 * an attachment with a placeholder text, links as title + URL, anything else as a readable placeholder.
 * Media that cannot be fetched still arrives, as its placeholder with `meta.mediaError`.
 */
export async function toInbound(message: Message, files: MediaStore): Promise<InboundMessage> {
  const type = message.type();
  const talker = message.talker();
  const room = message.room();
  const meta: Record<string, unknown> = { wechaty: { type: types.Message[type] ?? String(type) } };
  if (room) meta.room = { id: room.id, topic: await room.topic().catch(() => null) };
  let text: string;
  const attachments: StoredAttachment[] = [];
  if (type === types.Message.Text) {
    text = message.text();
  } else if (type === types.Message.Url) {
    try {
      const link = await message.toUrlLink();
      text = [placeholder(type), link.title(), link.url()].filter(Boolean).join(' ');
    } catch {
      text = placeholder(type);
    }
  } else if (MEDIA.has(type)) {
    text = placeholder(type);
    try {
      const box = await message.toFileBox();
      const bytes = await box.toBuffer();
      if (bytes.length > MAX_MEDIA_BYTES) {
        meta.mediaError = `too large (${bytes.length} bytes)`;
      } else {
        const { path } = await files.put('attachments', bytes);
        attachments.push({ name: (box.name || `wechat-${types.Message[type]?.toLowerCase() ?? 'file'}`).slice(0, 200), contentType: box.mediaType || 'application/octet-stream', size: bytes.length, path });
        if (type === types.Message.Attachment) text = `${placeholder(type)} ${attachments[0]!.name}`;
      }
    } catch (err) {
      meta.mediaError = String((err as Error).message ?? err).slice(0, 300);
    }
  } else {
    text = placeholder(type);
  }
  return {
    channel: 'wechat',
    externalId: `wx:${message.id}`,
    from: { kind: 'wechat', value: `${WECHATY_PREFIX}${talker.id}`, name: talker.name() || undefined },
    text,
    receivedAt: message.date(),
    continueOpenTicket: true,
    meta,
    ...(attachments.length ? { attachments } : {}),
  };
}
