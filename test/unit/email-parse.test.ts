import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import {
  parseEmail, sanitizeHtml, splitQuoted, type DsnRecipient, type EmailAddress, type ParsedEmail,
} from '../../channels/email/index.js';

/*
 * The shared fixtures (52 real messages from mail libraries' test suites) with the facts
 * expected.json records for each. One `it` per file; every `expect` key is mapped to ParsedEmail
 * below, and a key nobody mapped fails the test rather than being skipped.
 */
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/email');

interface FixtureSpec {
  exercises: string[];
  expect: Record<string, unknown>;
  basis: string;
}

const SPECS = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, FixtureSpec>;

/** Keys we cannot support. Empty: every key in expected.json is mapped below. */
const UNSUPPORTED_KEYS = new Set<string>();

/**
 * Expectations that are wrong in the fixture file (which we must not edit). Each entry says why
 * and asserts the correct value instead, so the test still pins the behaviour down.
 */
const ERRATA: Record<string, Record<string, { why: string; check: (p: ParsedEmail, expected: unknown) => void }>> = {
  'mail__japanese_attachment_long_name.eml': {
    subject: {
      why: 'the Subject is four adjacent encoded-words (RFC 2047 §6.2: the whitespace between them is ignored); '
        + 'the hand-decoded expectation kept only the first word',
      check: (p, expected) => {
        expect(p.subject.startsWith(String(expected))).to.equal(true);
        expect(p.subject).to.equal('まみむめも'.repeat(10));
      },
    },
  },
  'webklex__example_bounce.eml': {
    attachments: {
      why: 'the message/rfc822 part is the last of the file, unterminated and without a final line break; '
        + 'Webklex strips a CRLF that is not there and so sizes and hashes the part without its last two bytes',
      check: (p, expected) => {
        const [status, original] = expected as ExpectedAttachment[];
        checkAttachment(p.attachments[0], status as ExpectedAttachment);
        const part = p.attachments[1];
        expect(part?.contentType).to.equal(original?.content_type);
        expect(part?.content.toString('latin1').endsWith('ist ein Beispiel-Text.</div>')).to.equal(true);
        expect(part?.size).to.equal((original?.size ?? 0) + 2);
        expect(sha256(part?.content.subarray(0, original?.size) ?? Buffer.alloc(0))).to.equal(original?.sha256);
      },
    },
  },
};

/** Not a report by its expect keys, yet noise: a MAILER-DAEMON mail whose multipart/report lost its boundary. */
const EXTRA_NOISE: Record<string, string> = { 'enmime__multipart-wo-boundary.eml': 'bounce' };
/** Keys that only a bounce, delivery report, read receipt or abuse report carries. */
const REPORT_KEYS = ['is_bounce', 'action', 'status', 'final_recipient', 'recipients', 'diagnostic_code',
  'remote_mta', 'retryable', 'original_subject', 'report_type', 'feedback_type'];

