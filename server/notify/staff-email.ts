import { escapeHtml as esc, type Bilingual } from './alert-text.js';

/** What a staff email says, in both languages; laid out the same for every kind (alerts, digests). */
export interface StaffEmailContent {
  /** The reader's language first (their agent locale). */
  zhFirst: boolean;
  intro: Bilingual;
  /** Label and value lines; `indent` nests a line under the one before (a breakdown). */
  rows: Array<{ label: Bilingual; value: string; indent?: boolean }>;
  /** An optional titled list (e.g. the overdue items), with a "… and N more" line. */
  list?: { title: Bilingual; items: string[]; more?: Bilingual };
  links: Array<[Bilingual, string]>;
  footer: Bilingual;
}

/** The plain-text and HTML bodies of a staff email; every value is escaped in the HTML. Pure. */
export function staffEmailBody(c: StaffEmailContent): { text: string; html: string } {
  const pair = (b: Bilingual) => (c.zhFirst ? `${b.zh} / ${b.en}` : `${b.en} / ${b.zh}`);
  const ordered = (b: Bilingual) => (c.zhFirst ? [b.zh, b.en] : [b.en, b.zh]);
  const list = c.list && c.list.items.length ? c.list : null;
  const text = [
    ...ordered(c.intro), '',
    ...c.rows.map((r) => `${r.indent ? '  ' : ''}${pair(r.label)}: ${r.value}`),
    '',
    ...(list ? [`${pair(list.title)}:`, ...list.items.map((i) => `- ${i}`), ...(list.more ? [pair(list.more)] : []), ''] : []),
    ...c.links.map(([label, url]) => `${pair(label)}: ${url}`),
    '',
    '-- ',
    ...ordered(c.footer),
    '',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    ...ordered(c.intro).map((line) => `<p>${esc(line)}</p>`),
    '<table>',
    ...c.rows.map((r) => `<tr><th align="left"${r.indent ? ' style="padding-left:1.5em"' : ''}>${esc(pair(r.label))}</th><td>${esc(r.value)}</td></tr>`),
    '</table>',
    ...(list ? [`<h3>${esc(pair(list.title))}</h3>`, '<ul>', ...list.items.map((i) => `<li>${esc(i)}</li>`), '</ul>', ...(list.more ? [`<p>${esc(pair(list.more))}</p>`] : [])] : []),
    `<p>${c.links.map(([label, url]) => `<a href="${esc(url)}">${esc(pair(label))}</a>`).join(' &nbsp; ')}</p>`,
    `<p style="color:#666">${ordered(c.footer).map(esc).join('<br>')}</p>`,
    '</body></html>',
  ].join('\n');
  return { text, html };
}
