import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { hashPassword, verifyPassword } from '../../server/security/password.js';
import { Keyring, parseMasterKey, PiiVault } from '../../server/security/pii-vault.js';
import { TokenSigner } from '../../server/security/token.js';
import { LoginThrottle } from '../../server/agents/login-throttle.js';

describe('PII vault', () => {
  const vault = new PiiVault(new Keyring(randomBytes(32)), randomBytes(32), randomBytes(32));

  it('round-trips a value under a wrapped data key, and the ciphertext does not contain it', () => {
    const { wrapped } = vault.newDataKey();
    const key = vault.unwrap(wrapped);
    const sealed = vault.encrypt(key, '+8613800138000', 'member:1:phone');
    expect(sealed).not.to.contain('13800138000');
    expect(vault.decrypt(key, sealed, 'member:1:phone')).to.equal('+8613800138000');
  });

  it('refuses a value moved to another member or tampered with', () => {
    const key = vault.unwrap(vault.newDataKey().wrapped);
    const sealed = vault.encrypt(key, 'a@example.com', 'member:1:email');
    expect(() => vault.decrypt(key, sealed, 'member:2:email')).to.throw();
    const parts = sealed.split('.');
    parts[2] = Buffer.from('tampered').toString('base64url');
    expect(() => vault.decrypt(key, parts.join('.'), 'member:1:email')).to.throw();
  });

  it('gives a stable keyed blind index that differs per kind and per index key', () => {
    expect(vault.blindIndex('phone', '+8613800138000')).to.equal(vault.blindIndex('phone', '+8613800138000'));
    expect(vault.blindIndex('phone', '+8613800138000')).not.to.equal(vault.blindIndex('wechat', '+8613800138000'));
    expect(new PiiVault(new Keyring(randomBytes(32)), randomBytes(32), randomBytes(32)).blindIndex('phone', '+8613800138000')).not.to.equal(vault.blindIndex('phone', '+8613800138000'));
  });

  it('parses master keys as hex or base64 and refuses other lengths', () => {
    const raw = randomBytes(32);
    expect(parseMasterKey(raw.toString('hex')).equals(raw)).to.equal(true);
    expect(parseMasterKey(raw.toString('base64')).equals(raw)).to.equal(true);
    expect(() => parseMasterKey('abcd')).to.throw(/32 bytes/);
  });
});

describe('passwords and tokens', () => {
  it('hashes with scrypt and verifies only the right password', async () => {
    const hash = await hashPassword('s3cret-password', { N: 2 ** 12, r: 8, p: 1 });
    expect(hash).to.match(/^scrypt\$4096\$8\$1\$/);
    expect(await verifyPassword('s3cret-password', hash)).to.equal(true);
    expect(await verifyPassword('wrong-password', hash)).to.equal(false);
  });

  it('issues tokens that expire and cannot be forged', () => {
    const signer = new TokenSigner(randomBytes(32), 60);
    const t0 = new Date('2026-01-01T00:00:00Z');
    const { token } = signer.issue(7, 0, t0);
    expect(signer.verify(token, t0)?.sub).to.equal(7);
    expect(signer.verify(token, new Date(t0.getTime() + 61_000))).to.equal(null);
    expect(new TokenSigner(randomBytes(32), 60).verify(token, t0)).to.equal(null);
    const [v, , sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 1, iat: 0, exp: 9e9 })).toString('base64url');
    expect(signer.verify(`${v}.${forged}.${sig}`, t0)).to.equal(null);
  });

  it('blocks a key after five failures within the window, with a growing wait', () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const throttle = new LoginThrottle({ now: () => now });
    for (let i = 0; i < 4; i++) throttle.fail(['email:x']);
    expect(throttle.retryAfter(['email:x'])).to.equal(0);
    throttle.fail(['email:x']);
    expect(throttle.retryAfter(['email:x'])).to.equal(30);
    now = new Date(now.getTime() + 31_000);
    expect(throttle.retryAfter(['email:x'])).to.equal(0);
    throttle.fail(['email:x']);
    expect(throttle.retryAfter(['email:x'])).to.equal(60);
    throttle.succeed(['email:x']);
    expect(throttle.retryAfter(['email:x'])).to.equal(0);
  });
});