interface ExpectedAttachment {
  filename?: string;
  content_type?: string;
  size?: number;
  disposition?: string;
  content_id?: string;
  sha256?: string;
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
/** Webklex shows ids without angle brackets; ours always have them. */
const bracket = (id: unknown): string | null => (id === null ? null : `<${String(id).replace(/^<|>$/g, '')}>`);
const lower = (v: string | null): string | null => v?.toLowerCase() ?? null;
/** Webklex prints `Name <address>`, or whichever of the two exists. */
const display = (a: EmailAddress): string => (a.name && a.address ? `${a.name} <${a.address}>` : a.name || a.address || '');
/** Webklex keeps the wire's CRLF line ends and trims; we store LF. Compare the words, not the line ends. */
const webklexText = (t: string): string => t.replace(/\r\n/g, '\n').trim();

function onlyRecipient(p: ParsedEmail): DsnRecipient {
  expect(p.dsn, 'a DSN report').to.not.equal(null);
  const first = p.dsn?.recipients[0];
  expect(first, 'a DSN recipient').to.not.equal(undefined);
  return first as DsnRecipient;
}

function checkAttachment(actual: ParsedEmail['attachments'][number] | undefined, want: ExpectedAttachment): void {
  expect(actual, 'attachment').to.not.equal(undefined);
  if (!actual) return;
  if (want.filename !== undefined) expect(actual.filename).to.equal(want.filename);
  if (want.content_type !== undefined) expect(actual.contentType).to.equal(want.content_type);
  // Webklex's size is the part as transmitted (base64 and all), which is our encodedSize.
  if (want.size !== undefined) expect(actual.encodedSize).to.equal(want.size);
  if (want.disposition !== undefined) expect(actual.disposition).to.equal(want.disposition);
  if (want.content_id !== undefined) expect(actual.contentId).to.equal(want.content_id);
  if (want.sha256 !== undefined) expect(actual.sha256).to.equal(want.sha256);
}

/** expect key → assertion against ParsedEmail. */
const CHECKS: Record<string, (p: ParsedEmail, expected: unknown) => void> = {
  must_not_throw: (p) => expect(p.parseError).to.equal(null), // parseEmail resolving is asserted for every file
  subject: (p, v) => expect(p.subject).to.equal(v),
  message_id: (p, v) => expect(p.messageId).to.equal(bracket(v)),
  in_reply_to: (p, v) => expect(p.inReplyTo).to.equal(bracket(v)),
  references: (p, v) => expect(p.references).to.deep.equal((v as string[]).map(bracket)),
  references_contains: (p, v) => expect(p.references).to.include.members((v as string[]).map(bracket)),
  from: (p, v) => {
    if (v === null) return expect(p.from).to.equal(null);
    // A mailbox without a domain (`From: no_host`) is no address we could answer; it stays the name.
    if (!String(v).includes('@')) return expect(p.from).to.deep.equal({ address: null, name: v });
    expect(p.from?.address).to.equal(v);
  },
  from_display_name: (p, v) => expect(p.from?.name).to.equal(v),
  to: (p, v) => expect(p.to.map((a) => a.address)).to.deep.equal(Array.isArray(v) ? v : [v]),
  cc: (p, v) => expect(p.cc.map(display)).to.deep.equal(v),
  date: (p, v) => expect(p.date === null ? null : p.date.toISOString()).to.equal(v === null ? null : new Date(String(v)).toISOString()),
  date_utc: (p, v) => expect(p.date?.toISOString().replace('T', ' ').slice(0, 19)).to.equal(v),
  content_type: (p, v) => expect(p.contentType).to.equal(v),
  declared_charset: (p, v) => expect(lower(p.declaredCharset)).to.equal(lower(String(v))),
  detected_charset: (p, v) => expect(lower(p.detectedCharset)).to.equal(lower(String(v))),
  body_charset: (p, v) => expect(lower(p.charset)).to.equal(lower(String(v))),
  body: (p, v) => expect(p.text).to.equal(v),
  body_trimmed: (p, v) => expect(p.text.trim()).to.equal(v),
  text: (p, v) => expect(webklexText(p.text)).to.equal(webklexText(String(v))),
  text_sha256: (p, v) => expect(sha256(p.text.replace(/\n/g, '\r\n').trim())).to.equal(v),
  has_text: (p, v) => expect(p.textSource === 'plain').to.equal(v),
  has_html: (p, v) => expect(p.html !== null).to.equal(v),
  // Webklex returns the HTML as sent; ours is sanitised, so compare with the sanitised original.
  html: (p, v) => expect(p.html).to.equal(sanitizeHtml(String(v))),
  attachments_count: (p, v) => expect(p.attachments).to.have.length(Number(v)),
  attachments: (p, v) => {
    const list = v as ExpectedAttachment[];
    expect(p.attachments).to.have.length(list.length);
    list.forEach((want, i) => checkAttachment(p.attachments[i], want));
  },
  attachment_filename: (p, v) => expect(p.attachments.map((a) => a.filename)).to.include(v),
  attachment_2_filename: (p, v) => expect(p.attachments[1]?.filename).to.equal(v),
  attachment_content_sha256_each: (p, v) => {
    expect(p.attachments).to.not.be.empty;
    for (const a of p.attachments) expect(a.sha256).to.equal(v);
  },
  has_message_rfc822_part: (p, v) => expect(p.attachments.some((a) => a.contentType === 'message/rfc822')).to.equal(v),
  inline_image: (p, v) => {
    const want = v as { filename: string; content_type: string; content_id: string };
    const image = p.attachments.find((a) => a.contentId === want.content_id);
    expect(image, 'inline image').to.not.equal(undefined);
    expect(image?.inline).to.equal(true);
    expect(image?.filename).to.equal(want.filename);
    expect(image?.contentType).to.equal(want.content_type);
    expect(p.html).to.include(`cid:${want.content_id.slice(1, -1)}`);
  },
  is_bounce: (p, v) => {
    expect(p.noise, 'noise').to.not.equal(null);
    // Not a bounce here means a delayed DSN: noise all the same, but no failure.
    if (v) expect(p.noise?.kind).to.equal('bounce');
    else expect(p.noise?.kind).to.equal('delay');
  },
  action: (p, v) => expect(onlyRecipient(p).action).to.equal(v),
  status: (p, v) => expect(onlyRecipient(p).status).to.equal(v),
  final_recipient: (p, v) => expect(onlyRecipient(p).finalRecipient).to.equal(v),
  diagnostic_code: (p, v) => expect(onlyRecipient(p).diagnosticCode).to.equal(v),
  remote_mta: (p, v) => expect(onlyRecipient(p).remoteMta).to.equal(v),
  retryable: (p, v) => expect(onlyRecipient(p).retryable).to.equal(v),
  recipients: (p, v) => {
    const want = v as Array<{ final_recipient: string; action: string; status: string }>;
    const got = p.dsn?.recipients.map((r) => ({ final_recipient: r.finalRecipient, action: r.action, status: r.status }));
    expect(got).to.deep.equal(want);
  },
  original_subject: (p, v) => expect(p.dsn?.originalSubject).to.equal(v),
  report_type: (p, v) => expect(p.reportType).to.equal(v),
  feedback_type: (p, v) => expect(p.feedbackType).to.equal(v),
  x_failed_recipients: (p, v) => expect(p.headers.xFailedRecipients).to.equal(v),
  auto_submitted: (p, v) => expect(p.headers.autoSubmitted).to.equal(v),
  // Group consistency needs all three messages: see the thread test below.
  thread_group: (p) => expect(p.messageId).to.be.a('string'),
};

const parsed = new Map<string, ParsedEmail>();
async function parseFixture(file: string): Promise<ParsedEmail> {
  const cached = parsed.get(file);
  if (cached) return cached;
  const result = await parseEmail(readFileSync(path.join(FIXTURES, file)));
  parsed.set(file, result);
  return result;
}

describe('email parsing: shared fixtures', () => {
  it('has a spec for 52 messages and a mapping for every expect key', () => {
    expect(Object.keys(SPECS)).to.have.length(52);
    const keys = new Set(Object.values(SPECS).flatMap((s) => Object.keys(s.expect)));
    const unmapped = [...keys].filter((k) => !(k in CHECKS) && !UNSUPPORTED_KEYS.has(k));
    expect(unmapped, 'expect keys without a mapping').to.deep.equal([]);
  });

  for (const [file, spec] of Object.entries(SPECS)) {
    it(`${file}: ${spec.exercises.join('; ')}`, async () => {
      const p = await parseFixture(file); // parseEmail never rejects: awaiting it is the must_not_throw check
      for (const [key, value] of Object.entries(spec.expect)) {
        if (UNSUPPORTED_KEYS.has(key)) continue;
        const erratum = ERRATA[file]?.[key];
        const check = erratum?.check ?? CHECKS[key];
        if (!check) expect.fail(`no mapping for expect key "${key}" (${file})`);
        check(p, value);
      }
      const isReport = REPORT_KEYS.some((k) => k in spec.expect) || file in EXTRA_NOISE;
      if (isReport) expect(p.noise, 'reports and bounces are noise').to.not.equal(null);
      else expect(p.noise, 'an ordinary mail is not noise').to.equal(null);
      if (file in EXTRA_NOISE) expect(p.noise?.kind).to.equal(EXTRA_NOISE[file]);
      if (spec.expect.report_type === 'feedback-report') expect(p.noise?.kind).to.equal('abuse_report');
    });
  }

  it('thread groups: replies point at their group, unrelated messages at nothing', async () => {
    const members = Object.entries(SPECS).filter(([, s]) => typeof s.expect.thread_group === 'string');
    expect(members.length).to.be.greaterThan(1);
    const mails = await Promise.all(members.map(async ([file, s]) => ({ group: String(s.expect.thread_group), p: await parseFixture(file) })));
    // Union-find over "mentions the other's Message-ID in In-Reply-To/References".
    const parent = mails.map((_, i) => i);
    const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i] ?? i)));
    mails.forEach((a, i) => {
      const parents = [a.p.inReplyTo, ...a.p.references];
      mails.forEach((b, j) => {
        if (i !== j && b.p.messageId !== null && parents.includes(b.p.messageId)) parent[root(i)] = root(j);
      });
    });
    mails.forEach((a, i) => mails.forEach((b, j) => {
      expect(root(i) === root(j), `${a.group}/${b.group}`).to.equal(a.group === b.group);
    }));
  });
});

