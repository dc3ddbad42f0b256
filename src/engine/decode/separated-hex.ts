/**
 * Hex bytes written one by one with a separator: `ac ed 00 05`,
 * `ac:ed:00:05`, `ac-ed-00-05`, `0xac, 0xed, 0x00` (hex dumps, C arrays,
 * Python's `bytes.fromhex` accepts spaces, Java's `HexFormat.ofDelimiter`).
 * A sequence is a run of at least MIN_TOKENS tokens, each an optional `0x`
 * and two hex digits, all followed by the same separator (one of space, `:`,
 * `-`, `,`, `;`, optionally followed by one space) except the last; it needs
 * at least one digit. Sampled every SAMPLE bytes (a sequence of MIN_TOKENS
 * tokens is longer than that), so text without hex costs little.
 */
import type { TextRun } from './runs.js';

/** Fewest bytes worth decoding (as for unseparated runs). */
const MIN_TOKENS = 16;
const SAMPLE = 16;
/** Longest token with its separator: `0xAB, `. */
const MAX_STRIDE = 6;

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[0x41 + i] = 10 + i;
  HEX[0x61 + i] = 10 + i;
}

const SEPARATOR = new Uint8Array(256);
for (const c of ' :-,;') SEPARATOR[c.charCodeAt(0)] = 1;

interface Shape {
  readonly prefixed: boolean;
  /** Separator bytes after each token (1 or 2). */
  readonly sep: number;
  readonly sepByte: number;
}

/** Length of a token (`0x`? + 2 hex digits) at `i`, or 0. */
function tokenAt(b: Uint8Array, i: number, to: number, prefixed: boolean): number {
  let k = i;
  if (prefixed) {
    if (k + 1 >= to || b[k] !== 0x30 || (b[k + 1] !== 0x78 && b[k + 1] !== 0x58)) return 0;
    k += 2;
  }
  if (k + 1 >= to || HEX[b[k]!]! < 0 || HEX[b[k + 1]!]! < 0) return 0;
  // A third hex digit means this is not a byte token.
  if (k + 2 < to && HEX[b[k + 2]!]! >= 0) return 0;
  return k + 2 - i;
}

/** The shape of a sequence starting at `i` (first token and separator), if any. */
function shapeAt(b: Uint8Array, i: number, to: number): Shape | null {
  for (const prefixed of [false, true]) {
    const t = tokenAt(b, i, to, prefixed);
    if (t === 0) continue;
    const s = i + t;
    if (s >= to || SEPARATOR[b[s]!] !== 1) continue;
    const sep = b[s] !== 0x20 && b[s + 1] === 0x20 ? 2 : 1;
    return { prefixed, sep, sepByte: b[s]! };
  }
  return null;
}

/** Tokens of `shape` from `i`: count and end of the last token. */
function follow(b: Uint8Array, i: number, to: number, shape: Shape): { tokens: number; end: number; digits: boolean } {
  let tokens = 0;
  let end = i;
  let digits = false;
  let k = i;
  while (k < to) {
    const t = tokenAt(b, k, to, shape.prefixed);
    if (t === 0) break;
    for (let d = k + t - 2; d < k + t; d++) if (b[d]! <= 0x39) digits = true;
    tokens++;
    end = k + t;
    k = end;
    if (k >= to || b[k] !== shape.sepByte || (shape.sep === 2 && b[k + 1] !== 0x20)) break;
    k += shape.sep;
  }
  return { tokens, end, digits };
}

export function findSeparatedHex(bytes: Uint8Array, from = 0, to = bytes.length): TextRun[] {
  const runs: TextRun[] = [];
  let floor = from;
  let p = from + SAMPLE - 1;
  while (p < to) {
    if (HEX[bytes[p]!]! < 0) {
      p += SAMPLE;
      continue;
    }
    // The sample lies in a token or a separator: a separator that follows two hex digits is at
    // most MAX_STRIDE bytes ahead. Without one, nothing here.
    let sepAt = -1;
    for (let k = Math.max(p, floor + 2); k < to && k < p + MAX_STRIDE; k++) {
      if (SEPARATOR[bytes[k]!] === 1 && HEX[bytes[k - 1]!]! >= 0 && HEX[bytes[k - 2]!]! >= 0) {
        sepAt = k;
        break;
      }
    }
    // Sixteen tokens repeat the separator at a fixed stride (3 to 6 bytes): check two repeats first.
    if (sepAt >= 0 && !repeats(bytes, sepAt, to)) sepAt = -1;
    if (sepAt < 0) {
      p += SAMPLE;
      continue;
    }
    let found: { start: number; end: number } | null = null;
    for (let c = 0; c < 2; c++) {
      const q = c === 0 ? sepAt - 2 : sepAt - 4;
      if (found || q < floor) continue;
      const shape = shapeAt(bytes, q, to);
      if (!shape) continue;
      const stride = tokenAt(bytes, q, to, shape.prefixed) + shape.sep;
      // Walk back to the first token of the sequence.
      let start = q;
      while (start - stride >= floor) {
        const back = shapeAt(bytes, start - stride, to);
        if (!back || back.prefixed !== shape.prefixed || back.sepByte !== shape.sepByte || back.sep !== shape.sep) break;
        start -= stride;
      }
      const f = follow(bytes, start, to, shape);
      if (f.tokens >= MIN_TOKENS && f.digits) found = { start, end: f.end };
    }
    if (found) {
      runs.push({ start: found.start, end: found.end, hex: true, wrapped: false, separated: true });
      floor = found.end;
      p = found.end + SAMPLE - 1;
    } else p += SAMPLE;
  }
  return runs;
}

/** The separator byte at `at` recurs at `at + d` and `at + 2d` for some stride d in 3..MAX_STRIDE. */
function repeats(b: Uint8Array, at: number, to: number): boolean {
  const sep = b[at];
  for (let d = 3; d <= MAX_STRIDE; d++) if (at + 2 * d < to && b[at + d] === sep && b[at + 2 * d] === sep) return true;
  return false;
}

/** Decode a separated hex run pair by pair (separators and `0x` prefixes skipped). */
export function decodeSeparatedHex(bytes: Uint8Array, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe((end - start) >> 1);
  let k = 0;
  let i = start;
  while (i + 1 < end) {
    if (bytes[i] === 0x30 && (bytes[i + 1] === 0x78 || bytes[i + 1] === 0x58)) {
      i += 2;
      continue;
    }
    const h = HEX[bytes[i]!]!;
    const l = HEX[bytes[i + 1]!]!;
    if (h >= 0 && l >= 0) {
      out[k++] = (h << 4) | l;
      i += 2;
    } else i++;
  }
  return out.subarray(0, k);
}
