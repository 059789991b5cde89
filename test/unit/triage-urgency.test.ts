import { expect } from 'chai';
import type { Priority, Tier } from '../../server/domain.js';
import {
  assessUrgency, DEFAULT_URGENCY, normalizeText, scoreSentiment, type Labelled, type Sentiment, type UrgencySettings,
} from '../../server/triage/engine/index.js';

/*
 * Urgency (ARCHITECTURE §6): safety and legal words make a ticket urgent outright; repeat contact,
 * a very negative message and a high tier each add a level to normal; a rule's priority is a floor.
 * Unless a test says otherwise the settings are the shipped defaults: one other ticket within 7
 * days raises a level, diamond adds one, a very negative message adds one.
 */

const CALM: Labelled<Sentiment> = { value: 'neutral', confidence: 0.5, reasons: [] };
const FURIOUS: Labelled<Sentiment> = { value: 'very_negative', confidence: 0.9, reasons: [] };

interface Case {
  text?: string;
  recentContacts?: number;
  memberTier?: Tier;
  sentiment?: Labelled<Sentiment>;
  rule?: Priority;
}

function urgency(c: Case, settings: UrgencySettings = DEFAULT_URGENCY): Labelled<Priority> {
  return assessUrgency(
    {
      normalizedText: normalizeText(c.text ?? '请问会员卡怎么续费'),
      recentContacts: c.recentContacts,
      memberTier: c.memberTier,
      sentiment: c.sentiment ?? CALM,
      rulePriority: c.rule ? { value: c.rule, ruleId: 42 } : null,
    },
    settings,
  );
}

function codes(l: Labelled<Priority>): string[] {
  return l.reasons.map((r) => r.code);
}

describe('triage urgency', () => {
  it('is normal by default, with confidence 0 and a reason saying nothing raised it', () => {
    const u = urgency({});
    expect(u.value).to.equal('normal');
    expect(u.confidence).to.equal(0);
    expect(codes(u)).to.deep.equal(['default.normal']);
  });

  describe('safety and health words make a ticket urgent', () => {
    const texts = {
      'zh-Hans': '孩子吃了你们的汉堡之后食物中毒，现在在医院',
      'zh-Hant': '小孩吃完你們的漢堡後食物中毒，已經住院了',
      en: 'My son had an allergic reaction to the cake and we are at the hospital',
    };
    for (const [language, text] of Object.entries(texts)) {
      it(`in ${language}`, () => {
        const u = urgency({ text });
        expect(u.value).to.equal('urgent');
        expect(u.confidence).to.equal(1);
        expect(codes(u)).to.deep.equal(['urgency.safety']);
        expect(u.reasons[0]!.words).to.have.length.greaterThan(0);
      });
    }

    it('names the configured words that matched', () => {
      expect(urgency({ text: '孩子被烫伤了' }).reasons[0]!.words).to.deep.equal(['烫伤']);
    });
  });

  describe('legal and media threats make a ticket urgent', () => {
    for (const text of ['再不处理我就打12315', '我已經請了律師', 'My lawyer will be in touch', '我要找记者曝光你们']) {
      it(text, () => {
        const u = urgency({ text });
        expect(u.value).to.equal('urgent');
        expect(codes(u)).to.deep.equal(['urgency.legal']);
      });
    }

    it('does not hear "sue" in "issue"', () => {
      expect(urgency({ text: 'There is an issue with my voucher' }).value).to.equal('normal');
    });
  });

  describe('repeat contact', () => {
    it('raises a level from the threshold on (default: one other ticket within 7 days)', () => {
      expect(urgency({ recentContacts: 0 }).value).to.equal('normal');
      const u = urgency({ recentContacts: 1 });
      expect(u.value).to.equal('high');
      expect(codes(u)).to.deep.equal(['urgency.repeat_contact']);
      expect(u.reasons[0]!.score).to.equal(1);
    });

    it('follows a configured threshold', () => {
      const settings = { ...DEFAULT_URGENCY, repeatContact: { windowDays: 14, threshold: 3 } };
      expect(urgency({ recentContacts: 2 }, settings).value).to.equal('normal');
      expect(urgency({ recentContacts: 3 }, settings).value).to.equal('high');
    });
  });

  describe('sentiment', () => {
    it('raises a level for a very negative message', () => {
      const u = urgency({ sentiment: FURIOUS });
      expect(u.value).to.equal('high');
      expect(codes(u)).to.deep.equal(['urgency.negative_sentiment']);
    });

    it('leaves a merely negative message alone', () => {
      expect(urgency({ sentiment: { value: 'negative', confidence: 0.7, reasons: [] } }).value).to.equal('normal');
    });

    it('takes the lexicon verdict of a real message', () => {
      const text = '你们这什么垃圾服务，骗子！';
      expect(urgency({ text, sentiment: scoreSentiment(text) }).value).to.equal('high');
    });

    it('adds the configured number of levels, or none', () => {
      expect(urgency({ sentiment: FURIOUS }, { ...DEFAULT_URGENCY, negativeBoost: 2 }).value).to.equal('urgent');
      expect(urgency({ sentiment: FURIOUS }, { ...DEFAULT_URGENCY, negativeBoost: 0 }).value).to.equal('normal');
    });
  });

  describe('member tier', () => {
    it('raises a level for a diamond member and not for gold', () => {
      const u = urgency({ memberTier: 'diamond' });
      expect(u.value).to.equal('high');
      expect(codes(u)).to.deep.equal(['urgency.tier']);
      expect(urgency({ memberTier: 'gold' }).value).to.equal('normal');
    });
  });

  describe('combined signals', () => {
    it('reaches urgent with two boosts', () => {
      const u = urgency({ recentContacts: 1, memberTier: 'diamond' });
      expect(u.value).to.equal('urgent');
      expect(codes(u)).to.deep.equal(['urgency.repeat_contact', 'urgency.tier']);
    });

    it('stops at urgent however many signals there are, and lists them all', () => {
      const u = urgency({ text: '我要找律师', recentContacts: 3, memberTier: 'diamond', sentiment: FURIOUS });
      expect(u.value).to.equal('urgent');
      expect(codes(u)).to.deep.equal(['urgency.legal', 'urgency.repeat_contact', 'urgency.negative_sentiment', 'urgency.tier']);
    });
  });

  describe("a rule's priority is a floor", () => {
    it('stands alone when no signal fires', () => {
      const u = urgency({ rule: 'high' });
      expect(u.value).to.equal('high');
      expect(u.confidence).to.equal(1);
      expect(codes(u)).to.deep.equal(['rule.priority']);
      expect(u.reasons[0]!.ruleId).to.equal(42);
    });

    it('can make a ticket low when nothing raises it', () => {
      expect(urgency({ rule: 'low' }).value).to.equal('low');
    });

    it('gives way to stronger signals', () => {
      expect(urgency({ rule: 'low', recentContacts: 1 }).value).to.equal('high');
      expect(urgency({ rule: 'normal', recentContacts: 1, memberTier: 'diamond' }).value).to.equal('urgent');
      expect(urgency({ rule: 'high', text: '吃完过敏了' }).value).to.equal('urgent');
    });

    it('holds against weaker signals', () => {
      const u = urgency({ rule: 'urgent', memberTier: 'diamond' });
      expect(u.value).to.equal('urgent');
      expect(codes(u)).to.deep.equal(['urgency.tier', 'rule.priority']);
    });
  });
});
