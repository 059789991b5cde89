import { ChannelSendError, type ChannelAdapter, type ChannelDescription, type OutboundMessage } from '../../channels/channel.js';

/**
 * A web-chat adapter double that records what it was asked to send and fails on cue. The worker,
 * the rows and the database are real; only the far end (a browser) is absent.
 */
export class RecordingAdapter implements ChannelAdapter {
  readonly kind = 'webchat' as const;
  sent: OutboundMessage[] = [];
  failures: Array<'transient' | 'permanent'> = [];

  describe(): ChannelDescription {
    return { kind: 'webchat', name: { en: 'Web chat (test)', 'zh-CN': '网页聊天（测试）' }, sendsText: true, settings: [] };
  }

  async send(message: OutboundMessage): Promise<{ providerId: string }> {
    const failure = this.failures.shift();
    if (failure) throw new ChannelSendError(`${failure} failure`, failure === 'permanent');
    this.sent.push(message);
    return { providerId: `chat-${message.deliveryId}` };
  }
}
