/**
 * Finds runs of base64 (standard and URL-safe alphabets) and hex text in a
 * layer, without looking at every byte: any run of at least MIN bytes covers
 * one of the positions sampled every MIN bytes, so only samples that hit the
 * alphabet are expanded. Random binary is skipped at a fraction of a
 * per-byte loop's cost.
 *
 * Whitespace inside base64 is common and decoders ignore it (Python's
 * b64decode, Java's MIME decoder, .NET's Convert, Node): line breaks join a
 * run anywhere (MIME wrapping), spaces and tabs join it where the run has a
 * whole number of 4-character quanta so far and the pieces have one width
 * (base64 wrapped or grouped by a tool), not between the words of prose, and
 * a long hex run is not extended by the word after it. Hex bytes written with separators
 * (`ac ed 00 05`, `ac:ed:00:05`, `0xac, 0xed`) are found separately
 * (separated-hex.ts).
 */
import { findSeparatedHex } from './separated-hex.js';

/** Shortest run considered: anything shorter cannot hold a serialized object worth decoding. */
export const MIN_RUN = 16;

/** Most joiner bytes (line breaks, indentation) between two pieces of one run. */
const MAX_JOIN = 8;

/** 1 = base64 alphabet (both variants), 2 = line break, 3 = space or tab, 0 = other. */
const B64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') B64[c.charCodeAt(0)] = 1;
B64[0x0d] = 2;
B64[0x0a] = 2;
B64[0x20] = 3;
B64[0x09] = 3;

const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

const UPPER = 1;
const LOWER = 2;
const DIGIT = 4;
const CLASS = new Uint8Array(256);
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = UPPER;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = LOWER;
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = DIGIT;

export interface TextRun {
  readonly start: number;
  /** End offset (exclusive), trailing `=` padding included. */
  readonly end: number;
  /** Every alphabet byte is a hex digit and there are at least MIN_RUN of them. */
  readonly hex: boolean;
  /** Contains line breaks, spaces or tabs (wrapped or grouped base64). */
  readonly wrapped: boolean;
  /** Hex bytes with separators or `0x` prefixes: decode pair by pair. */
  readonly separated?: boolean;
}

export function findRuns(bytes: Uint8Array, from = 0, to = bytes.length): TextRun[] {
  const runs: TextRun[] = [];
  let floor = from;
  let p = from + MIN_RUN - 1;
  while (p < to) {
    if (B64[bytes[p]!] !== 1) {
      p += MIN_RUN;
      continue;
    }
    const end = walkRun(bytes, runStart(bytes, p, floor), to, runs);
    floor = end;
    p = Math.max(end, p + 1) + MIN_RUN - 1;
  }
  const separated = findSeparatedHex(bytes, from, to);
  if (separated.length === 0) return runs;
  return mergeByStart(runs, separated);
}

/** Alphabet or line break: the bytes of one segment (line breaks join anywhere). */
const inSegment = (b: number): boolean => B64[b] === 1 || B64[b] === 2;

/**
 * Start of the run containing the alphabet byte at `p`: the start of its segment, extended to the
 * left over earlier segments joined by spaces or tabs, as long as each holds whole quanta (a
 * multiple of 4 alphabet characters, at least 4): the same rule walkRun applies going right.
 */
function runStart(bytes: Uint8Array, p: number, floor: number): number {
  let s = p;
  while (s > floor && inSegment(bytes[s - 1]!)) s--;
  while (B64[bytes[s]!] === 2) s++;
  for (;;) {
    let j = s;
    let spaces = false;
    while (j > floor && s - j <= MAX_JOIN && B64[bytes[j - 1]!]! >= 2) {
      if (B64[bytes[j - 1]!] === 3) spaces = true;
      j--;
    }
    if (!spaces || s - j > MAX_JOIN || j <= floor || B64[bytes[j - 1]!] !== 1) return s;
    let ps = j;
    let count = 0;
    while (ps > floor && inSegment(bytes[ps - 1]!)) {
      if (B64[bytes[ps - 1]!] === 1) count++;
      ps--;
    }
    if (count < 4 || count % 4 !== 0) return s;
    while (B64[bytes[ps]!] === 2) ps++;
    s = ps;
  }
}

/** Base64 alphabet variant of a byte: 1 standard only (`+` `/`), 2 URL-safe only (`-` `_`), 0 both. */
const VARIANT = new Uint8Array(256);
VARIANT[0x2b] = 1;
VARIANT[0x2f] = 1;
VARIANT[0x2d] = 2;
VARIANT[0x5f] = 2;

/**
 * Walk one run from `s` to the right, record it if it qualifies; returns its end (padding included).
 * A join never lets a run switch base64 alphabets (`+`/`/` before it, `-`/`_` after it or the other
 * way round), and a line break never joins a line that starts with `--`: that is text after the
 * base64 (a multipart delimiter such as `--WebKitFormBoundary...` is all base64url characters).
 * Spaces and tabs join pieces of equal width (see spaceJoins).
 */
