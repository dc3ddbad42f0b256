/**
 * Interpretation of pickle operands that carry names or numbers: import names (GLOBAL/INST lines,
 * STACK_GLOBAL strings) checked for the shape an importable name must have, and the decimal text
 * arguments of PUT/GET. Length-capped; never throws.
 */
import { DOTTED_CHAR, decodeLatin1, decodePyEscape, decodeRawUnicodeEscape, isDottedIdentifier } from './text.js';
import { Kind, StrEnc, type Val } from './values.js';

/** A decoded import name, or why it cannot be one. */
export type NameResult =
  | { readonly ok: true; readonly name: string }
  | { readonly ok: false; readonly reason: 'shape' | 'limit' };

const SHAPE: NameResult = { ok: false, reason: 'shape' };
const LIMIT: NameResult = { ok: false, reason: 'limit' };

/**
 * Name from raw bytes (GLOBAL/INST lines, UTF-8/latin-1 string operands). CPython imports any
 * module name, but only dotted ASCII identifiers can name a module or attribute that exists;
 * anything else fails in `__import__`/`getattr`, so the load stops there ('shape').
 */
export function nameFromBytes(buf: Uint8Array, start: number, end: number, maxBytes: number): NameResult {
  if (end <= start) return SHAPE;
  const stop = Math.min(end, start + maxBytes + 1);
  for (let i = start; i < stop; i++) {
    if (DOTTED_CHAR[buf[i] ?? 0] !== 1) return SHAPE;
  }
  if (end - start > maxBytes) return LIMIT;
  const name = decodeLatin1(buf, start, end);
  return isDottedIdentifier(name) ? { ok: true, name } : SHAPE;
}

/** Name from a string value popped by STACK_GLOBAL (any string opcode, escapes applied). */
export function nameFromValue(buf: Uint8Array, v: Val, maxBytes: number): NameResult {
  if (v.kind !== Kind.Str) return SHAPE;
  if (v.enc === StrEnc.Utf8 || v.enc === StrEnc.Latin1) return nameFromBytes(buf, v.start, v.end, maxBytes);
  if (v.end - v.start > maxBytes) return LIMIT;
  const text =
    v.enc === StrEnc.PyEscape ? decodePyEscape(buf, v.start, v.end) : decodeRawUnicodeEscape(buf, v.start, v.end);
  if (text === null || !isDottedIdentifier(text)) return SHAPE;
  return { ok: true, name: text };
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * Decimal integer as `int(text, 10)` reads it (surrounding whitespace, sign, single underscores
 * between digits). Returns NaN when CPython would raise.
 */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let j = end;
  while (i < j && isSpace(buf[i] ?? 0)) i++;
  while (j > i && isSpace(buf[j - 1] ?? 0)) j--;
  let neg = false;
  const s = buf[i] ?? 0;
  if (i < j && (s === 0x2b || s === 0x2d)) {
    neg = s === 0x2d;
    i++;
  }
  if (i >= j) return NaN;
  let v = 0;
  let prevDigit = false;
  for (let k = i; k < j; k++) {
    const c = buf[k] ?? 0;
    if (c >= 0x30 && c <= 0x39) {
      v = v * 10 + (c - 0x30);
      prevDigit = true;
    } else if (c === 0x5f && prevDigit && k + 1 < j) {
      prevDigit = false;
    } else {
      return NaN;
    }
  }
  if (!prevDigit) return NaN;
  return neg ? -v : v;
}
