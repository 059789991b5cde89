import { expect } from 'chai';
import type { Priority } from '../../server/domain.js';
import { corrected, retriage, type StoredLabels } from '../../server/triage/retriage.js';
import type { TriageDecision } from '../../server/triage/triager.js';

const label = (value: string, source: string, confidence: number) => ({ value, confidence, reasons: [{ source }] });

function stored(over: Partial<StoredLabels> = {}, triage: Record<string, unknown> = {}): StoredLabels {
  return {
    type: 'enquiry', category: 'other', priority: 'normal', language: 'zh-Hans', labelsConfirmed: false,
    triage: { type: label('enquiry', 'default', 0), category: label('other', 'default', 0), priority: label('normal', 'default', 0), language: label('zh-Hans', 'detector', 0.9), ...triage },
    ...over,
  };
}

function fresh(o: { type?: [string, string, number]; category?: [string, string, number]; priority?: Priority }): TriageDecision {
  const [type, typeSource, typeConf] = o.type ?? ['enquiry', 'default', 0];
  const [category, catSource, catConf] = o.category ?? ['other', 'default', 0];
  const priority = o.priority ?? 'normal';
  return {
    type: type as TriageDecision['type'], category, priority, language: 'en', tags: [], departmentId: null,
    record: { type: label(type, typeSource, typeConf), category: label(category, catSource, catConf), priority: label(priority, 'signal', 1), language: label('en', 'detector', 0.9) },
  };
}

describe('re-triage of a ticket when its member writes again', () => {
  it('changes nothing when the new words say nothing new', () => {
    expect(retriage(stored(), fresh({}))).to.equal(null);
  });

  it('takes a rule\'s category over a default, and keeps the language of the first words', () => {
    const r = retriage(stored(), fresh({ category: ['transaction_dispute', 'rule', 1] }))!;
    expect(r.category).to.equal('transaction_dispute');
    expect(r.changes.category).to.deep.equal({ from: 'other', to: 'transaction_dispute' });
    expect(r.language).to.equal('zh-Hans');
    expect((r.record.language as { value: string }).value).to.equal('zh-Hans');
    expect(r.record.type, 'an unchanged label keeps its record').to.deep.equal(label('enquiry', 'default', 0));
  });

  it('never lets a model guess replace a rule\'s label, however sure the model is', () => {
    const s = stored({ category: 'transaction_dispute' }, { category: label('transaction_dispute', 'rule', 1) });
    expect(retriage(s, fresh({ category: ['delivery_logistics', 'model', 1] }))).to.equal(null);
  });

  it('lets a more confident guess of the same source replace a less confident one', () => {
    const s = stored({ category: 'delivery_logistics' }, { category: label('delivery_logistics', 'model', 0.6) });
    expect(retriage(s, fresh({ category: ['account_login', 'model', 0.9] }))!.category).to.equal('account_login');
    expect(retriage(s, fresh({ category: ['account_login', 'model', 0.55] }))).to.equal(null);
  });

  it('keeps an agent\'s labels but still raises the priority of a confirmed ticket', () => {
    const s = stored({ labelsConfirmed: true, type: 'suggestion' }, { type: label('suggestion', 'agent', 1) });
    const r = retriage(s, fresh({ type: ['complaint', 'rule', 1], category: ['product_quality', 'rule', 1], priority: 'urgent' }))!;
    expect(r.type).to.equal('suggestion');
    expect(r.category).to.equal('other');
    expect(r.changes).to.deep.equal({ priority: { from: 'normal', to: 'urgent' } });
  });

  it('only raises priority, and not back above a level an agent lowered it from', () => {
    expect(retriage(stored({ priority: 'high' }), fresh({ priority: 'normal' }))).to.equal(null);
    const lowered = stored({ priority: 'normal' }, { priority: label('urgent', 'signal', 1) });
    expect(retriage(lowered, fresh({ priority: 'urgent' })), 'the same signals again').to.equal(null);
    expect(retriage(stored({ priority: 'low' }, { priority: label('normal', 'signal', 1) }), fresh({ priority: 'high' }))!.priority).to.equal('high');
  });
});

describe('an agent\'s correction of the labels', () => {
  it('records their value with confidence 1 and keeps the one it replaced', () => {
    const at = new Date('2026-11-23T08:00:00Z');
    const r = corrected({ category: label('other', 'default', 0) }, { category: 'points_membership' }, 7, at);
    expect(r.category).to.deep.include({ value: 'points_membership', confidence: 1, previous: label('other', 'default', 0) });
    expect(r).to.include({ confirmedBy: 7, confirmedAt: at.toISOString() });
    expect(corrected(null, { type: 'complaint' }, 7, at).type).to.not.have.property('previous');
  });
});
