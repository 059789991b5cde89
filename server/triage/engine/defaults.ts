import type { TriageRule, UrgencySettings } from './types.js';

/**
 * What a new desk starts with: categories, urgency settings and a few starter rules, all editable
 * by an admin afterwards. Words are written once, in Simplified Chinese and English: normalisation
 * makes each Chinese word match Traditional text too.
 */

export interface CategoryDefinition {
  key: string;
  labels: { 'zh-CN': string; en: string };
}

export const DEFAULT_CATEGORIES: readonly CategoryDefinition[] = [
  { key: 'product_quality', labels: { 'zh-CN': '产品质量', en: 'Product quality' } },
  { key: 'service_quality', labels: { 'zh-CN': '服务质量', en: 'Service quality' } },
  { key: 'transaction_dispute', labels: { 'zh-CN': '交易纠纷', en: 'Transaction dispute' } },
  { key: 'delivery_logistics', labels: { 'zh-CN': '物流配送', en: 'Delivery and logistics' } },
  { key: 'account_login', labels: { 'zh-CN': '账号登录', en: 'Account and login' } },
  { key: 'points_membership', labels: { 'zh-CN': '积分与会员', en: 'Points and membership' } },
  { key: 'other', labels: { 'zh-CN': '其他', en: 'Other' } },
];

export const DEFAULT_URGENCY: UrgencySettings = {
  safetyWords: [
    '食物中毒', '中毒', '过敏', '过敏反应', '受伤', '起火', '着火', '爆炸', '住院', '急诊', '送医', '医院', '烫伤', '烧伤',
    '割伤', '划伤', '触电', '漏电', '窒息', '噎住', '卡喉咙', '孕妇', '呕吐', '上吐下泻', '腹泻', '流血', '骨折',
    '摔倒', '晕倒', '昏迷', '异物', '玻璃渣', '刀片',
    'injury', 'injured', 'allergic', 'allergy', 'allergic reaction', 'anaphylaxis', 'anaphylactic', 'poisoning',
    'food poisoning', 'poisoned', 'fire', 'caught fire', 'explosion', 'exploded', 'hospital', 'hospitalized',
    'hospitalised', 'emergency room', 'burn', 'burned', 'burnt', 'burns', 'choking', 'choked', 'electric shock',
    'vomiting', 'bleeding', 'pregnant', 'broken glass', 'unconscious', 'fainted',
  ],
  // Bare "315" is left out: amounts like 315元 are everyday; the consumer-rights gala is named in full.
  // English "court" and "press" only in phrases: a food court and a press-on lid are not threats.
  legalWords: [
    '12315', '315晚会', '3·15', '消协', '消费者协会', '消委会', '消基会', '律师', '律师函', '起诉', '诉讼', '法院', '报警',
    '曝光', '媒体', '记者', '工商局', '市场监管', '监管部门', '食药监', '维权',
    'lawyer', 'attorney', 'sue', 'suing', 'lawsuit', 'legal action', 'to court', 'in court', 'small claims', 'media',
    'social media', 'journalist', 'the press', 'newspaper', 'bbb', 'better business bureau', 'regulator',
    'trading standards', 'ombudsman', 'consumer council', 'police',
  ],
  // One other ticket from the same member in the week before already means the first contact did
  // not settle things (follow-ups on an open ticket do not create a new one), so it raises a level.
  repeatContact: { windowDays: 7, threshold: 1 },
  tierBoost: { diamond: 1 },
  negativeBoost: 1,
};

function starterRule(position: number, name: string, match: TriageRule['match'], actions: TriageRule['actions']): TriageRule {
  // id 0: a placeholder until the rule is stored; positions leave room for an admin's rules in between.
  return { id: 0, name, enabled: true, position, conditions: {}, match, actions };
}

/**
 * Starter rules, most specific first (for each label the first matching rule wins). They set a
 * category where a word settles it, and a type only where the words are themselves a complaint or a
 * suggestion: "退款" alone is as often a question about the refund policy as a dispute, so the type
 * of those is left to the model.
 */
export const DEFAULT_RULES: readonly TriageRule[] = [
  // Not 过期/expired: points, coupons and cards expire far more often than food does.
  starterRule(10, 'Food safety', {
    keywords: ['食物中毒', '吃出', '异物', '变质', '发霉', '过期食品', '过了保质期', '拉肚子', '腹泻', '过敏反应', '吃了过敏', '吃完过敏', 'food poisoning', 'foreign object', 'mouldy', 'moldy', 'gone off', 'past its use-by date', 'allergic reaction'],
  }, { category: 'product_quality', type: 'complaint', tags: ['food_safety'] }),
  starterRule(20, 'Charged wrongly', {
    keywords: ['多扣', '重复扣款', '扣了两次', '扣两次', '乱扣', '扣错', '乱收费', 'charged twice', 'double charged', 'overcharged', 'unauthorized charge', 'unauthorised charge'],
  }, { category: 'transaction_dispute', type: 'complaint', tags: ['billing'] }),
  starterRule(30, 'Refunds, returns and payments', {
    keywords: ['退款', '退货', '退钱', '扣款', '发票', '付款', '支付', '取消订单', 'refund', 'refunds', 'return', 'invoice', 'invoices', 'payment', 'charged', 'cancel my order', 'cancel order'],
  }, { category: 'transaction_dispute' }),
  starterRule(40, 'Delivery', {
    keywords: ['快递', '物流', '没收到', '还没到', '配送', '送货', '发货', '运单', '外卖', '骑手', '收货地址', 'delivery', 'deliver', 'delivered', 'shipping', 'tracking', 'courier', 'parcel', 'shipment'],
  }, { category: 'delivery_logistics' }),
  starterRule(50, 'Account and login', {
    keywords: ['登录', '登陆', '密码', '验证码', '账号', '注册', '绑定手机', '解绑', 'login', 'log in', 'sign in', 'password', 'verification code', 'sign up', 'locked out'],
  }, { category: 'account_login' }),
  starterRule(60, 'Points and membership', {
    keywords: ['积分', '会员等级', '会员权益', '权益', '升级会员', '会员卡', '储值', '优惠券', 'points', 'membership', 'loyalty', 'rewards', 'member tier', 'voucher', 'coupon'],
  }, { category: 'points_membership' }),
  starterRule(70, 'Staff attitude', {
    keywords: ['态度差', '态度恶劣', '服务态度', '服务员', '店员', '不理人', '甩脸色', 'rude', 'staff attitude', 'waiter', 'waitress'],
  }, { category: 'service_quality' }),
  starterRule(80, 'Suggestions', {
    keywords: ['建议', '希望增加', '希望能', '能不能增加', '可以增加', 'suggest', 'suggestion', 'feature request', 'it would be nice', 'would be great if'],
  }, { type: 'suggestion' }),
];
