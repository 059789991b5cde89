/** 简体中文 for the surveys screens; merged into the zh-CN table (keys prefixed 'surveys.'). */
export const surveysZhCN = {
  'surveys.title': '满意度调查',
} as const;
