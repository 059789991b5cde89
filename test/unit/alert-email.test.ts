import { expect } from 'chai';
import { alertEmail } from '../../server/notify/alert-email.js';
import type { NotificationPayload } from '../../server/notify/notification.js';

function payload(over: Partial<NotificationPayload> = {}): NotificationPayload {
  return {
    kind: 'sla.breached', alertId: 7, ticketId: 123, ticketNumber: 'MD-000123', subject: 'Card not received',
    departmentName: 'Member Services', priority: 'high', metric: 'first_response', level: 1,
    dueAt: '2026-03-02T01:30:00.000Z',
    contact: { agentId: 3, name: 'Ann Lee', slackUserId: null, locale: 'en' },
    ticketUrl: 'https://desk.example/tickets/123',
    ...over,
  };
}

describe('alert email', () => {
  it('words a breach in English first for an English reader', () => {
    const m = alertEmail(payload());
    expect(m.subject).to.equal('[MD-000123] SLA breached: first response overdue / 首次响应超时');
    const lines = m.text.split('\n');
    expect(lines[0]).to.equal('Hello Ann Lee, ticket MD-000123 has breached its SLA: first response overdue. Please take a look.');
    expect(lines[1]).to.equal('Ann Lee，您好：工单 MD-000123 已超出 SLA：首次响应超时。请尽快处理。');
    expect(m.text).to.include('Subject / 主题: Card not received');
    expect(m.text).to.include('Department / 部门: Member Services');
    expect(m.text).to.include('Priority / 优先级: high / 高');
    expect(m.text).to.include('Due / 截止时间: 2026-03-02 01:30 UTC');
    expect(m.text).to.include('Open ticket / 查看工单: https://desk.example/tickets/123');
  });

  it('puts Chinese first for a zh-CN reader, in the subject, the body and the labels', () => {
    const m = alertEmail(payload({ contact: { agentId: 3, name: '张伟', slackUserId: null, locale: 'zh-CN' }, metric: 'resolution' }));
    expect(m.subject).to.equal('[MD-000123] 解决时限超时 / SLA breached: resolution overdue');
    const lines = m.text.split('\n');
    expect(lines[0]).to.equal('张伟，您好：工单 MD-000123 已超出 SLA：解决时限超时。请尽快处理。');
    expect(lines[1]).to.match(/^Hello 张伟, ticket MD-000123 has breached its SLA: resolution overdue\./);
    expect(m.text).to.include('优先级 / Priority: 高 / high');
    expect(m.text).to.include('查看工单 / Open ticket: https://desk.example/tickets/123');
    expect(m.html.indexOf('张伟，您好')).to.be.lessThan(m.html.indexOf('Hello 张伟'));
  });

  it('words an urgent ticket without a deadline', () => {
    const m = alertEmail(payload({ kind: 'ticket.urgent', metric: null, dueAt: null, priority: 'urgent' }));
    expect(m.subject).to.equal('[MD-000123] Urgent ticket / 紧急工单');
    expect(m.text).to.include('ticket MD-000123 is urgent.');
    expect(m.text).to.include('Priority / 优先级: urgent / 紧急');
    expect(m.text).not.to.include('Due');
    expect(m.html).not.to.include('截止时间');
  });

  it('names the escalation level', () => {
    const m = alertEmail(payload({ kind: 'sla.escalated', level: 2, metric: 'next_response' }));
    expect(m.subject).to.equal('[MD-000123] Escalated to level 2: next response overdue / 已升级至第 2 级：后续响应超时');
    expect(m.text).to.include('has been escalated to you (level 2): next response overdue.');
    expect(m.text).to.include('已升级至您（第 2 级）：后续响应超时。');
  });

  it('links Acknowledge only when there is an ack URL', () => {
    expect(alertEmail(payload()).text).not.to.include('Acknowledge');
    const m = alertEmail(payload({ ackUrl: 'https://desk.example/ack?t=abc&s=1' }));
    expect(m.text).to.include('Acknowledge / 确认: https://desk.example/ack?t=abc&s=1');
    expect(m.html).to.include('<a href="https://desk.example/ack?t=abc&#38;s=1">Acknowledge / 确认</a>');
    const zh = alertEmail(payload({ ackUrl: 'https://desk.example/ack?t=abc', contact: { agentId: 3, name: '张伟', slackUserId: null, locale: 'zh-CN' } }));
    expect(zh.text).to.include('确认 / Acknowledge: https://desk.example/ack?t=abc');
  });

  it('escapes what members and admins wrote in the HTML, and leaves the text as written', () => {
    const evil = `<script>alert("x")</script> & 'quoted'`;
    const m = alertEmail(payload({ subject: evil, departmentName: 'R&D <Team>', contact: { agentId: 3, name: '<b>Ann</b>', slackUserId: null, locale: 'en' } }));
    expect(m.html).not.to.match(/<script|<b>|<Team>/);
    expect(m.html).to.include('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;quoted&#39;');
    expect(m.html).to.include('R&#38;D &#60;Team&#62;');
    expect(m.html).to.include('Hello &#60;b&#62;Ann&#60;/b&#62;');
    expect(m.text).to.include(`Subject / 主题: ${evil}`);
    // The member's subject never reaches the mail subject line.
    expect(m.subject).not.to.include('script');
  });
});
