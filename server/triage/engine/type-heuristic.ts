import type { TicketType } from '../../domain.js';
import type { Labelled, Sentiment } from './types.js';
import { compileWords } from './word-match.js';

/**
 * The last guess at a ticket's type, when no rule sets it and the model is silent: how the message
 * is phrased. A suggestion says so (建议, could you add), a complaint says so or sounds negative, a
 * question asks. Confidence stays at or below 0.5: a phrase is a hint, not a classification.
 */

const SUGGESTION = compileWords([
  '建议', '提议', '希望能', '希望可以', '希望增加', '希望你们', '可以增加', '能不能增加', '能否增加', '最好能', '要是能', '如果能',
  '应该增加', '提个意见', 'suggest', 'suggestion', 'it would be nice', 'would be great if', 'could you add', 'please add',
  'you should', 'feature request', 'i wish', 'why not', 'feedback', 'leave a review',
]);
const COMPLAINT = compileWords([
  '投诉', '差评', '太差', '不满', '赔偿', '给个说法', '讨个说法', '什么态度', '怎么回事', '太过分', '无法接受', '要求退款',
  'complaint', 'complain', 'unacceptable', 'compensation', 'disappointed', 'not happy', 'claim against',
]);
const QUESTION = compileWords([
  '?', '吗', '请问', '怎么', '如何', '能否', '是否', '多久', '多少', '哪里', '哪些', '什么时候', '为什么', '想问', '咨询',
  'how', 'what', 'when', 'where', 'which', 'can i', 'could i', 'do you', 'is there', 'is it', 'help me', 'i need',
]);

function hit(matchers: typeof SUGGESTION, text: string): string[] {
  return matchers.filter((m) => m.test(text)).map((m) => m.word);
}

export function guessTypeFromPhrasing(normalized: string, sentiment: Labelled<Sentiment>): Labelled<TicketType> | null {
  const suggestion = hit(SUGGESTION, normalized);
  if (suggestion.length) {
    return { value: 'suggestion', confidence: 0.5, reasons: [{ source: 'signal', code: 'heuristic.phrasing', detail: `Phrased as a suggestion: ${suggestion.join(', ')}`, words: suggestion }] };
  }
  const complaint = hit(COMPLAINT, normalized);
  if (complaint.length) {
    return { value: 'complaint', confidence: 0.5, reasons: [{ source: 'signal', code: 'heuristic.phrasing', detail: `Phrased as a complaint: ${complaint.join(', ')}`, words: complaint }] };
  }
  if (sentiment.value === 'negative' || sentiment.value === 'very_negative') {
    return { value: 'complaint', confidence: 0.4, reasons: [{ source: 'signal', code: 'heuristic.sentiment', detail: `Negative message (${sentiment.value})` }] };
  }
  const question = hit(QUESTION, normalized);
  if (question.length) {
    return { value: 'enquiry', confidence: 0.4, reasons: [{ source: 'signal', code: 'heuristic.phrasing', detail: `Phrased as a question: ${question.join(', ')}`, words: question }] };
  }
  return null;
}
