/**
 * Where a pickle may start inside arbitrary bytes. Every rule is a cheap structural pre-check found
 * with `indexOf` jumps; the simulation (find.ts) decides whether a candidate really is a pickle.
 * Each rule says why it exists.
 */
import { OP } from './opcodes.js';
import { DOTTED_CHAR, IDENT_START, u32le, u64le } from './text.js';

/** Longest module/name a text-form anchor looks at (longer lines are not import lines we chase). */
const MAX_NAME = 256;
/** How far back from an import a MARK that opens its argument list is looked for. */
const MARK_WINDOW = 512;
/** MARK positions tried per anchor (the nearest ones). */
const MARKS_PER_ANCHOR = 3;
/** Feeder strings tried per STACK_GLOBAL operand. */
const FEEDERS_PER_OPERAND = 4;

/** True when `pos` holds a PROTO opcode with a protocol CPython accepts (0-5). */
export function isProtoAt(buf: Uint8Array, pos: number): boolean {
  return buf[pos] === OP.PROTO && pos + 1 < buf.length && (buf[pos + 1] ?? 0xff) <= 5;
}

/**
 * Candidate start offsets, sorted and unique.
 * `hints`: extra offsets (e.g. trigger hits of the engine's automaton).
 */
export function collectCandidates(buf: Uint8Array, hints?: readonly number[], maxCandidates = 1_000_000): number[] {
  const out: number[] = [];
  const add = (p: number): void => {
    if (p >= 0 && p < buf.length && out.length < maxCandidates) out.push(p);
  };
  // A layer that *is* a pickle starts at 0: the common case (file upload, decoded field), and the
  // only start of protocol 0/1 pickles that carry no import anchor before their first call.
  add(0);
  protoStarts(buf, add);
  textImportAnchors(buf, add);
  stackGlobalAnchors(buf, add);
  if (hints !== undefined) for (const h of hints) add(h);
  out.sort((a, b) => a - b);
  let w = 0;
  for (let i = 0; i < out.length; i++) {
    const v = out[i] as number;
    if (w === 0 || out[w - 1] !== v) out[w++] = v;
  }
  out.length = w;
  return out;
}

/** Protocol 2+ pickles (and hand-made 0/1 ones that declare it) begin with PROTO `80 00..05`. */
function protoStarts(buf: Uint8Array, add: (p: number) => void): void {
  for (let i = buf.indexOf(OP.PROTO); i >= 0; i = buf.indexOf(OP.PROTO, i + 1)) {
    if (isProtoAt(buf, i)) add(i);
  }
}

/**
 * Opcodes that can follow a GLOBAL when the pickle started at that GLOBAL (stack: the import, no
 * MARK, empty memo). Everything else (APPEND, SETITEM, TUPLE, REDUCE, BUILD, GET ..., non-opcodes)
 * fails at once, so such a start is not worth simulating.
 */
const AFTER_FIRST_GLOBAL: Uint8Array = (() => {
  const t = new Uint8Array(256);
  const ok = [
    OP.MARK, OP.STOP, OP.POP, OP.DUP, OP.PUT, OP.BINPUT, OP.LONG_BINPUT, OP.MEMOIZE, OP.NONE, OP.NEWTRUE,
    OP.NEWFALSE, OP.EMPTY_TUPLE, OP.EMPTY_LIST, OP.EMPTY_DICT, OP.EMPTY_SET, OP.INT, OP.LONG, OP.FLOAT,
    OP.BININT, OP.BININT1, OP.BININT2, OP.BINFLOAT, OP.LONG1, OP.LONG4, OP.STRING, OP.BINSTRING,
    OP.SHORT_BINSTRING, OP.UNICODE, OP.BINUNICODE, OP.SHORT_BINUNICODE, OP.BINUNICODE8, OP.BINBYTES,
    OP.SHORT_BINBYTES, OP.BINBYTES8, OP.BYTEARRAY8, OP.GLOBAL, OP.PERSID, OP.BINPERSID, OP.TUPLE1, OP.PROTO,
    OP.FRAME, OP.EXT1, OP.EXT2, OP.EXT4, OP.NEXT_BUFFER, OP.READONLY_BUFFER,
  ];
  for (const o of ok) t[o] = 1;
  return t;
})();

