import { ChannelSendError, type ChannelAdapter, type ChannelDescription, type OutboundMessage } from '../channel.js';

/**
 * How a member's WeChat identity says which way to reach them. Members come through two doors: a
 * personal account run by a wechaty bot (`wx:<contact id>`), or a verified Official Account
 * (`oa:<account id>:<openid>`). The identity value (encrypted at rest, like every contact) carries the door.
 */
export const WECHATY_PREFIX = 'wx:';
export const OFFICIAL_PREFIX = 'oa:';

/** One door out: sends text to the address after the prefix; throws ChannelSendError (permanent or not). */
export interface WechatTransport {
  readonly prefix: string;
  send(address: string, message: OutboundMessage): Promise<{ providerId: string }>;
}

/** The 'wechat' channel adapter: replies, acknowledgements and prompts go out through the member's own door. */
export class WechatAdapter implements ChannelAdapter {
  readonly kind = 'wechat' as const;
  private readonly transports: WechatTransport[] = [];

  register(transport: WechatTransport): this {
    this.transports.push(transport);
    return this;
  }

  describe(): ChannelDescription {
    return { kind: 'wechat', name: { en: 'WeChat', 'zh-CN': '微信' }, sendsText: this.transports.length > 0, settings: [] };
  }

  async send(message: OutboundMessage): Promise<{ providerId: string }> {
    const to = message.to?.value ?? '';
    const transport = this.transports.find((t) => to.startsWith(t.prefix));
    if (!transport) {
      // A known door that this process does not run (the bot runs in one process of several) may be reached by another
      // process's worker on a retry; an unknown one never will.
      const known = [WECHATY_PREFIX, OFFICIAL_PREFIX].some((p) => to.startsWith(p));
      throw new ChannelSendError(known
        ? 'the WeChat connection this member uses is not running in this server process; retrying'
        : 'no WeChat connection reaches this member (their WeChat id came through a door that is not set up here)', !known);
    }
    return transport.send(to.slice(transport.prefix.length), message);
  }
}
