import { expect } from 'chai';
import { NaiveBayes, SEED_EXAMPLES, TriageModel, type TrainingExample } from '../../server/triage/engine/index.js';

/*
 * The learning half of triage (ARCHITECTURE §6): it says nothing until it has enough to go on,
 * learns one correction at a time, can withdraw one, and keeps to the active categories.
 */

const ALL_CATEGORIES = ['product_quality', 'service_quality', 'transaction_dispute', 'delivery_logistics', 'account_login', 'points_membership', 'other'];

/** A desk that has so far only seen parcels that did not arrive and questions about membership. */
const EARLY_DESK: TrainingExample[] = [
  { text: '快递三天了还没到', category: 'delivery_logistics', type: 'complaint' },
  { text: '外卖一直没到，等了一个小时', category: 'delivery_logistics', type: 'complaint' },
  { text: '包裹到现在还没到，物流也不更新', category: 'delivery_logistics', type: 'complaint' },
  { text: '我的订单一直没到，什么时候送', category: 'delivery_logistics', type: 'enquiry' },
  { text: '积分可以兑换什么礼品？', category: 'points_membership', type: 'enquiry' },
  { text: '怎么升级金卡会员？', category: 'points_membership', type: 'enquiry' },
  { text: '会员生日券在哪里领？', category: 'points_membership', type: 'enquiry' },
];

function trained(examples: readonly TrainingExample[]): TriageModel {
  const model = new TriageModel();
  for (const e of examples) model.learn(e);
  return model;
}

