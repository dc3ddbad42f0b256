/**
 * The wire-handle table of one stream (handles start at 0x7E0000). Each entry
 * keeps its kind and two numbers: the descriptor id for class descriptors, the
 * byte offset and length for strings. TC_RESET empties it.
 */

export const H_DESC = 1;
export const H_OBJECT = 2;
export const H_STRING = 3;
export const H_ARRAY = 4;
export const H_CLASS = 5;
export const H_ENUM = 6;

export class HandleTable {
  count = 0;
  private readonly kind: number[] = [];
  private readonly a: number[] = [];
  private readonly b: number[] = [];

  constructor(readonly max: number) {}

  /** Assign the next handle; returns its index or -1 when the table is full. */
  assign(kind: number, a: number, b: number): number {
    if (this.count >= this.max) return -1;
    const i = this.count++;
    this.kind[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
    return i;
  }

  kindOf(i: number): number {
    return i >= 0 && i < this.count ? (this.kind[i] as number) : 0;
  }

  aOf(i: number): number {
    return this.a[i] ?? -1;
  }

  bOf(i: number): number {
    return this.b[i] ?? 0;
  }

  reset(): void {
    this.count = 0;
  }
}
