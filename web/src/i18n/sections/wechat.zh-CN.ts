/** 简体中文 for the wechat screens; merged into the zh-CN table (keys prefixed 'wechat.'). */
export const wechatZhCN = {
  'wechat.title': '微信',
} as const;