/** A minimal RFC 5322 message; `body` may be raw bytes in any charset. */
function mail(headers: string, body: string | Buffer = 'Hello'): Buffer {
  return Buffer.concat([Buffer.from(`From: Member <member@example.com>\r\nTo: help@desk.test\r\nSubject: Hi\r\n${headers}\r\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
}

describe('email parsing: charsets, robustness, noise', () => {
  it('reads a GB2312 label as GB18030 (GBK-only and 4-byte characters survive)', async () => {
    const text = '您好，会员卡积分没有到账。镕𠀀';
    const p = await parseEmail(mail('Content-Type: text/plain; charset=gb2312\r\n', iconv.encode(text, 'gb18030')));
    expect(p.text).to.equal(text);
    expect(p.declaredCharset).to.equal('gb2312');
    expect(p.detectedCharset).to.equal(null);
  });

  it('detects the charset of 8-bit text declared us-ascii or declared nothing', async () => {
    const text = '您好，我的会员卡积分没有到账，请帮忙查一下。谢谢！这是第二次联系客服了。';
    for (const header of ['Content-Type: text/plain; charset=us-ascii\r\n', '']) {
      const p = await parseEmail(mail(header, iconv.encode(text, 'gbk')));
      expect(p.text).to.equal(text);
      expect(p.detectedCharset).to.equal('GB18030');
    }
  });

  it('repairs a raw 8-bit GBK subject', async () => {
    const raw = Buffer.concat([Buffer.from('From: a@b.cn\r\nSubject: ', 'latin1'), iconv.encode('会员卡积分问题，请尽快处理', 'gbk'), Buffer.from('\r\n\r\nx', 'latin1')]);
    expect((await parseEmail(raw)).subject).to.equal('会员卡积分问题，请尽快处理');
  });

  it('never throws, whatever it is given', async () => {
    const inputs: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from('\r\n\r\n'),
      Buffer.from('not a mail at all'),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
      mail('Content-Type: multipart/mixed; boundary=x\r\n', '--x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n'),
      mail('Content-Type: text/plain; charset=utf-7\r\nContent-Transfer-Encoding: base64\r\n', '!!!not base64==='),
      mail('Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n', 'Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n'),
      Buffer.from(`Content-Type: multipart/mixed; boundary=a\r\n\r\n${'--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n'.repeat(200)}`),
    ];
    for (const input of inputs) {
      const p = await parseEmail(input);
      expect(p.references).to.be.an('array');
      expect(p.text).to.be.a('string');
    }
    const notABuffer = 'From: x@y.z\r\n\r\nhi' as unknown as Buffer; // a careless JS caller
    expect((await parseEmail(notABuffer)).text).to.equal('hi');
  });

  it('keeps a UTF-8 text with one broken byte as UTF-8 instead of guessing another charset', async () => {
    const body = Buffer.concat([Buffer.from('Grüße aus München, 您好！ Die Karte ', 'utf8'), Buffer.from([0xff]), Buffer.from(' funktioniert nicht.', 'utf8')]);
    const p = await parseEmail(mail('Content-Type: text/plain; charset=utf-8\r\n', body));
    expect(p.text).to.equal('Grüße aus München, 您好！ Die Karte \uFFFD funktioniert nicht.');
    expect(p.detectedCharset).to.equal(null);
  });

  it('joins format=flowed lines (RFC 3676), honouring DelSp', async () => {
    const flowed = await parseEmail(mail('Content-Type: text/plain; charset=utf-8; format=flowed\r\n', 'My card was \r\ncharged twice.\r\n> quoted \r\n> line\r\n'));
    expect(flowed.text).to.equal('My card was charged twice.\n> quoted line\n');
    const delsp = await parseEmail(mail('Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n', '会员卡积 \r\n分问题\r\n'));
    expect(delsp.text).to.equal('会员卡积分问题\n');
  });

  it('still identifies the mail when mailparser gives up on it', async () => {
    let body = 'Hello';
    for (let i = 0; i < 3000; i++) body = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--\r\n`;
    const subject = `=?UTF-8?B?${Buffer.from('会员卡积分').toString('base64')}?=`;
    const p = await parseEmail(Buffer.from(`Message-ID: <deep@x.test>\r\nFrom: "M" <Member@Example.com>\r\nSubject: ${subject}\r\n${body}`));
    expect(p.parseError).to.match(/^mailparser: /);
    expect(p.messageId).to.equal('<deep@x.test>');
    expect(p.from?.address).to.equal('member@example.com');
    expect(p.subject).to.equal('会员卡积分');
  });

  it('normalises ids: one References id is still an array, folded ids are rejoined', async () => {
    const p = await parseEmail(mail('Message-ID: a@b\r\nIn-Reply-To: <x@y>\r\nReferences: <one@x>\r\nReferences: <two@x>, <bro\r\n ken@x>\r\n'));
    expect(p.messageId).to.equal('<a@b>');
    expect(p.references).to.deep.equal(['<one@x>', '<two@x>', '<broken@x>']);
  });

  const noiseCases: Array<[string, string, string | null]> = [
    ['Auto-Submitted: auto-replied\r\n', 'auto_reply', 'Auto-Submitted'],
    ['Auto-Submitted: no\r\n', '', null],
    ['X-Autoreply: yes\r\n', 'auto_reply', 'X-Autoreply'],
    ['X-Autorespond: 1\r\n', 'auto_reply', 'X-Autorespond'],
    ['X-Auto-Response-Suppress: All\r\n', 'auto_reply', 'X-Auto-Response-Suppress'],
    ['X-Loop: helpdesk\r\n', 'auto_reply', 'X-Loop'],
    ['Precedence: auto_reply\r\n', 'auto_reply', 'Precedence'],
    ['Precedence: bulk\r\n', 'list', 'Precedence'],
    ['Precedence: junk\r\n', 'list', 'Precedence'],
    ['Return-Path: <>\r\n', 'bounce', 'Return-Path'],
    ['List-Id: <members.example.com>\r\n', '', null], // a support address behind a group is still a member writing
  ];
  for (const [header, kind, reason] of noiseCases) {
    it(`noise: ${header.trim()} → ${kind || 'not noise'}`, async () => {
      const p = await parseEmail(mail(header));
      if (reason === null) return expect(p.noise).to.equal(null);
      expect(p.noise?.kind).to.equal(kind);
      expect(p.noise?.reason).to.include(reason);
    });
  }

  it('noise: a read receipt (MDN) is flagged with its original message id', async () => {
    const p = await parseEmail(mail(
      'Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n',
      '--b\r\nContent-Type: text/plain\r\n\r\nRead.\r\n--b\r\nContent-Type: message/disposition-notification\r\n\r\n'
      + 'Final-Recipient: rfc822; member@example.com\r\nOriginal-Message-ID: <out-1@desk.test>\r\n'
      + 'Disposition: manual-action/MDN-sent-manually; displayed\r\n--b--\r\n',
    ));
    expect(p.noise?.kind).to.equal('read_receipt');
    expect(p.mdn?.originalMessageId).to.equal('<out-1@desk.test>');
  });
});

