import type { wechatZhCN } from './wechat.zh-CN';

/** English for the wechat screens; typed against the Chinese section. */
export const wechatEn: Record<keyof typeof wechatZhCN, string> = {
  'wechat.title': 'WeChat',
};
