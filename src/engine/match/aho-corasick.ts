/**
 * A streaming Aho-Corasick automaton over bytes (Uint8Array).
 *
 * Compiled once per config into a DFA: a flat Int32Array transition table
 * indexed by (state, byte class). Bytes are mapped to classes first: ASCII
 * letters fold to one class per letter (matching is ASCII case-insensitive;
 * callers verify case where it matters) and every byte that appears in no
 * pattern shares class 0, which keeps the table small. The scanner carries
 * only its current state and offset across chunks, so any split of the input
 * into chunks yields exactly the same matches (no carry buffer is needed).
 */

export interface AcPattern {
  /** The literal, as bytes. */
  readonly bytes: Uint8Array;
}

export class AhoCorasick {
  /** Number of byte classes (columns of the transition table). */
  readonly classes: number;
  /** Byte → class map (256 entries). */
  readonly classOf: Uint8Array;
  /**
   * Flattened DFA over pre-multiplied state indices: entry = next * classes,
   * or its bitwise complement (negative) when `next` has outputs, so the scan
   * loop needs one lookup and one sign test per byte.
   */
  readonly delta: Int32Array;
  /** Per state: index into `outIds` of its first output, and count (0: no output). */
  readonly outStart: Int32Array;
  readonly outCount: Uint16Array;
  /** Pattern ids, grouped per state (outputs through failure links included). */
  readonly outIds: Int32Array;
  /** Length of each pattern in bytes. */
  readonly lengths: Int32Array;
  /** Length of the longest pattern. */
  readonly maxLength: number;
  readonly stateCount: number;

  constructor(patterns: readonly Uint8Array[]) {
    this.lengths = Int32Array.from(patterns, (p) => p.length);
    this.maxLength = patterns.reduce((m, p) => Math.max(m, p.length), 1);
    // 1. Byte classes: one per distinct folded byte used by any pattern; 0 for the rest.
    const used = new Uint8Array(256);
    for (const p of patterns) for (const b of p) used[fold(b)] = 1;
    const classOf = new Uint8Array(256);
    let classes = 1;
    const classOfFolded = new Uint8Array(256);
    for (let b = 0; b < 256; b++) if (used[b]) classOfFolded[b] = classes++;
    if (classes > 255) throw new Error('aho-corasick: too many byte classes');
    for (let b = 0; b < 256; b++) classOf[b] = classOfFolded[fold(b)]!;
    this.classOf = classOf;
    this.classes = classes;

    // 2. Trie (goto function) with per-node child maps.
    const children: Map<number, number>[] = [new Map()];
    const outputs: number[][] = [[]];
    patterns.forEach((p, id) => {
      if (p.length === 0) throw new Error('aho-corasick: empty pattern');
      let s = 0;
      for (const b of p) {
        const c = classOf[b]!;
        let next = children[s]!.get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          outputs.push([]);
          children[s]!.set(c, next);
        }
        s = next;
      }
      outputs[s]!.push(id);
    });
    const n = children.length;
    this.stateCount = n;

    // 3. Failure links (BFS) folded into a complete DFA.
    const delta = new Int32Array(n * classes);
    const fail = new Int32Array(n);
    const queue: number[] = [];
    for (let c = 0; c < classes; c++) {
      const t = children[0]!.get(c);
      if (t !== undefined) {
        delta[c] = t;
        fail[t] = 0;
        queue.push(t);
      } else {
        delta[c] = 0;
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      const f = fail[s]!;
      // Inherit outputs along the failure chain (f is processed before s in BFS order).
      if (outputs[f]!.length > 0) outputs[s] = outputs[s]!.concat(outputs[f]!);
      for (let c = 0; c < classes; c++) {
        const t = children[s]!.get(c);
        if (t !== undefined) {
          fail[t] = delta[f * classes + c]!;
          delta[s * classes + c] = t;
          queue.push(t);
        } else {
          delta[s * classes + c] = delta[f * classes + c]!;
        }
      }
    }

    // 4. Pre-multiply and mark states with outputs (see `delta`).
    for (let i = 0; i < delta.length; i++) {
      const t = delta[i]!;
      delta[i] = outputs[t]!.length > 0 ? ~(t * classes) : t * classes;
    }
    this.delta = delta;

    // 5. Flat output table.
    const outStart = new Int32Array(n);
    const outCount = new Uint16Array(n);
    let total = 0;
    for (let s = 0; s < n; s++) total += outputs[s]!.length;
    const outIds = new Int32Array(total);
    let k = 0;
    for (let s = 0; s < n; s++) {
      outStart[s] = k;
      outCount[s] = outputs[s]!.length;
      for (const id of outputs[s]!) outIds[k++] = id;
    }
    this.outStart = outStart;
    this.outCount = outCount;
    this.outIds = outIds;
  }

  /** A scanner that carries its state across chunks. */
  scanner(): AcScanner {
    return new AcScanner(this);
  }

  /**
   * Scan one complete buffer and call `onMatch(patternId, start)` for every
   * occurrence (overlapping matches included), in order of end offset.
   */
  scan(bytes: Uint8Array, onMatch: (id: number, start: number) => void): void {
    const s = new AcScanner(this);
    s.write(bytes, onMatch);
  }
}

export class AcScanner {
  private state = 0;
  /** Bytes consumed so far (absolute offset of the next byte). */
  offset = 0;
  constructor(private readonly ac: AhoCorasick) {}

  /** Feed a chunk; matches are reported with absolute start offsets, in end order. */
  write(chunk: Uint8Array, onMatch: (id: number, start: number) => void): void {
    this.state = scanRange(this.ac, chunk, 0, chunk.length, this.state, this.offset, onMatch);
    this.offset += chunk.length;
  }
}

import { scanRange } from './lanes.js';

/** ASCII case folding: A-Z → a-z, other bytes unchanged. */
function fold(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
}
