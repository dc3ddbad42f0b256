/**
 * A bounded JavaScript "skimmer" for revived function sources: it knows
 * strings, template literals, comments and bracket nesting, enough to tell a
 * bare function literal (revived but not run) from an expression that runs
 * when evaluated (an IIFE like `function(){...}()`, `(()=>{...})()`, a call
 * such as `require(...)`, or a parenthesis break-out `})(`). It is not a
 * parser; when unsure it answers `executes` (fail closed). No recursion,
 * no RegExp; every loop walks the input at most once per peeled paren.
 */

export type RevivedKind =
  /** Nothing after the marker (eval of `()` fails). */
  | 'empty'
  /** A function/arrow literal and nothing else: created, not run. */
  | 'function'
  /** Runs code when evaluated. */
  | 'executes'
  /** Some other expression without calls. */
  | 'other';

/** Wrapping parentheses peeled at most. */
const MAX_PEEL = 16;

function isIdent(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24 || c >= 0x80;
}

/** Skips whitespace and comments from `i`; returns the next significant index (or `end`). */
export function skipTrivia(s: string, i: number, end: number = s.length): number {
  let p = i;
  while (p < end) {
    const c = s.charCodeAt(p);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c || c === 0xa0 || c === 0xfeff ||
      c === 0x2028 || c === 0x2029) {
      p++;
    } else if (c === 0x2f && s.charCodeAt(p + 1) === 0x2f) {
      const nl = s.indexOf('\n', p + 2);
      p = nl < 0 || nl >= end ? end : nl + 1;
    } else if (c === 0x2f && s.charCodeAt(p + 1) === 0x2a) {
      const close = s.indexOf('*/', p + 2);
      p = close < 0 || close + 2 > end ? end : close + 2;
    } else {
      break;
    }
  }
  return p;
}

/** Index after the string/template literal opening at `i` (or `end` if unterminated). */
export function skipString(s: string, i: number, end: number = s.length): number {
  const q = s.charCodeAt(i);
  let p = i + 1;
  while (p < end) {
    const c = s.charCodeAt(p);
    if (c === 0x5c) p += 2;
    else if (c === q) return p + 1;
    else p++;
  }
  return end;
}

/** Index after the bracket matching the one at `i` (`(`, `[` or `{`), or -1. Strings and comments are skipped. */
export function matchClose(s: string, i: number, end: number = s.length): number {
  let depth = 0;
  let p = i;
  while (p < end) {
    const c = s.charCodeAt(p);
    if (c === 0x22 || c === 0x27 || c === 0x60) {
      p = skipString(s, p, end);
      continue;
    }
    if (c === 0x2f && (s.charCodeAt(p + 1) === 0x2f || s.charCodeAt(p + 1) === 0x2a)) {
      p = skipTrivia(s, p, end);
      continue;
    }
    if (c === 0x28 || c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x29 || c === 0x5d || c === 0x7d) {
      depth--;
      if (depth === 0) return p + 1;
      if (depth < 0) return -1;
    }
    p++;
  }
  return -1;
}

function word(s: string, i: number, w: string): boolean {
  return s.startsWith(w, i) && !isIdent(s.charCodeAt(i + w.length));
}

function identEnd(s: string, i: number, end: number): number {
  let p = i;
  while (p < end && isIdent(s.charCodeAt(p))) p++;
  return p;
}

/** End of an arrow body starting at `i`: a block, or an expression up to `end` (-1 if it closes a paren it did not open). */
function arrowBodyEnd(s: string, i: number, end: number): number {
  if (s.charCodeAt(i) === 0x7b) return matchClose(s, i, end);
  let depth = 0;
  let p = i;
  while (p < end) {
    const c = s.charCodeAt(p);
    if (c === 0x22 || c === 0x27 || c === 0x60) { p = skipString(s, p, end); continue; }
    if (c === 0x28 || c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x29 || c === 0x5d || c === 0x7d) {
      depth--;
      if (depth < 0) return -1;
    }
    p++;
  }
  return end;
}

/** End index of the function or arrow literal starting at `i`, or -1 when there is none. */
export function functionLiteralEnd(s: string, i: number, end: number = s.length): number {
  let p = i;
  if (word(s, p, 'async')) p = skipTrivia(s, p + 5, end);
  if (word(s, p, 'function')) {
    p = skipTrivia(s, p + 8, end);
    if (s.charCodeAt(p) === 0x2a) p = skipTrivia(s, p + 1, end);
    if (isIdent(s.charCodeAt(p))) p = skipTrivia(s, identEnd(s, p, end), end);
    if (s.charCodeAt(p) !== 0x28) return -1;
    const params = matchClose(s, p, end);
    if (params < 0) return -1;
    p = skipTrivia(s, params, end);
    if (s.charCodeAt(p) !== 0x7b) return -1;
    return matchClose(s, p, end);
  }
  // Arrow functions: `(params) => body` or `ident => body`.
  let afterParams: number;
  if (s.charCodeAt(p) === 0x28) {
    afterParams = matchClose(s, p, end);
    if (afterParams < 0) return -1;
  } else if (isIdent(s.charCodeAt(p))) {
    afterParams = identEnd(s, p, end);
  } else {
    return -1;
  }
  const arrow = skipTrivia(s, afterParams, end);
  if (s.charCodeAt(arrow) !== 0x3d || s.charCodeAt(arrow + 1) !== 0x3e) return -1;
  return arrowBodyEnd(s, skipTrivia(s, arrow + 2, end), end);
}

/**
 * Classifies the source text that a function-reviving deserializer would
 * evaluate (node-serialize does `eval('(' + text + ')')`).
 */
export function classifyRevived(s: string): RevivedKind {
  let start = skipTrivia(s, 0);
  let end = s.length;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  if (start >= end) return 'empty';
  for (let peel = 0; peel <= MAX_PEEL; peel++) {
    if (word(s, start, 'class')) return 'executes'; // static blocks and computed keys run at definition
    const fnEnd = functionLiteralEnd(s, start, end);
    if (fnEnd >= 0) return skipTrivia(s, fnEnd, end) >= end ? 'function' : 'executes';
    if (s.charCodeAt(start) !== 0x28) break;
    const close = matchClose(s, start, end);
    if (close < 0 || skipTrivia(s, close, end) < end) return 'executes'; // (...)(...) or broken nesting
    start = skipTrivia(s, start + 1, end);
    end = close - 1;
    while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
    if (start >= end) return 'empty';
  }
  for (let p = start; p < end; p++) {
    const c = s.charCodeAt(p);
    if (c === 0x28 || c === 0x60 || c === 0x3d) return 'executes';
  }
  return 'other';
}
