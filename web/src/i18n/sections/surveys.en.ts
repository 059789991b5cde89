import type { surveysZhCN } from './surveys.zh-CN';

/** English for the surveys screens; typed against the Chinese section. */
export const surveysEn: Record<keyof typeof surveysZhCN, string> = {
  'surveys.title': 'Surveys',
};
