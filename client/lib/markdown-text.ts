/** The small text rules of Markdown to HTML: escaping, references, link addresses, line numbers. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** `text` as HTML text or as a double-quoted attribute value. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c]!);

// A backslash before ASCII punctuation, or a character reference (named, decimal, hexadecimal).
const ESCAPE_OR_REFERENCE = /\\([!-/:-@[-`{-~])|&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|[A-Za-z][A-Za-z0-9]{1,31});/g;

/** What `text` says once its backslash escapes and character references are read, as CommonMark reads them. */
export const unescapeMarkdown = (text: string, decodeEntity: (reference: string) => string): string =>
  text.replace(ESCAPE_OR_REFERENCE, (match, escaped: string | undefined, hex: string | undefined, decimal: string | undefined) => {
    if (escaped !== undefined) return escaped;
    if (hex === undefined && decimal === undefined) return decodeEntity(match);
    const code = parseInt(hex ?? decimal!, hex === undefined ? 10 : 16);
    // CommonMark: NUL, surrogates and numbers past Unicode become the replacement character.
    return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\uFFFD' : String.fromCodePoint(code);
  });

/** A link destination as written (`url` or `<url>`), read. */
export const unwrapDestination = (text: string, decodeEntity: (reference: string) => string): string =>
  unescapeMarkdown(text.startsWith('<') && text.endsWith('>') ? text.slice(1, -1) : text, decodeEntity);

/** A link title as written (`"t"`, `'t'` or `(t)`), read. */
export const unwrapTitle = (text: string, decodeEntity: (reference: string) => string): string => unescapeMarkdown(text.slice(1, -1), decodeEntity);

/** CommonMark's matching of reference labels: case-folded, runs of white space as one space. */
export const normalizeLabel = (label: string): string => label.trim().replace(/\s+/g, ' ').toLowerCase().toUpperCase();

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
// DOMPurify's list, which the preview used before it wrote its own HTML.
const SAFE_SCHEMES = new Set(['http', 'https', 'ftp', 'ftps', 'mailto', 'tel', 'callto', 'sms', 'cid', 'xmpp', 'matrix']);

/** The scheme of `url` ("https"), lower case, or undefined for a relative address. */
export const schemeOf = (url: string): string | undefined => SCHEME.exec(url)?.[1]?.toLowerCase();
const IMAGE_DATA = /^data:image\/(?:gif|png|jpeg|webp);/i;

/**
 * Whether a link (or, with `image`, an image) may point at `url`: a relative address, one of the
 * safe schemes, or for an image a bitmap `data:` address. `javascript:`, `vbscript:`, `data:`
 * pages and any scheme we do not know are refused.
 */
export const safeUrl = (url: string, image: boolean): boolean => {
  // Browsers ignore control characters and spaces in and around a scheme ("java\tscript:").
  const compact = url.replace(/[\u0000-\u0020\u007f]/g, '');
  const scheme = schemeOf(compact);
  return scheme === undefined || SAFE_SCHEMES.has(scheme) || (image && IMAGE_DATA.test(compact));
};

// A lone surrogate cannot be percent-encoded (encodeURI throws): it becomes the replacement character.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A link address as markdown-it writes it: characters a URL may not hold percent-encoded (a
 * space, a backslash, which a browser would otherwise read as "/", non-ASCII), existing `%XX`
 * escapes kept.
 */
export const encodeUrl = (url: string): string =>
  url.replace(LONE_SURROGATE, '\uFFFD').replace(/%(?![0-9a-fA-F]{2})|[^A-Za-z0-9;/?:@&=+$,\-_.!~*'()#%]+/g, encodeURI);

/** 0-based line numbers of offsets into `text`, asked for in increasing order (cheap), or not. */
export class LineCounter {
  private line = 0;
  private pos = 0;

  constructor(private readonly text: string) {}

  lineOf(pos: number): number {
    if (pos < this.pos) [this.line, this.pos] = [0, 0];
    for (let i = this.text.indexOf('\n', this.pos); i !== -1 && i < pos; i = this.text.indexOf('\n', i + 1)) this.line++;
    this.pos = pos;
    return this.line;
  }
}
