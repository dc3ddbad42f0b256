/**
 * Object keys for the JSON tokenizer: a small interning cache (API JSON
 * repeats the same keys, so most keys are turned into strings without
 * allocating) and the per-object duplicate-key set (exact, and optionally
 * after Unicode lower-casing). Bounded: the cache has a fixed number of slots
 * and only holds short keys; a key set holds at most the document's key limit.
 */
import { latin1Text, utf8Text } from './buffer-text.js';

const SLOTS = 1024;
const MAX_INTERNED = 48;

export class KeyInterner {
  private readonly strings: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
  private readonly folded: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
  private readonly bytes: Uint8Array[] = new Array<Uint8Array>(SLOTS).fill(new Uint8Array(0));
  /** Lower-cased form of the last key returned by `intern`. */
  lastFolded = '';

  /** The string for bytes buf[s, e) (UTF-8, already validated); sets `lastFolded` when `fold`. */
  intern(buf: Buffer, s: number, e: number, ascii: boolean, fold: boolean): string {
    const len = e - s;
    if (len > MAX_INTERNED) {
      const str = ascii ? latin1Text(buf, s, e) : utf8Text(buf, s, e);
      if (fold) this.lastFolded = str.toLowerCase();
      return str;
    }
    // Cheap slot choice (length and three sampled bytes); collisions only cost a miss.
    const h = len === 0 ? 0 : Math.imul(len, 0x9e3779b1) ^ Math.imul(buf[s] as number, 0x85ebca6b) ^ Math.imul(buf[e - 1] as number, 0xc2b2ae35) ^ ((buf[s + (len >> 1)] as number) << 7);
    const slot = (h ^ (h >>> 13)) & (SLOTS - 1);
    const known = this.bytes[slot] as Uint8Array;
    if (known.length === len) {
      let same = true;
      for (let i = 0; i < len; i++) {
        if (known[i] !== buf[s + i]) {
          same = false;
          break;
        }
      }
      const str = this.strings[slot];
      if (same && str !== undefined) {
        if (fold) this.lastFolded = this.folded[slot] as string;
        return str;
      }
    }
    const str = ascii ? latin1Text(buf, s, e) : utf8Text(buf, s, e);
    const f = fold ? str.toLowerCase() : str;
    const copy = new Uint8Array(len); // a view would pin the chunk
    copy.set(buf.subarray(s, e));
    this.bytes[slot] = copy;
    this.strings[slot] = str;
    this.folded[slot] = f;
    if (fold) this.lastFolded = f;
    return str;
  }
}

/** Result of KeySet.add: 0 new, 1 exact duplicate, 2 duplicate after lower-casing. */
export type KeyAddResult = 0 | 1 | 2;

const LINEAR_MAX = 24;

/** The keys of one object. Linear arrays while small, a Map once large. */
export class KeySet {
  private exact: string[] = [];
  private folded: string[] = [];
  private count = 0;
  private map: Map<string, string> | undefined;

  clear(): void {
    this.count = 0;
    this.map = undefined;
  }

  /** Add a key; `folded` is its lower-cased form (or the key itself when case is not folded). */
  add(key: string, folded: string): KeyAddResult {
    const map = this.map;
    if (map !== undefined) {
      const prev = map.get(folded);
      if (prev !== undefined) return prev === key ? 1 : 2;
      map.set(folded, key);
      return 0;
    }
    const n = this.count;
    const fl = this.folded;
    for (let i = 0; i < n; i++) {
      if (fl[i] === folded) return this.exact[i] === key ? 1 : 2;
    }
    if (n >= LINEAR_MAX) {
      const m = new Map<string, string>();
      for (let i = 0; i < n; i++) m.set(fl[i] as string, this.exact[i] as string);
      m.set(folded, key);
      this.map = m;
      return 0;
    }
    this.exact[n] = key;
    fl[n] = folded;
    this.count = n + 1;
    return 0;
  }
}