/**
 * Protocol 0/1 imports are text: `c<module>\n<name>\n` (GLOBAL) and `i<module>\n<name>\n` (INST).
 * For every newline followed by an identifier line, look back over the identifier run before it
 * for a `c`/`i` whose remainder is a dotted identifier: that byte may be the opcode (the bytes
 * before it may be another opcode's operand, so every such position counts).
 * - GLOBAL: the GLOBAL itself is a start when the byte after the name line could follow it
 *   (REDUCE-style payloads build their arguments after the import), and a MARK right before it is
 *   a start too (OBJ: `(c...o`).
 * - INST needs the MARK that opens its arguments (`(S'id'\nios\nsystem\n`): the nearest `(`
 *   bytes before it are the starts; INST itself never is.
 * Prose like "because\nsystem\nadmins" passes this pre-check; the simulation rejects it.
 */
function textImportAnchors(buf: Uint8Array, add: (p: number) => void): void {
  const len = buf.length;
  const marks = new RecentMarks(buf);
  for (let n = buf.indexOf(0x0a); n >= 0; n = buf.indexOf(0x0a, n + 1)) {
    const a = n + 1;
    if (a >= len || IDENT_START[buf[a] ?? 0] !== 1) continue;
    let b = a + 1;
    const lim = Math.min(len, a + MAX_NAME);
    while (b < lim && DOTTED_CHAR[buf[b] ?? 0] === 1) b++;
    if (buf[b] !== 0x0a) continue;
    const follow = AFTER_FIRST_GLOBAL[buf[b + 1] ?? 0] === 1;
    // Walk left over the module run, tracking whether buf[k, n) is a dotted identifier.
    // Defects inside the suffix (`..`, `.` before a digit, a trailing `.`) persist as k moves left.
    const stop = Math.max(0, n - MAX_NAME - 1);
    let bad = buf[n - 1] === 0x2e;
    for (let k = n - 1; k > stop; k--) {
      const c = buf[k] ?? 0;
      if (DOTTED_CHAR[c] !== 1) break;
      if (c === 0x2e) {
        const nx = buf[k + 1] ?? 0;
        if (nx === 0x2e || IDENT_START[nx] !== 1) bad = true;
      }
      if (bad) break;
      if (IDENT_START[c] !== 1) continue;
      const op = buf[k - 1] ?? 0;
      if (op === OP.GLOBAL) {
        if (follow) add(k - 1);
        if (buf[k - 2] === OP.MARK) add(k - 2);
      } else if (op === OP.INST) {
        marks.before(k - 1, add);
      }
    }
  }
}

/**
 * STACK_GLOBAL (0x93) pops a name and a module pushed by string opcodes. Without a PROTO header
 * (P2: the strings are the very first opcodes) nothing else marks the start, so work backwards:
 * the name string must end right before 0x93 (or before a memo store), the module string right
 * before the name. The module string's opcode is the candidate, plus the nearest MARKs before it.
 */
function stackGlobalAnchors(buf: Uint8Array, add: (p: number) => void): void {
  const marks = new RecentMarks(buf);
  const names: number[] = [];
  const mods: number[] = [];
  for (let s = buf.indexOf(OP.STACK_GLOBAL); s >= 0; s = buf.indexOf(OP.STACK_GLOBAL, s + 1)) {
    names.length = 0;
    feederStarts(buf, s, names);
    for (const p2 of names) {
      mods.length = 0;
      feederStarts(buf, p2, mods);
      for (const p1 of mods) {
        add(p1);
        marks.before(p1, add);
      }
    }
  }
}

/**
 * The nearest MARK bytes before a position (within MARK_WINDOW), for queries in (mostly) increasing
 * order: one forward `indexOf` pass over the buffer in total, keeping the last few MARKs seen.
 */
class RecentMarks {
  private next: number;
  private readonly seen: number[] = [];

