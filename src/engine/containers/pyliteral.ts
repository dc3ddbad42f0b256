/**
 * A small, bounded parser for the Python literal subset used in .npy headers
 * (dicts, tuples, lists, quoted strings, non-negative integers with optional
 * `L`, True/False/None). No eval, no recursion: an explicit stack with a
 * depth limit, an item limit and capped strings. Returns a value tree or a
 * reason why the text is not such a literal.
 */

export type PyValue =
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'none' }
  | { readonly kind: 'tuple' | 'list'; readonly items: PyValue[] }
  | { readonly kind: 'dict'; readonly entries: [PyValue, PyValue][] };

export interface PyLiteralLimits {
  readonly maxDepth: number;
  readonly maxItems: number;
  readonly maxStringChars: number;
}

export const DEFAULT_PY_LITERAL_LIMITS: PyLiteralLimits = Object.freeze({ maxDepth: 16, maxItems: 4096, maxStringChars: 256 });

interface Frame {
  readonly open: number;
  readonly items: PyValue[];
  /** Dict: entries collected so far; key waiting for its value. */
  readonly entries: [PyValue, PyValue][];
  key: PyValue | undefined;
  /** True right after ':' in a dict. */
  afterColon: boolean;
  /** True when the next token may be a value (start, or after ','). */
  wantValue: boolean;
  sawComma: boolean;
}

const OPEN_TO_CLOSE: Record<number, number> = { 0x7b: 0x7d, 0x28: 0x29, 0x5b: 0x5d };

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isIdent(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** Parse exactly one literal in `b[start, end)` (surrounding whitespace allowed). */
export function parsePyLiteral(b: Uint8Array, start: number, end: number, limits: PyLiteralLimits = DEFAULT_PY_LITERAL_LIMITS): PyValue | string {
  const stack: Frame[] = [];
  let result: PyValue | undefined;
  let items = 0;
  let p = start;
  const emit = (v: PyValue): string | undefined => {
    if (++items > limits.maxItems) return 'literal has too many items';
    const top = stack[stack.length - 1];
    if (!top) {
      if (result) return 'more than one value';
      result = v;
      return undefined;
    }
    if (!top.wantValue) return 'missing separator';
    if (top.open === 0x7b) {
      if (top.key === undefined) {
        top.key = v;
        top.wantValue = false;
        return undefined;
      }
      if (!top.afterColon) return 'missing colon';
      top.entries.push([top.key, v]);
      top.key = undefined;
      top.afterColon = false;
      top.wantValue = false;
      return undefined;
    }
    top.items.push(v);
    top.wantValue = false;
    return undefined;
  };
  // Each iteration consumes at least one byte.
  while (p < end) {
    const c = b[p] as number;
    if (isSpace(c)) {
      p++;
      continue;
    }
    if (c === 0x7b || c === 0x28 || c === 0x5b) {
      const top = stack[stack.length - 1];
      if (top && !top.wantValue) return 'missing separator';
      if (!top && result) return 'more than one value';
      if (stack.length >= limits.maxDepth) return 'literal is nested too deeply';
      stack.push({ open: c, items: [], entries: [], key: undefined, afterColon: false, wantValue: true, sawComma: false });
      p++;
      continue;
    }
    if (c === 0x7d || c === 0x29 || c === 0x5d) {
      const top = stack.pop();
      if (!top || OPEN_TO_CLOSE[top.open] !== c) return 'unbalanced brackets';
      if (top.key !== undefined) return 'dict key without value';
      let v: PyValue;
      if (top.open === 0x7b) v = { kind: 'dict', entries: top.entries };
      else if (top.open === 0x5b) v = { kind: 'list', items: top.items };
      else if (top.items.length === 1 && !top.sawComma) v = top.items[0] as PyValue;
      else v = { kind: 'tuple', items: top.items };
      p++;
      // A closed group is a value for its parent.
      items--;
      const err = emit(v);
      if (err) return err;
      continue;
    }
    if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (!top || top.wantValue || top.key !== undefined) return 'misplaced comma';
      top.wantValue = true;
      top.sawComma = true;
      p++;
      continue;
    }
    if (c === 0x3a) {
      const top = stack[stack.length - 1];
      if (!top || top.open !== 0x7b || top.key === undefined || top.afterColon) return 'misplaced colon';
      top.afterColon = true;
      top.wantValue = true;
      p++;
      continue;
    }
    let q = p;
    if ((c === 0x75 || c === 0x62) && (b[p + 1] === 0x27 || b[p + 1] === 0x22)) q = p + 1;
    const quote = b[q] as number;
    if (quote === 0x27 || quote === 0x22) {
      let s = '';
      let i = q + 1;
      for (; i < end && b[i] !== quote; i++) {
        let ch = b[i] as number;
        if (ch === 0x0a) return 'newline inside a string';
        if (ch === 0x5c) {
          i++;
          if (i >= end) break;
          ch = b[i] as number;
        }
        if (s.length < limits.maxStringChars) s += String.fromCharCode(ch);
      }
      if (i >= end) return 'unterminated string';
      p = i + 1;
      const err = emit({ kind: 'str', value: s });
      if (err) return err;
      continue;
    }
    if (c >= 0x30 && c <= 0x39) {
      let v = 0;
      while (p < end && (b[p] as number) >= 0x30 && (b[p] as number) <= 0x39) {
        v = v * 10 + ((b[p] as number) - 0x30);
        if (v > Number.MAX_SAFE_INTEGER) return 'integer is too large';
        p++;
      }
      if (b[p] === 0x4c) p++;
      const err = emit({ kind: 'int', value: v });
      if (err) return err;
      continue;
    }
    if (isIdent(c)) {
      let i = p;
      while (i < end && isIdent(b[i] as number) && i - p < 8) i++;
      const word = Buffer.from(b.buffer, b.byteOffset + p, i - p).toString('latin1');
      let v: PyValue;
      if (word === 'True') v = { kind: 'bool', value: true };
      else if (word === 'False') v = { kind: 'bool', value: false };
      else if (word === 'None') v = { kind: 'none' };
      else return 'unexpected name in literal';
      p = i;
      const err = emit(v);
      if (err) return err;
      continue;
    }
    return 'unexpected character in literal';
  }
  if (stack.length > 0) return 'unbalanced brackets';
  return result ?? 'empty literal';
}
