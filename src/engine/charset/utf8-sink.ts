/**
 * A bounded UTF-8 output buffer for the charset decoders: code points are
 * appended into one preallocated array (no per-character allocation) and the
 * sink refuses, instead of growing, once `capacity` bytes are used.
 */

/** U+FFFD, written in place of every undecodable sequence. */
export const REPLACEMENT_CHAR = 0xfffd;

export class Utf8Sink {
  /** Output storage; decoders may append ASCII bytes directly (`buf[len++] = c` while `len < buf.length`). */
  readonly buf: Uint8Array;
  /** Bytes written. */
  len = 0;
  /** True once a code point did not fit; nothing is written after that. */
  full = false;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(0, Math.floor(capacity)));
  }

  /** Appends one code point (0..0x10FFFF; surrogates are written as U+FFFD). Returns false when full. */
  push(cp: number): boolean {
    if (this.full) return false;
    const b = this.buf;
    let n = this.len;
    if (cp < 0x80) {
      if (n + 1 > b.length) return this.overflow();
      b[n++] = cp;
    } else if (cp < 0x800) {
      if (n + 2 > b.length) return this.overflow();
      b[n++] = 0xc0 | (cp >> 6);
      b[n++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      if (cp >= 0xd800 && cp <= 0xdfff) cp = REPLACEMENT_CHAR;
      if (n + 3 > b.length) return this.overflow();
      b[n++] = 0xe0 | (cp >> 12);
      b[n++] = 0x80 | ((cp >> 6) & 0x3f);
      b[n++] = 0x80 | (cp & 0x3f);
    } else {
      if (cp > 0x10ffff) return this.push(REPLACEMENT_CHAR);
      if (n + 4 > b.length) return this.overflow();
      b[n++] = 0xf0 | (cp >> 18);
      b[n++] = 0x80 | ((cp >> 12) & 0x3f);
      b[n++] = 0x80 | ((cp >> 6) & 0x3f);
      b[n++] = 0x80 | (cp & 0x3f);
    }
    this.len = n;
    return true;
  }

  /** The bytes written so far (a view, not a copy). */
  result(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  private overflow(): false {
    this.full = true;
    return false;
  }
}

/** What every decoder returns: UTF-8 output plus where and why decoding was imperfect. */
export interface DecodeResult {
  /** UTF-8 text (without a byte order mark). */
  readonly out: Uint8Array;
  /** Number of undecodable sequences (each written as U+FFFD). */
  readonly errors: number;
  /** Input offset of the first undecodable sequence, -1 when there was none. */
  readonly firstError: number;
  /** True when output stopped at `maxOut` before the input was used up. */
  readonly truncated: boolean;
  /** Input bytes consumed. */
  readonly consumed: number;
}

/** Output capacity for `inputLength` bytes at `ratio` output bytes per input byte, capped at `maxOut`. */
export function sinkCapacity(inputLength: number, ratio: number, maxOut: number): number {
  return Math.min(Math.max(0, maxOut), Math.ceil(inputLength * ratio) + 8);
}
