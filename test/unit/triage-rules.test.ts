import { expect } from 'chai';
import {
  compileRules, detectLanguage, matchRules, normalizeText, REGEX_INPUT_LIMIT, RuleCompileError, type RuleContext, type TriageRule,
} from '../../server/triage/engine/index.js';

/*
 * Triage rules (ARCHITECTURE §6): keywords in either Chinese script or English, regexes, conditions,
 * order. Every text meets the keyword in normalised form, so these tests are written the way members
 * and admins really write: Simplified, Traditional (Taiwan and Hong Kong), full-width, mixed case.
 */

let nextId = 1;
function rule(match: TriageRule['match'], more: Partial<TriageRule> = {}): TriageRule {
  const id = nextId++;
  return { id, name: `rule ${id}`, enabled: true, position: id * 10, conditions: {}, match, actions: {}, ...more };
}

function ctx(text: string, more: Partial<RuleContext> = {}): RuleContext {
  const subject = more.subject ?? '';
  return {
    subject,
    text,
    normalizedSubject: normalizeText(subject),
    normalizedText: normalizeText(text),
    language: detectLanguage(text).value,
    ...more,
  };
}

function matchedIds(rules: TriageRule[], c: RuleContext): number[] {
  return matchRules(compileRules(rules), c).map((m) => m.rule.id);
}

