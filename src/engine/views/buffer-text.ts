/**
 * Fast byte-range to string conversion for short, already validated ranges.
 * Uses Node's (undocumented, long-standing) `latin1Slice`/`utf8Slice` when
 * present, which skip the encoding lookup of `Buffer#toString`.
 */

interface SliceMethods {
  latin1Slice?: (start: number, end: number) => string;
  utf8Slice?: (start: number, end: number) => string;
}

const proto = Buffer.prototype as unknown as SliceMethods;
const hasSlices = typeof proto.latin1Slice === 'function' && typeof proto.utf8Slice === 'function';

/** Bytes buf[s, e) as a latin1 string (one char per byte). */
export function latin1Text(buf: Buffer, s: number, e: number): string {
  return hasSlices ? (buf as unknown as Required<SliceMethods>).latin1Slice(s, e) : buf.toString('latin1', s, e);
}

/** Bytes buf[s, e) decoded as UTF-8 (invalid sequences become U+FFFD). */
export function utf8Text(buf: Buffer, s: number, e: number): string {
  return hasSlices ? (buf as unknown as Required<SliceMethods>).utf8Slice(s, e) : buf.toString('utf8', s, e);
}
