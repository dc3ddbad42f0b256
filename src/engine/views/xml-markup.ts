/**
 * Byte-level skipping of XML markup for the XML text view (xml-text.ts):
 * the end of a start tag (attribute values may hold `>`), of a DOCTYPE with
 * its internal subset (quoted literals, comments and PIs inside may hold `>`
 * and `]`), and literal searches. Every function moves forward only and
 * returns -1 when the construct is not terminated in the layer; all loops are
 * linear in the bytes they pass over (native `indexOf` for the searches).
 */

const LT = 0x3c;
const GT = 0x3e;
const QMARK = 0x3f;
const BANG = 0x21;
const DASH = 0x2d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

/** First bytes of an element name: ASCII letters, `_`, `:` and every byte >= 0x80 (non-ASCII UTF-8). */
export const NAME_START = new Uint8Array(256);
/** Later bytes of a name: NAME_START plus digits, `-` and `.`. */
export const NAME_BYTE = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const start = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x3a || c >= 0x80;
  NAME_START[c] = start ? 1 : 0;
  NAME_BYTE[c] = start || (c >= 0x30 && c <= 0x39) || c === DASH || c === 0x2e ? 1 : 0;
}

export const COMMENT_OPEN = Buffer.from('<!--', 'latin1');
export const COMMENT_CLOSE = Buffer.from('-->', 'latin1');
export const CDATA_OPEN = Buffer.from('<![CDATA[', 'latin1');
export const CDATA_CLOSE = Buffer.from(']]>', 'latin1');
export const PI_CLOSE = Buffer.from('?>', 'latin1');
export const DOCTYPE_OPEN = Buffer.from('<!DOCTYPE', 'latin1');

/** A Buffer view of the same memory (no copy), for `indexOf`. */
export function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** True when `b[pos..]` starts with `lit`. */
export function startsWith(b: Uint8Array, pos: number, lit: Uint8Array): boolean {
  if (pos + lit.length > b.length) return false;
  for (let k = 0; k < lit.length; k++) if (b[pos + k] !== lit[k]) return false;
  return true;
}

/** Offset after the run of name bytes starting at `pos`. */
export function nameEnd(b: Uint8Array, pos: number): number {
  while (pos < b.length && NAME_BYTE[b[pos]!] === 1) pos++;
  return pos;
}

/** Offset of the `>` closing a tag whose attributes start at `pos` (quoted values skipped), or -1. */
export function tagEnd(buf: Buffer, pos: number): number {
  const n = buf.length;
  while (pos < n) {
    const c = buf[pos]!;
    if (c === GT) return pos;
    if (c === DQUOTE || c === SQUOTE) {
      const q = buf.indexOf(c, pos + 1);
      if (q < 0) return -1;
      pos = q + 1;
    } else pos++;
  }
  return -1;
}

/** Offset after `close` searched from `pos`, or -1. */
export function after(buf: Buffer, pos: number, close: Uint8Array): number {
  const at = buf.indexOf(close, pos);
  return at < 0 ? -1 : at + close.length;
}

/**
 * Offset after the `>` ending a DOCTYPE whose keyword ends at `pos`, or -1. Outside the internal
 * subset quoted literals are skipped; inside it also comments and PIs, up to the closing `]`.
 */
export function doctypeEnd(buf: Buffer, pos: number): number {
  const n = buf.length;
  let subset = false;
  while (pos < n) {
    const c = buf[pos]!;
    if (c === DQUOTE || c === SQUOTE) {
      const q = buf.indexOf(c, pos + 1);
      if (q < 0) return -1;
      pos = q + 1;
    } else if (!subset) {
      if (c === GT) return pos + 1;
      if (c === LBRACKET) subset = true;
      pos++;
    } else if (c === RBRACKET) {
      subset = false;
      pos++;
    } else if (c === LT && buf[pos + 1] === BANG && buf[pos + 2] === DASH && buf[pos + 3] === DASH) {
      pos = after(buf, pos + 4, COMMENT_CLOSE);
      if (pos < 0) return -1;
    } else if (c === LT && buf[pos + 1] === QMARK) {
      pos = after(buf, pos + 2, PI_CLOSE);
      if (pos < 0) return -1;
    } else pos++;
  }
  return -1;
}
