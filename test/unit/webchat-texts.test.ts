import { expect } from 'chai';
import { chatLocale, formatChatTime, replyEmail, transcriptEmail } from '../../channels/webchat/chat-texts.js';

describe('web chat texts', () => {
  it('maps browser and triage languages to the widget\'s two', () => {
    for (const l of ['zh', 'zh-CN', 'zh-Hans', 'zh-Hant', 'zh-TW', 'ZH-cn']) expect(chatLocale(l), l).to.equal('zh-CN');
    for (const l of ['en', 'en-GB', 'fr', 'other', '', null, undefined, 'zhx']) expect(chatLocale(l), String(l)).to.equal('en');
  });

  it('writes times in the member\'s zone, or labelled UTC', () => {
    const at = new Date('2026-11-23T15:04:59Z');
    expect(formatChatTime(at, 'Asia/Shanghai')).to.equal('2026-11-23 23:04');
    expect(formatChatTime(at, null)).to.equal('2026-11-23 15:04 UTC');
    expect(formatChatTime(at, 'Mars/Olympus')).to.equal('2026-11-23 15:04 UTC');
  });

  it('composes a transcript of the public lines, oldest first, in the member\'s language', () => {
    const lines = [
      { author: 'member' as const, text: '会员卡没收到', createdAt: new Date('2026-11-23T01:00:00Z') },
      { author: 'agent' as const, agentName: '李娜', text: '已为您补寄。\n', createdAt: new Date('2026-11-23T01:02:00Z') },
      { author: 'agent' as const, agentName: null, text: 'Anything else?', createdAt: new Date('2026-11-23T01:03:00Z') },
    ];
    const zh = transcriptEmail(lines, { locale: 'zh-CN', ticketNumber: 'MD-000042', timeZone: 'Asia/Shanghai' });
    expect(zh.subject).to.equal('聊天记录');
    expect(zh.text).to.equal([
      '以下是您与我们客服的聊天记录（工单 MD-000042）。', '',
      '[2026-11-23 09:00] 您:\n会员卡没收到', '',
      '[2026-11-23 09:02] 李娜:\n已为您补寄。', '',
      '[2026-11-23 09:03] 客服:\nAnything else?',
    ].join('\n'));
    const en = transcriptEmail(lines.slice(0, 1), { locale: 'en', ticketNumber: 'MD-000042' });
    expect(en.subject).to.equal('Chat transcript');
    expect(en.text).to.contain('[2026-11-23 01:00 UTC] You:\n会员卡没收到');
  });

  it('wraps a reply that goes by email with the ticket number and how to continue', () => {
    const text = replyEmail('Your card was posted.', { locale: 'en', ticketNumber: 'MD-000007', agentName: 'Tom' });
    expect(text).to.match(/^There is a new reply to your web chat \(ticket MD-000007\):\n\nTom:\nYour card was posted\.\n\n/);
    expect(replyEmail('已补寄', { locale: 'zh-CN', ticketNumber: 'MD-000007' })).to.contain('工单 MD-000007').and.contain('\n\n已补寄\n\n');
  });
});
