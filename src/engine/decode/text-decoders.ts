/**
 * Small value decoders the engine stacks on text layers: base64 (both
 * alphabets, line breaks ignored), hex, percent-encoding, and backslash
 * escapes (`\uXXXX`, `\xXX`: JSON and fastjson's lenient strings). Each
 * returns null when there is nothing to decode, so callers skip a layer
 * cheaply, and never produces more output than its input length.
 */

const HEXVAL = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEXVAL[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEXVAL[0x41 + i] = 10 + i;
  HEXVAL[0x61 + i] = 10 + i;
}

/** Decode base64 / base64url text (CR/LF and padding tolerated). */
export function decodeBase64(bytes: Uint8Array, start: number, end: number): Buffer {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  return Buffer.from(text, 'base64');
}

/** Decode a run of hex digits (line breaks skipped); an odd trailing digit is dropped. */
export function decodeHex(bytes: Uint8Array, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe((end - start) >> 1);
  let k = 0;
  let hi = -1;
  for (let i = start; i < end; i++) {
    const v = HEXVAL[bytes[i]!]!;
    if (v < 0) continue;
    if (hi < 0) hi = v;
    else {
      out[k++] = (hi << 4) | v;
      hi = -1;
    }
  }
  return out.subarray(0, k);
}

/**
 * Percent-decode (`%XX`; `+` stays `+` unless `plusAsSpace`). Returns null when
 * the input holds no valid escape. Invalid escapes are kept literally.
 */
export function decodePercent(bytes: Uint8Array, plusAsSpace = false): Buffer | null {
  let first = -1;
  for (let i = indexOfByte(bytes, 0x25, 0); i !== -1 && i + 2 < bytes.length + 0; i = indexOfByte(bytes, 0x25, i + 1)) {
    if (i + 2 < bytes.length && HEXVAL[bytes[i + 1]!]! >= 0 && HEXVAL[bytes[i + 2]!]! >= 0) {
      first = i;
      break;
    }
  }
  if (first === -1 && !(plusAsSpace && indexOfByte(bytes, 0x2b, 0) !== -1)) return null;
  const out = Buffer.allocUnsafe(bytes.length);
  let k = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x25 && i + 2 < bytes.length) {
      const h = HEXVAL[bytes[i + 1]!]!;
      const l = HEXVAL[bytes[i + 2]!]!;
      if (h >= 0 && l >= 0) {
        out[k++] = (h << 4) | l;
        i += 2;
        continue;
      }
    }
    out[k++] = plusAsSpace && b === 0x2b ? 0x20 : b;
  }
  return out.subarray(0, k);
}

/**
 * Decode backslash escapes `\uXXXX` (UTF-16, surrogate pairs joined, output
 * UTF-8) and `\xXX`, plus `\"` `\\` `\/`. Returns null when there are none.
 */
export function decodeBackslashEscapes(bytes: Uint8Array): Buffer | null {
  if (indexOfByte(bytes, 0x5c, 0) === -1) return null;
  const out = Buffer.allocUnsafe(bytes.length);
  let k = 0;
  let changed = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0x5c || i + 1 >= bytes.length) {
      out[k++] = b;
      continue;
    }
    const n = bytes[i + 1]!;
    if (n === 0x75 /* u */ && i + 5 < bytes.length) {
      let cp = hex4(bytes, i + 2);
      if (cp >= 0) {
        let used = 6;
        if (cp >= 0xd800 && cp <= 0xdbff && bytes[i + 6] === 0x5c && bytes[i + 7] === 0x75) {
          const lo = hex4(bytes, i + 8);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            used = 12;
          }
        }
        k += writeUtf8(out, k, cp);
        i += used - 1;
        changed = true;
        continue;
      }
    } else if (n === 0x78 /* x */ && i + 3 < bytes.length) {
      const h = HEXVAL[bytes[i + 2]!]!;
      const l = HEXVAL[bytes[i + 3]!]!;
      if (h >= 0 && l >= 0) {
        out[k++] = (h << 4) | l;
        i += 3;
        changed = true;
        continue;
      }
    } else if (n === 0x22 || n === 0x5c || n === 0x2f || n === 0x27) {
      out[k++] = n;
      i += 1;
      changed = true;
      continue;
    }
    out[k++] = b;
  }
  return changed ? out.subarray(0, k) : null;
}

function hex4(bytes: Uint8Array, i: number): number {
  let v = 0;
  for (let j = 0; j < 4; j++) {
    const h = HEXVAL[bytes[i + j] ?? 0]!;
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

/** Write a code point as UTF-8 (lone surrogates as U+FFFD); returns bytes written (<= 4, never more than the 6-byte escape). */
function writeUtf8(out: Buffer, k: number, cp: number): number {
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
  if (cp < 0x80) {
    out[k] = cp;
    return 1;
  }
  if (cp < 0x800) {
    out[k] = 0xc0 | (cp >> 6);
    out[k + 1] = 0x80 | (cp & 63);
    return 2;
  }
  if (cp < 0x10000) {
    out[k] = 0xe0 | (cp >> 12);
    out[k + 1] = 0x80 | ((cp >> 6) & 63);
    out[k + 2] = 0x80 | (cp & 63);
    return 3;
  }
  out[k] = 0xf0 | (cp >> 18);
  out[k + 1] = 0x80 | ((cp >> 12) & 63);
  out[k + 2] = 0x80 | ((cp >> 6) & 63);
  out[k + 3] = 0x80 | (cp & 63);
  return 4;
}

export function indexOfByte(bytes: Uint8Array, b: number, from: number): number {
  return Buffer.prototype.indexOf.call(bytes, b, from) as number;
}