describe('splitQuoted', () => {
  it('English: "On … wrote:" with > lines, including a wrapped attribution and bottom-posting', () => {
    const top = splitQuoted('My card was charged twice.\n\nOn Mon, 1 Jan 2024 at 10:00, Support <s@desk.test> wrote:\n> Thanks for writing.\n> Regards');
    expect(top.fresh).to.equal('My card was charged twice.');
    expect(top.quoted).to.equal('On Mon, 1 Jan 2024 at 10:00, Support <s@desk.test> wrote:\n> Thanks for writing.\n> Regards');
    const bottom = splitQuoted('On Mon, 1 Jan 2024, Support Team <\ns@desk.test> wrote:\n> Did it work?\n\nNo, it still fails.');
    expect(bottom.fresh).to.equal('No, it still fails.');
    expect(bottom.quoted).to.include('> Did it work?');
  });

  it('Chinese: "在 … 写道：", with and without > prefixes, and Gmail\'s "于 … 写道："', () => {
    const prefixed = splitQuoted('积分还是没有到账。\n\n在 2024-01-02 10:00:00，"客服" <s@desk.test> 写道：\n> 请提供会员卡号。');
    expect(prefixed.fresh).to.equal('积分还是没有到账。');
    expect(prefixed.quoted).to.include('> 请提供会员卡号。');
    const plain = splitQuoted('好的，卡号是 123。\n\n在 2024-01-02 10:00:00，"客服" <s@desk.test> 写道：\n请提供会员卡号。\n谢谢');
    expect(plain.fresh).to.equal('好的，卡号是 123。');
    expect(plain.quoted).to.equal('在 2024-01-02 10:00:00，"客服" <s@desk.test> 写道：\n请提供会员卡号。\n谢谢');
    expect(splitQuoted('收到\n\n张三 <zs@gmail.com> 于2024年1月2日周二 10:00写道：\n> 原文').fresh).to.equal('收到');
  });

  it('Outlook and Foxmail/QQ header blocks quote everything below them', () => {
    const outlook = splitQuoted('See below.\n\n________________________________\nFrom: Support <s@desk.test>\nSent: Monday, January 1, 2024 10:00 AM\nTo: Jane <jane@x.com>\nSubject: RE: MD-000123\n\nOld text');
    expect(outlook.fresh).to.equal('See below.');
    expect(outlook.quoted).to.match(/^_{20,}\nFrom: Support/);
    expect(outlook.quoted).to.include('Old text');
    const original = splitQuoted('Thanks\n-----Original Message-----\nFrom: s@desk.test\nold');
    expect(original).to.deep.equal({ fresh: 'Thanks', quoted: '-----Original Message-----\nFrom: s@desk.test\nold' });
    const foxmail = splitQuoted('谢谢\n\n发件人：客服 <s@desk.test>\n发送时间：2024年1月2日 10:00\n收件人：张三\n主题：回复: MD-000123\n\n旧内容');
    expect(foxmail.fresh).to.equal('谢谢');
    expect(foxmail.quoted).to.include('旧内容');
    const qq = splitQuoted('好\n\n------------------ 原始邮件 ------------------\n发件人: "客服"<s@desk.test>;\n主题: 会员卡');
    expect(qq.fresh).to.equal('好');
  });

  it('leaves text without history alone (a lone From: line or a signature rule is not a quote)', () => {
    const text = 'Just text.\nFrom: my phone\n\n____________________________\nJane Doe, Gold member';
    expect(splitQuoted(text)).to.deep.equal({ fresh: text, quoted: '' });
  });
});