describe('triage rules', () => {
  describe('one keyword, every script', () => {
    const refund = rule({ keywords: ['退款', 'refund'] });

    it('matches the same complaint written in Simplified, Traditional and English', () => {
      for (const text of ['我要求退款，已经等了三周了', '我要求退款，已經等了三週了', 'I want a refund, I have been waiting for three weeks']) {
        expect(matchedIds([refund], ctx(text)), text).to.deep.equal([refund.id]);
      }
    });

    it('reports the keyword as configured, not as normalised', () => {
      const [m] = matchRules(compileRules([rule({ keywords: ['退還'] })]), ctx('请尽快退还我的押金'));
      expect(m?.words).to.deep.equal(['退還']);
    });

    it('matches Simplified text with a keyword written in Traditional', () => {
      const r = rule({ keywords: ['會員積分'] });
      expect(matchedIds([r], ctx('我的会员积分少了两千'))).to.deep.equal([r.id]);
    });

    it('treats 账号, 帳號 and 賬號 as one word whichever way the keyword is written', () => {
      for (const keyword of ['账号', '帳號', '賬號']) {
        const r = rule({ keywords: [keyword] });
        for (const text of ['我的账号登不上', '我的帳號登不進去', '我的賬號被盜了']) {
          expect(matchedIds([r], ctx(text)), `${keyword} in ${text}`).to.deep.equal([r.id]);
        }
      }
    });

    it('folds Hong Kong and Taiwan variants and Taiwan vocabulary', () => {
      const hygiene = rule({ keywords: ['卫生'] });
      expect(matchedIds([hygiene], ctx('餐廳衞生很差')), 'HK 衞').to.deep.equal([hygiene.id]);
      expect(matchedIds([hygiene], ctx('餐廳衛生很差')), 'TW 衛').to.deep.equal([hygiene.id]);
      const login = rule({ keywords: ['登录'] });
      expect(matchedIds([login], ctx('App 一直無法登入')), 'TW 登入').to.deep.equal([login.id]);
    });

    it('matches full-width and upper-case text', () => {
      const r = rule({ keywords: ['refund'] });
      expect(matchedIds([r], ctx('ＲＥＦＵＮＤ ＰＬＥＡＳＥ'))).to.deep.equal([r.id]);
    });
  });

  describe('English keywords are whole words', () => {
    const sue = rule({ keywords: ['sue'] });

    it('finds "sue" as a word', () => {
      expect(matchedIds([sue], ctx('If this is not fixed I will sue you.'))).to.deep.equal([sue.id]);
    });

    it('does not find "sue" inside issue, pursue or Suez', () => {
      for (const text of ['I have an issue with my order', 'I will pursue this', 'Shipped via Suez']) {
        expect(matchedIds([sue], ctx(text)), text).to.deep.equal([]);
      }
    });

    it('does not find a number inside a longer number', () => {
      const r = rule({ keywords: ['315'] });
      expect(matchedIds([r], ctx('我已经打了12315'))).to.deep.equal([]);
      expect(matchedIds([r], ctx('我要向315晚会反映'))).to.deep.equal([r.id]);
    });

    it('finds an English word written against Chinese characters', () => {
      const r = rule({ keywords: ['iphone'] });
      expect(matchedIds([r], ctx('我的iPhone充电器坏了'))).to.deep.equal([r.id]);
    });

    it('matches a phrase across any run of spaces', () => {
      const r = rule({ keywords: ['charged twice'] });
      expect(matchedIds([r], ctx('I was   charged\ntwice for one coffee'))).to.deep.equal([r.id]);
    });

    it('matches Chinese keywords as substrings', () => {
      const r = rule({ keywords: ['没收到'] });
      expect(matchedIds([r], ctx('快递显示签收但我没收到货'))).to.deep.equal([r.id]);
    });
  });

  describe('mode, regex and fields', () => {
    it('needs every keyword in mode all, any one otherwise', () => {
      const all = rule({ keywords: ['积分', '过期'], mode: 'all' });
      const any = rule({ keywords: ['积分', '过期'] });
      expect(matchedIds([all, any], ctx('我的积分还没到账'))).to.deep.equal([any.id]);
      expect(matchedIds([all, any], ctx('积分怎么突然过期了'))).to.deep.equal([all.id, any.id]);
    });

    it('matches a regex case-insensitively against the normalised text and reports the matched text', () => {
      const r = rule({ regex: 'ORDER\\s*#?\\d{6,}' });
      const [m] = matchRules(compileRules([r]), ctx('Where is Order #20240611?'));
      expect(m?.words).to.deep.equal(['order #20240611']);
    });

    it('folds Chinese literals in a regex like the text', () => {
      const r = rule({ regex: '訂單號?\\s*\\d{6,}' });
      expect(matchedIds([r], ctx('订单号 88165231 一直没发货'))).to.deep.equal([r.id]);
    });

    it('needs both the keywords and the regex when a rule has both', () => {
      const r = rule({ keywords: ['退款'], regex: '\\d{6,}' });
      expect(matchedIds([r], ctx('我要退款'))).to.deep.equal([]);
      expect(matchedIds([r], ctx('订单 123456 我要退款'))).to.deep.equal([r.id]);
    });

    it('looks only where the rule says', () => {
      const subjectOnly = rule({ keywords: ['发票'], fields: 'subject' });
      const textOnly = rule({ keywords: ['发票'], fields: 'text' });
      const both = rule({ keywords: ['发票'] });
      expect(matchedIds([subjectOnly, textOnly, both], ctx('请帮忙处理', { subject: '开发票' }))).to.deep.equal([subjectOnly.id, both.id]);
      expect(matchedIds([subjectOnly, textOnly, both], ctx('我要开发票', { subject: '你好' }))).to.deep.equal([textOnly.id, both.id]);
    });
  });

  describe('conditions and order', () => {
    const words = { keywords: ['退款'] };

    it('applies a rule only on its channels, tiers, departments and languages', () => {
      const email = rule(words, { conditions: { channels: ['email'] } });
      const diamond = rule(words, { conditions: { tiers: ['diamond'] } });
      const dept = rule(words, { conditions: { departmentIds: [7] } });
      const hant = rule(words, { conditions: { languages: ['zh-Hant'] } });
      const rules = [email, diamond, dept, hant];
      expect(matchedIds(rules, ctx('我要退款', { channel: 'email' }))).to.deep.equal([email.id]);
      expect(matchedIds(rules, ctx('我要退款', { channel: 'wechat', memberTier: 'diamond' }))).to.deep.equal([diamond.id]);
      expect(matchedIds(rules, ctx('我要退款', { departmentId: 7 }))).to.deep.equal([dept.id]);
      expect(matchedIds(rules, ctx('我要求退款，已經三週了'))).to.deep.equal([hant.id]);
    });

    it('does not apply a conditional rule when the ticket lacks that fact', () => {
      const r = rule(words, { conditions: { tiers: ['gold'] } });
      expect(matchedIds([r], ctx('我要退款'))).to.deep.equal([]);
    });

    it('treats empty condition lists as no condition', () => {
      const r = rule(words, { conditions: { channels: [], tiers: [] } });
      expect(matchedIds([r], ctx('我要退款'))).to.deep.equal([r.id]);
    });

    it('skips disabled rules', () => {
      const off = rule(words, { enabled: false });
      const on = rule(words);
      expect(matchedIds([off, on], ctx('我要退款'))).to.deep.equal([on.id]);
    });

    it('returns matches in position order, whatever order the rules were given in', () => {
      const late = rule(words, { position: 500 });
      const early = rule(words, { position: 5 });
      expect(matchedIds([late, early], ctx('我要退款'))).to.deep.equal([early.id, late.id]);
    });
  });

  describe('compiling', () => {
    function compileError(r: TriageRule): RuleCompileError {
      try {
        compileRules([r]);
      } catch (err) {
        expect(err).to.be.instanceOf(RuleCompileError);
        return err as RuleCompileError;
      }
      throw new Error('expected a RuleCompileError');
    }

    it('refuses an invalid regex, naming the rule and the field', () => {
      const r = rule({ regex: '(unclosed' });
      const err = compileError(r);
      expect(err.ruleId).to.equal(r.id);
      expect(err.field).to.equal('regex');
    });

    it('refuses regexes that can backtrack catastrophically', () => {
      for (const regex of ['(a+)+$', '(\\w+\\s?)*x', '(x*){2,}', '(?:ab|a+)+c', '((a+)?)+', '(\\d+){5}']) {
        expect(compileError(rule({ regex })).field, regex).to.equal('regex');
      }
    });

    it('refuses repeated alternatives and more than two unbounded repetitions, which no nested quantifier shows', () => {
      for (const regex of ['(a|aa)*b', '(?:退款|退)+x', '.*a.*b.*c', 'a+b+c+d']) {
        expect(compileError(rule({ regex })).field, regex).to.equal('regex');
      }
      expect(() => compileRules([rule({ regex: '(退款|退货).*订单.*' })]), 'two are fine').not.to.throw();
    });

    it('reads at most the first REGEX_INPUT_LIMIT characters with a regex (keywords read everything)', () => {
      const compiled = compileRules([rule({ regex: 'refund' })]);
      const ctx = (text: string) => ({ subject: '', text, normalizedSubject: '', normalizedText: text, language: 'en' as const });
      expect(matchRules(compiled, ctx(`${'a '.repeat(REGEX_INPUT_LIMIT / 2 - 10)}refund`))).to.have.length(1);
      expect(matchRules(compiled, ctx(`${'a '.repeat(REGEX_INPUT_LIMIT)}refund`))).to.have.length(0);
    });

    it('accepts ordinary regexes', () => {
      for (const regex of ['(a+)?b', '(\\d+)-(\\d+)', '[a+]+', '(退款|退货).*订单', 'https?://\\S+', '(ab){3}', '\\p{Script=Han}{2,}']) {
        expect(() => compileRules([rule({ regex })]), regex).not.to.throw();
      }
    });

    it('refuses a rule with neither keywords nor regex', () => {
      expect(compileError(rule({})).field).to.equal('match');
      expect(compileError(rule({ keywords: [], regex: '  ' })).field).to.equal('match');
    });

    it('refuses a rule whose keywords are all blank', () => {
      expect(compileError(rule({ keywords: ['  ', ''] })).field).to.equal('keywords');
    });

    it('refuses a broken rule even while it is disabled', () => {
      expect(compileError(rule({ regex: '[' }, { enabled: false })).field).to.equal('regex');
    });
  });
});
