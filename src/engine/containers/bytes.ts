/**
 * Little helpers for reading fixed-width integers and short, capped strings
 * out of attacker-controlled bytes. Every reader checks bounds and returns -1
 * (or an empty string) instead of throwing when the field does not fit.
 */

/** Unsigned 16-bit little-endian at `off`, or -1 when it does not fit. */
export function u16le(b: Uint8Array, off: number): number {
  if (off < 0 || off + 2 > b.length) return -1;
  return (b[off] as number) | ((b[off + 1] as number) << 8);
}

/** Unsigned 32-bit little-endian at `off`, or -1 when it does not fit. */
export function u32le(b: Uint8Array, off: number): number {
  if (off < 0 || off + 4 > b.length) return -1;
  return ((b[off] as number) | ((b[off + 1] as number) << 8) | ((b[off + 2] as number) << 16)) + (b[off + 3] as number) * 0x1000000;
}

/** Unsigned 32-bit big-endian at `off`, or -1 when it does not fit. */
export function u32be(b: Uint8Array, off: number): number {
  if (off < 0 || off + 4 > b.length) return -1;
  return (b[off] as number) * 0x1000000 + (((b[off + 1] as number) << 16) | ((b[off + 2] as number) << 8) | (b[off + 3] as number));
}

/**
 * Unsigned 64-bit little-endian at `off` as a JS number. Returns -1 when it
 * does not fit and -2 when the value exceeds Number.MAX_SAFE_INTEGER (callers
 * treat that as "larger than any buffer").
 */
export function u64le(b: Uint8Array, off: number): number {
  const lo = u32le(b, off);
  const hi = u32le(b, off + 4);
  if (lo < 0 || hi < 0) return -1;
  if (hi > 0x1fffff) return -2;
  return hi * 0x100000000 + lo;
}

/** True when `b` holds the bytes of `sig` at `off`. */
export function hasBytes(b: Uint8Array, off: number, sig: readonly number[]): boolean {
  if (off < 0 || off + sig.length > b.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[off + i] !== sig[i]) return false;
  return true;
}

/** True when two byte ranges hold the same bytes. */
export function sameBytes(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, len: number): boolean {
  if (aOff < 0 || bOff < 0 || aOff + len > a.length || bOff + len > b.length) return false;
  for (let i = 0; i < len; i++) if (a[aOff + i] !== b[bOff + i]) return false;
  return true;
}

/** Maximum characters of attacker-supplied names we ever turn into strings. */
export const MAX_NAME_CHARS = 256;

/**
 * Printable, escaped rendering of at most `max` bytes of `b[start, end)`:
 * bytes outside 0x20..0x7e (and the backslash) become `\xNN`. Safe for messages.
 */
export function safeName(b: Uint8Array, start: number, end: number, max = MAX_NAME_CHARS): string {
  const s = Math.max(0, start);
  const e = Math.min(b.length, end, s + max);
  let out = '';
  for (let i = s; i < e; i++) {
    const c = b[i] as number;
    if (c >= 0x20 && c < 0x7f && c !== 0x5c) out += String.fromCharCode(c);
    else out += '\\x' + (c < 16 ? '0' : '') + c.toString(16);
  }
  if (end - start > max) out += '...';
  return out;
}

/** True when every byte of `b[from, end)` is zero (zero padding after a stream is tolerated, as gzip does). */
export function allZero(b: Uint8Array, from: number): boolean {
  for (let i = Math.max(0, from); i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** A Buffer view over the same memory (no copy). */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
