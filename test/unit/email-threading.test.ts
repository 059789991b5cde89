import { expect } from 'chai';
import {
  bodyMarker, findBodyMarker, normaliseSubject, ourMessageId, parseMessageIds, subjectWithTicketNumber,
  threadCandidates, ticketNumberInSubject, verifyOurMessageId,
} from '../../channels/email/threading.js';

const secret = 'test-threading-secret';
const domain = 'helpdesk.test';

describe('email threading: signed Message-IDs', () => {
  it('round-trips ticket and message through a signed id of at least 80 bits', () => {
    const id = ourMessageId({ ticketId: 42, messageId: 7, secret, domain });
    expect(id).to.match(/^<md\.t42\.m7\.[0-9a-f]{20,}@helpdesk\.test>$/);
    expect(verifyOurMessageId(id, secret)).to.deep.equal({ ticketId: 42, messageId: 7 });
    // Inbound headers arrive with or without brackets and surrounding space.
    expect(verifyOurMessageId(` ${id.slice(1, -1)} `, secret)).to.deep.equal({ ticketId: 42, messageId: 7 });
  });

  it('rejects altered ids: other ticket, other message, changed signature, other secret', () => {
    const id = ourMessageId({ ticketId: 42, messageId: 7, secret, domain });
    expect(verifyOurMessageId(id.replace('.t42.', '.t43.'), secret)).to.equal(null);
    expect(verifyOurMessageId(id.replace('.m7.', '.m8.'), secret)).to.equal(null);
    const sig = /\.([0-9a-f]+)@/.exec(id)![1]!;
    const flipped = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
    expect(verifyOurMessageId(id.replace(sig, flipped), secret)).to.equal(null);
    expect(verifyOurMessageId(id.replace(sig, sig.slice(0, -1)), secret)).to.equal(null);
    expect(verifyOurMessageId(id, 'another-secret')).to.equal(null);
    expect(verifyOurMessageId('<CAF=abc123@mail.gmail.com>', secret)).to.equal(null);
    expect(verifyOurMessageId('<md.t042.m7.0000@helpdesk.test>', secret)).to.equal(null);
  });

  it('verifies with any secret of a rotation list, signing with the first', () => {
    const old = ourMessageId({ ticketId: 5, messageId: 9, secret: 'old', domain });
    expect(verifyOurMessageId(old, ['new', 'old'])).to.deep.equal({ ticketId: 5, messageId: 9 });
    expect(ourMessageId({ ticketId: 5, messageId: 9, secret: ['new', 'old'], domain })).to.equal(ourMessageId({ ticketId: 5, messageId: 9, secret: 'new', domain }));
  });

  it('refuses an empty secret instead of signing with it', () => {
    expect(() => ourMessageId({ ticketId: 1, messageId: 1, secret: '', domain })).to.throw(/secret/);
  });
});

describe('email threading: candidate order', () => {
  it('tries In-Reply-To, then References newest to oldest, without repeats', () => {
    expect(threadCandidates({ inReplyTo: '<c@x>', references: ['<a@x>', '<b@x>', '<c@x>'] })).to.deep.equal(['<c@x>', '<b@x>', '<a@x>']);
    expect(threadCandidates({ inReplyTo: null, references: ['<a@x> <b@x>', '<d@x>'] })).to.deep.equal(['<d@x>', '<b@x>', '<a@x>']);
    expect(threadCandidates({ inReplyTo: '<z@x>', references: [] })).to.deep.equal(['<z@x>']);
    expect(threadCandidates({ inReplyTo: null, references: [] })).to.deep.equal([]);
  });

  it('keeps only the newest ids of a huge References header', () => {
    const references = Array.from({ length: 500 }, (_, i) => `<r${i}@x>`);
    const got = threadCandidates({ inReplyTo: null, references });
    expect(got).to.have.length(50);
    expect(got[0]).to.equal('<r499@x>');
  });

  it('parses ids with and without brackets, ignoring junk between them', () => {
    expect(parseMessageIds('<a@x> (comment) <b@y>')).to.deep.equal(['<a@x>', '<b@y>']);
    expect(parseMessageIds('a@x b@y')).to.deep.equal(['<a@x>', '<b@y>']);
    expect(parseMessageIds('nothing here')).to.deep.equal([]);
  });
});