describe('sanitizeHtml', () => {
  it('removes scripts, styles and event handlers', () => {
    const out = sanitizeHtml('<p onclick="steal()">Hi<script>alert(1)</script></p><style>p{color:red}</style><img src=x onerror="alert(1)">');
    expect(out).to.equal('<p>Hi</p><span></span>');
  });

  it('drops javascript: URLs, however they are spelled', () => {
    const out = sanitizeHtml('<a href="javascript:alert(1)">a</a><a href="JaVaScRiPt:alert(1)">b</a><a href="&#106;avascript:alert(1)">c</a>');
    expect(out).to.not.match(/javascript/i);
    expect(out).to.not.include('href');
  });

  it('drops iframes, objects, forms and CSS expressions or urls', () => {
    const out = sanitizeHtml('<iframe src="https://x.test"></iframe><object data="x"></object><form action="https://x.test"><input name="a"></form>'
      + '<div style="width: expression(alert(1)); color: red; background-image: url(https://t.test/p.gif)">s</div>');
    expect(out).to.equal('<div style="color:red">s</div>');
  });

  it('replaces remote images (trackers) with a placeholder', () => {
    expect(sanitizeHtml('<img src="https://t.test/open.gif" width="1" height="1">')).to.equal('<span title="Remote image blocked">[image]</span>');
    expect(sanitizeHtml('<img src="//t.test/open.gif" alt="logo">')).to.equal('<span title="Remote image blocked">[image: logo]</span>');
  });

  it('keeps cid: and data:image images', () => {
    expect(sanitizeHtml('<img src="cid:logo@x" alt="logo">')).to.equal('<img src="cid:logo@x" alt="logo" />');
    expect(sanitizeHtml('<img src="data:image/png;base64,iVBORw0KGgo=">')).to.equal('<img src="data:image/png;base64,iVBORw0KGgo=" />');
    expect(sanitizeHtml('<img src="data:image/svg+xml;base64,PHN2Zz4=">')).to.not.include('<img');
  });

  it('opens links in a new tab without opener or referrer', () => {
    expect(sanitizeHtml('<a href="https://example.com/" target="_self" rel="opener">x</a>'))
      .to.equal('<a target="_blank" rel="noopener noreferrer nofollow" href="https://example.com/">x</a>');
  });

  it('keeps basic formatting', () => {
    const html = '<p><b>bold</b> <i>it</i> <u>u</u></p><ul><li>one</li></ul><table><tr><td colspan="2">c</td></tr></table>';
    expect(sanitizeHtml(html)).to.equal(html);
  });
});
