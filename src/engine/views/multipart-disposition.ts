/**
 * `Content-Disposition: form-data; name="..."; filename="..."` of a multipart
 * part (RFC 7578 §4.2), read one way only.
 *
 * Decisions (each refused with its own code):
 *  - the disposition type must be `form-data`;
 *  - parameters follow the strict RFC 9110 grammar of params.ts: no
 *    duplicates, no RFC 2231 `name*`/`filename*`, no backslash escapes, no
 *    text after a closing quote (`filename="a.jpg".html`);
 *  - an unquoted value containing `'` is refused (CVE-2009-5031/2012-2751:
 *    single quotes are stripped by some parsers);
 *  - a quoted value that itself contains a parameter assignment for `name`
 *    or `filename` (`note="x; filename=evil.exe "`) is refused as a decoy:
 *    lenient parsers that search for `filename=` read it;
 *  - exactly one `name`, at most `maxNameBytes` bytes; `name` and `filename`
 *    must be valid UTF-8 (their bytes are decoded as UTF-8).
 * Other parameters are allowed and returned.
 */
import { isUtf8 } from 'node:buffer';
import { viewError, type ViewError, type ViewErrorCode } from './errors.js';
import { DEFAULT_MAX_PARAMS, parseParameters, type Parameter } from './params.js';

export interface Disposition {
  readonly name: string;
  readonly filename?: string;
  readonly params: readonly Parameter[];
  readonly error?: undefined;
}

export type DispositionResult = Disposition | { readonly error: ViewError };

const PARAM_CODES: Partial<Record<ViewErrorCode, ViewErrorCode>> = {
  CT_DUPLICATE_PARAM: 'MULTIPART_DUPLICATE_PARAM',
  CT_RFC2231_PARAM: 'MULTIPART_RFC2231_PARAM',
  CT_QUOTED_PAIR: 'MULTIPART_AMBIGUOUS_QUOTING',
  CT_SINGLE_QUOTED: 'MULTIPART_AMBIGUOUS_QUOTING',
};

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** True if `v` contains `name` (any case) followed by optional `*`/digits, OWS and `=`. */
export function hasDecoyAssignment(v: string): boolean {
  const n = v.length;
  for (let i = 0; i + 4 < n; i++) {
    if (lower(v.charCodeAt(i)) !== 0x6e || lower(v.charCodeAt(i + 1)) !== 0x61 || lower(v.charCodeAt(i + 2)) !== 0x6d || lower(v.charCodeAt(i + 3)) !== 0x65) continue;
    let j = i + 4;
    while (j < n) {
      const c = v.charCodeAt(j);
      if (c === 0x2a || (c >= 0x30 && c <= 0x39) || c === 0x20 || c === 0x09) j++;
      else break;
    }
    if (j < n && v.charCodeAt(j) === 0x3d) return true;
  }
  return false;
}

/** Decode a latin1 (one char per byte) string as UTF-8; undefined if invalid. */
function utf8Of(s: string): { text: string; bytes: number } | undefined {
  const b = Buffer.from(s, 'latin1');
  if (!isUtf8(b)) return undefined;
  return { text: b.toString('utf8'), bytes: b.length };
}

/**
 * Parse a Content-Disposition value (latin1 string). `offset` is the absolute
 * offset of the header line, used for errors.
 */
export function parseDisposition(value: string, offset: number, maxNameBytes: number): DispositionResult {
  const n = value.length;
  let i = 0;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c === 0x3b || c === 0x20 || c === 0x09) break;
    i++;
  }
  if (value.slice(0, i).toLowerCase() !== 'form-data') {
    return { error: viewError('MULTIPART_DISPOSITION_TYPE', 'part disposition is not form-data', offset) };
  }
  const res = parseParameters(value, i, DEFAULT_MAX_PARAMS);
  if (res.error) {
    const code = PARAM_CODES[res.error.code] ?? 'MULTIPART_DISPOSITION_SYNTAX';
    return { error: viewError(code, `Content-Disposition: ${res.error.message}`, offset) };
  }
  let name: string | undefined;
  let filename: string | undefined;
  for (const p of res.params) {
    if (!p.quoted && p.value.indexOf("'") !== -1) {
      return { error: viewError('MULTIPART_AMBIGUOUS_QUOTING', 'single quote in an unquoted disposition parameter', offset) };
    }
    if (p.quoted && hasDecoyAssignment(p.value)) {
      return { error: viewError('MULTIPART_DECOY_PARAM', 'quoted disposition parameter contains a name/filename assignment', offset) };
    }
    if (p.name === 'name' || p.name === 'filename') {
      const dec = utf8Of(p.value);
      if (dec === undefined) return { error: viewError('MULTIPART_HEADER_ENCODING', `${p.name} is not valid UTF-8`, offset) };
      if (p.name === 'name') {
        if (dec.bytes > maxNameBytes) return { error: viewError('MULTIPART_NAME_LIMIT', 'field name too long', offset, 'maxNameBytes') };
        name = dec.text;
      } else filename = dec.text;
    }
  }
  if (name === undefined) return { error: viewError('MULTIPART_NO_NAME', 'part without a name parameter', offset) };
  return filename === undefined ? { name, params: res.params } : { name, filename, params: res.params };
}
