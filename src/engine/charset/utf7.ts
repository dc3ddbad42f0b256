/**
 * UTF-7 (RFC 2152) to UTF-8. Direct ASCII characters pass through; `+` opens
 * a modified-base64 run of UTF-16 code units that ends at the first byte
 * outside the base64 alphabet (a terminating `-` is absorbed); `+-` is a
 * literal `+`. Bytes >= 0x80, leftover non-zero bits, a run ending with 6 or
 * more unused bits and unpaired surrogates are counted as errors (U+FFFD).
 */
import { type DecodeResult, REPLACEMENT_CHAR, Utf8Sink, sinkCapacity } from './utf8-sink.js';

/** Base64 value + 1 for the UTF-7 alphabet (0 = not a base64 byte). */
const B64 = (() => {
  const t = new Uint8Array(256);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i + 1;
  return t;
})();

const PLUS = 0x2b;
const MINUS = 0x2d;

export function decodeUtf7(bytes: Uint8Array, maxOut: number, start = 0): DecodeResult {
  const n = bytes.length;
  const sink = new Utf8Sink(sinkCapacity(n - start, 1.2, maxOut));
  let errors = 0;
  let firstError = -1;
  const fail = (at: number): void => {
    errors++;
    if (firstError < 0) firstError = at;
  };
  const out = sink.buf;
  const cap = out.length;
  let i = start;
  while (i < n && !sink.full) {
    const c = bytes[i]!;
    if (c < 0x80 && c !== PLUS && sink.len < cap) {
      out[sink.len++] = c;
      i++;
      continue;
    }
    if (c !== PLUS) {
      if (c >= 0x80) {
        fail(i);
        sink.push(REPLACEMENT_CHAR);
      } else {
        sink.push(c);
      }
      i++;
      continue;
    }
    // '+' opens a shifted run.
    const runStart = i;
    i++;
    if (i < n && bytes[i] === MINUS) {
      sink.push(PLUS);
      i++;
      continue;
    }
    let bits = 0;
    let nbits = 0;
    let high = -1; // pending high surrogate
    let units = 0;
    while (i < n) {
      const v = B64[bytes[i]!]!;
      if (v === 0) break;
      bits = ((bits << 6) | (v - 1)) & 0x3fffff;
      nbits += 6;
      i++;
      if (nbits >= 16) {
        nbits -= 16;
        const unit = (bits >> nbits) & 0xffff;
        bits &= (1 << nbits) - 1;
        units++;
        if (high >= 0) {
          if (unit >= 0xdc00 && unit <= 0xdfff) {
            sink.push(0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00));
            high = -1;
            continue;
          }
          fail(i);
          sink.push(REPLACEMENT_CHAR);
          high = -1;
        }
        if (unit >= 0xd800 && unit <= 0xdbff) {
          high = unit;
        } else if (unit >= 0xdc00 && unit <= 0xdfff) {
          fail(i);
          sink.push(REPLACEMENT_CHAR);
        } else {
          sink.push(unit);
        }
        if (sink.full) break;
      }
    }
    if (high >= 0) {
      fail(i);
      sink.push(REPLACEMENT_CHAR);
    }
    if (nbits >= 6 || bits !== 0 || units === 0) fail(runStart);
    if (i < n && bytes[i] === MINUS) i++;
  }
  return { out: sink.result(), errors, firstError, truncated: sink.full, consumed: i };
}
