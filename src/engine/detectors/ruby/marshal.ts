/**
 * Iterative parser for Ruby Marshal 4.8 streams (`04 08`), following
 * marshal.c `r_object`: nil/true/false, fixnums (`r_long` encoding),
 * symbols `:` and symlinks `;`, object links `@`, strings, ivars `I`,
 * arrays, hashes (with default), floats, bignums, regexps, classes and
 * modules (`c`, `m`, `M`), objects `o`, `_load` (`u`), `marshal_load`
 * (`U`), extended `e`, user classes `C`, structs `S` and data `d`.
 * Work is a stack of small tasks, so nesting never recurses. Records every
 * class/module the stream would resolve (those are what instantiate) and the
 * symbols it defines. Never throws; says where and why it stopped.
 */
import { isConstantPath, printable, readLong, scratch, SYNTAX, TRUNCATED } from './primitives.js';

export { isConstantPath };

export interface MarshalLimits {
  /** Pending tasks at most (about one per level of nesting). */
  readonly maxStack: number;
  /** Values at most. */
  readonly maxItems: number;
  /** Symbols at most in the symbol table. */
  readonly maxSymbols: number;
  /** Instantiations recorded (the count goes on). */
  readonly maxRecorded: number;
  /** Symbol names kept for callers. */
  readonly maxSymbolNames: number;
  /** Characters kept of a recorded name. */
  readonly maxNameChars: number;
}

export const MARSHAL_LIMITS: MarshalLimits = {
  maxStack: 2048,
  maxItems: 1_000_000,
  maxSymbols: 100_000,
  maxRecorded: 64,
  maxSymbolNames: 256,
  maxNameChars: 128,
};

export type MarshalStatus = 'ok' | 'truncated' | 'syntax' | 'limit';

/** A class or module the stream makes Ruby resolve. */
export interface MarshalInstantiation {
  /** The type byte: `o` `u` `U` `S` `d` `c` `m` `M` `e` `C`. */
  readonly kind: string;
  /** Printable, length-capped constant path. */
  readonly name: string;
  /** Offset of the type byte. */
  readonly offset: number;
}

export interface MarshalResult {
  readonly status: MarshalStatus;
  readonly start: number;
  /** After the stream when `ok`, else where parsing stopped. */
  readonly end: number;
  readonly reason: string;
  readonly instantiations: readonly MarshalInstantiation[];
  readonly instantiationCount: number;
  /** Printable names of the symbols defined, capped. */
  readonly symbols: readonly string[];
  readonly items: number;
}

/** Pending work kinds on the task stack. */
const Task = {
  Value: 0,
  Symbol: 1,
  ClassName: 2,
  AfterClass: 3,
  Items: 4,
  Pairs: 5,
  Ivars: 6,
} as const;
type Task = (typeof Task)[keyof typeof Task];

const TOO_MANY_SYMBOLS = -3;

/**
 * Parses the Marshal stream whose `04 08` header starts at `start`, reading
 * nothing at or after `end`.
 */
