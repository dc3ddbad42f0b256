/**
 * The path of the JSON tokenizer, exposed to event consumers as a lazily
 * built RFC 6901 JSON pointer.
 *
 * One instance is shared by all events of a tokenizer: it is only valid
 * during the callback that received it (call `toString()` to keep it). The
 * string form is built on demand and cached per prefix, so consumers that
 * never ask for pointers pay nothing.
 */

export interface JsonPointer {
  /** Number of segments (0 for the root value). */
  readonly length: number;
  /** Segment `i` (0-based): an object key or an array index. */
  segment(i: number): string | number | undefined;
  /** The last segment (the key or index of the value the event is about), if any. */
  readonly last: string | number | undefined;
  /** RFC 6901 string form, e.g. `/a/0/b~1c`. */
  toString(): string;
}

/** Escape one RFC 6901 reference token. */
export function escapePointerToken(token: string): string {
  if (token.indexOf('~') === -1 && token.indexOf('/') === -1) return token;
  let out = '';
  for (let i = 0; i < token.length; i++) {
    const ch = token[i] as string;
    out += ch === '~' ? '~0' : ch === '/' ? '~1' : ch;
  }
  return out;
}

/**
 * Mutable path stack. Level k (1-based) is the k-th open container; its
 * current child is `keys[k]` (objects) or `indices[k]` (arrays).
 */
export class PathStack implements JsonPointer {
  /** Segments visible to the current event. Set by the tokenizer before each callback. */
  length = 0;
  keys: (string | undefined)[];
  indices: Int32Array;
  isArray: Uint8Array;
  private cache: string[];
  /** cache[k] is valid for k <= cacheValid. */
  private cacheValid = 0;
  private readonly maxDepth: number;

  /** Starts small and grows with the nesting actually seen (up to maxDepth): most documents are shallow. */
  constructor(maxDepth: number) {
    this.maxDepth = maxDepth;
    const n = Math.min(maxDepth, 15) + 1;
    this.keys = new Array<string | undefined>(n).fill(undefined);
    this.indices = new Int32Array(n);
    this.isArray = new Uint8Array(n);
    this.cache = new Array<string>(n).fill('');
  }

  private grow(level: number): void {
    const n = Math.min(this.maxDepth + 1, Math.max(level + 1, this.indices.length * 2));
    const indices = new Int32Array(n);
    indices.set(this.indices);
    const isArray = new Uint8Array(n);
    isArray.set(this.isArray);
    this.indices = indices;
    this.isArray = isArray;
    while (this.keys.length < n) this.keys.push(undefined);
    while (this.cache.length < n) this.cache.push('');
  }

  /** Open container at `level` (1-based). */
  open(level: number, array: boolean): void {
    if (level >= this.indices.length) this.grow(level);
    this.isArray[level] = array ? 1 : 0;
    this.indices[level] = -1;
    this.keys[level] = undefined;
    if (this.cacheValid >= level) this.cacheValid = level - 1;
  }

  /** Advance the array at `level` to its next index. */
  nextIndex(level: number): void {
    this.indices[level] = (this.indices[level] as number) + 1;
    if (this.cacheValid >= level) this.cacheValid = level - 1;
  }

  setKey(level: number, key: string): void {
    this.keys[level] = key;
    if (this.cacheValid >= level) this.cacheValid = level - 1;
  }

  segment(i: number): string | number | undefined {
    if (i < 0 || i >= this.length) return undefined;
    const level = i + 1;
    return this.isArray[level] === 1 ? (this.indices[level] as number) : this.keys[level];
  }

  get last(): string | number | undefined {
    return this.length === 0 ? undefined : this.segment(this.length - 1);
  }

  toString(): string {
    const len = this.length;
    let k = this.cacheValid;
    if (k >= len) return this.cache[len] as string;
    let s = this.cache[k] as string;
    while (k < len) {
      k++;
      const seg = this.isArray[k] === 1 ? String(this.indices[k]) : escapePointerToken(this.keys[k] ?? '');
      s = s + '/' + seg;
      this.cache[k] = s;
    }
    this.cacheValid = len;
    return s;
  }
}
