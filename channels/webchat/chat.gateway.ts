import type { Server as SocketServer } from 'socket.io';
import type { CounterStore } from '../../server/http/rate-limit.js';
import type { Logger } from '../../server/logger.js';
import type { Services } from '../../server/services.js';

/** Settings of the web chat widget (MEMBERDESK_WEBCHAT_*). */
export interface ChatOptions {
  /** Shared secret the member site signs member ids with (HMAC-SHA256); none: every visitor is anonymous. */
  memberSecret?: string | null;
}

/** The /chat namespace (docs/webchat.md). SKELETON: replaced by the webchat work. */
export function attachChat(io: SocketServer, _deps: ChatOptions & { services: Services; log: Logger; counters: CounterStore }): { close(): void } {
  io.of('/chat');
  return { close() {} };
}
