/** 简体中文 for the reports screens; merged into the zh-CN table (keys prefixed 'reports.'). */
export const reportsZhCN = {
  'reports.title': '报表',
} as const;