function walkRun(bytes: Uint8Array, s: number, to: number, runs: TextRun[]): number {
  let i = s;
  let count = 0;
  let seg = 0;
  let width = 0;
  let wrapped = false;
  let variant = 0;
  let allHex = true;
  // Where the last join started and the count there: the run is cut back to it on a conflict.
  let joinAt = -1;
  let countAtJoin = 0;
  let wrappedAtJoin = false;
  for (;;) {
    const from = i;
    while (i < to && B64[bytes[i]!] === 1) i++;
    count += i - from;
    seg += i - from;
    // Most runs end here (a quote, a delimiter): the per-piece checks below only matter at joins.
    if (joinAt < 0) {
      if (i >= to) break;
      const next = B64[bytes[i]!]!;
      if (next < 2) break;
      // A space or tab joins only after whole quanta (see below): a word of prose ends here.
      if (next === 3 && ((count & 3) !== 0 || seg < 4)) break;
    }
    const piece = pieceTraits(bytes, from, i);
    if (piece.variant !== 0) {
      if (variant !== 0 && piece.variant !== variant && joinAt >= 0) return emit(bytes, s, joinAt, countAtJoin, wrappedAtJoin, to, runs);
      if (piece.variant === 3 && joinAt >= 0) return emit(bytes, s, joinAt, countAtJoin, wrappedAtJoin, to, runs);
      variant = piece.variant;
    }
    if (!piece.hex) allHex = false;
    let j = i;
    let spaces = false;
    let lineBreak = false;
    while (j < to && j - i <= MAX_JOIN && B64[bytes[j]!]! >= 2) {
      if (B64[bytes[j]!] === 3) spaces = true;
      else lineBreak = true;
      j++;
    }
    const delimiter = lineBreak && bytes[j] === 0x2d && bytes[j + 1] === 0x2d;
    let joins = j > i && j < to && j - i <= MAX_JOIN && B64[bytes[j]!] === 1 && !delimiter;
    if (joins && spaces) {
      const w = width === 0 ? seg : width;
      joins = count % 4 === 0 && seg >= 4 && seg === w && spaceJoins(bytes, j, to, w, allHex && count >= MIN_RUN);
      if (joins) width = w;
    }
    if (!joins) break;
    joinAt = i;
    countAtJoin = count;
    wrappedAtJoin = wrapped;
    wrapped = true;
    if (spaces) seg = 0;
    i = j;
  }
  return emit(bytes, s, i, count, wrapped, to, runs);
}

/** Alphabet variant of a piece (0 neutral, 1 standard, 2 URL-safe, 3 both) and whether it is all hex. */
function pieceTraits(bytes: Uint8Array, from: number, to: number): { variant: number; hex: boolean } {
  let variant = 0;
  let hex = true;
  for (let k = from; k < to; k++) {
    const c = bytes[k]!;
    variant |= VARIANT[c]!;
    if (HEX[c] !== 1) hex = false;
  }
  return { variant, hex };
}

/**
 * May the piece starting at `j` follow a space or tab? Tools that group or wrap base64 with spaces
 * use one width: every piece but the last has the same length. A shorter piece must be the last
 * one and look like base64 (padded, or holding a digit or `+/-_`), so that the word after a blob
 * in prose (`...AAAA more text`) does not become part of it. A long hex run is only extended by
 * hex (`dead beef`), never by the word after it.
 */
function spaceJoins(bytes: Uint8Array, j: number, to: number, width: number, hexOnly: boolean): boolean {
  let k = j;
  let marked = false;
  let hex = true;
  while (k < to && B64[bytes[k]!] === 1) {
    const c = bytes[k]!;
    if (HEX[c] !== 1) hex = false;
    if (CLASS[c] === DIGIT || VARIANT[c] !== 0) marked = true;
    k++;
  }
  if (hexOnly && !hex) return false;
  if (k - j >= width) return true;
  if (bytes[k] === 0x3d) return true;
  // Shorter than the width: only as the last piece.
  let n = k;
  while (n < to && n - k <= MAX_JOIN && B64[bytes[n]!]! >= 2) n++;
  const last = !(n < to && n > k && B64[bytes[n]!] === 1);
  return last && marked && k - j >= 4;
}

/** Classify and record one run; returns its end (after padding). */
function emit(bytes: Uint8Array, s: number, e: number, count: number, wrapped: boolean, to: number, runs: TextRun[]): number {
  let pad = e;
  while (pad < to && pad - e < 2 && bytes[pad] === 0x3d) pad++;
  if (count < MIN_RUN) return pad;
  // Classify: hex needs both digits and letters (pure digit runs are numbers: timestamps, floats,
  // ids); base64 needs at least two of upper case, lower case and digits (pure lower-case runs are
  // words, pure digits are numbers).
  let hex = true;
  let hexDigits = 0;
  let classes = 0;
  for (let i = s; i < e; i++) {
    const b = bytes[i]!;
    if (B64[b] !== 1) continue;
    if (HEX[b] !== 1) hex = false;
    else hexDigits++;
    classes |= CLASS[b]!;
  }
  const isHex = hex && hexDigits >= MIN_RUN && (classes & DIGIT) !== 0 && (classes & (UPPER | LOWER)) !== 0;
  const mixed = (classes & UPPER ? 1 : 0) + (classes & LOWER ? 1 : 0) + (classes & DIGIT ? 1 : 0) >= 2;
  if (isHex || (!hex && mixed)) runs.push({ start: s, end: pad, hex: isHex, wrapped });
  return pad;
}

/** Merge two lists sorted by start; a separated-hex run inside a base64 run is kept too. */
function mergeByStart(a: readonly TextRun[], b: readonly TextRun[]): TextRun[] {
  const out: TextRun[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.start <= b[j]!.start)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}
