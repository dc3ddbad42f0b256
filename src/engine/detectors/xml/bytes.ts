/**
 * Byte-level helpers for the XML detectors: XML whitespace and name-character
 * tables, ASCII case-insensitive keyword matching, zero-copy Buffer views for
 * `indexOf`, and capped latin1 strings for names taken from attacker data.
 */

function table(pred: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = pred(c) ? 1 : 0;
  return t;
}

/** XML S: #x20 #x9 #xD #xA. */
export const XML_SPACE = table((c) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a);

/** ASCII letters, digits, `_ : - .` and every byte >= 0x80 (UTF-8 sequences of non-ASCII name characters). */
export const NAME_CHAR = table(
  (c) =>
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x5f ||
    c === 0x3a ||
    c === 0x2d ||
    c === 0x2e ||
    c >= 0x80,
);

export const LT = 0x3c;
export const GT = 0x3e;
export const BANG = 0x21;
export const QMARK = 0x3f;
export const DASH = 0x2d;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const PERCENT = 0x25;
export const AMP = 0x26;
export const SEMI = 0x3b;
export const HASH_SIGN = 0x23;
export const DQUOTE = 0x22;
export const SQUOTE = 0x27;
export const EQUALS = 0x3d;

/** A Buffer view of the same memory (no copy), for `indexOf`. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Length of the whitespace at pos: 1 for S, 2 for NEL (C2 85) and 3 for
 * LINE SEPARATOR (E2 80 A8), which XML 1.1 parsers normalise to a line feed
 * before tokenizing; 0 for anything else.
 */
export function spaceLength(b: Uint8Array, pos: number): number {
  const c = b[pos];
  if (c === undefined) return 0;
  if (XML_SPACE[c] === 1) return 1;
  if (c === 0xc2) return b[pos + 1] === 0x85 ? 2 : 0;
  if (c === 0xe2) return b[pos + 1] === 0x80 && b[pos + 2] === 0xa8 ? 3 : 0;
  return 0;
}

export function skipSpace(b: Uint8Array, pos: number, end: number): number {
  while (pos < end) {
    const c = b[pos]!;
    if (XML_SPACE[c] === 1) pos++;
    else if (c < 0x80) break;
    else {
      const n = spaceLength(b, pos);
      if (n === 0) break;
      pos += n;
    }
  }
  return Math.min(pos, end);
}

/** Offset after the run of name characters starting at `pos` (NEL and LINE SEPARATOR end a name). */
export function nameEnd(b: Uint8Array, pos: number, end: number): number {
  while (pos < end) {
    const c = b[pos]!;
    if (NAME_CHAR[c] !== 1 || ((c === 0xc2 || c === 0xe2) && spaceLength(b, pos) > 0)) break;
    pos++;
  }
  return pos;
}

/** True when `b[pos..]` equals the upper-case ASCII `word`, ignoring ASCII case. */
export function matchCI(b: Uint8Array, pos: number, word: string): boolean {
  if (pos + word.length > b.length) return false;
  for (let k = 0; k < word.length; k++) {
    let c = b[pos + k]!;
    if (c >= 0x61 && c <= 0x7a) c -= 0x20;
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** `matchCI` and the keyword is not followed by another name character. */
export function matchKeyword(b: Uint8Array, pos: number, end: number, word: string): boolean {
  if (pos + word.length > end || !matchCI(b, pos, word)) return false;
  const after = pos + word.length;
  return after >= end || NAME_CHAR[b[after]!] !== 1 || spaceLength(b, after) > 0;
}

/** True when `b[pos..]` equals `lit` byte for byte. */
export function matchExact(b: Uint8Array, pos: number, lit: Uint8Array): boolean {
  if (pos < 0 || pos + lit.length > b.length) return false;
  for (let k = 0; k < lit.length; k++) if (b[pos + k] !== lit[k]) return false;
  return true;
}

/** latin1 string of `b[from..to)`, at most `cap` bytes. */
export function latin1(b: Uint8Array, from: number, to: number, cap: number): string {
  const stop = Math.min(to, from + cap);
  let s = '';
  for (let k = from; k < stop; k++) s += String.fromCharCode(b[k]!);
  return s;
}

export function isQuote(c: number | undefined): boolean {
  return c === DQUOTE || c === SQUOTE;
}
