/**
 * UTF-32 / UCS-4 to UTF-8 in the four byte orders of XML 1.0 Appendix F:
 * 1234 (big-endian), 4321 (little-endian) and the unusual 2143 and 3412.
 * Code points above U+10FFFF, surrogates and a trailing partial unit are errors.
 */
import { type DecodeResult, REPLACEMENT_CHAR, Utf8Sink, sinkCapacity } from './utf8-sink.js';

/** Byte order: which input byte of a 4-byte unit holds bits 24-31, 16-23, 8-15, 0-7. */
export type Utf32Order = '1234' | '4321' | '2143' | '3412';

const ORDER_INDEX: Record<Utf32Order, readonly [number, number, number, number]> = {
  '1234': [0, 1, 2, 3],
  '4321': [3, 2, 1, 0],
  '2143': [1, 0, 3, 2],
  '3412': [2, 3, 0, 1],
};

export function decodeUtf32(bytes: Uint8Array, order: Utf32Order, maxOut: number, start = 0): DecodeResult {
  const [a, b, c, d] = ORDER_INDEX[order];
  const n = bytes.length;
  const sink = new Utf8Sink(sinkCapacity(n - start, 1, maxOut));
  let errors = 0;
  let firstError = -1;
  const out = sink.buf;
  const cap = out.length;
  let i = start;
  while (i + 3 < n) {
    const cp = bytes[i + a]! * 0x1000000 + (bytes[i + b]! << 16) + (bytes[i + c]! << 8) + bytes[i + d]!;
    if (cp < 0x80 && sink.len < cap) {
      out[sink.len++] = cp;
      i += 4;
      continue;
    }
    const bad = cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff);
    if (bad) {
      errors++;
      if (firstError < 0) firstError = i;
    }
    if (!sink.push(bad ? REPLACEMENT_CHAR : cp)) break;
    i += 4;
  }
  if (!sink.full && i < n) {
    errors++;
    if (firstError < 0) firstError = i;
    if (sink.push(REPLACEMENT_CHAR)) i = n;
  }
  return { out: sink.result(), errors, firstError, truncated: sink.full, consumed: i };
}
