/**
 * Operand reader of the simulated pickle machine: a cursor over the bytes that knows the current
 * FRAME and notes the first operand read that crosses a frame end (P29). Python's `_Unframer`
 * rejects such a read, the C loader reads through it, and loaders fed from files can read other
 * bytes: whoever sees the straddle cannot know what the consumer executes.
 */
export class PickleReader {
  pos: number;
  /** End (exclusive) of the current frame, or -1 outside frames. */
  frameEnd = -1;
  /** Offset of the first opcode whose operand straddled a frame end, or -1. */
  straddleAt = -1;
  straddleFrameEnd = -1;
  /** Offset of the opcode being executed (for straddle reports). */
  opStart = 0;

  constructor(
    readonly buf: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }

  get length(): number {
    return this.buf.length;
  }

  /**
   * Reserve `n` operand bytes at the cursor; returns their offset and advances, or -1 when the
   * data is truncated.
   */
  take(n: number): number {
    const at = this.pos;
    if (n > this.buf.length - at) return -1;
    this.checkFrame(at, at + n);
    this.pos = at + n;
    return at;
  }

  /** Read a `\n`-terminated line; returns the offset of the `\n` (cursor moves past it), or -1. */
  line(): number {
    const at = this.pos;
    const nl = this.buf.indexOf(0x0a, at);
    if (nl < 0) return -1;
    this.checkFrame(at, nl + 1);
    this.pos = nl + 1;
    return nl;
  }

  /** Enter a frame of `len` bytes starting at the cursor. */
  enterFrame(len: number): void {
    this.frameEnd = this.pos + len;
  }

  private checkFrame(from: number, to: number): void {
    const fe = this.frameEnd;
    if (fe > from && to > fe && this.straddleAt < 0) {
      this.straddleAt = this.opStart;
      this.straddleFrameEnd = fe;
    }
  }
}
