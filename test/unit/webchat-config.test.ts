import { expect } from 'chai';
import { chatOptionsFrom, DEFAULT_CHAT_LIMITS } from '../../channels/webchat/chat.gateway.js';
import { loadConfig } from '../../server/config.js';
import { ConfigError } from '../../server/errors.js';

describe('web chat configuration', () => {
  it('defaults to any embedding page, 20 messages a minute per visitor and 60 per address', () => {
    const c = loadConfig({});
    expect(c).to.include({ webchatSecret: null, webchatRatePerMinute: 20, webchatIpRatePerMinute: 60 });
    expect(c.webchatOrigins).to.deep.equal([]);
    expect(chatOptionsFrom(c)).to.deep.equal({
      memberSecret: null, allowedOrigins: [], limits: { messagesPerMinute: DEFAULT_CHAT_LIMITS.messagesPerMinute, messagesPerMinutePerIp: DEFAULT_CHAT_LIMITS.messagesPerMinutePerIp },
    });
  });

  it('reads the MEMBERDESK_WEBCHAT_* variables', () => {
    const c = loadConfig({
      MEMBERDESK_WEBCHAT_SECRET: 'a-member-site-secret-of-length', MEMBERDESK_WEBCHAT_ORIGINS: 'https://Shop.example.com, http://localhost:8080',
      MEMBERDESK_WEBCHAT_RATE_PER_MINUTE: '10', MEMBERDESK_WEBCHAT_IP_RATE_PER_MINUTE: '200',
    });
    expect(chatOptionsFrom(c)).to.deep.equal({
      memberSecret: 'a-member-site-secret-of-length', allowedOrigins: ['https://shop.example.com', 'http://localhost:8080'],
      limits: { messagesPerMinute: 10, messagesPerMinutePerIp: 200 },
    });
  });

  it('refuses a short secret, an origin with a path and a zero rate', () => {
    try {
      loadConfig({ MEMBERDESK_WEBCHAT_SECRET: 'short', MEMBERDESK_WEBCHAT_ORIGINS: 'https://shop.example.com/page', MEMBERDESK_WEBCHAT_RATE_PER_MINUTE: '0' });
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).to.match(/MEMBERDESK_WEBCHAT_SECRET/).and.match(/MEMBERDESK_WEBCHAT_ORIGINS/).and.match(/MEMBERDESK_WEBCHAT_RATE_PER_MINUTE/);
    }
  });
});