describe('email threading: body marker', () => {
  it('finds a signed marker inside quoted reply text', () => {
    const marker = bodyMarker({ ticketId: 123, secret });
    expect(marker).to.match(/^\[ref:MD-000123:[0-9a-f]+\]$/);
    const reply = `Thanks, that helped.\n\nOn Mon, Support wrote:\n> Your card is on its way.\n>\n> ${marker}\n`;
    expect(findBodyMarker(reply, secret)).to.equal(123);
  });

  it('rejects forged markers and keeps looking past them', () => {
    const marker = bodyMarker({ ticketId: 123, secret });
    expect(findBodyMarker(marker.replace('MD-000123', 'MD-000124'), secret)).to.equal(null);
    expect(findBodyMarker('[ref:MD-000124:0123456789ab]', secret)).to.equal(null);
    expect(findBodyMarker(marker, 'another-secret')).to.equal(null);
    expect(findBodyMarker(`[ref:MD-000999:0123456789ab]\n> ${marker}`, secret)).to.equal(123);
    expect(findBodyMarker('no marker at all', secret)).to.equal(null);
  });

  it('never accepts a Message-ID signature as a marker signature', () => {
    const id = ourMessageId({ ticketId: 123, messageId: 1, secret, domain });
    const sig = /\.([0-9a-f]+)@/.exec(id)![1]!;
    expect(findBodyMarker(`[ref:MD-000123:${sig.slice(0, 12)}]`, secret)).to.equal(null);
  });
});

describe('email threading: subjects', () => {
  it('strips stacked English and Chinese reply/forward prefixes', () => {
    expect(normaliseSubject('Re: 回复: Fwd: Card not received')).to.equal('Card not received');
    expect(normaliseSubject('RE: FW: Fw: re: fwd: Points')).to.equal('Points');
    expect(normaliseSubject('答复：转发: 回覆：会员卡  未收到')).to.equal('会员卡 未收到');
    expect(normaliseSubject('  Re:   Re:\tlate   delivery ')).to.equal('late delivery');
    expect(normaliseSubject('RE : TR : Carte non reçue')).to.equal('Carte non reçue');
    expect(normaliseSubject('AW: WG: Re[2]: Re^3: SV: Karte')).to.equal('Karte');
  });

  it('leaves words that only look like prefixes', () => {
    expect(normaliseSubject('Refund request')).to.equal('Refund request');
    expect(normaliseSubject('Question about Re: numbering')).to.equal('Question about Re: numbering');
    expect(normaliseSubject('[External] Re: hi')).to.equal('[External] Re: hi');
  });

  it('extracts the ticket number only from a bracketed tag', () => {
    expect(ticketNumberInSubject('Re: [MD-000123] Card not received')).to.equal(123);
    expect(ticketNumberInSubject('[MD-1234567] big')).to.equal(1234567);
    expect(ticketNumberInSubject('about MD-000123 again')).to.equal(null);
    expect(ticketNumberInSubject('about MD-12')).to.equal(null);
    expect(ticketNumberInSubject('[MD-12]')).to.equal(null);
    expect(ticketNumberInSubject('no number')).to.equal(null);
  });

  it('adds the ticket tag once', () => {
    expect(subjectWithTicketNumber('Card not received', 'MD-000042')).to.equal('[MD-000042] Card not received');
    expect(subjectWithTicketNumber('[MD-000042] Card not received', 'MD-000042')).to.equal('[MD-000042] Card not received');
    expect(subjectWithTicketNumber('', 'MD-000042')).to.equal('[MD-000042]');
  });
});
