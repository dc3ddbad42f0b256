/**
 * Byte-level primitives of the Marshal format: marshal.c `r_long` (the
 * variable-length integer used for every count and length), constant-path
 * validation for class names, and printable rendering of names.
 */

export const TRUNCATED = -1;
export const SYNTAX = -2;

/** Scratch output of readLong. */
export const scratch = { num: 0 };

/** marshal.c `r_long`. Sets `scratch.num`; returns the next offset or an error code. */
export function readLong(b: Uint8Array, pos: number, end: number): number {
  if (pos >= end) return TRUNCATED;
  const c = ((b[pos] ?? 0) << 24) >> 24;
  let p = pos + 1;
  if (c === 0) {
    scratch.num = 0;
  } else if (c > 0) {
    if (c > 4) {
      scratch.num = c - 5;
    } else {
      if (p + c > end) return TRUNCATED;
      let x = 0;
      for (let i = 0; i < c; i++) x += (b[p + i] ?? 0) * 2 ** (8 * i);
      scratch.num = x;
      p += c;
    }
  } else if (c < -4) {
    scratch.num = c + 5;
  } else {
    const n = -c;
    if (p + n > end) return TRUNCATED;
    let x = 0;
    for (let i = 0; i < n; i++) x += (b[p + i] ?? 0) * 2 ** (8 * i);
    scratch.num = x - 2 ** (8 * n);
    p += n;
  }
  return p;
}

/**
 * Constant path `Name(::Name)*` in ASCII: names start with A-Z and go on with
 * `[A-Za-z0-9_]`. Ruby also accepts non-ASCII capitals, but every gadget and
 * application class an attacker can reach is ASCII, and accepting high bytes
 * lets random binary pass for class names.
 */
export function isConstantPath(b: Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  let atStart = true;
  for (let p = start; p < end; p++) {
    const c = b[p] ?? 0;
    if (atStart) {
      if (!(c >= 0x41 && c <= 0x5a)) return false;
      atStart = false;
    } else if (c === 0x3a) {
      if (b[p + 1] !== 0x3a || p + 2 >= end) return false;
      p++;
      atStart = true;
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f)) {
      return false;
    }
  }
  return !atStart;
}

export function printable(b: Uint8Array, start: number, end: number, max: number): string {
  let s = '';
  const stop = Math.min(end, start + max);
  for (let p = start; p < stop; p++) {
    const c = b[p] ?? 0;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return end - start > max ? `${s}...` : s;
}

