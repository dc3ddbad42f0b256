/**
 * Reads one YAML tag token at a `!` (the grammar of PyYAML `scan_tag` and
 * libyaml): verbatim `!<uri>`, secondary `!!suffix`, named `!h!suffix`,
 * primary `!suffix`, or the non-specific `!`. Also decides whether the `!`
 * stands where a YAML parser reads a node tag (see `inTagPosition`).
 */
import { isHandleByte, MAX_TAG_CHARS, text, uriEnd } from './uri.js';

export interface TagToken {
  /** Offset of the leading `!`. */
  readonly start: number;
  readonly end: number;
  /** True for verbatim `!<...>` tags (no handle). */
  readonly verbatim: boolean;
  /** End of the handle (`!`, `!!` or `!name!`); equals `start` for verbatim tags. */
  readonly handleEnd: number;
  /** The suffix (or the URI of a verbatim tag), not yet %-decoded. */
  readonly suffixStart: number;
  readonly suffixEnd: number;
}

function isBlank(c: number | undefined): boolean {
  return c === undefined || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * The tag token starting at `b[t] === '!'`, or undefined for `!` alone, an
 * empty suffix, or a malformed verbatim tag. Allocates nothing but the result.
 */
export function readTag(b: Uint8Array, t: number): TagToken | undefined {
  const next = b[t + 1];
  if (next === 0x3c) { // !<...>
    const end = uriEnd(b, t + 2, 0x3e);
    if (b[end] !== 0x3e || end === t + 2) return undefined;
    return { start: t, end: end + 1, verbatim: true, handleEnd: t, suffixStart: t + 2, suffixEnd: end };
  }
  if (isBlank(next)) return undefined;
  // A second `!` after handle characters makes the first part a handle.
  let h = t + 1;
  const max = Math.min(b.length, t + MAX_TAG_CHARS);
  while (h < max && isHandleByte(b[h] ?? 0)) h++;
  const handleEnd = b[h] === 0x21 ? h + 1 : t + 1;
  const end = uriEnd(b, handleEnd);
  if (end === handleEnd) return undefined;
  return { start: t, end, verbatim: false, handleEnd, suffixStart: handleEnd, suffixEnd: end };
}

/** The handle of a token (`!`, `!!`, `!name!`), or null for a verbatim tag. */
export function tagHandle(b: Uint8Array, token: TagToken): string | null {
  return token.verbatim ? null : text(b, token.start, token.handleEnd);
}

/** The raw suffix text of a token. */
export function tagSuffix(b: Uint8Array, token: TagToken): string {
  return text(b, token.suffixStart, token.suffixEnd);
}

/** Bytes looked back for a flow-collection opener or a comment. */
const LOOKBACK = 4096;

/** True when `p` is before the layer, a line break, or the last byte of a leading UTF-8 BOM. */
function isLineStart(b: Uint8Array, p: number): boolean {
  return p < 0 || b[p] === 0x0a || b[p] === 0x0d || (p === 2 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf);
}

/** True when a `#` comment starts on the line before `t`. */
function inComment(b: Uint8Array, t: number): boolean {
  const min = Math.max(0, t - LOOKBACK);
  for (let p = t - 1; p >= min; p--) {
    const c = b[p];
    if (c === 0x0a || c === 0x0d) return false;
    if (c === 0x23 && (p === 0 || isBlank(b[p - 1]))) return true;
  }
  return false;
}

/** True when an unclosed `[` or `{` precedes `p` (bounded look-back). */
function inFlow(b: Uint8Array, p: number): boolean {
  let depth = 0;
  const min = Math.max(0, p - LOOKBACK);
  for (let q = p; q >= min; q--) {
    const c = b[q];
    if (c === 0x5d || c === 0x7d) depth++;
    else if (c === 0x5b || c === 0x7b) {
      if (depth === 0) return true;
      depth--;
    }
  }
  return false;
}

/**
 * Whether a YAML parser reads the `!` at `t` as a node tag: at the start of
 * a line (after indentation), after `key: `, `- `, `? `, `--- `, after an
 * anchor `&a `, or inside a flow collection (`[`, `{`, `,`). A tag that
 * follows an ordinary word ("tags such as !!python/object") is prose.
 */
export function inTagPosition(b: Uint8Array, t: number): boolean {
  let p = t - 1;
  for (let hop = 0; hop < 2; hop++) {
    const blankEnd = p;
    while (p >= 0 && (b[p] === 0x20 || b[p] === 0x09)) p--;
    if (isLineStart(b, p)) return !inComment(b, t);
    const spaced = p < blankEnd;
    const c = b[p];
    let ok: boolean;
    if (c === 0x5b || c === 0x7b) ok = true;
    else if (c === 0x2c) ok = inFlow(b, p - 1);
    else if (c === 0x3a) ok = spaced || b[p - 1] === 0x22 || b[p - 1] === 0x27;
    else if (c === 0x2d || c === 0x3f) ok = spaced && (isBlank(b[p - 1]) || p === 0 || (c === 0x2d && b[p - 1] === 0x2d));
    else {
      // An anchor property (`&name`) may sit between the indicator and the tag.
      if (!spaced) return false;
      let s = p;
      while (s >= 0 && !isBlank(b[s]) && p - s < 256) s--;
      if (b[s + 1] !== 0x26) return false;
      p = s;
      continue;
    }
    return ok && !inComment(b, t);
  }
  return false;
}
