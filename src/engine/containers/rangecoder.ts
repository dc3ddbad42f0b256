/**
 * The LZMA range decoder (binary arithmetic decoder with adaptive 11-bit
 * probabilities). It reads from a fixed input window; reading past the end
 * yields zero bytes and sets `overrun`, so callers detect truncation without
 * exceptions. Normalisation happens before each decision, as in the format's
 * reference decoder, so `pos` is exact at chunk boundaries.
 */

const TOP = 0x1000000;
const BIT_MODEL_TOTAL = 2048;
const MOVE_BITS = 5;

/** Initial value of every adaptive probability. */
export const PROB_INIT = BIT_MODEL_TOTAL >>> 1;

export class RangeDecoder {
  range = 0xffffffff;
  code = 0;
  pos = 0;
  end = 0;
  /** Set once a read past `end` was attempted. */
  overrun = false;

  constructor(private readonly input: Uint8Array) {}

  /**
   * Start decoding at `pos` with input ending at `end`. Reads the 5 init
   * bytes. Returns false when the first byte is not 0 or the input is short.
   */
  init(pos: number, end: number): boolean {
    this.pos = pos;
    this.end = Math.min(end, this.input.length);
    this.overrun = false;
    this.range = 0xffffffff;
    this.code = 0;
    const first = this.next();
    for (let i = 0; i < 4; i++) this.code = this.code * 256 + this.next();
    return first === 0 && !this.overrun && this.code !== 0xffffffff;
  }

  private next(): number {
    if (this.pos < this.end) return this.input[this.pos++] as number;
    this.overrun = true;
    return 0;
  }

  /** Decode one bit with probability `probs[i]` and adapt it. */
  bit(probs: Uint16Array, i: number): number {
    if (this.range < TOP) {
      this.range *= 256;
      this.code = this.code * 256 + this.next();
    }
    const p = probs[i] as number;
    const bound = (this.range >>> 11) * p;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + ((BIT_MODEL_TOTAL - p) >>> MOVE_BITS);
      return 0;
    }
    this.range -= bound;
    this.code -= bound;
    probs[i] = p - (p >>> MOVE_BITS);
    return 1;
  }

  /** Decode `count` (≤ 26) equiprobable bits, most significant first. */
  direct(count: number): number {
    let result = 0;
    for (let i = 0; i < count; i++) {
      if (this.range < TOP) {
        this.range *= 256;
        this.code = this.code * 256 + this.next();
      }
      this.range = this.range >>> 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        b = 1;
      }
      result = result * 2 + b;
    }
    return result;
  }

  /** Decode a `numBits`-bit symbol with a bit tree rooted at `probs[base + 1]`. */
  tree(probs: Uint16Array, base: number, numBits: number): number {
    let m = 1;
    for (let i = 0; i < numBits; i++) m = (m << 1) | this.bit(probs, base + m);
    return m - (1 << numBits);
  }

  /** Decode a `numBits`-bit symbol with a reversed bit tree (least significant bit first). */
  reverseTree(probs: Uint16Array, base: number, numBits: number): number {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < numBits; i++) {
      const b = this.bit(probs, base + m);
      m = (m << 1) | b;
      sym |= b << i;
    }
    return sym;
  }

  /**
   * True when the encoder's flush ended here: performs the normalisation the
   * last decision left pending, then requires a zero code.
   */
  finishedCleanly(): boolean {
    if (this.range < TOP) {
      this.range *= 256;
      this.code = this.code * 256 + this.next();
    }
    return this.code === 0 && !this.overrun;
  }
}
