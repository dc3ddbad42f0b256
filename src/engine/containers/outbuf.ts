/**
 * A growable output buffer with a hard cap, used by the pure-TypeScript
 * decoders (bzip2, LZMA). It doubles its storage up to the cap and refuses
 * writes past it, so the decoders never allocate per byte or beyond limits.
 * For LZMA the buffer doubles as the dictionary (matches copy from it).
 */
export class OutBuf {
  private buf: Uint8Array;
  /** Bytes written so far. */
  pos = 0;
  /** Never hold more than this many bytes. */
  readonly cap: number;

  constructor(cap: number, initial = 64 * 1024) {
    this.cap = Math.max(0, Math.floor(cap));
    this.buf = new Uint8Array(Math.min(this.cap, Math.max(16, initial)));
  }

  /** Make room for `n` more bytes; false when that would pass the cap. */
  ensure(n: number): boolean {
    const need = this.pos + n;
    if (need > this.cap) return false;
    if (need <= this.buf.length) return true;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(Math.min(size, this.cap));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    return true;
  }

  /** Append one byte; false at the cap. */
  push(byte: number): boolean {
    if (this.pos >= this.buf.length && !this.ensure(1)) return false;
    this.buf[this.pos++] = byte;
    return true;
  }

  /** Append a copy of `src[start, end)`; false (nothing written) when it would pass the cap. */
  append(src: Uint8Array, start: number, end: number): boolean {
    const n = end - start;
    if (n <= 0) return true;
    if (!this.ensure(n)) return false;
    this.buf.set(src.subarray(start, end), this.pos);
    this.pos += n;
    return true;
  }

  /** Byte `dist + 1` positions back from the end (dist 0 = last byte); 0 when out of range. */
  back(dist: number): number {
    const i = this.pos - dist - 1;
    return i >= 0 ? (this.buf[i] as number) : 0;
  }

  /**
   * Copy `len` bytes starting `dist + 1` bytes back (LZ77 match, may overlap).
   * Caller guarantees dist < pos. Returns the number of bytes copied (less
   * than `len` only at the cap).
   */
  copyMatch(dist: number, len: number): number {
    const room = this.cap - this.pos;
    const n = len < room ? len : room;
    if (n <= 0 || !this.ensure(n)) return 0;
    const b = this.buf;
    let src = this.pos - dist - 1;
    let dst = this.pos;
    if (dist + 1 >= n) {
      b.copyWithin(dst, src, src + n);
    } else {
      for (let i = 0; i < n; i++) b[dst++] = b[src++] as number;
    }
    this.pos += n;
    return n;
  }

  /** The bytes written so far (a view; do not write to the buffer afterwards). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
