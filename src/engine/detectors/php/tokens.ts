/**
 * Token readers for the PHP serialize() grammar (php-src
 * var_unserializer.re): unsigned lengths (`uiv`, with PHP 5's `+`), signed
 * integers, floats, class names and `<len>:"<name>"` pairs. Readers return
 * the next offset or a negative error code (TRUNCATED / SYNTAX) and leave a
 * number in `scratch.num`, so no token allocates.
 */

export const COLON = 0x3a;
export const SEMI = 0x3b;
export const QUOTE = 0x22;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const TRUNCATED = -1;
export const SYNTAX = -2;

/** Scratch output of the readers (a length, a count or a name offset). */
export const scratch = { num: 0 };

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** Unsigned length/count: `[+]?[0-9]+`. Sets `scratch.num`; returns the next offset or an error code. */
export function readUiv(b: Uint8Array, pos: number, end: number): number {
  let p = pos;
  if (p < end && b[p] === 0x2b) p++;
  if (p >= end) return TRUNCATED;
  if (!isDigit(b[p])) return SYNTAX;
  let v = 0;
  while (p < end && isDigit(b[p])) {
    v = v * 10 + ((b[p] ?? 0) - 0x30);
    if (v > 0xffffffff) v = 0x100000000; // saturate: larger than any layer
    p++;
  }
  if (p >= end) return TRUNCATED;
  scratch.num = v;
  return p;
}

/** Signed integer `[+-]?[0-9]+` (value not needed). Returns the next offset or an error code. */
export function skipIv(b: Uint8Array, pos: number, end: number): number {
  let p = pos;
  if (p < end && (b[p] === 0x2b || b[p] === 0x2d)) p++;
  if (p >= end) return TRUNCATED;
  if (!isDigit(b[p])) return SYNTAX;
  while (p < end && isDigit(b[p])) p++;
  return p >= end ? TRUNCATED : p;
}

/** Float body of `d:` (number, `INF`, `-INF`, `NAN`). Returns the offset after it or an error code. */
export function skipDouble(b: Uint8Array, pos: number, end: number): number {
  let p = pos;
  if (p < end && (b[p] === 0x2b || b[p] === 0x2d)) p++;
  if (p + 3 <= end && b[p] === 0x49 && b[p + 1] === 0x4e && b[p + 2] === 0x46) return p + 3; // INF
  if (p === pos && p + 3 <= end && b[p] === 0x4e && b[p + 1] === 0x41 && b[p + 2] === 0x4e) return p + 3; // NAN
  let digits = 0;
  while (p < end && isDigit(b[p])) { p++; digits++; }
  if (p < end && b[p] === 0x2e) {
    p++;
    while (p < end && isDigit(b[p])) { p++; digits++; }
  }
  if (p >= end) return TRUNCATED;
  if (digits === 0) return SYNTAX;
  if (b[p] === 0x45 || b[p] === 0x65) {
    const q = skipIv(b, p + 1, end);
    if (q < 0) return q;
    p = q;
  }
  return p;
}

/** Class-name bytes PHP accepts: `[0-9A-Za-z_\\]` and bytes >= 0x7f. */
export function validClassName(b: Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let p = start; p < end; p++) {
    const c = b[p] ?? 0;
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
      c === 0x5f || c === 0x5c || c >= 0x7f;
    if (!ok) return false;
  }
  return true;
}

/** Reads `<len>:"<name>"` at `pos`; sets `scratch.num` to the name start. Returns the offset after the closing quote. */
export function readQuotedName(b: Uint8Array, pos: number, end: number): number {
  const p = readUiv(b, pos, end);
  if (p < 0) return p;
  const len = scratch.num;
  if (b[p] !== COLON) return SYNTAX;
  if (p + 1 >= end) return TRUNCATED;
  if (b[p + 1] !== QUOTE) return SYNTAX;
  const nameStart = p + 2;
  if (len > end - nameStart - 1) return TRUNCATED;
  const close = nameStart + len;
  if (b[close] !== QUOTE) return SYNTAX;
  scratch.num = nameStart;
  return close + 1;
}
