import { expect } from 'chai';
import {
  DEFAULT_TEMPLATES, effectiveText, memberLanguages, PLACEHOLDERS, renderTemplate, sentence, TEMPLATE_KEYS, TEMPLATE_LANGUAGES, templateKey, unknownPlaceholders,
} from '../../server/suggestions/template.js';

const values = { ticketNumber: 'MD-000042', summary: '我们将增加积分到期提醒。', effectiveOn: '2027-01-15', department: '会员服务部' };

describe('suggestion templates', () => {
  it('renders every known placeholder and leaves other braces as written', () => {
    expect(renderTemplate('{department}：{ticketNumber} {summary} {effectiveOn} {unknown} {}', values))
      .to.equal('会员服务部：MD-000042 我们将增加积分到期提醒。 2027-01-15 {unknown} {}');
    expect(renderTemplate('{summary}{summary}', { ...values, summary: 'a$&b' })).to.equal('a$&ba$&b');
  });

  it('finds the placeholders a body uses that are not known', () => {
    expect(unknownPlaceholders('您好 {name}，{summary} {ticketNumber} {name} {Date}')).to.deep.equal(['name', 'Date']);
    expect(unknownPlaceholders('no placeholders at all')).to.deep.equal([]);
    expect([...PLACEHOLDERS]).to.deep.equal(['ticketNumber', 'summary', 'effectiveOn', 'department']);
  });

  it('ships a default for each outcome and language, using only known placeholders and always the summary', () => {
    expect(TEMPLATE_KEYS).to.deep.equal(['suggestion.adopted', 'suggestion.planned', 'suggestion.declined']);
    for (const key of TEMPLATE_KEYS) {
      for (const lang of TEMPLATE_LANGUAGES) {
        const body = DEFAULT_TEMPLATES[key][lang];
        expect(unknownPlaceholders(body), `${key} ${lang}`).to.deep.equal([]);
        expect(body, `${key} ${lang}`).to.contain('{summary}').and.contain('{ticketNumber}');
      }
    }
    expect(templateKey('declined')).to.equal('suggestion.declined');
    const adopted = renderTemplate(DEFAULT_TEMPLATES['suggestion.adopted']['zh-Hans'], { ...values, summary: sentence('我们将增加积分到期提醒', 'zh-Hans') });
    expect(adopted).to.equal('尊敬的会员，您好！感谢您提出的宝贵建议（工单 MD-000042）。经会员服务部评估，您的建议已被采纳：我们将增加积分到期提醒。预计生效日期：2027-01-15。再次感谢您对我们的支持与信任！');
  });

  it('ends a summary as a sentence in the template language, once', () => {
    expect(sentence('暂时无法调整', 'zh-Hans')).to.equal('暂时无法调整。');
    expect(sentence('暂时无法调整。', 'zh-Hant')).to.equal('暂时无法调整。');
    expect(sentence(' Opening hours are set by the mall ', 'en')).to.equal('Opening hours are set by the mall.');
    expect(sentence('Really?', 'en')).to.equal('Really?');
  });

  it('writes in the member\'s language, or in simplified Chinese and English when it is unknown', () => {
    expect(memberLanguages('zh-Hant')).to.deep.equal(['zh-Hant']);
    expect(memberLanguages('en')).to.deep.equal(['en']);
    expect(memberLanguages('other')).to.deep.equal(['zh-Hans', 'en']);
    expect(memberLanguages(null)).to.deep.equal(['zh-Hans', 'en']);
    expect(effectiveText(null, 'en')).to.equal('to be announced');
    expect(effectiveText(null, 'zh-Hans')).to.equal('另行通知');
    expect(effectiveText('2027-06-01', 'en')).to.equal('2027-06-01');
  });
});
