/**
 * PHP `S:` strings: the escaped form of serialize() strings, where a
 * backslash and two hex digits stand for one byte (php-src
 * `unserialize_str`). The declared length counts decoded bytes.
 */

/** Value of an ASCII hex digit, or -1. */
export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/**
 * Walks `len` decoded characters of an escaped string starting at `pos`.
 * Returns the offset after the last raw byte, -1 when the input ends first,
 * -2 on a malformed escape. The string held escapes exactly when the raw
 * length (result - pos) exceeds `len`.
 */
export function scanEscaped(b: Uint8Array, pos: number, end: number, len: number): number {
  let p = pos;
  for (let i = 0; i < len; i++) {
    if (p >= end) return -1;
    if (b[p] === 0x5c) {
      if (p + 2 >= end) return -1;
      if (hexValue(b[p + 1] ?? 0) < 0 || hexValue(b[p + 2] ?? 0) < 0) return -2;
      p += 3;
    } else {
      p += 1;
    }
  }
  return p;
}

/**
 * Decodes the raw bytes `[start, end)` of an escaped string (already
 * validated by `scanEscaped`) into a new buffer of at most `maxOut` bytes.
 */
export function decodeEscaped(b: Uint8Array, start: number, end: number, maxOut: number): Uint8Array {
  const out = new Uint8Array(Math.min(end - start, maxOut));
  let o = 0;
  let p = start;
  while (p < end && o < out.length) {
    const c = b[p] ?? 0;
    if (c === 0x5c && p + 2 < end) {
      out[o++] = (hexValue(b[p + 1] ?? 0) << 4) | hexValue(b[p + 2] ?? 0);
      p += 3;
    } else {
      out[o++] = c;
      p += 1;
    }
  }
  return out.subarray(0, o);
}
