/**
 * Byte-level helpers for pickle operands: identifier lookup tables, little-endian integers, and the
 * string decoders CPython applies to names (latin-1 for byte-exact ASCII names, Python bytes escapes
 * for STRING, raw-unicode-escape for UNICODE). Callers cap the length before decoding; decoders
 * never throw.
 */

/** 1 for `[A-Za-z_]`. */
export const IDENT_START: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  t[0x5f] = 1;
  return t;
})();

/** 1 for `[A-Za-z0-9_]`. */
export const IDENT_CHAR: Uint8Array = (() => {
  const t = IDENT_START.slice();
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  return t;
})();

/** 1 for identifier bytes and `.` (the bytes a dotted module path or qualname is made of). */
export const DOTTED_CHAR: Uint8Array = (() => {
  const t = IDENT_CHAR.slice();
  t[0x2e] = 1;
  return t;
})();

/** True when `buf[start, end)` is `ident(.ident)*` in ASCII. */
export function isDottedIdentifierBytes(buf: Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  let segStart = true;
  for (let i = start; i < end; i++) {
    const c = buf[i] ?? 0;
    if (segStart) {
      if (IDENT_START[c] !== 1) return false;
      segStart = false;
    } else if (c === 0x2e) {
      segStart = true;
    } else if (IDENT_CHAR[c] !== 1) {
      return false;
    }
  }
  return !segStart;
}

/** True when `s` is `ident(.ident)*` in ASCII. */
export function isDottedIdentifier(s: string): boolean {
  if (s.length === 0) return false;
  let segStart = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return false;
    if (segStart) {
      if (IDENT_START[c] !== 1) return false;
      segStart = false;
    } else if (c === 0x2e) {
      segStart = true;
    } else if (IDENT_CHAR[c] !== 1) {
      return false;
    }
  }
  return !segStart;
}

export function u16le(buf: Uint8Array, i: number): number {
  return (buf[i] ?? 0) | ((buf[i + 1] ?? 0) << 8);
}

export function u32le(buf: Uint8Array, i: number): number {
  return ((buf[i] ?? 0) | ((buf[i + 1] ?? 0) << 8) | ((buf[i + 2] ?? 0) << 16)) + (buf[i + 3] ?? 0) * 0x1000000;
}

export function i32le(buf: Uint8Array, i: number): number {
  return (buf[i] ?? 0) | ((buf[i + 1] ?? 0) << 8) | ((buf[i + 2] ?? 0) << 16) | ((buf[i + 3] ?? 0) << 24);
}

/** Unsigned 64-bit little-endian; values >= 2^53 come back as `Infinity`. */
export function u64le(buf: Uint8Array, i: number): number {
  const hi = u32le(buf, i + 4);
  if (hi >= 0x200000) return Infinity;
  return hi * 0x100000000 + u32le(buf, i);
}

function toBuffer(buf: Uint8Array): Buffer {
  return Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function decodeLatin1(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= 64) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i] ?? 0);
    return s;
  }
  return toBuffer(buf).toString('latin1', start, end);
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

const SIMPLE_ESCAPES: Readonly<Record<number, number>> = {
  0x5c: 0x5c, // \\
  0x27: 0x27, // \'
  0x22: 0x22, // \"
  0x62: 0x08, // \b
  0x66: 0x0c, // \f
  0x74: 0x09, // \t
  0x6e: 0x0a, // \n
  0x72: 0x0d, // \r
  0x76: 0x0b, // \v
  0x61: 0x07, // \a
};

/**
 * Python bytes-literal escapes (`codecs.escape_decode`), as the STRING opcode applies them to the
 * text between the quotes. Returns a latin-1 string, or null where CPython raises (bad `\x`, a
 * trailing backslash).
 */
export function decodePyEscape(buf: Uint8Array, start: number, end: number): string | null {
  let out = '';
  let i = start;
  while (i < end) {
    const c = buf[i] ?? 0;
    if (c !== 0x5c) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    if (i + 1 >= end) return null;
    const e = buf[i + 1] ?? 0;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += String.fromCharCode(simple);
      i += 2;
    } else if (e === 0x0a) {
      i += 2;
    } else if (e >= 0x30 && e <= 0x37) {
      let v = e - 0x30;
      let j = i + 2;
      for (let k = 0; k < 2 && j < end; k++) {
        const d = buf[j] ?? 0;
        if (d < 0x30 || d > 0x37) break;
        v = v * 8 + (d - 0x30);
        j++;
      }
      out += String.fromCharCode(v & 0xff);
      i = j;
    } else if (e === 0x78) {
      if (i + 3 >= end) return null;
      const h1 = hexVal(buf[i + 2] ?? 0);
      const h2 = hexVal(buf[i + 3] ?? 0);
      if (h1 < 0 || h2 < 0) return null;
      out += String.fromCharCode(h1 * 16 + h2);
      i += 4;
    } else {
      out += '\\';
      i++;
    }
  }
  return out;
}

/**
 * `raw-unicode-escape` (UNICODE opcode): bytes are latin-1 code points except `\uXXXX` and
 * `\UXXXXXXXX` after an odd run of backslashes. Returns null where CPython raises (truncated escape,
 * code point out of range).
 */
export function decodeRawUnicodeEscape(buf: Uint8Array, start: number, end: number): string | null {
  let out = '';
  let i = start;
  while (i < end) {
    const c = buf[i] ?? 0;
    if (c !== 0x5c) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    let j = i;
    while (j < end && buf[j] === 0x5c) j++;
    const run = j - i;
    const next = buf[j] ?? 0;
    if ((run & 1) === 0 || j >= end || (next !== 0x75 && next !== 0x55)) {
      out += '\\'.repeat(run);
      i = j;
      continue;
    }
    out += '\\'.repeat(run - 1);
    const digits = next === 0x75 ? 4 : 8;
    if (j + 1 + digits > end) return null;
    let v = 0;
    for (let k = 0; k < digits; k++) {
      const h = hexVal(buf[j + 1 + k] ?? 0);
      if (h < 0) return null;
      v = v * 16 + h;
    }
    if (v > 0x10ffff) return null;
    out += String.fromCodePoint(v);
    i = j + 1 + digits;
  }
  return out;
}
