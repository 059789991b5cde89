import { expect } from 'chai';
import {
  classify, compileRules, DEFAULT_CATEGORIES, DEFAULT_RULES, DEFAULT_URGENCY, detectLanguage, normalizeText, scoreSentiment, SEED_EXAMPLES,
  TriageModel, type ClassifyKit, type TrainingExample, type TriageRule,
} from '../../server/triage/engine/index.js';

/*
 * The triage engine end to end (ARCHITECTURE §6): the normal form every comparison uses, language,
 * sentiment, and classify() deciding each label by rule, then model, then phrasing, then default,
 * always with its reasons. Rules, urgency and the model have their own files (triage-*.test.ts).
 */

const CATEGORIES = DEFAULT_CATEGORIES.map((c) => c.key);

/** Rules, and a model taught `examples` (the seed examples unless a test says otherwise). */
function kit(rules: TriageRule[], examples: readonly TrainingExample[] = SEED_EXAMPLES, categories = CATEGORIES): ClassifyKit {
  const model = new TriageModel();
  for (const e of examples) model.learn(e);
  return { rules: compileRules(rules), model, urgency: DEFAULT_URGENCY, categories };
}

describe('triage engine', () => {
  describe('normalizeText', () => {
    it('turns full-width into half-width, upper into lower case, and collapses spaces', () => {
      expect(normalizeText('  ＲＥＦＵＮＤ　Ｎｏ．１２３ \n\t please ')).to.equal('refund no.123 please');
    });

    it('writes Traditional (Taiwan and Hong Kong) as Simplified', () => {
      expect(normalizeText('會員積分')).to.equal('会员积分');
      expect(normalizeText('衞生')).to.equal(normalizeText('衛生'));
      expect(normalizeText('著火了')).to.equal('着火了');
    });

    it('gives 帳號, 賬號 and 账号 one form', () => {
      expect(new Set(['帳號', '賬號', '账号', '帐号'].map(normalizeText)).size).to.equal(1);
    });

    it('is idempotent', () => {
      const once = normalizeText('我要求退款，已經等了三週！ＯＫ？');
      expect(normalizeText(once)).to.equal(once);
    });
  });

  describe('detectLanguage', () => {
    const cases: Array<[string, string]> = [
      ['我的订单已经一个星期了还没发货，请尽快处理', 'zh-Hans'],
      ['我的訂單已經一個星期了還沒發貨，請盡快處理', 'zh-Hant'],
      ['My order has not shipped after a week, please help', 'en'],
      ['我的iPhone订单还没到', 'zh-Hans'],
      ['Order 12345 for 王先生 has not arrived yet', 'en'],
      ['注文した商品がまだ届いていません', 'other'],
      ['주문한 상품이 아직 도착하지 않았습니다', 'other'],
      ['Мой заказ ещё не пришёл', 'other'],
    ];
    for (const [text, language] of cases) {
      it(`${language}: ${text}`, () => {
        const l = detectLanguage(text);
        expect(l.value).to.equal(language);
        expect(l.confidence).to.be.within(0.5, 1);
        expect(l.reasons[0]!.source).to.equal('detector');
      });
    }

    it('gives the share of Chinese characters as a reason', () => {
      const reason = detectLanguage('我要退款').reasons.find((r) => r.code === 'language.cjk_share');
      expect(reason?.score).to.equal(1);
    });

    it('says other, with confidence 0, when there is nothing to go on', () => {
      for (const text of ['', '   ', '12345 !!! 😀']) {
        const l = detectLanguage(text);
        expect(l.value, JSON.stringify(text)).to.equal('other');
        expect(l.confidence).to.equal(0);
      }
    });

    it('assumes Simplified, less surely, when no character tells the scripts apart', () => {
      const l = detectLanguage('我要退款');
      expect(l.value).to.equal('zh-Hans');
      expect(l.confidence).to.be.below(detectLanguage('我要退货，快递员态度太差').confidence);
    });
  });

  describe('scoreSentiment', () => {
    it('reads 好 as positive and 不好 as negative', () => {
      expect(scoreSentiment('这家店的服务好').value).to.equal('positive');
      expect(scoreSentiment('这家店的服务不好').value).to.equal('negative');
    });

    it('reads "not bad" as mildly positive and "not good" as negative', () => {
      expect(scoreSentiment('the food was bad').value).to.equal('negative');
      expect(scoreSentiment('the food was not bad').value).to.equal('positive');
      expect(scoreSentiment('the food was not good').value).to.equal('negative');
    });

    it('negates across an intensifier', () => {
      expect(scoreSentiment('很满意').value).to.match(/positive/);
      expect(scoreSentiment('不是很满意').value).to.equal('negative');
    });

    it('does not read politeness as sentiment', () => {
      const s = scoreSentiment('不好意思，想问一下积分怎么查？');
      expect(s.value).to.equal('neutral');
      expect(s.reasons[0]!.code).to.equal('sentiment.no_signal');
    });

    it('reads complaint words as very negative, in either script and in English', () => {
      for (const text of ['垃圾服务，你们就是骗子！', '服務態度太差了，簡直是垃圾', 'This is a scam, the worst shop ever']) {
        expect(scoreSentiment(text).value, text).to.equal('very_negative');
      }
    });

    it('lets intensifiers and exclamation marks strengthen, not flip', () => {
      const plain = scoreSentiment('送餐慢').score;
      const intensified = scoreSentiment('送餐太慢').score;
      const shouted = scoreSentiment('送餐太慢!!!').score;
      expect(plain).to.be.below(0);
      expect(intensified).to.be.below(plain);
      expect(shouted).to.be.below(intensified);
    });

    it('lists the words it matched', () => {
      const s = scoreSentiment('菜很难吃，服务员态度差');
      expect(s.reasons[0]!.code).to.equal('sentiment.lexicon');
      expect(s.reasons[0]!.words).to.deep.equal(['很 难吃', '态度差']);
      expect(s.score).to.be.within(-1, -0.7);
    });

    it('calls a review with as much praise as blame neutral', () => {
      expect(scoreSentiment('菜很好吃，但是服务太差').value).to.equal('neutral');
    });
  });

  describe('classify', () => {
    let nextId = 100;
    function rule(keywords: string[], actions: TriageRule['actions'], more: Partial<TriageRule> = {}): TriageRule {
      const id = nextId++;
      return { id, name: `rule ${id}`, enabled: true, position: id, conditions: {}, match: { keywords }, actions, ...more };
    }

    it('lets a rule beat the model, with confidence 1 and the rule in the reason', () => {
      const r = rule(['签收'], { category: 'service_quality', type: 'enquiry' });
      const text = '快递显示签收了但我没收到';
      // The model alone calls this a delivery complaint.
      const byModel = classify({ text }, kit([]));
      expect([byModel.category.value, byModel.type.value]).to.deep.equal(['delivery_logistics', 'complaint']);
      const result = classify({ text }, kit([r]));
      expect(result.category.value).to.equal('service_quality');
      expect(result.category.confidence).to.equal(1);
      expect(result.category.reasons[0]).to.deep.include({ source: 'rule', code: 'rule.matched', ruleId: r.id, words: ['签收'] });
      expect(result.type.value).to.equal('enquiry');
      expect(result.matchedRules).to.deep.equal([r.id]);
    });

    it('lets the model fill what no rule set', () => {
      const r = rule(['快递'], { category: 'delivery_logistics' });
      const result = classify({ text: '快递员把包裹扔在门口淋湿了，太过分了' }, kit([r]));
      expect(result.category.reasons[0]!.code).to.equal('rule.matched');
      expect(result.type.value).to.equal('complaint');
      expect(result.type.reasons[0]!.code).to.equal('model.predicted');
    });

    it('falls back to the defaults, with confidence 0 and a reason', () => {
      const result = classify({ text: '你好' }, kit([], []));
      expect(result.type).to.deep.include({ value: 'enquiry', confidence: 0 });
      expect(result.type.reasons[0]!.code).to.equal('default.no_signal');
      expect(result.category).to.deep.include({ value: 'other', confidence: 0 });
      expect(result.category.reasons[0]!.code).to.equal('default.no_signal');
      expect(result.priority.value).to.equal('normal');
      expect(result.priority.reasons[0]!.code).to.equal('default.normal');
      expect(result.department).to.equal(null);
      expect(result.tags).to.deep.equal([]);
      expect(result.matchedRules).to.deep.equal([]);
    });

    it('uses the configured default category', () => {
      const result = classify({ text: '你好' }, { ...kit([], []), defaultCategory: 'service_quality' });
      expect(result.category.value).to.equal('service_quality');
    });

    it('guesses the type from the phrasing when neither rule nor model decides', () => {
      const cases: Array<[string, string]> = [
        ['建议你们增加夜间配送', 'suggestion'],
        ['Could you add a vegetarian option to the set menu', 'suggestion'],
        ['我要投诉你们门店', 'complaint'],
        ['你们的服务太差劲了', 'complaint'],
        ['请问几点开门？', 'enquiry'],
      ];
      for (const [text, type] of cases) {
        const t = classify({ text }, kit([], [])).type;
        expect(t.value, text).to.equal(type);
        expect(t.confidence, text).to.be.within(0.01, 0.5);
        expect(t.reasons[0]!.code, text).to.match(/^heuristic\./);
      }
    });

    it('takes each label from the first matching rule that sets it', () => {
      const first = rule(['退款'], { category: 'transaction_dispute', tags: ['refund'] }, { position: 1 });
      const second = rule(['退款'], { category: 'other', type: 'complaint', priority: 'high', tags: ['vip', 'refund'], departmentId: 9 }, { position: 2 });
      const third = rule(['退款'], { type: 'enquiry', priority: 'low', departmentId: 3 }, { position: 3 });
      const result = classify({ text: '我要退款' }, kit([third, second, first]));
      expect(result.category.value).to.equal('transaction_dispute');
      expect(result.type.value).to.equal('complaint');
      expect(result.priority.value).to.equal('high');
      expect(result.priority.reasons.map((r) => r.ruleId)).to.deep.equal([second.id]);
      expect(result.department).to.deep.include({ value: 9, confidence: 1 });
      expect(result.tags).to.deep.equal(['refund', 'vip']);
      expect(result.matchedRules).to.deep.equal([first.id, second.id, third.id]);
    });

    it('ignores a rule category that is not active, and says so', () => {
      const retired = rule(['积分'], { category: 'loyalty_old' }, { position: 1 });
      const current = rule(['积分'], { category: 'points_membership' }, { position: 2 });
      const result = classify({ text: '积分没到账' }, kit([retired, current]));
      expect(result.category.value).to.equal('points_membership');
      expect(result.category.reasons.map((r) => r.code)).to.deep.equal(['rule.matched', 'rule.inactive_category']);
      expect(result.category.reasons[1]!.ruleId).to.equal(retired.id);
    });

    it('only lets the model choose among active categories', () => {
      const active = CATEGORIES.filter((c) => c !== 'delivery_logistics');
      const result = classify({ text: '快递显示签收了但我没收到' }, kit([], SEED_EXAMPLES, active));
      expect(result.category.value).to.be.oneOf(active);
    });

    it('matches rules against the subject too', () => {
      const r = rule(['发票'], { category: 'transaction_dispute' });
      expect(classify({ subject: '开发票', text: '请帮忙处理一下' }, kit([r])).matchedRules).to.deep.equal([r.id]);
    });

    it('raises the priority from the signals, over a rule floor', () => {
      const r = rule(['退款'], { priority: 'low' });
      const k = kit([r]);
      expect(classify({ text: '我要退款' }, k).priority.value).to.equal('low');
      expect(classify({ text: '我要退款', recentContacts: 1 }, k).priority.value).to.equal('high');
      expect(classify({ text: '我要退款，不然我就去12315投诉' }, k).priority.value).to.equal('urgent');
      expect(classify({ text: '我要退款', memberTier: 'diamond', recentContacts: 2 }, k).priority.value).to.equal('urgent');
    });

    it('reports language and sentiment', () => {
      const result = classify({ text: '服務態度非常差，我要投訴！' }, kit([]));
      expect(result.language.value).to.equal('zh-Hant');
      expect(result.sentiment.value).to.equal('very_negative');
    });

    it('is deterministic', () => {
      const k = kit([...DEFAULT_RULES]);
      const input = { subject: '投诉', text: '昨天在静安店吃饭，菜里有头发，服务员还很不耐烦，我要求退款！', memberTier: 'gold' as const, recentContacts: 1 };
      const a = classify(input, k);
      const b = classify(input, kit([...DEFAULT_RULES]));
      expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
      expect(classify(input, k)).to.deep.equal(a);
    });
  });

  describe('defaults', () => {
    it('ships the seven categories with Chinese and English names', () => {
      expect(CATEGORIES).to.deep.equal(['product_quality', 'service_quality', 'transaction_dispute', 'delivery_logistics', 'account_login', 'points_membership', 'other']);
      for (const c of DEFAULT_CATEGORIES) expect(c.labels['zh-CN'] && c.labels.en, c.key).to.be.a('string').and.not.equal('');
    });

    it('ships starter rules that compile and point at shipped categories', () => {
      expect(() => compileRules(DEFAULT_RULES)).not.to.throw();
      for (const r of DEFAULT_RULES) if (r.actions.category) expect(CATEGORIES, r.name).to.include(r.actions.category);
    });

    it('routes typical messages with the starter rules', () => {
      const k = kit([...DEFAULT_RULES]);
      const cases: Array<[string, string]> = [
        ['同一笔订单被扣了两次钱', 'transaction_dispute'],
        ['我的快遞到現在還沒收到', 'delivery_logistics'],
        ['收不到验证码，登录不了', 'account_login'],
        ['I was charged twice for my order', 'transaction_dispute'],
        ['How many points do I need for a free coffee?', 'points_membership'],
      ];
      for (const [text, category] of cases) expect(classify({ text }, k).category.value, text).to.equal(category);
    });

    it('has seed examples for every category and type', () => {
      for (const key of CATEGORIES) expect(SEED_EXAMPLES.filter((e) => e.category === key), key).to.have.length.of.at.least(10);
      for (const type of ['complaint', 'suggestion', 'enquiry']) expect(SEED_EXAMPLES.filter((e) => e.type === type), type).to.have.length.of.at.least(10);
    });
  });
});
