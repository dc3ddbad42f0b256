/**
 * Content-Type grammar (RFC 9110 §8.3.1): `type "/" subtype *( OWS ";" OWS [parameter] )`.
 *
 * Used for the request Content-Type and for multipart part Content-Types.
 * Refuses (never guesses): empty/invalid tokens, leading or trailing
 * whitespace (HTTP strips OWS around a field value, so a value that still has
 * it was not taken from a clean header), duplicate parameters, RFC 2231
 * `name*`/`name*0` parameters, backslash escapes, single-quoted values.
 */
import { inTable, TCHAR } from './chars.js';
import { viewError, type ViewError } from './errors.js';
import { DEFAULT_MAX_PARAMS, parseParameters } from './params.js';

export interface MediaType {
  /** Lower-cased type, e.g. `multipart`. */
  readonly type: string;
  /** Lower-cased subtype, e.g. `form-data`. */
  readonly subtype: string;
  /** `type/subtype`, lower-cased. */
  readonly essence: string;
  /** Lower-cased parameter names to values (unquoted, case preserved). */
  readonly params: ReadonlyMap<string, string>;
  readonly error?: undefined;
}

export interface MediaTypeFailure {
  readonly error: ViewError;
}

export type MediaTypeResult = MediaType | MediaTypeFailure;

export interface MediaTypeOptions {
  /** Longest accepted value in characters (refused when length >= maxLength). */
  readonly maxLength?: number;
  readonly maxParams?: number;
}

export const DEFAULT_MEDIA_TYPE_MAX_LENGTH = 4096;

/** Charsets accepted by default (compared lower-cased). */
export const DEFAULT_ALLOWED_CHARSETS: readonly string[] = ['utf-8', 'us-ascii', 'iso-8859-1'];

function failure(error: ViewError): MediaTypeFailure {
  return { error };
}

export function parseMediaType(value: string, options: MediaTypeOptions = {}): MediaTypeResult {
  const maxLength = options.maxLength ?? DEFAULT_MEDIA_TYPE_MAX_LENGTH;
  const n = value.length;
  if (n >= maxLength) return failure(viewError('CT_TOO_LONG', 'media type value too long', maxLength, 'maxLength'));
  if (n === 0) return failure(viewError('CT_EMPTY', 'empty media type', 0));
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(n - 1);
  if (first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09) {
    return failure(viewError('CT_WHITESPACE', 'whitespace around the media type', first === 0x20 || first === 0x09 ? 0 : n - 1));
  }
  let i = 0;
  while (i < n && inTable(TCHAR, value.charCodeAt(i))) i++;
  if (i === 0) return failure(viewError('CT_BAD_TOKEN', 'media type does not start with a token', 0));
  if (i >= n || value.charCodeAt(i) !== 0x2f) return failure(viewError('CT_SYNTAX', 'media type without "/"', i));
  const type = value.slice(0, i).toLowerCase();
  const subStart = ++i;
  while (i < n && inTable(TCHAR, value.charCodeAt(i))) i++;
  if (i === subStart) return failure(viewError('CT_BAD_TOKEN', 'empty or invalid subtype', i));
  const subtype = value.slice(subStart, i).toLowerCase();
  if (i < n) {
    const c = value.charCodeAt(i);
    if (c !== 0x3b && c !== 0x20 && c !== 0x09) return failure(viewError('CT_BAD_TOKEN', 'invalid character in subtype', i));
  }
  const res = parseParameters(value, i, options.maxParams ?? DEFAULT_MAX_PARAMS);
  if (res.error) return failure(viewError(res.error.code, res.error.message, res.error.offset));
  const params = new Map<string, string>();
  for (const p of res.params) params.set(p.name, p.value);
  return { type, subtype, essence: `${type}/${subtype}`, params };
}

/** The lower-cased `charset` parameter, if any. */
export function charsetOf(mt: MediaType): string | undefined {
  const cs = mt.params.get('charset');
  return cs === undefined ? undefined : cs.toLowerCase();
}

/**
 * Check the charset parameter against an allow-list (default utf-8, us-ascii,
 * iso-8859-1). Absent charset is accepted. Returns a 415-class error or undefined.
 */
export function checkCharset(mt: MediaType, allowed: readonly string[] = DEFAULT_ALLOWED_CHARSETS): ViewError | undefined {
  const cs = charsetOf(mt);
  if (cs === undefined || allowed.includes(cs)) return undefined;
  return viewError('CT_CHARSET', 'charset is not on the allow-list', 0);
}
