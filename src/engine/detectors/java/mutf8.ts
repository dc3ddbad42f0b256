/**
 * Modified UTF-8 (java.io.DataInput#readUTF) decoding the way the JDK's
 * ObjectInputStream does it: 1-, 2- and 3-byte forms, only the continuation
 * bits are checked, so overlong forms (`C1 A1` for `a`) decode fine. We decode
 * the same and flag them, because overlong class names are an evasion of
 * byte-signature matching (JYso UTF8BytesMix).
 */

export interface Mutf8Result {
  /** Decoded text, at most `maxChars` UTF-16 units (CESU-8 surrogates stay as units). */
  readonly value: string;
  /** False when the JDK would throw UTFDataFormatException. */
  readonly ok: boolean;
  /** True when a 2- or 3-byte form encoded a character that needs fewer bytes (C0 80 for NUL excepted). */
  readonly overlong: boolean;
  /** True when the text was longer than `maxChars` and was cut. */
  readonly truncated: boolean;
  /** Offset of the first bad byte when `ok` is false, else -1. */
  readonly errorAt: number;
}

const CHUNK = 4096;

/**
 * Decode `len` bytes of modified UTF-8 at `start`. Never reads past
 * `start + len` (the caller checked that range is inside `buf`).
 */
export function decodeModifiedUtf8(buf: Uint8Array, start: number, len: number, maxChars: number): Mutf8Result {
  const end = start + len;
  // Fast path: plain ASCII.
  let i = start;
  while (i < end && (buf[i] as number) < 0x80) i++;
  if (i === end) {
    const take = Math.min(len, maxChars);
    return { value: latin1(buf, start, start + take), ok: true, overlong: false, truncated: take < len, errorAt: -1 };
  }
  const units: number[] = [];
  let overlong = false;
  let truncated = false;
  let value = '';
  i = start;
  while (i < end) {
    const b1 = buf[i] as number;
    let c: number;
    switch (b1 >> 4) {
      case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
        c = b1;
        i += 1;
        break;
      case 12: case 13: {
        if (i + 2 > end) return fail(value, units, i, overlong);
        const b2 = buf[i + 1] as number;
        if ((b2 & 0xc0) !== 0x80) return fail(value, units, i, overlong);
        c = ((b1 & 0x1f) << 6) | (b2 & 0x3f);
        if (c < 0x80 && c !== 0) overlong = true;
        i += 2;
        break;
      }
      case 14: {
        if (i + 3 > end) return fail(value, units, i, overlong);
        const b2 = buf[i + 1] as number;
        const b3 = buf[i + 2] as number;
        if ((b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) return fail(value, units, i, overlong);
        c = ((b1 & 0x0f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
        if (c < 0x800) overlong = true;
        i += 3;
        break;
      }
      default:
        return fail(value, units, i, overlong);
    }
    if (value.length + units.length < maxChars) {
      units.push(c);
      if (units.length === CHUNK) {
        value += String.fromCharCode(...units);
        units.length = 0;
      }
    } else {
      truncated = true;
    }
  }
  if (units.length > 0) value += String.fromCharCode(...units);
  return { value, ok: true, overlong, truncated, errorAt: -1 };
}

/**
 * Check `len` bytes of modified UTF-8 without building a string.
 * Returns -1 when valid, else the offset of the first bad byte; sets
 * `out.overlong` when an overlong form was seen.
 */
export function validateModifiedUtf8(buf: Uint8Array, start: number, len: number, out: { overlong: boolean }): number {
  const end = start + len;
  let i = start;
  while (i < end) {
    const b1 = buf[i] as number;
    if (b1 < 0x80) {
      i++;
      continue;
    }
    const hi = b1 >> 4;
    if (hi === 12 || hi === 13) {
      if (i + 2 > end) return i;
      const b2 = buf[i + 1] as number;
      if ((b2 & 0xc0) !== 0x80) return i;
      if ((b1 & 0x1e) === 0 && !(b1 === 0xc0 && b2 === 0x80)) out.overlong = true;
      i += 2;
    } else if (hi === 14) {
      if (i + 3 > end) return i;
      const b2 = buf[i + 1] as number;
      const b3 = buf[i + 2] as number;
      if ((b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) return i;
      if ((b1 & 0x0f) === 0 && (b2 & 0x20) === 0) out.overlong = true;
      i += 3;
    } else {
      return i;
    }
  }
  return -1;
}

function fail(value: string, units: number[], at: number, overlong: boolean): Mutf8Result {
  const v = units.length > 0 ? value + String.fromCharCode(...units) : value;
  return { value: v, ok: false, overlong, truncated: false, errorAt: at };
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
}
