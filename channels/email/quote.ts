/**
 * Separates what the member just wrote from the history their mail client quoted below (or
 * above) it, so agents and triage read the new words first. Nothing is dropped: every line ends
 * up in exactly one of the two strings, in its original order.
 *
 * Two kinds of history:
 * - `>`-prefixed blocks, usually introduced by an attribution ("On … wrote:", "在 … 写道：").
 *   They end where the `>` lines end, so a reply written below the quote stays fresh.
 * - Header blocks of Outlook, Foxmail, QQ/163 Mail ("-----Original Message-----",
 *   "From: / Sent: / To: / Subject:", "发件人： / 发送时间： / 收件人： / 主题："). These clients do
 *   not prefix the old text, so everything from the block to the end is history.
 * Forwarded messages are deliberately not history: what a member forwards is the matter itself.
 */
export interface QuoteSplit {
  fresh: string;
  quoted: string;
}

/** Attribution lines that introduce a quote; checked on up to three joined lines (clients wrap). */
const ATTRIBUTIONS: RegExp[] = [
  /^on\b.{0,400}\bwrote\s*:$/i, // Gmail, Apple Mail, Thunderbird (English)
  /^在.{0,400}写道\s*[:：]$/, // 163/126 Mail, QQ Mail, Thunderbird (zh-CN)
  /^.{0,300}于.{0,200}写道\s*[:：]$/, // Gmail (zh-CN): "张三 <a@b.cn> 于2024年1月2日周二 10:00写道："
  /^.{0,400}(?:a écrit|schrieb|escribió|scrisse|schreef|napisał)\s*:$/i,
];

/** Separators that start an unprefixed history block. */
const SEPARATORS: RegExp[] = [/^-{2,}\s*(?:original message|original|原始邮件|邮件原件|原始郵件)\s*-{2,}$/i];
/** Outlook's rule above its From: block; only counts with that block, signatures use it too. */
const RULE = /^_{20,}$/;

const HEADER_FROM = /^\*?(?:from|发件人|寄件者|發件人)\*?\s*[:：]/i;
const HEADER_OTHER = /^\*?(?:sent|date|to|cc|subject|发送时间|日期|时间|收件人|抄送|主题|寄件日期|收件者|主旨)\*?\s*[:：]/i;

export function splitQuoted(text: string): QuoteSplit {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const quoted = new Array<boolean>(lines.length).fill(false);
  for (let i = 0; i < lines.length; i++) {
    if (quoted[i]) continue;
    const line = (lines[i] ?? '').trim();
    if (line.startsWith('>')) {
      quoted[i] = true;
      continue;
    }
    if (startsHeaderBlock(lines, i)) {
      quoted.fill(true, i);
      break;
    }
    const span = attributionSpan(lines, i);
    if (span > 0) {
      const next = nextNonBlank(lines, i + span);
      if (next !== -1 && !(lines[next] ?? '').trim().startsWith('>')) {
        // An attribution followed by unprefixed text (QQ Mail, some webmails): history to the end.
        quoted.fill(true, i);
        break;
      }
      quoted.fill(true, i, i + span);
    }
  }
  const pick = (want: boolean): string => lines.filter((_, i) => quoted[i] === want).join('\n').replace(/^\n+|\s+$/g, '');
  return { fresh: pick(false), quoted: pick(true) };
}

/** How many lines (1–3) form an attribution starting at `i`; 0 if none does. */
function attributionSpan(lines: string[], i: number): number {
  let joined = '';
  for (let n = 1; n <= 3 && i + n <= lines.length; n++) {
    const line = (lines[i + n - 1] ?? '').trim();
    if (n > 1 && (line === '' || line.startsWith('>'))) return 0;
    joined = n === 1 ? line : `${joined} ${line}`;
    if (ATTRIBUTIONS.some((re) => re.test(joined))) return n;
  }
  return 0;
}

/** A separator line, or a From: line followed closely by other header lines (Sent:, To:, …). */
function startsHeaderBlock(lines: string[], i: number): boolean {
  const line = (lines[i] ?? '').trim();
  if (SEPARATORS.some((re) => re.test(line))) return true;
  if (RULE.test(line)) {
    const next = nextNonBlank(lines, i + 1);
    return next !== -1 && HEADER_FROM.test((lines[next] ?? '').trim()) && startsHeaderBlock(lines, next);
  }
  if (!HEADER_FROM.test(line)) return false;
  // Two more header lines within the next five (a long From: value may wrap onto the next line).
  let headers = 0;
  for (let j = i + 1; j < Math.min(lines.length, i + 6); j++) if (HEADER_OTHER.test((lines[j] ?? '').trim())) headers++;
  return headers >= 2;
}

function nextNonBlank(lines: string[], from: number): number {
  for (let j = from; j < lines.length; j++) if ((lines[j] ?? '').trim() !== '') return j;
  return -1;
}
