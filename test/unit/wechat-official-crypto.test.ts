import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  aesKeyOf, decryptMessage, encryptMessage, signatureMatches, wechatSignature, WechatCryptoError,
} from '../../channels/wechat/official/crypto.js';
import { field, parseWechatXml } from '../../channels/wechat/official/xml.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/wechat');
const V = JSON.parse(readFileSync(path.join(FIXTURES, 'signature_and_crypto_vectors.json'), 'utf8'));

describe('wechat official account: signatures (vectors)', () => {
  for (const v of V.official_account_plain_signature) {
    it(`${v.source}${v.parts ? ` (${v.parts.join(',')})` : ''}`, () => {
      if (v.parts) {
        expect(wechatSignature(v.parts)).to.equal(v.signature);
        expect(wechatSignature([...v.parts].reverse())).to.equal(v.signature); // order-free: sorted first
        return;
      }
      const expected = wechatSignature([v.token, v.timestamp, v.nonce]);
      expect(signatureMatches(expected, v.signature)).to.equal(v.valid);
    });
  }

  it('accepts upper-case hex and refuses anything not 40 hex digits', () => {
    const sig = wechatSignature(['a', 'b', 'c']);
    expect(signatureMatches(sig, sig.toUpperCase())).to.equal(true);
    for (const bad of [undefined, null, '', '12345', sig.slice(0, 39), `${sig}0`, 'z'.repeat(40)]) {
      expect(signatureMatches(sig, bad as string | undefined)).to.equal(false);
    }
  });

  it('msg_signature of the Tencent sample cases: sha1(sort(token, timestamp, nonce, Encrypt))', () => {
    const t = V.official_account_aes_tencent_sample;
    for (const c of t.cases) {
      expect(wechatSignature([t.token, t.timestamp, t.nonce, c.encrypt])).to.equal(c.msg_signature_derived_by_us);
      // The negative vector: "12345" is no signature of it.
      expect(signatureMatches(wechatSignature([t.token, t.timestamp, t.nonce, c.encrypt]), '12345')).to.equal(false);
    }
  });

  it('WeCom URL verification vectors (same scheme): the valid one matches, the changed nonce does not', () => {
    const w = V.wecom_enterprise_callback;
    for (const u of w.url_verification) {
      const ok = signatureMatches(wechatSignature([w.token, u.timestamp, u.nonce, u.echostr]), u.msg_signature);
      expect(ok).to.equal(u.valid);
      if (u.valid) expect(decryptMessage(w.encodingAesKey, w.corpId, u.echostr)).to.equal(u.decrypted_echostr_derived_by_us);
    }
  });
});

describe('wechat official account: AES safe mode (vectors)', () => {
  const t = V.official_account_aes_tencent_sample;

  it('decodes the EncodingAESKey to 32 bytes and refuses malformed keys', () => {
    expect(aesKeyOf(t.encodingAesKey)).to.have.length(32);
    for (const bad of ['', 'short', `${t.encodingAesKey}A`, `${t.encodingAesKey.slice(0, 42)}=`]) {
      expect(() => aesKeyOf(bad)).to.throw(WechatCryptoError);
    }
  });

  for (const [i, c] of t.cases.entries()) {
    it(`Tencent sample case ${i + 1}: encrypts to the published Encrypt with the fixed random prefix, and decrypts it back`, () => {
      expect(encryptMessage(t.encodingAesKey, t.appId, c.plaintext, t.randomStr)).to.equal(c.encrypt);
      expect(decryptMessage(t.encodingAesKey, t.appId, c.encrypt)).to.equal(c.plaintext);
    });
  }

  it('refuses a message encrypted for another AppID', () => {
    const c = t.cases[0];
    expect(() => decryptMessage(t.encodingAesKey, 'wx0000000000000000', c.encrypt)).to.throw(WechatCryptoError).with.property('code', 'APPID_MISMATCH');
  });

  it('refuses a wrong key, truncated or corrupted ciphertext without crashing', () => {
    const c = t.cases[1];
    const otherKey = 'A'.repeat(43);
    expect(() => decryptMessage(otherKey, t.appId, c.encrypt)).to.throw(WechatCryptoError);
    expect(() => decryptMessage(t.encodingAesKey, t.appId, c.encrypt.slice(0, 20))).to.throw(WechatCryptoError);
    expect(() => decryptMessage(t.encodingAesKey, t.appId, '')).to.throw(WechatCryptoError);
  });

  it('WeCom decrypt_message vector: msg_signature verifies, the Encrypt decrypts to the expected XML and fields', () => {
    const w = V.wecom_enterprise_callback;
    const d = w.decrypt_message;
    const outer = parseWechatXml(d.post_body);
    const encrypted = field(outer, 'Encrypt');
    expect(signatureMatches(wechatSignature([w.token, d.timestamp, d.nonce, encrypted]), d.msg_signature)).to.equal(true);
    const inner = decryptMessage(w.encodingAesKey, w.corpId, encrypted);
    expect(inner).to.equal(d.plaintext_derived_by_us);
    const x = parseWechatXml(inner);
    for (const [k, v] of Object.entries(d.expected_fields)) expect(field(x, k)).to.equal(v);
  });

  it('WeCom encrypt_reply vector: the reply encrypts to the expected Encrypt and MsgSignature', () => {
    const w = V.wecom_enterprise_callback;
    const e = w.encrypt_reply;
    const expected = parseWechatXml(e.expected_output);
    const encrypted = encryptMessage(w.encodingAesKey, w.corpId, e.reply_plaintext, e.random_prefix);
    expect(encrypted).to.equal(field(expected, 'Encrypt'));
    expect(wechatSignature([w.token, e.timestamp, e.nonce, encrypted])).to.equal(field(expected, 'MsgSignature'));
  });

  it('round-trips every inbound fixture with a random prefix', () => {
    const dir = path.join(FIXTURES, 'official_account_inbound');
    const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8'));
    for (const { file } of index.files) {
      const xml = readFileSync(path.join(dir, file), 'utf8');
      const enc = encryptMessage(t.encodingAesKey, t.appId, xml);
      expect(enc).not.to.equal(encryptMessage(t.encodingAesKey, t.appId, xml));
      expect(decryptMessage(t.encodingAesKey, t.appId, enc), file).to.equal(xml);
    }
  });
});