describe('triage model', () => {
  it('predicts nothing before it has learned anything', () => {
    expect(new TriageModel().predict('我的快递还没到', { categories: ALL_CATEGORIES })).to.deep.equal({ type: null, category: null });
  });

  it('predicts nothing until two labels have three examples each', () => {
    const model = trained([
      { text: '快递还没到', category: 'delivery_logistics' },
      { text: '物流不更新', category: 'delivery_logistics' },
      { text: '积分没到账', category: 'points_membership' },
      { text: '积分怎么兑换', category: 'points_membership' },
    ]);
    expect(model.predict('快递到哪了', { categories: ALL_CATEGORIES, minConfidence: 0 }).category).to.equal(null);
    model.learn({ text: '配送太慢了', category: 'delivery_logistics' });
    model.learn({ text: '会员等级怎么升级', category: 'points_membership' });
    expect(model.predict('快递到哪了', { categories: ALL_CATEGORIES, minConfidence: 0 }).category?.value).to.equal('delivery_logistics');
  });

  it('learns from examples and says why', () => {
    const model = trained(EARLY_DESK);
    const { category } = model.predict('我的快递到现在还没到', { categories: ALL_CATEGORIES });
    expect(category?.value).to.equal('delivery_logistics');
    expect(category!.confidence).to.be.within(0.5, 1);
    const reason = category!.reasons[0]!;
    expect(reason.source).to.equal('model');
    expect(reason.code).to.equal('model.predicted');
    expect(reason.score).to.equal(category!.confidence);
    expect(reason.words).to.include('快递');
  });

  it('changes its next prediction of a similar text after one correction', () => {
    const model = trained(EARLY_DESK);
    const similar = '上个月消费的积分一直没到账';
    // "没到" has only ever meant a parcel, so a points question reads as a delivery one…
    expect(model.predict(similar, { categories: ALL_CATEGORIES, minConfidence: 0 }).category?.value).to.equal('delivery_logistics');
    // …until an agent corrects one such ticket.
    model.learn({ text: '我的积分一直没到账', category: 'points_membership' });
    expect(model.predict(similar, { categories: ALL_CATEGORIES, minConfidence: 0 }).category?.value).to.equal('points_membership');
  });

  it('withdraws a forgotten example exactly', () => {
    const model = trained(EARLY_DESK);
    const before = model.predict('积分一直没到账', { categories: ALL_CATEGORIES, minConfidence: 0 });
    const statsBefore = model.stats();
    const correction: TrainingExample = { text: '我的积分一直没到账', category: 'points_membership', type: 'complaint' };
    model.learn(correction, 2);
    expect(model.stats().category.points_membership).to.equal(4);
    model.forget(correction, 2);
    expect(model.predict('积分一直没到账', { categories: ALL_CATEGORIES, minConfidence: 0 })).to.deep.equal(before);
    expect(model.stats()).to.deep.equal(statsBefore);
  });

  it('never predicts a category that is not active', () => {
    const model = trained(SEED_EXAMPLES);
    const text = '快递显示签收了但我没收到';
    expect(model.predict(text, { categories: ALL_CATEGORIES }).category?.value).to.equal('delivery_logistics');
    const without = ALL_CATEGORIES.filter((c) => c !== 'delivery_logistics');
    expect(model.predict(text, { categories: without, minConfidence: 0 }).category?.value).to.be.oneOf(without);
    expect(model.predict(text, { categories: [] }).category).to.equal(null);
  });

  it('stays silent below its confidence floor', () => {
    const model = trained(EARLY_DESK);
    const text = '你好';
    const guess = model.predict(text, { categories: ALL_CATEGORIES, minConfidence: 0 }).category;
    expect(guess).not.to.equal(null);
    expect(model.predict(text, { categories: ALL_CATEGORIES, minConfidence: Math.min(1, guess!.confidence + 0.01) }).category).to.equal(null);
  });

  it('predicts the ticket type from the seed examples', () => {
    const model = trained(SEED_EXAMPLES);
    const cases: Array<[string, string]> = [
      ['请问你们的积分有效期是多久？', 'enquiry'],
      ['建议你们增加夜间配送时段', 'suggestion'],
      ['外卖里吃出一根头发，太恶心了', 'complaint'],
      ['How do I reset my password?', 'enquiry'],
    ];
    for (const [text, type] of cases) expect(model.predict(text, { categories: ALL_CATEGORIES, minConfidence: 0 }).type?.value, text).to.equal(type);
  });

  it('counts examples per label', () => {
    const model = trained(EARLY_DESK);
    expect(model.stats()).to.deep.equal({
      type: { complaint: 3, enquiry: 4 },
      category: { delivery_logistics: 4, points_membership: 3 },
    });
  });

  it('gives the same answer for the same examples, whatever else ran before', () => {
    const a = trained(SEED_EXAMPLES).predict('积分没到账', { categories: ALL_CATEGORIES });
    const b = trained(SEED_EXAMPLES).predict('积分没到账', { categories: ALL_CATEGORIES });
    expect(a).to.deep.equal(b);
  });

  describe('Naive Bayes confidence', () => {
    it('is a probability: the ranking sums to 1 and the winner leads it', () => {
      const nb = new NaiveBayes();
      nb.add(['refund', 'money back'], 'billing');
      nb.add(['parcel', 'late'], 'delivery');
      const p = nb.predict(['refund', 'late'])!;
      expect(p.ranking.reduce((s, r) => s + r.p, 0)).to.be.closeTo(1, 1e-9);
      expect(p.ranking[0]!.label).to.equal(p.label);
      expect(p.confidence).to.equal(p.ranking[0]!.p);
    });

    it('is not certain when the evidence is split', () => {
      const nb = new NaiveBayes();
      nb.add(['refund'], 'billing');
      nb.add(['parcel'], 'delivery');
      expect(nb.predict(['refund', 'parcel'])!.confidence).to.be.below(0.6);
    });

    it('is null before anything is learned or when no allowed label has examples', () => {
      const nb = new NaiveBayes();
      expect(nb.predict(['refund'])).to.equal(null);
      nb.add(['refund'], 'billing');
      expect(nb.predict(['refund'], ['delivery'])).to.equal(null);
    });
  });
});
