/**
 * Reading a polymorphic type out of lenient JSON text, the way fastjson's
 * lexer does: single or double quotes (or none) around keys, `/* *\/` and
 * `//` comments and whitespace anywhere between tokens. Used on text layers
 * that are not strict JSON (strict JSON is judged on parsed keys by the JSON
 * view). `\uXXXX`/`\xXX` escapes are decoded by the engine into a separate
 * layer before this runs, so `\x40type` arrives as `@type`.
 */

const MAX_SKIP = 256;
const MAX_VALUE = 512;

/** Skip whitespace and comments from `i`; returns the next significant offset (bounded). */
export function skipLenient(b: Uint8Array, i: number): number {
  const limit = Math.min(b.length, i + MAX_SKIP);
  while (i < limit) {
    const c = b[i]!;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c) {
      i++;
    } else if (c === 0x2f && b[i + 1] === 0x2a) {
      const end = indexOf2(b, 0x2a, 0x2f, i + 2, limit);
      if (end === -1) return -1;
      i = end + 2;
    } else if (c === 0x2f && b[i + 1] === 0x2f) {
      while (i < limit && b[i] !== 0x0a) i++;
    } else {
      return i;
    }
  }
  return i < b.length ? i : -1;
}

function indexOf2(b: Uint8Array, x: number, y: number, from: number, to: number): number {
  for (let i = from; i + 1 < to; i++) if (b[i] === x && b[i + 1] === y) return i;
  return -1;
}

/**
 * A quoted string starting at `i` (quote `"` or `'`) that could be a class
 * name: no spaces or escapes, at least one `.` (Java) or `,` (.NET assembly
 * qualified), bounded length. Returns its text and end offset, or null. The
 * string is only decoded once its shape qualifies (no allocation per hit).
 */
export function readQuoted(b: Uint8Array, i: number): { text: string; end: number } | null {
  const q = b[i];
  if (q !== 0x22 && q !== 0x27) return null;
  const limit = Math.min(b.length, i + 1 + MAX_VALUE);
  let j = i + 1;
  let dotted = false;
  while (j < limit) {
    const c = b[j]!;
    if (c === q) break;
    if (c === 0x5c || c === 0x20 || c === 0x0a) return null; // escapes are resolved in the unescaped layer
    if (c === 0x2e) dotted = true;
    j++;
  }
  if (j >= limit || !dotted) return null;
  return { text: Buffer.from(b.buffer, b.byteOffset + i + 1, j - i - 1).toString('utf8'), end: j + 1 };
}

/**
 * After a type-key literal ending at `afterKey`: an optional closing quote,
 * `:`, then a quoted value. Returns the value and its offset.
 */
export function valueAfterKey(b: Uint8Array, afterKey: number): { text: string; offset: number } | null {
  let i = afterKey;
  if (b[i] === 0x22 || b[i] === 0x27) i++;
  i = skipLenient(b, i);
  if (i < 0 || b[i] !== 0x3a) return null;
  i = skipLenient(b, i + 1);
  if (i < 0) return null;
  const v = readQuoted(b, i);
  return v ? { text: v.text, offset: i + 1 } : null;
}

/**
 * `["fqcn", <value>]`: the class string of a two-element wrapper array starting at the `[`.
 * Jackson instantiates the class from the second element whatever its type
 * (bean object, array, or a scalar for delegating constructors, as in
 * CVE-2017-17485 FileSystemXmlApplicationContext).
 */
export function wrapperArrayAt(b: Uint8Array, bracket: number): { text: string; offset: number } | null {
  let i = skipLenient(b, bracket + 1);
  if (i < 0) return null;
  const v = readQuoted(b, i);
  if (!v) return null;
  i = skipLenient(b, v.end);
  if (i < 0 || b[i] !== 0x2c) return null;
  i = skipLenient(b, i + 1);
  if (i < 0 || b[i] === 0x5d) return null;
  return { text: v.text, offset: bracket + 1 };
}

/** Cheap pre-check before any decoding: the byte after the opening quote starts a Java identifier. */
export function startsIdentifier(b: Uint8Array, quote: number): boolean {
  const c = b[quote + 1] ?? 0;
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x24 || c === 0x5b;
}
