/**
 * UTF-16 (little- and big-endian) to UTF-8. Written by hand rather than with
 * TextDecoder so that lone surrogates and a trailing odd byte are counted as
 * errors with their offset, and output is bounded by `maxOut`.
 */
import { type DecodeResult, REPLACEMENT_CHAR, Utf8Sink, sinkCapacity } from './utf8-sink.js';

export function decodeUtf16(bytes: Uint8Array, littleEndian: boolean, maxOut: number, start = 0): DecodeResult {
  const n = bytes.length;
  const sink = new Utf8Sink(sinkCapacity(n - start, 1.5, maxOut));
  const lo = littleEndian ? 0 : 1;
  const hi = littleEndian ? 1 : 0;
  let errors = 0;
  let firstError = -1;
  const out = sink.buf;
  const cap = out.length;
  let i = start;
  while (i + 1 < n) {
    const u = (bytes[i + hi]! << 8) | bytes[i + lo]!;
    if (u < 0x80 && sink.len < cap) {
      out[sink.len++] = u;
      i += 2;
      continue;
    }
    const unitAt = i;
    i += 2;
    let cp = u;
    if (u >= 0xd800 && u <= 0xdbff) {
      const v = i + 1 < n ? (bytes[i + hi]! << 8) | bytes[i + lo]! : -1;
      if (v >= 0xdc00 && v <= 0xdfff) {
        cp = 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00);
        i += 2;
      } else {
        cp = REPLACEMENT_CHAR;
      }
    } else if (u >= 0xdc00 && u <= 0xdfff) {
      cp = REPLACEMENT_CHAR;
    }
    if (cp === REPLACEMENT_CHAR && u !== REPLACEMENT_CHAR) {
      errors++;
      if (firstError < 0) firstError = unitAt;
    }
    if (!sink.push(cp)) {
      i = unitAt;
      break;
    }
  }
  if (!sink.full && i < n) {
    // A dangling odd byte at the end.
    errors++;
    if (firstError < 0) firstError = i;
    if (sink.push(REPLACEMENT_CHAR)) i = n;
  }
  return { out: sink.result(), errors, firstError, truncated: sink.full, consumed: i };
}
