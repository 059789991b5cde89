import sanitize from 'sanitize-html';

/**
 * Inbound HTML is shown to agents inside the console, so it is treated as hostile (ARCHITECTURE §4:
 * "Inbound HTML is sanitised before any agent sees it"). Allow-lists only: whatever is not named
 * here is dropped, so a new trick needs a change here rather than slipping through.
 */

/** CSS properties that format text and tables. Everything else (position, display, behaviour…) goes. */
const STYLE_PROPERTIES = [
  'color', 'background-color', 'font', 'font-family', 'font-size', 'font-style', 'font-weight',
  'text-align', 'text-decoration', 'text-indent', 'line-height', 'letter-spacing', 'white-space',
  'vertical-align', 'direction', 'width', 'height', 'max-width', 'min-width', 'list-style-type',
  'margin', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left',
  'padding', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'border', 'border-top', 'border-right', 'border-bottom', 'border-left',
  'border-color', 'border-style', 'border-width', 'border-collapse', 'border-spacing',
];

/**
 * A value is kept only if it cannot run code or fetch anything: no IE `expression()`, no `url()`
 * (a CSS background is a tracking pixel too), no `behavior`/`-moz-binding`, no escapes that could
 * spell those words.
 */
const SAFE_STYLE_VALUE = /^(?!.*(?:expression|javascript|vbscript|url\s*\(|behavior|-moz-binding|@import|\\)).*$/i;

const allowedStyles = Object.fromEntries(STYLE_PROPERTIES.map((p) => [p, [SAFE_STYLE_VALUE]]));

/** Images that need no network: attachments of the same mail (cid:) and embedded raster data. */
const SAFE_DATA_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp|bmp);/i;
/** http(s) and protocol-relative sources: remote images, i.e. read trackers. */
const REMOTE_SOURCE = /^\s*(?:https?:)?\/\//i;
const CID_SOURCE = /^cid:\S/i;
const ABSOLUTE_LINK = /^\s*(?:https?:\/\/|mailto:|tel:)/i;

const TABLE_CELL = ['align', 'valign', 'width', 'height', 'bgcolor', 'colspan', 'rowspan'];

const OPTIONS: sanitize.IOptions = {
  allowedTags: [
    ...sanitize.defaults.allowedTags.filter((t) => t !== 'img'),
    'img', 'font', 'center', 'big', 'small', 's', 'strike', 'tt', 'u', 'span',
  ],
  // Styling comes from inline styles; class/id would let a mail pick up the console's own CSS.
  allowedAttributes: {
    '*': ['style', 'dir', 'lang', 'title', 'align'],
    a: ['href', 'name', 'target', 'rel'],
    img: ['src', 'alt', 'width', 'height', 'border'],
    font: ['color', 'face', 'size'],
    table: ['width', 'border', 'cellpadding', 'cellspacing', 'bgcolor'],
    td: TABLE_CELL,
    th: TABLE_CELL,
    tr: ['valign', 'bgcolor'],
    ol: ['start', 'type'],
    li: ['value'],
  },
  allowedStyles: { '*': allowedStyles },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['cid', 'data'] },
  allowProtocolRelative: false,
  // Contents of these are code or metadata, never message text.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template'],
  transformTags: {
    a: (tagName, attribs): sanitize.Tag => {
      const { href, ...rest } = attribs;
      // Mail links open outside the console and leak neither the opener nor the console's URL. A
      // relative or unknown-scheme href would point into the console itself, so it is dropped.
      const link: sanitize.Attributes = { ...rest, target: '_blank', rel: 'noopener noreferrer nofollow' };
      if (href !== undefined && ABSOLUTE_LINK.test(href)) link.href = href;
      return { tagName, attribs: link };
    },
    img: (tagName, attribs): sanitize.Tag => {
      const src = attribs.src ?? '';
      if (REMOTE_SOURCE.test(src)) {
        // Loading it would tell the sender that (and when, and from where) an agent read the mail.
        const alt = (attribs.alt ?? '').trim();
        return { tagName: 'span', attribs: { title: 'Remote image blocked' }, text: alt ? `[image: ${alt}]` : '[image]' };
      }
      // Relative sources would hit the console's own origin; other data: types (SVG) can carry script.
      if (!CID_SOURCE.test(src) && !SAFE_DATA_IMAGE.test(src)) return { tagName: 'span', attribs: {}, text: '' };
      return { tagName, attribs };
    },
  },
};

export function sanitizeHtml(html: string): string {
  return sanitize(html, OPTIONS);
}

const TEXT_OPTIONS: sanitize.IOptions = {
  allowedTags: [],
  allowedAttributes: {},
  nonTextTags: OPTIONS.nonTextTags,
};

const BLOCK_END = /<\s*(?:br\s*\/?|\/\s*(?:p|div|tr|li|h[1-6]|table|blockquote|pre|ul|ol|dd|dt))\s*>/gi;
const HTML_ESCAPES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * Plain text for a mail that only has HTML: line breaks where blocks end, tags and code dropped.
 * sanitize-html does the tag stripping (one parser for both paths), then we undo its escaping.
 */
export function htmlToText(html: string): string {
  const stripped = sanitize(html.replace(BLOCK_END, (m) => `${m}\n`), TEXT_OPTIONS);
  return stripped
    .replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => HTML_ESCAPES[e] ?? e)
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
