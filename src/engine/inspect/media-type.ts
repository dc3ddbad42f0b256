/**
 * The body's declared media type. A Content-Type that does not parse (duplicate
 * or RFC 2231 parameters, bad tokens) is refused: the application might read it
 * differently. Text formats we parse (JSON, urlencoded, multipart) must use a
 * charset we read the same way as the app (utf-8, us-ascii, iso-8859-1); XML may
 * declare others (it is transcoded).
 */
import { charsetOf, checkCharset, parseMediaType } from '../views/content-type.js';
import { ruleForViewError } from '../views/errors.js';
import type { FindingKind } from '../types.js';

export interface BodyMediaType {
  readonly essence?: string;
  readonly header?: string;
  readonly charset?: string;
  readonly error?: { readonly rule: string; readonly kind: FindingKind; readonly message: string };
}

const CHARSET_CHECKED = new Set(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

export function bodyMediaType(rawHeaders: readonly string[]): BodyMediaType {
  let header: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.length === 12 && rawHeaders[i]!.toLowerCase() === 'content-type') {
      header = rawHeaders[i + 1]!;
      break;
    }
  }
  if (header === undefined) return {};
  const mt = parseMediaType(header);
  if (mt.error) {
    const e = mt.error;
    return { header, error: { rule: ruleForViewError(e), kind: e.kind === 'unsupported' ? 'unsupported' : 'malformed', message: `Content-Type refused: ${e.message}` } };
  }
  if (CHARSET_CHECKED.has(mt.essence) || mt.essence.endsWith('+json')) {
    const ce = checkCharset(mt);
    if (ce) return { essence: mt.essence, header, error: { rule: ruleForViewError(ce), kind: 'unsupported', message: `charset ${mt.params.get('charset') ?? ''} is not accepted for ${mt.essence}`.slice(0, 120) } };
  }
  if (mt.essence === 'multipart/form-data' && !mt.params.has('boundary')) {
    return { essence: mt.essence, header, error: { rule: 'DW-PROTOCOL-103', kind: 'malformed', message: 'multipart/form-data without a boundary' } };
  }
  const charset = charsetOf(mt);
  return { essence: mt.essence, header, ...(charset !== undefined ? { charset } : {}) };
}
