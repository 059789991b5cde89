import type { Server as SocketServer } from 'socket.io';
import { ChannelSendError, type ChannelAdapter, type ChannelDescription, type ChannelRegistry, type OutboundMessage } from '../channel.js';
import type { Database } from '../../server/db/database.js';
import type { Logger } from '../../server/logger.js';
import type { PiiVault } from '../../server/security/pii-vault.js';

export interface WebchatAdapterDeps { db: Database; vault: PiiVault; channels: ChannelRegistry; log: Logger }

/** Web chat replies: pushed to the visitor's widget; SKELETON, replaced by the webchat work. */
export class WebchatAdapter implements ChannelAdapter {
  readonly kind = 'webchat' as const;
  private io: SocketServer | null = null;

  constructor(private readonly deps: WebchatAdapterDeps) {}

  /** The socket server the replies go out through (set when the realtime server starts). */
  bind(io: SocketServer | null): void {
    this.io = io;
  }

  describe(): ChannelDescription {
    return { kind: 'webchat', name: { en: 'Web chat', 'zh-CN': '网页聊天' }, sendsText: true, settings: [] };
  }

  async send(_message: OutboundMessage): Promise<{ providerId: string }> {
    void this.deps;
    if (!this.io) throw new ChannelSendError('web chat is not running in this process', false);
    throw new ChannelSendError('not implemented', false);
  }
}
