/**
 * Byte-class lookup tables shared by the views (RFC 9110 tchar, RFC 2046
 * bchars, hex digits). Tables are indexed by byte value (0-255); char codes
 * above 255 are never members.
 */

function table(members: string): Uint8Array {
  const t = new Uint8Array(256);
  for (let i = 0; i < members.length; i++) t[members.charCodeAt(i)] = 1;
  return t;
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** RFC 9110 tchar. */
export const TCHAR = table(ALNUM + "!#$%&'*+-.^_`|~");

/** RFC 2046 bchars (boundary characters, space included; a boundary must not end with space). */
export const BCHAR = table(ALNUM + "'()+_,-./:=? ");

/** Hex digit value + 1 (0 = not a hex digit). */
export const HEX_VALUE = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 10; i++) t[0x30 + i] = i + 1;
  for (let i = 0; i < 6; i++) {
    t[0x41 + i] = 11 + i;
    t[0x61 + i] = 11 + i;
  }
  return t;
})();

/** True if `code` (a char code or byte) is in `t`. */
export function inTable(t: Uint8Array, code: number): boolean {
  return code < 256 && t[code] === 1;
}

/** ASCII lower-case of one byte/char code. */
export function lowerAscii(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** Escape a short excerpt for messages: printable ASCII kept, everything else as \xNN, capped. */
export function describeBytes(bytes: Uint8Array, max = 32): string {
  let s = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const c = bytes[i] as number;
    s += c >= 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : '\\x' + c.toString(16).padStart(2, '0');
  }
  return bytes.length > max ? s + '...' : s;
}
