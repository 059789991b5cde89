import { Ticket } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';

export const DEMO_PASSWORD = 'memberdesk-demo';

/**
 * A small, clickable world for a first look: three departments, agents, members on every channel
 * and tickets in several states. Runs only on a database without tickets.
 */
export async function seedDemo(s: Services, log: Logger): Promise<boolean> {
  if ((await s.db.read((m) => m.count(Ticket))) > 0) return false;
  const [service, stores, logistics] = [
    (await s.departments.list())[0]!,
    await s.departments.create({ name: 'Store Operations 门店运营' }),
    await s.departments.create({ name: 'Delivery & Logistics 物流配送' }),
  ];
  const supervisor = await s.agents.create({ name: '王芳 Wang Fang', email: 'wang.fang@demo.memberdesk', password: DEMO_PASSWORD, role: 'supervisor', departmentIds: [service.id, stores.id] });
  const agent = await s.agents.create({ name: '李娜 Li Na', email: 'li.na@demo.memberdesk', password: DEMO_PASSWORD, role: 'agent', departmentIds: [service.id] });
  const tom = await s.agents.create({ name: 'Tom Chen', email: 'tom.chen@demo.memberdesk', password: DEMO_PASSWORD, role: 'agent', locale: 'en', departmentIds: [logistics.id], capacity: 5 });
  await s.departments.update(service.id, { headAgentId: supervisor.id });
  // Routing: categories to the departments responsible; logistics hands its tickets to the least-loaded online agent.
  await s.triageAdmin.ensureDefaults();
  for (const key of ['delivery_logistics']) await s.triageAdmin.updateCategory(key, { departmentId: logistics.id });
  for (const key of ['service_quality', 'product_quality']) await s.triageAdmin.updateCategory(key, { departmentId: stores.id });
  await s.departments.update(logistics.id, { assignmentStrategy: 'least_loaded', reassignOnOffline: true });
  await s.presence.set(tom.id, 'online');

  const zhang = await s.members.create({ name: '张伟', tier: 'gold', homeStore: 'SH-001', identities: { email: 'zhang.wei@example.com', phone: '13800138000' } });
  await s.members.create({ name: 'Emily Wong', tier: 'diamond', homeStore: 'HK-003', identities: { email: 'emily.wong@example.com', wechat: 'wxid_emilywong' } });
  await s.members.create({ name: '刘洋', tier: 'silver', homeStore: 'SH-002', identities: { phone: '+86 139 1234 5678', webchat: 'm:20931' } });

  const at = (minutesAgo: number) => new Date(s.clock.now().getTime() - minutesAgo * 60_000);
  const email = await s.tickets.ingest({ channel: 'email', externalId: '<demo-1@example.com>', from: { kind: 'email', value: 'zhang.wei@example.com', name: '张伟' },
    subject: '会员积分没有到账', text: '您好，我上周六在门店消费了 2,380 元，但积分到现在还没有到账，请帮忙查一下。', receivedAt: at(180) });
  await s.tickets.ingest({ channel: 'wechat', externalId: 'demo-wx-1', from: { kind: 'wechat', value: 'wxid_emilywong', name: 'Emily Wong' },
    text: 'My order #58213 was supposed to arrive yesterday and the tracking has not moved for three days.', receivedAt: at(95) });
  await s.tickets.ingest({ channel: 'webchat', externalId: 'demo-chat-1', from: { kind: 'webchat', value: 'm:20931', name: '刘洋' },
    text: '建议门店增加自助结账机，周末排队太久了。', receivedAt: at(40), departmentId: stores.id });
  await s.tickets.ingest({ channel: 'email', externalId: '<demo-2@example.com>', from: { kind: 'email', value: 'emily.wong@example.com', name: 'Emily Wong' },
    subject: 'Allergic reaction after the set lunch', text: 'My son had an allergic reaction after eating the set lunch at your Causeway Bay store yesterday. The menu did not mention peanuts. I want to know how this will be handled.', receivedAt: at(20) });
  const admin = { agentId: supervisor.id, role: 'supervisor' as const, departmentIds: [service.id, stores.id] };
  await s.tickets.logCall({ agentId: agent.id, role: 'agent', departmentIds: [service.id] },
    { direction: 'inbound', phone: '138 0013 8000', summary: '张先生来电催问积分到账情况，已告知会在 24 小时内回复。', durationSeconds: 184, ticketId: email.ticketId });
  await s.tickets.assign(admin, email.ticketId, agent.id);
  await s.tickets.addMessage(admin, email.ticketId, { text: '已联系门店核对 3 月 8 日交易流水。', visibility: 'internal' });
  await s.tickets.logCall({ agentId: agent.id, role: 'agent', departmentIds: [service.id] },
    { direction: 'inbound', phone: '13700001111', memberName: '陈静', summary: 'Member asked how to upgrade from silver to gold tier.', durationSeconds: 95 });
  // Two calls already solved and rated on a follow-up call, one of them unhappy: the dashboard, the survey panel
  // and the follow-ups screen have something to show.
  const liNa = { agentId: agent.id, role: 'agent' as const, departmentIds: [service.id] };
  for (const [phone, name, summary, rating, comment] of [
    ['13600002222', '赵敏', '会员卡挂失后补办进度查询，已告知三个工作日内寄出。', 5, '处理很及时'],
    ['13600003333', '孙磊', '抱怨门店退货要求出示小票，已解释政策并登记例外申请。', 2, '流程太麻烦，等了很久'],
  ] as const) {
    const call = await s.tickets.logCall(liNa, { direction: 'inbound', phone, memberName: name, summary, durationSeconds: 240 });
    await s.tickets.assign(admin, call.ticketId, agent.id);
    await s.tickets.logCall(liNa, { direction: 'outbound', phone, summary: '回电确认处理结果。', durationSeconds: 60, ticketId: call.ticketId });
    await s.tickets.setStatus(liNa, call.ticketId, 'solved');
    await s.surveys.runDue();
    const [survey] = (await s.surveys.listForTicket(liNa, call.ticketId)).items;
    if (survey?.status === 'sent') await s.surveys.recordByAgent(liNa, call.ticketId, survey.id, { rating, comment });
  }
  log.info('seeded the demo', { departments: 3, agents: 3, members: 4, firstMemberId: zhang.id });
  return true;
}
