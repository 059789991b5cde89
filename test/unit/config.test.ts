import { expect } from 'chai';
import { loadConfig } from '../../server/config.js';
import { ConfigError } from '../../server/errors.js';
import { backoffMs, redactContacts } from '../../server/delivery/outbox-worker.js';

describe('configuration', () => {
  it('has defaults for a fresh machine', () => {
    const c = loadConfig({});
    expect(c.port).to.equal(3000);
    expect(c.databaseUrl).to.equal(null);
    expect(c.demo).to.equal(true);
    expect(c.dataDir).to.match(/data$/);
  });

  it('treats empty variables as unset and reads the rest', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'mysql://u:p@db:3306/md', MEMBERDESK_DEMO: '0', MEMBERDESK_ADMIN_EMAIL: 'Boss@Example.com', LOG_LEVEL: '' });
    expect(c).to.include({ port: 8080, databaseUrl: 'mysql://u:p@db:3306/md', demo: false, adminEmail: 'boss@example.com', logLevel: 'info' });
  });

  it('refuses bad values with every problem named', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'postgres://x', MEMBERDESK_MASTER_KEY: 'short' });
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).to.match(/PORT/).and.match(/DATABASE_URL/).and.match(/MEMBERDESK_MASTER_KEY/);
    }
  });

  it('parses MEMBERDESK_SMTP_URL at load, naming the problem and never the password', () => {
    expect(loadConfig({ MEMBERDESK_SMTP_URL: 'smtps://mailer:p%40ss@mail.example.com:465' }).smtpUrl).to.equal('smtps://mailer:p%40ss@mail.example.com:465');
    expect(loadConfig({ MEMBERDESK_SMTP_URL: 'smtp://[::1]:2525' }).smtpUrl).to.equal('smtp://[::1]:2525');
    const cases: Array<[string, RegExp]> = [
      ['smtp://mailer:s3cret@host:99999', /MEMBERDESK_SMTP_URL: port must be 1-65535/],
      ['smtp://host:0', /MEMBERDESK_SMTP_URL: port must be 1-65535/],
      ['smtp://[bad', /MEMBERDESK_SMTP_URL: not a valid URL/],
      ['smtp://mailer:s3cret@', /MEMBERDESK_SMTP_URL: not a valid URL/],
      ['smtp://', /MEMBERDESK_SMTP_URL: no host/],
      ['smtp://mailer:s3cret%zz@host', /MEMBERDESK_SMTP_URL: user or password has a broken %-escape/],
      ['http://host', /MEMBERDESK_SMTP_URL/],
    ];
    for (const [value, message] of cases) {
      expect(() => loadConfig({ MEMBERDESK_SMTP_URL: value }), value).to.throw(ConfigError, message);
      try {
        loadConfig({ MEMBERDESK_SMTP_URL: value });
      } catch (err) {
        expect((err as ConfigError).message, value).not.to.contain('s3cret');
      }
    }
  });
});

describe('delivery backoff', () => {
  it('doubles from 5 s, capped at an hour, within ±20 %', () => {
    expect(backoffMs(1, () => 0.5)).to.equal(5_000);
    expect(backoffMs(2, () => 0.5)).to.equal(10_000);
    expect(backoffMs(4, () => 0.5)).to.equal(40_000);
    expect(backoffMs(30, () => 0.5)).to.equal(3_600_000);
    expect(backoffMs(1, () => 0)).to.equal(4_000);
    expect(backoffMs(1, () => 1)).to.equal(6_000);
  });
});

describe('provider error text', () => {
  it('loses contact data before it is stored or logged', () => {
    expect(redactContacts('550 5.1.1 <zhang.wei@example.com>: Recipient address rejected')).to.equal('550 5.1.1 <z***@example.com>: Recipient address rejected');
    expect(redactContacts('number +86 138 0013 8000 unreachable')).to.equal('number 861****00 unreachable');
    expect(redactContacts('code 550 at 12:30')).to.equal('code 550 at 12:30');
  });
});
