import { expect } from 'chai';
import { maskIdentity, maskName, normaliseIdentity } from '../../server/members/identity.js';
import { ValidationError } from '../../server/errors.js';

describe('member identities', () => {
  it('normalises every spelling of a mainland mobile number to one E.164 value', () => {
    for (const raw of ['+86 138 0013 8000', '13800138000', '0086-138-0013-8000', '86 13800138000', '(+86) 138.0013.8000', ' 138 0013 8000 ']) {
      expect(normaliseIdentity('phone', raw), raw).to.equal('+8613800138000');
    }
  });

  it('keeps foreign numbers in their own country', () => {
    expect(normaliseIdentity('phone', '+852 9123 4567')).to.equal('+85291234567');
    expect(normaliseIdentity('phone', '+1 (415) 555-0132')).to.equal('+14155550132');
  });

  it('refuses what is not a phone number or email', () => {
    expect(() => normaliseIdentity('phone', '12')).to.throw(ValidationError);
    expect(() => normaliseIdentity('phone', 'call me')).to.throw(ValidationError);
    expect(() => normaliseIdentity('email', 'not-an-email')).to.throw(ValidationError);
  });

  it('lower-cases emails and keeps WeChat ids as written', () => {
    expect(normaliseIdentity('email', '  Zhang.Wei@Example.COM ')).to.equal('zhang.wei@example.com');
    expect(normaliseIdentity('wechat', ' wxid_AbC123 ')).to.equal('wxid_AbC123');
  });

  it('masks what a console shows without PII permission', () => {
    expect(maskIdentity('phone', '+8613800138000')).to.equal('138****8000');
    expect(maskIdentity('email', 'wang@example.com')).to.equal('w***@example.com');
    expect(maskIdentity('wechat', 'wxid_emilywong')).to.equal('wx***ng');
    expect(maskIdentity('wechat', 'abc')).to.equal('****');
  });

  it('masks names word by word when names are configured as PII', () => {
    expect(maskName('张伟')).to.equal('张*');
    expect(maskName('Emily Wong')).to.equal('E**** W***');
    expect(maskName('J')).to.equal('J*');
    expect(maskName(null)).to.equal(null);
  });
});
