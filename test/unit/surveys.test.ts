import { expect } from 'chai';
import { SurveyLinks } from '../../server/surveys/survey-link.js';
import { emailPrompt, parseRatingReply, replyPrompt, surveyLocale } from '../../server/surveys/survey-texts.js';

describe('survey replies on conversational channels (parseRatingReply)', () => {
  const answers: Array<[string, number, string | null]> = [
    ['5', 5, null], ['５', 5, null], [' 4 ', 4, null], ['3分', 3, null], ['4 星', 4, null], ['1!', 1, null],
    ['3，服务还行', 3, '服务还行'], ['2. too slow', 2, 'too slow'], ['5 很满意', 5, '很满意'], ['5 stars great', 5, 'great'], ['2 - 等太久了', 2, '等太久了'],
  ];
  for (const [text, rating, comment] of answers) {
    it(`"${text}" answers ${rating}${comment ? ` with "${comment}"` : ''}`, () => {
      expect(parseRatingReply(text)).to.deep.equal({ rating, comment });
    });
  }
  for (const text of ['0', '6', '50元', '5a', '3 people in the queue', '我给5分', '', '12', 'five']) {
    it(`"${text}" is a message, not an answer`, () => expect(parseRatingReply(text)).to.equal(null));
  }
  it('keeps at most 2000 characters of a comment', () => {
    expect(parseRatingReply(`4，${'好'.repeat(3000)}`)!.comment).to.have.length(2000);
  });
});

describe('survey links', () => {
  const links = new SurveyLinks('k'.repeat(64), 'https://desk.example.com');
  const nonce = SurveyLinks.nonce();

  it('names one survey and nonce, and verifies only what it signed', () => {
    const token = links.token(42, nonce);
    expect(links.url(42, nonce)).to.equal(`https://desk.example.com/survey/${token}`);
    expect(links.verify(token)).to.deep.equal({ surveyId: 42, nonce });
    const [id, n, mac] = token.split('.') as [string, string, string];
    expect(links.verify(`43.${n}.${mac}`)).to.equal(null);
    expect(links.verify(`${id}.${SurveyLinks.nonce()}.${mac}`)).to.equal(null);
    expect(links.verify(`${id}.${n}.${mac.slice(0, -2)}AA`)).to.equal(null);
    expect(links.verify(`${id}.${n}`)).to.equal(null);
    expect(new SurveyLinks('x'.repeat(64), 'https://desk.example.com').verify(token)).to.equal(null);
  });
});

describe('survey prompts', () => {
  it('are written in the ticket\'s language, both Chinese and English when it is unknown', () => {
    expect(surveyLocale('zh-Hant')).to.equal('zh-Hant');
    expect(surveyLocale('other')).to.equal('both');
    const en = emailPrompt({ locale: 'en', ticketNumber: 'MD-000001', reminder: false, url: 'https://x/survey/t', expiryDays: 7 });
    expect(en).to.equal('Your request MD-000001 has been resolved. How satisfied are you with our service?\nRate us from 1 to 5 here: https://x/survey/t\nThe link works for 7 days.');
    const both = replyPrompt({ locale: 'both', ticketNumber: 'MD-000002', reminder: true, expiryDays: 7 });
    expect(both).to.contain('温馨提醒：您还没有评价工单 MD-000002').and.to.contain('A gentle reminder');
    expect(replyPrompt({ locale: 'zh-Hant', ticketNumber: 'MD-3', reminder: false, expiryDays: 7 })).to.contain('請直接回覆數字 1–5');
  });
});
