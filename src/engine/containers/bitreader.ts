/**
 * MSB-first bit reader over a byte window (bzip2 bit order). Reading past
 * the end yields zero bits and sets `overrun` instead of throwing.
 */
export class BitReader {
  private acc = 0;
  private count = 0;
  /** Zero bytes loaded past `end` by `peek` (not an overrun until consumed). */
  private phantom = 0;
  /** Next byte to load. */
  pos: number;
  overrun = false;

  constructor(
    private readonly input: Uint8Array,
    start: number,
    private readonly end = input.length,
  ) {
    this.pos = start;
  }

  /** Read `n` bits (1 ≤ n ≤ 24), most significant first. */
  bits(n: number): number {
    const v = this.peek(n);
    this.skip(n);
    return v;
  }

  /** Look at the next `n` bits (1 ≤ n ≤ 24) without consuming them. */
  peek(n: number): number {
    while (this.count < n) {
      let b = 0;
      if (this.pos < this.end) b = this.input[this.pos] as number;
      else this.phantom++;
      this.pos++;
      this.acc = (this.acc << 8) | b;
      this.count += 8;
    }
    return (this.acc >>> (this.count - n)) & ((1 << n) - 1);
  }

  /** Consume `n` bits already made available by `peek`. */
  skip(n: number): void {
    this.count -= n;
    if (this.count < this.phantom * 8) this.overrun = true;
  }

  bit(): number {
    return this.bits(1);
  }

  /** Read a 32-bit value as an unsigned number. */
  u32(): number {
    return this.bits(16) * 65536 + this.bits(16);
  }

  /** Drop the bits left in the current byte; returns the byte position after it. */
  alignToByte(): number {
    this.count -= this.count % 8;
    return this.pos - this.count / 8;
  }
}
