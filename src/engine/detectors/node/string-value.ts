/**
 * Finds the string value a function-revival marker sits in and returns its
 * text after the marker, unescaped. Revivers (node-serialize, cryo) only
 * look at values that START with the marker, so the marker must open a
 * JSON/JS string (`"` or `'` before it, also `\"` for JSON inside a JSON
 * string), open the layer (a decoded field or cookie value), or open a
 * form value (`=` before it). Anywhere else it is prose that mentions the
 * marker, and it is left alone (see detector.ts).
 */

export type MarkerContext = 'json-string' | 'nested-json-string' | 'single-quoted' | 'value' | 'form-value' | 'prose';

export interface RevivedValue {
  readonly context: MarkerContext;
  /** Text after the marker (unescaped, latin1/UTF-16 code units, capped). */
  readonly text: string;
  /** True when the cap or the end of the layer cut the value. */
  readonly truncated: boolean;
}

/** Characters of a revived value kept at most. */
export const MAX_REVIVED_CHARS = 64 * 1024;

/** Where the marker at `offset` sits. */
export function markerContext(b: Uint8Array, offset: number): MarkerContext {
  if (offset === 0) return 'value';
  const prev = b[offset - 1];
  if (prev === 0x22) return b[offset - 2] === 0x5c ? 'nested-json-string' : 'json-string';
  if (prev === 0x27) return 'single-quoted';
  if (prev === 0x3d) return 'form-value';
  return 'prose';
}

function hex4(b: Uint8Array, p: number): number {
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const c = b[p + i] ?? 0;
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/**
 * Reads a quoted value from `start` (just after the marker) to its closing
 * `quote`, decoding backslash escapes. In a nested JSON string the value ends
 * at an escaped quote `\"` that is not itself escaped one level down.
 */
function readQuoted(b: Uint8Array, start: number, quote: number, nested: boolean): RevivedValue {
  const out: number[] = [];
  let p = start;
  let trailingBackslashes = 0;
  while (p < b.length && out.length < MAX_REVIVED_CHARS) {
    const c = b[p] ?? 0;
    if (c === quote && !nested) return { context: 'json-string', text: codesToString(out), truncated: false };
    if (c === 0x5c && p + 1 < b.length) {
      const e = b[p + 1] ?? 0;
      let ch = e;
      let len = 2;
      if (e === 0x6e) ch = 0x0a;
      else if (e === 0x74) ch = 0x09;
      else if (e === 0x72) ch = 0x0d;
      else if (e === 0x62) ch = 0x08;
      else if (e === 0x66) ch = 0x0c;
      else if (e === 0x75) {
        const v = hex4(b, p + 2);
        if (v >= 0) { ch = v; len = 6; }
      }
      if (nested && e === quote && trailingBackslashes % 2 === 0) {
        return { context: 'nested-json-string', text: codesToString(out), truncated: false };
      }
      out.push(ch);
      trailingBackslashes = ch === 0x5c ? trailingBackslashes + 1 : 0;
      p += len;
      continue;
    }
    out.push(c);
    trailingBackslashes = 0;
    p++;
  }
  return { context: nested ? 'nested-json-string' : 'json-string', text: codesToString(out), truncated: true };
}

/** Builds a string from char codes in slices (keeps argument lists short). */
function codesToString(a: readonly number[]): string {
  let s = '';
  for (let i = 0; i < a.length; i += 4096) s += String.fromCharCode(...a.slice(i, i + 4096));
  return s;
}

function readUntil(b: Uint8Array, start: number, stops: readonly number[]): { text: string; truncated: boolean } {
  let end = b.length;
  for (const s of stops) {
    const i = b.indexOf(s, start);
    if (i >= 0 && i < end) end = i;
  }
  const stop = Math.min(end, start + MAX_REVIVED_CHARS);
  return { text: Buffer.from(b.buffer, b.byteOffset + start, stop - start).toString('latin1'), truncated: stop < end };
}

/** The value a marker of `markerLength` bytes at `offset` opens, or its prose context. */
export function revivedValue(b: Uint8Array, offset: number, markerLength: number): RevivedValue {
  const context = markerContext(b, offset);
  const start = offset + markerLength;
  switch (context) {
    case 'json-string':
      return readQuoted(b, start, 0x22, false);
    case 'nested-json-string':
      return readQuoted(b, start, 0x22, true);
    case 'single-quoted':
      return { ...readQuoted(b, start, 0x27, false), context };
    case 'form-value':
      return { context, ...readUntil(b, start, [0x26]) };
    case 'value':
      return { context, ...readUntil(b, start, []) };
    default:
      return { context, text: '', truncated: false };
  }
}
