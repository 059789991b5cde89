export {
  classifyNoise, decodeText, messageIds, parseEmail,
  type DecodedText, type DsnRecipient, type DsnReport, type EmailAddress, type MdnReport, type Noise,
  type NoiseHeaders, type NoiseKind, type ParsedAttachment, type ParsedEmail,
} from './parse.js';
export { splitQuoted, type QuoteSplit } from './quote.js';
export { htmlToText, sanitizeHtml } from './sanitize.js';