export function parseMarshal(
  b: Uint8Array,
  start: number,
  end: number = b.length,
  limits: MarshalLimits = MARSHAL_LIMITS,
): MarshalResult {
  const ops: Task[] = [];
  const args: number[] = [];
  const symStart: number[] = [];
  const symEnd: number[] = [];
  const symbols: string[] = [];
  const instantiations: MarshalInstantiation[] = [];
  let instantiationCount = 0;
  let objects = 0;
  let items = 0;
  let pos = start + 2;
  /** Ivar pairs that follow the symbol just read (`I:` symbols), or 0. */
  let symbolIvars = 0;
  /** Index of the symbol just read. */
  let symbolIndex = -1;

  const stop = (status: MarshalStatus, reason: string): MarshalResult => ({
    status, start, end: Math.min(pos, end), reason, instantiations, instantiationCount, symbols, items,
  });
  const fail = (code: number, what: string): MarshalResult =>
    code === TRUNCATED ? stop('truncated', `input ends inside ${what}`) : stop('syntax', `malformed ${what}`);

  /** Reads a symbol or symlink at `pos`. Returns 0 on success or an error code. */
  const readSymbol = (): number => {
    symbolIvars = 0;
    if (pos >= end) return TRUNCATED;
    let t = b[pos] ?? 0;
    let ivar = false;
    if (t === 0x49) { // I: symbol with encoding ivars
      ivar = true;
      pos++;
      if (pos >= end) return TRUNCATED;
      t = b[pos] ?? 0;
      if (t !== 0x3a) return SYNTAX;
    }
    if (t === 0x3b) { // ; symlink
      const p = readLong(b, pos + 1, end);
      if (p < 0) return p;
      if (scratch.num < 0 || scratch.num >= symStart.length) return SYNTAX;
      symbolIndex = scratch.num;
      pos = p;
      return 0;
    }
    if (t !== 0x3a) return SYNTAX;
    const p = readLong(b, pos + 1, end);
    if (p < 0) return p;
    if (scratch.num < 0) return SYNTAX;
    if (scratch.num > end - p) return TRUNCATED;
    if (symStart.length >= limits.maxSymbols) return TOO_MANY_SYMBOLS;
    symbolIndex = symStart.push(p) - 1;
    symEnd.push(p + scratch.num);
    if (symbols.length < limits.maxSymbolNames) symbols.push(printable(b, p, p + scratch.num, limits.maxNameChars));
    pos = p + scratch.num;
    if (ivar) {
      const q = readLong(b, pos, end);
      if (q < 0) return q;
      if (scratch.num < 0) return SYNTAX;
      pos = q;
      symbolIvars = scratch.num;
    }
    return 0;
  };

  const record = (kind: number, at: number, nameStart: number, nameEnd: number): boolean => {
    if (!isConstantPath(b, nameStart, nameEnd)) return false;
    instantiationCount++;
    if (instantiations.length < limits.maxRecorded) {
      instantiations.push({ kind: String.fromCharCode(kind), name: printable(b, nameStart, nameEnd, limits.maxNameChars), offset: at });
    }
    return true;
  };

  const push = (op: Task, arg: number): boolean => {
    if (ops.length >= limits.maxStack) return false;
    ops.push(op);
    args.push(arg);
    return true;
  };

  if (end - start < 3) return stop('truncated', 'input ends after the header');
  if (b[start] !== 0x04 || b[start + 1] !== 0x08) return stop('syntax', 'not a Marshal 4.8 header');
  push(Task.Value, 0);

  while (ops.length > 0) {
    const top = ops.length - 1;
    const op: Task = ops[top] ?? Task.Value;
    const arg = args[top] ?? 0;
    if (op === Task.Items || op === Task.Pairs) {
      if (arg === 0) {
        ops.pop();
        args.pop();
        continue;
      }
      args[top] = arg - 1;
      if (!push(Task.Value, 0)) return stop('limit', 'nesting too deep');
      if (op === Task.Pairs && !push(Task.Symbol, 0)) return stop('limit', 'nesting too deep');
      continue;
    }
    ops.pop();
    args.pop();

    if (op === Task.Symbol || op === Task.ClassName) {
      const at = pos;
      const r = readSymbol();
      if (r < 0) return r === TOO_MANY_SYMBOLS ? stop('limit', 'too many symbols') : fail(r, 'symbol');
      if (op === Task.ClassName) {
        const s = symStart[symbolIndex] ?? 0;
        if (!record(arg, at - 1, s, symEnd[symbolIndex] ?? s)) {
          pos = at;
          return stop('syntax', 'class name is not a constant path');
        }
        if (!push(Task.AfterClass, arg)) return stop('limit', 'nesting too deep');
      }
      if (symbolIvars > 0 && !push(Task.Pairs, symbolIvars)) return stop('limit', 'nesting too deep');
      continue;
    }

    if (op === Task.Ivars) {
      const p = readLong(b, pos, end);
      if (p < 0) return fail(p, 'ivar count');
      if (scratch.num < 0) return fail(SYNTAX, 'ivar count');
      pos = p;
      if (!push(Task.Pairs, scratch.num)) return stop('limit', 'nesting too deep');
      continue;
    }

    if (op === Task.AfterClass) {
      if (arg === 0x6f || arg === 0x53) { // o, S: ivar/member count and pairs
        const p = readLong(b, pos, end);
        if (p < 0) return fail(p, 'member count');
        if (scratch.num < 0) return fail(SYNTAX, 'member count');
        pos = p;
        if (!push(Task.Pairs, scratch.num)) return stop('limit', 'nesting too deep');
      } else if (arg === 0x75) { // u: _dump bytes
        const p = readLong(b, pos, end);
        if (p < 0) return fail(p, '_dump data');
        if (scratch.num < 0) return fail(SYNTAX, '_dump data');
        if (scratch.num > end - p) { pos = end; return fail(TRUNCATED, '_dump data'); }
        pos = p + scratch.num;
        objects++;
      } else if (!push(Task.Value, 0)) { // U, d, C, e: one wrapped value
        return stop('limit', 'nesting too deep');
      }
      continue;
    }

    // Task.Value
    if (pos >= end) return fail(TRUNCATED, 'value');
    if (++items > limits.maxItems) return stop('limit', `more than ${limits.maxItems} values`);
    const at = pos;
    const t = b[pos++] ?? 0;
    switch (t) {
      case 0x30: case 0x54: case 0x46: // 0 T F
        break;
      case 0x69: { // i fixnum
        const p = readLong(b, pos, end);
        if (p < 0) return fail(p, 'fixnum');
        pos = p;
        break;
      }
      case 0x3a: case 0x3b: { // symbol as a value
        pos = at;
        const r = readSymbol();
        if (r < 0) return r === TOO_MANY_SYMBOLS ? stop('limit', 'too many symbols') : fail(r, 'symbol');
        if (symbolIvars > 0 && !push(Task.Pairs, symbolIvars)) return stop('limit', 'nesting too deep');
        break;
      }
      case 0x40: { // @ object link
        const p = readLong(b, pos, end);
        if (p < 0) return fail(p, 'object link');
        if (scratch.num < 0 || scratch.num > objects) return fail(SYNTAX, 'object link');
        pos = p;
        break;
      }
      case 0x22: case 0x66: case 0x2f: { // " string, f float, / regexp
        const p = readLong(b, pos, end);
        if (p < 0) return fail(p, 'string');
        if (scratch.num < 0) return fail(SYNTAX, 'string length');
        const extra = t === 0x2f ? 1 : 0;
        if (scratch.num + extra > end - p) { pos = end; return fail(TRUNCATED, 'string'); }
        pos = p + scratch.num + extra;
        objects++;
        break;
      }
      case 0x6c: { // l bignum
        if (pos >= end) return fail(TRUNCATED, 'bignum');
        const sign = b[pos];
        if (sign !== 0x2b && sign !== 0x2d) return fail(SYNTAX, 'bignum sign');
        const p = readLong(b, pos + 1, end);
        if (p < 0) return fail(p, 'bignum');
        if (scratch.num < 0) return fail(SYNTAX, 'bignum length');
        if (scratch.num * 2 > end - p) { pos = end; return fail(TRUNCATED, 'bignum'); }
        pos = p + scratch.num * 2;
        objects++;
        break;
      }
      case 0x5b: case 0x7b: case 0x7d: { // [ array, { hash, } hash with default
        const p = readLong(b, pos, end);
        if (p < 0) return fail(p, 'count');
        if (scratch.num < 0) return fail(SYNTAX, 'count');
        pos = p;
        objects++;
        if (t === 0x7d && !push(Task.Value, 0)) return stop('limit', 'nesting too deep');
        if (!push(Task.Items, t === 0x5b ? scratch.num : scratch.num * 2)) return stop('limit', 'nesting too deep');
        break;
      }
      case 0x63: case 0x6d: case 0x4d: { // c class, m module, M old module
        const p = readLong(b, pos, end);
        if (p < 0) return fail(p, 'class name');
        if (scratch.num <= 0) return fail(SYNTAX, 'class name');
        if (scratch.num > end - p) { pos = end; return fail(TRUNCATED, 'class name'); }
        if (!record(t, at, p, p + scratch.num)) return fail(SYNTAX, 'class name');
        pos = p + scratch.num;
        objects++;
        break;
      }
      case 0x6f: case 0x53: case 0x55: case 0x64: // o S U d: allocated before their contents
        objects++;
        if (!push(Task.ClassName, t)) return stop('limit', 'nesting too deep');
        break;
      case 0x75: case 0x43: case 0x65: // u C e
        if (!push(Task.ClassName, t)) return stop('limit', 'nesting too deep');
        break;
      case 0x49: // I: a value followed by ivars
        if (!push(Task.Ivars, 0) || !push(Task.Value, 0)) return stop('limit', 'nesting too deep');
        break;
      default:
        pos = at;
        return fail(SYNTAX, 'type byte');
    }
  }
  return stop('ok', 'ok');
}
