import type { reportsZhCN } from './reports.zh-CN';

/** English for the reports screens; typed against the Chinese section. */
export const reportsEn: Record<keyof typeof reportsZhCN, string> = {
  'reports.title': 'Reports',
};