  constructor(private readonly buf: Uint8Array) {
    this.next = buf.indexOf(OP.MARK);
  }

  before(pos: number, add: (p: number) => void): void {
    while (this.next >= 0 && this.next < pos) {
      this.seen.push(this.next);
      if (this.seen.length > 8) this.seen.shift();
      this.next = this.buf.indexOf(OP.MARK, this.next + 1);
    }
    let found = 0;
    for (let i = this.seen.length - 1; i >= 0 && found < MARKS_PER_ANCHOR; i--) {
      const m = this.seen[i] as number;
      if (m >= pos) continue;
      if (m < pos - MARK_WINDOW) break;
      add(m);
      found++;
    }
  }
}

/**
 * Start offsets of string opcodes whose operand ends exactly at `end`, or at a memo store
 * (MEMOIZE, BINPUT, LONG_BINPUT, PUT) that ends at `end`. Only identifier-looking operands count.
 */
function feederStarts(buf: Uint8Array, end: number, out: number[]): void {
  stringsEndingAt(buf, end, out);
  if (out.length >= FEEDERS_PER_OPERAND) return;
  if (buf[end - 1] === OP.MEMOIZE) stringsEndingAt(buf, end - 1, out);
  if (end >= 2 && buf[end - 2] === OP.BINPUT) stringsEndingAt(buf, end - 2, out);
  if (end >= 5 && buf[end - 5] === OP.LONG_BINPUT) stringsEndingAt(buf, end - 5, out);
  if (buf[end - 1] === 0x0a) {
    let k = end - 2;
    const lo = Math.max(0, end - 24);
    while (k > lo && (buf[k] ?? 0) >= 0x30 && (buf[k] ?? 0) <= 0x39) k--;
    if (k < end - 2 && buf[k] === OP.PUT) stringsEndingAt(buf, k, out);
  }
}

function stringsEndingAt(buf: Uint8Array, end: number, out: number[]): void {
  const push = (p: number): void => {
    if (p >= 0 && out.length < FEEDERS_PER_OPERAND && !out.includes(p)) out.push(p);
  };
  // Length-prefixed forms: SHORT_BINUNICODE/SHORT_BINSTRING (1 byte), BINUNICODE/BINSTRING (4),
  // BINUNICODE8 (8). The operand is a suffix of the identifier run that ends at `end`.
  const lo = Math.max(0, end - MAX_NAME);
  for (let q = end - 1; q >= lo && DOTTED_CHAR[buf[q] ?? 0] === 1; q--) {
    if (IDENT_START[buf[q] ?? 0] !== 1) continue;
    const n = end - q;
    if (q >= 2 && buf[q - 1] === n && (buf[q - 2] === OP.SHORT_BINUNICODE || buf[q - 2] === OP.SHORT_BINSTRING)) {
      push(q - 2);
    }
    if (q >= 5 && u32le(buf, q - 4) === n && (buf[q - 5] === OP.BINUNICODE || buf[q - 5] === OP.BINSTRING)) {
      push(q - 5);
    }
    if (q >= 9 && buf[q - 9] === OP.BINUNICODE8 && u64le(buf, q - 8) === n) push(q - 9);
  }
  if (buf[end - 1] !== 0x0a || end < 3) return;
  // STRING: S'...'\n or S"..."\n (escapes allowed inside the quotes).
  const quote = buf[end - 2] ?? 0;
  if (quote === 0x27 || quote === 0x22) {
    for (let k = end - 3; k >= 1 && k >= end - MAX_NAME; k--) {
      const c = buf[k] ?? 0;
      if (c === 0x0a) break;
      if (c === quote && buf[k - 1] === OP.STRING) push(k - 1);
    }
  }
  // UNICODE: V<raw-unicode-escape text>\n.
  for (let k = end - 2; k >= 0 && k >= end - MAX_NAME; k--) {
    const c = buf[k] ?? 0;
    if (c === OP.UNICODE) push(k);
    if (DOTTED_CHAR[c] !== 1 && c !== 0x5c) break;
  }
}
