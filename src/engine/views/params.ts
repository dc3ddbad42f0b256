/**
 * The RFC 9110 parameter-list grammar shared by Content-Type and
 * Content-Disposition: `*( OWS ";" OWS [ token "=" ( token / quoted-string ) ] )`.
 *
 * Strict on purpose (one reading only): no whitespace around `=`, no text
 * after a closing quote, no quoted-pairs (backslash escapes are read
 * differently by different parsers), no token value that starts with a single
 * quote, no RFC 2231 `name*` / `name*0` parameters, no duplicate names
 * (compared ASCII case-insensitively). Input is a header value as a JS string
 * whose char codes are bytes (latin1); char codes > 0xFF are refused.
 */
import { inTable, TCHAR } from './chars.js';
import type { ViewErrorCode } from './errors.js';

export interface Parameter {
  /** Lower-cased parameter name. */
  readonly name: string;
  /** The value, without quotes. */
  readonly value: string;
  readonly quoted: boolean;
  /** Index of the parameter name in the input. */
  readonly offset: number;
}

export interface ParamError {
  readonly code: ViewErrorCode;
  readonly message: string;
  readonly offset: number;
}

export type ParamsResult = { readonly params: readonly Parameter[]; readonly error?: undefined } | { readonly error: ParamError };

export const DEFAULT_MAX_PARAMS = 16;

const SP = 0x20;
const HTAB = 0x09;
const SEMI = 0x3b;
const EQ = 0x3d;
const DQUOTE = 0x22;
const BSLASH = 0x5c;
const SQUOTE = 0x27;

function isOws(c: number): boolean {
  return c === SP || c === HTAB;
}

function fail(code: ViewErrorCode, message: string, offset: number): { error: ParamError } {
  return { error: { code, message, offset } };
}

/** True for qdtext (RFC 9110): HTAB, SP, 0x21, 0x23-0x5B, 0x5D-0x7E, obs-text. */
function isQdtext(c: number): boolean {
  if (c === HTAB || c === SP || c === 0x21) return true;
  if (c >= 0x23 && c <= 0x7e) return c !== BSLASH;
  return c >= 0x80 && c <= 0xff;
}

/**
 * Parse parameters starting at `start` (which must be at OWS or `;` or the end).
 * Bounded by the input length and `maxParams`.
 */
export function parseParameters(input: string, start: number, maxParams: number = DEFAULT_MAX_PARAMS): ParamsResult {
  const params: Parameter[] = [];
  const seen = new Map<string, number>();
  const n = input.length;
  let i = start;
  while (i < n) {
    while (i < n && isOws(input.charCodeAt(i))) i++;
    if (i >= n) break;
    if (input.charCodeAt(i) !== SEMI) return fail('CT_SYNTAX', 'expected ";" between parameters', i);
    i++;
    while (i < n && isOws(input.charCodeAt(i))) i++;
    if (i >= n) break;
    if (input.charCodeAt(i) === SEMI) continue;

    const nameStart = i;
    while (i < n && inTable(TCHAR, input.charCodeAt(i))) i++;
    if (i === nameStart) return fail('CT_BAD_TOKEN', 'parameter name is not a token', i);
    const name = input.slice(nameStart, i).toLowerCase();
    if (name.indexOf('*') !== -1) {
      return fail('CT_RFC2231_PARAM', 'RFC 2231 extended parameter (name*) refused', nameStart);
    }
    if (i >= n || input.charCodeAt(i) !== EQ) {
      return fail('CT_SYNTAX', isOws(input.charCodeAt(i)) ? 'whitespace before "=" in parameter' : 'parameter without "="', i);
    }
    i++;
    if (i >= n) return fail('CT_SYNTAX', 'parameter without value', i);
    const c0 = input.charCodeAt(i);
    let value: string;
    let quoted = false;
    if (c0 === DQUOTE) {
      quoted = true;
      const vStart = i + 1;
      let j = vStart;
      for (;;) {
        if (j >= n) return fail('CT_BAD_QUOTED', 'unterminated quoted-string', i);
        const c = input.charCodeAt(j);
        if (c === DQUOTE) break;
        if (c === BSLASH) return fail('CT_QUOTED_PAIR', 'backslash escape in quoted-string refused (ambiguous)', j);
        if (!isQdtext(c)) return fail('CT_BAD_QUOTED', 'control or non-byte character in quoted-string', j);
        j++;
      }
      value = input.slice(vStart, j);
      i = j + 1;
    } else if (isOws(c0)) {
      return fail('CT_SYNTAX', 'whitespace after "=" in parameter', i);
    } else {
      const vStart = i;
      while (i < n && inTable(TCHAR, input.charCodeAt(i))) i++;
      if (i === vStart) return fail('CT_BAD_TOKEN', 'parameter value is neither token nor quoted-string', i);
      if (c0 === SQUOTE) return fail('CT_SINGLE_QUOTED', 'single-quoted parameter value refused (ambiguous)', vStart);
      value = input.slice(vStart, i);
    }
    // After a value: OWS, then ";" or the end. Anything else (e.g. `"a.jpg".html`) is refused.
    let k = i;
    while (k < n && isOws(input.charCodeAt(k))) k++;
    if (k < n && input.charCodeAt(k) !== SEMI) return fail('CT_SYNTAX', 'text after parameter value', i);

    if (seen.has(name)) return fail('CT_DUPLICATE_PARAM', 'duplicate parameter', nameStart);
    if (params.length >= maxParams) return fail('CT_TOO_MANY_PARAMS', 'too many parameters', nameStart);
    seen.set(name, params.length);
    params.push({ name, value, quoted, offset: nameStart });
  }
  return { params };
}
