/**
 * Small byte helpers shared by the .NET detectors: a bounds-checked cursor for
 * little-endian binary formats (MS-NRBF, ObjectStateFormatter), capped string
 * decoding and ASCII case-insensitive search. No RegExp, no per-byte allocation.
 */

/** A Buffer view over the same memory (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Why a cursor read failed: the data ended, or a parse window/limit was reached first. */
export type CursorFailure = 'truncated' | 'limit-bytes';

/**
 * A read cursor over `[pos, end)`. Reads never throw: when bytes are missing
 * the cursor records `failure` and returns 0; callers check `ok` at record
 * boundaries. `end` may be smaller than the buffer (a parse window): running
 * into it is reported as `limit-bytes`, running off the data as `truncated`.
 */
export class ByteCursor {
  pos: number;
  failure: CursorFailure | null = null;

  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  get ok(): boolean {
    return this.failure === null;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** True when `n` more bytes are available; otherwise records the failure. */
  need(n: number): boolean {
    if (this.failure !== null) return false;
    if (n <= this.end - this.pos) return true;
    this.failure = this.end < this.buf.length ? 'limit-bytes' : 'truncated';
    return false;
  }

  u8(): number {
    if (!this.need(1)) return 0;
    return this.buf[this.pos++] ?? 0;
  }

  i32(): number {
    if (!this.need(4)) return 0;
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  skip(n: number): boolean {
    if (n < 0 || !this.need(n)) return false;
    this.pos += n;
    return true;
  }

  /**
   * .NET `Read7BitEncodedInt`: at most 5 bytes, little-endian groups of 7 bits.
   * Returns -1 (and leaves `failure` unset) for an over-long or negative value.
   */
  varint(): number {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      if (!this.need(1)) return 0;
      const b = this.buf[this.pos++] ?? 0;
      if (i === 4) {
        // .NET Framework keeps only the low 4 bits of the fifth byte (the
        // shift overflows); a continuation bit or a negative result throws.
        if ((b & 0x80) !== 0 || (b & 0x0f) > 0x07) return -1;
        return value + (b & 0x0f) * 0x10000000;
      }
      value += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return value;
    }
    return -1;
  }
}

/** UTF-8 decode of at most `cap` bytes of `[start, start+len)`. */
export function utf8Capped(buf: Buffer, start: number, len: number, cap: number): string {
  const end = start + Math.min(len, cap);
  return buf.toString('utf8', start, Math.min(end, buf.length));
}

/** Latin-1 decode of at most `cap` bytes (one char per byte, never fails). */
export function latin1Capped(buf: Buffer, start: number, len: number, cap: number): string {
  const end = start + Math.min(len, cap);
  return buf.toString('latin1', start, Math.min(end, buf.length));
}

function lowerByte(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

/** True when `hay[at..]` starts with `needle` (lower-case ASCII), ignoring ASCII case. */
export function startsWithCI(hay: Uint8Array, at: number, needle: Uint8Array): boolean {
  if (at < 0 || at + needle.length > hay.length) return false;
  for (let i = 0; i < needle.length; i++) {
    if (lowerByte(hay[at + i] ?? 0) !== needle[i]) return false;
  }
  return true;
}

/**
 * Bytes from rarest to most common in text payloads (letters by their lower
 * case). A case-insensitive search jumps between occurrences of the needle's
 * rarest byte with native `indexOf` and only then compares the rest.
 */
const RARITY = '`^|~\\$@#!%*+?;&qjzxk_vw-ybgfpmuclhdrsnioate0123456789.:/=,<>\'"() \t\r\n';
const RANK = new Uint8Array(256).fill(0);
for (let i = 0; i < RARITY.length; i++) RANK[RARITY.charCodeAt(i)] = i + 1;

/** A literal prepared for case-insensitive search. */
export interface CiNeedle {
  /** Lower-case bytes. */
  readonly bytes: Buffer;
  /** Index of the rarest byte, and that byte in both cases. */
  readonly anchor: number;
  readonly lower: number;
  readonly upper: number;
}

export function ciNeedle(literal: string): CiNeedle {
  const bytes = Buffer.from(literal.toLowerCase(), 'latin1');
  let anchor = 0;
  let best = Number.MAX_SAFE_INTEGER;
  for (let i = 0; i < bytes.length; i++) {
    const r = RANK[bytes[i] ?? 0] || 0; // unranked bytes (>= 0x80, controls) count as rarest
    if (r < best) {
      best = r;
      anchor = i;
    }
  }
  const lower = bytes[anchor] ?? 0;
  const upper = lower >= 0x61 && lower <= 0x7a ? lower - 0x20 : lower;
  return { bytes, anchor, lower, upper };
}

/** Lower-case ASCII bytes of a literal, for `startsWithCI`. */
export function lowerBytes(literal: string): Buffer {
  return Buffer.from(literal.toLowerCase(), 'latin1');
}

/**
 * Successive ASCII case-insensitive matches of `needle` in `hay[from, end)`.
 * Jumps with native `indexOf` between occurrences of the needle's rarest
 * byte (both cases) and keeps both cursors between calls, so a scan over a
 * layer costs two `indexOf` passes plus one comparison per candidate.
 */
export class CiScanner {
  private readonly view: Buffer;
  private readonly last: number;
  private pos: number;
  private nextLower = -2;
  private nextUpper: number;

  constructor(
    hay: Buffer,
    private readonly needle: CiNeedle,
    from: number,
    end: number = hay.length,
  ) {
    const stop = Math.min(end, hay.length);
    this.view = stop < hay.length ? hay.subarray(0, stop) : hay; // keep indexOf inside the window
    this.last = stop - needle.bytes.length;
    this.pos = Math.max(0, from);
    this.nextUpper = needle.upper === needle.lower ? -1 : -2;
  }

  /** Start of the next match at or after the current position, or -1. */
  next(): number {
    const { needle, view } = this;
    while (this.pos <= this.last) {
      const i = this.pos + needle.anchor;
      if (this.nextLower !== -1 && this.nextLower < i) this.nextLower = view.indexOf(needle.lower, i);
      if (this.nextUpper !== -1 && this.nextUpper < i) this.nextUpper = view.indexOf(needle.upper, i);
      const lo = this.nextLower;
      const up = this.nextUpper;
      if (lo === -1 && up === -1) break;
      const cand = lo === -1 ? up : up === -1 ? lo : Math.min(lo, up);
      const start = cand - needle.anchor;
      if (start > this.last) break;
      this.pos = start + 1;
      if (startsWithCI(view, start, needle.bytes)) return start;
    }
    this.pos = this.last + 1;
    return -1;
  }

  /** Skip ahead: the next match starts at `pos` or later. */
  seek(pos: number): void {
    if (pos > this.pos) this.pos = pos;
  }
}

/** First case-insensitive match of `needle` in `hay[from, end)`, or -1. */
export function findCI(hay: Buffer, needle: CiNeedle, from: number, end: number = hay.length): number {
  if (needle.bytes.length === 0) return from <= Math.min(end, hay.length) ? from : -1;
  return new CiScanner(hay, needle, from, end).next();
}

/** A text layer and the end of the part that is scanned. */
export interface TextDoc {
  readonly buf: Buffer;
  /** Scan end (exclusive). */
  readonly end: number;
}

export function textDoc(bytes: Uint8Array, maxBytes: number): TextDoc {
  const buf = asBuffer(bytes);
  return { buf, end: Math.min(buf.length, maxBytes) };
}

/** ASCII whitespace as XML/JSON see it. */
export function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}
