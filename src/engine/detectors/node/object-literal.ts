/**
 * serialize-to-js style payloads. Old `serialize-to-js` deserialize() (and
 * the many apps that revive JavaScript object literals with
 * `eval('(' + s + ')')` or `new Function('return ' + s)`) run whatever
 * expression sits in a property value. A request body that is an object or
 * array literal (first significant byte `{` or `[`) and, outside strings and
 * comments, holds an immediately invoked function or a call to require /
 * eval / Function / import is such a payload. JSON never has code outside
 * strings, and JavaScript source posted to a CMS is a program (it does not
 * start with `{`), so both stay clean.
 */
import { functionLiteralEnd, skipString, skipTrivia } from './js-skim.js';

/** Characters of a layer examined at most. */
export const MAX_LITERAL_CHARS = 1 << 20;

const DANGEROUS_CALLS = new Set(['require', 'eval', 'Function', 'import', 'execSync', 'spawnSync', 'setTimeout', 'setInterval']);

export interface LiteralExecution {
  /** Offset (in characters = bytes, latin1) of the executing expression. */
  readonly offset: number;
  readonly what: string;
}

function isIdentStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24;
}

function isIdent(c: number): boolean {
  return isIdentStart(c) || (c >= 0x30 && c <= 0x39);
}

/** True when the first significant byte of the layer opens an object or array literal. */
export function looksLikeLiteral(b: Uint8Array): boolean {
  for (let i = 0; i < b.length && i < 1024; i++) {
    const c = b[i] ?? 0;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x7b || c === 0x5b;
  }
  return false;
}

/** The first expression in the literal text `s` that runs code when the literal is evaluated. */
export function findExecutableLiteral(s: string): LiteralExecution | undefined {
  const n = Math.min(s.length, MAX_LITERAL_CHARS);
  let p = 0;
  while (p < n) {
    const c = s.charCodeAt(p);
    if (c === 0x22 || c === 0x27 || c === 0x60) {
      p = skipString(s, p, n);
      continue;
    }
    if (c === 0x2f && (s.charCodeAt(p + 1) === 0x2f || s.charCodeAt(p + 1) === 0x2a)) {
      p = skipTrivia(s, p, n);
      continue;
    }
    if (c === 0x28) { // (function(){...})() or (()=>{...})()
      const inner = skipTrivia(s, p + 1, n);
      const fnEnd = functionLiteralEnd(s, inner, n);
      if (fnEnd >= 0) {
        const close = skipTrivia(s, fnEnd, n);
        if (s.charCodeAt(close) === 0x29 && s.charCodeAt(skipTrivia(s, close + 1, n)) === 0x28) {
          return { offset: p, what: 'an immediately invoked function' };
        }
      }
      p++;
      continue;
    }
    if (isIdentStart(c) && !isIdent(s.charCodeAt(p - 1)) && s.charCodeAt(p - 1) !== 0x2e) {
      let e = p;
      while (e < n && isIdent(s.charCodeAt(e))) e++;
      const w = s.slice(p, Math.min(e, p + 32));
      const next = skipTrivia(s, e, n);
      if (w === 'function' || w === 'async') {
        const fnEnd = functionLiteralEnd(s, p, n);
        if (fnEnd >= 0 && s.charCodeAt(skipTrivia(s, fnEnd, n)) === 0x28) return { offset: p, what: 'an immediately invoked function' };
      } else if (DANGEROUS_CALLS.has(w) && (s.charCodeAt(next) === 0x28 || s.charCodeAt(next) === 0x60)) {
        return { offset: p, what: `a call to ${w}` };
      }
      p = e;
      continue;
    }
    p++;
  }
  return undefined;
}
