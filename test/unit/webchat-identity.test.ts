import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import {
  issueVisitorToken, memberIdentity, memberSignature, verifyMemberSignature, verifyVisitorToken, visitorIdentity,
} from '../../channels/webchat/chat-identity.js';
import { clientIp } from '../../channels/webchat/chat.gateway.js';

const KEY = 'installation-visitor-key';
const SECRET = 'member-site-shared-secret-0123456789';
const NOW = 1_800_000_000;
const DAY = 24 * 3600;

describe('web chat identity: visitor tokens', () => {
  it('issues random visitor ids whose token proves them', () => {
    const a = issueVisitorToken(KEY);
    const b = issueVisitorToken(KEY);
    expect(a.visitorId).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(a.visitorId).not.to.equal(b.visitorId);
    expect(a.token.startsWith(`v1.${a.visitorId}.`)).to.equal(true);
    expect(verifyVisitorToken(KEY, a.token)).to.equal(a.visitorId);
  });

  it('refuses tokens made with another key, altered, or malformed', () => {
    const { token, visitorId } = issueVisitorToken(KEY);
    const [, , mac] = token.split('.');
    const otherId = issueVisitorToken(KEY).visitorId;
    for (const bad of [
      issueVisitorToken('another-key').token, `v1.${otherId}.${mac}`, `v2.${visitorId}.${mac}`, `v1.${visitorId}.${mac}.x`,
      `v1.${visitorId}`, `v1.${visitorId}.`, `${token}A`, '', 'v1..', 42, null, undefined, { token }, 'x'.repeat(500),
    ]) {
      expect(verifyVisitorToken(KEY, bad), String(bad)).to.equal(null);
    }
  });

  it('names identities by kind: v: for visitors, m: for signed members', () => {
    expect(visitorIdentity('abc').value).to.equal('v:abc');
    expect(memberIdentity('M-1001')).to.deep.equal({ kind: 'member', memberId: 'M-1001', value: 'm:M-1001' });
  });
});

describe('web chat identity: member site signatures', () => {
  const claim = (id: string, ts: number | string, secret = SECRET) => ({ id, ts, sig: createHmac('sha256', secret).update(`${id}.${ts}`).digest('hex') });

  it('is the hex HMAC-SHA256 of "<member id>.<unix seconds>" (the recipe in docs/webchat.md)', () => {
    expect(memberSignature(SECRET, 'M-1001', NOW)).to.equal(claim('M-1001', NOW).sig);
    // The known answer docs/webchat.md quotes, so a member site can check its own code against it.
    expect(memberSignature('key', '20931', 1700000000)).to.equal('9eb4e4cdc5759dbba0ab1f191b83596b05b651f81d5022e02c2bc1842e86b4fd');
  });

  it('accepts a fresh signature, with the time as a number or a data-attribute string, in any hex case', () => {
    expect(verifyMemberSignature(SECRET, claim('M-1001', NOW), NOW, DAY)).to.deep.equal({ ok: true, memberId: 'M-1001' });
    expect(verifyMemberSignature(SECRET, claim('M-1001', String(NOW - DAY + 1)), NOW, DAY)).to.deep.equal({ ok: true, memberId: 'M-1001' });
    const upper = claim('M-7', NOW);
    expect(verifyMemberSignature(SECRET, { ...upper, sig: upper.sig.toUpperCase() }, NOW, DAY).ok).to.equal(true);
  });

  it('refuses a forged, expired, future or malformed claim, saying which (for the log)', () => {
    const check = (c: { id?: unknown; ts?: unknown; sig?: unknown }, secret: string | null = SECRET) => verifyMemberSignature(secret, c, NOW, DAY);
    expect(check(claim('M-1001', NOW, 'wrong-secret'))).to.deep.equal({ ok: false, reason: 'bad_signature' });
    expect(check({ ...claim('M-1001', NOW), id: 'M-1002' })).to.deep.equal({ ok: false, reason: 'bad_signature' });
    expect(check({ ...claim('M-1001', NOW), ts: NOW + 1 })).to.deep.equal({ ok: false, reason: 'bad_signature' });
    expect(check(claim('M-1001', NOW - DAY - 1))).to.deep.equal({ ok: false, reason: 'expired' });
    expect(check(claim('M-1001', NOW + 301))).to.deep.equal({ ok: false, reason: 'future' });
    expect(check(claim('M-1001', NOW + 299)).ok).to.equal(true);
    expect(check(claim('M-1001', NOW), null)).to.deep.equal({ ok: false, reason: 'no_secret' });
    expect(check(claim('M-1001', NOW), '')).to.deep.equal({ ok: false, reason: 'no_secret' });
    for (const bad of [{}, { ...claim('M-1001', NOW), sig: 'abc' }, claim('has space', NOW), claim('', NOW), claim('x'.repeat(129), NOW),
      { ...claim('M-1001', NOW), ts: 'soon' }, { ...claim('M-1001', NOW), ts: -5 }, { ...claim('M-1001', NOW), ts: 1.5 }, { ...claim('M-1001', NOW), id: 7 }]) {
      expect(check(bad), JSON.stringify(bad)).to.deep.equal({ ok: false, reason: 'malformed' });
    }
  });
});

describe('web chat: client address', () => {
  it('trusts X-Forwarded-For only from a loopback proxy, taking the right-most address that is not one', () => {
    expect(clientIp('203.0.113.9', '10.0.0.1')).to.equal('203.0.113.9');
    expect(clientIp('127.0.0.1', '198.51.100.7')).to.equal('198.51.100.7');
    expect(clientIp('::1', '1.1.1.1, 198.51.100.7, 127.0.0.1')).to.equal('198.51.100.7');
    expect(clientIp('::ffff:127.0.0.1', ['1.1.1.1', '198.51.100.8'])).to.equal('198.51.100.8');
    expect(clientIp('127.0.0.1', undefined)).to.equal('127.0.0.1');
  });
});
