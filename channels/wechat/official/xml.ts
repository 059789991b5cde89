/**
 * A small parser for the XML WeChat sends to an Official Account server: one `<xml>` root of
 * elements holding text or CDATA, sometimes one level of nested elements (ScanCodeInfo,
 * SendLocationInfo…). No attributes, no DOCTYPE, no entities beyond the five predefined ones and
 * character references: anything else is refused (no XXE surface, no new dependency).
 */
export type WechatXmlValue = string | WechatXmlObject;
export interface WechatXmlObject { [name: string]: WechatXmlValue }

export class WechatXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatXmlError';
  }
}

const MAX_DEPTH = 6;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*/;

export function parseWechatXml(input: string): WechatXmlObject {
  let s = input.replace(/^\uFEFF/, '').trim();
  if (/<!DOCTYPE|<!ENTITY/i.test(s)) throw new WechatXmlError('DOCTYPE and entity declarations are not accepted');
  s = s.replace(/^<\?xml[^>]*\?>\s*/, '');
  let pos = 0;
  const fail = (why: string): never => { throw new WechatXmlError(`${why} at offset ${pos}`); };

  const skipSpace = () => { while (pos < s.length && /\s/.test(s[pos]!)) pos++; };
  const skipComments = () => {
    for (;;) {
      skipSpace();
      if (!s.startsWith('<!--', pos)) return;
      const end = s.indexOf('-->', pos + 4);
      if (end < 0) fail('unterminated comment');
      pos = end + 3;
    }
  };

  /** Reads `<Name>` or `<Name/>`; returns the name and whether it closed itself. */
  const openTag = (): { name: string; empty: boolean } => {
    if (s[pos] !== '<') fail('expected an element');
    const m = NAME.exec(s.slice(pos + 1, pos + 200));
    if (!m) fail('bad element name');
    pos += 1 + m![0].length;
    skipSpace();
    if (s.startsWith('/>', pos)) { pos += 2; return { name: m![0], empty: true }; }
    if (s[pos] !== '>') fail(`attributes are not expected on <${m![0]}>`);
    pos++;
    return { name: m![0], empty: false };
  };

  const element = (depth: number): { name: string; value: WechatXmlValue } => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    const { name, empty } = openTag();
    if (empty) return { name, value: '' };
    const close = `</${name}>`;
    let text = '';
    let children: WechatXmlObject | null = null;
    for (;;) {
      if (pos >= s.length) fail(`<${name}> is not closed`);
      if (s.startsWith('<![CDATA[', pos)) {
        const end = s.indexOf(']]>', pos + 9);
        if (end < 0) fail('unterminated CDATA');
        text += s.slice(pos + 9, end);
        pos = end + 3;
      } else if (s.startsWith('<!--', pos)) {
        const end = s.indexOf('-->', pos + 4);
        if (end < 0) fail('unterminated comment');
        pos = end + 3;
      } else if (s.startsWith(close, pos)) {
        pos += close.length;
        break;
      } else if (s.startsWith('</', pos)) {
        fail(`mismatched closing tag inside <${name}>`);
      } else if (s[pos] === '<') {
        const child = element(depth + 1);
        children ??= {};
        // Repeated elements (a list of items): the first is kept.
        if (!(child.name in children)) children[child.name] = child.value;
      } else {
        const next = s.indexOf('<', pos);
        if (next < 0) fail(`<${name}> is not closed`);
        text += decodeEntities(s.slice(pos, next));
        pos = next;
      }
    }
    if (children) return { name, value: children };
    return { name, value: text };
  };

  skipComments();
  const root = element(0);
  skipComments();
  if (pos !== s.length) fail('content after the root element');
  if (root.name !== 'xml') throw new WechatXmlError(`the root element is <${root.name}>, not <xml>`);
  if (typeof root.value === 'string') {
    if (root.value.trim()) throw new WechatXmlError('the root element holds text, not fields');
    return {};
  }
  return root.value;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      if (!Number.isFinite(code) || code > 0x10ffff) throw new WechatXmlError('bad character reference');
      return String.fromCodePoint(code);
    }
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[e]!;
  });
}

/** A top-level field as text ('' when absent or not text). */
export function field(x: WechatXmlObject, name: string): string {
  const v = x[name];
  return typeof v === 'string' ? v : '';
}
