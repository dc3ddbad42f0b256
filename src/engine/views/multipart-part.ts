/**
 * Turn the header block of one multipart part into a PartInfo, or refuse it:
 * exactly one Content-Disposition (form-data, one name), at most one
 * Content-Type (valid grammar, not multipart/*, charset on the allow-list
 * -> 415-class), at most one Content-Transfer-Encoding (7bit/8bit/binary, or
 * base64/quoted-printable which the parser decodes).
 */
import { charsetOf, parseMediaType, type MediaType } from './content-type.js';
import { viewError, type ViewError } from './errors.js';
import type { PartHeader } from './multipart-headers.js';
import { parseDisposition } from './multipart-disposition.js';

export type TransferEncoding = '7bit' | '8bit' | 'binary' | 'base64' | 'quoted-printable';

export interface PartInfo {
  /** 0-based index of the part. */
  readonly index: number;
  readonly name: string;
  /** Present when the disposition has a filename parameter (may be empty). */
  readonly filename?: string;
  /** Lower-cased essence of the part Content-Type, if declared. */
  readonly contentType?: string;
  readonly mediaType?: MediaType;
  /** Lower-cased charset parameter, if declared. */
  readonly charset?: string;
  /** Declared Content-Transfer-Encoding (lower-cased); undefined when absent. */
  readonly transferEncoding?: TransferEncoding;
  /** True when the body is base64/quoted-printable: onPartData gets decoded bytes. */
  readonly encoded: boolean;
  readonly headers: readonly PartHeader[];
  /** Absolute offset of the first header line, and of the first body byte. */
  readonly offset: number;
  readonly bodyOffset: number;
}

export interface PartRules {
  readonly maxNameBytes: number;
  readonly allowedCharsets: readonly string[];
}

const TRANSFER = new Map<string, TransferEncoding>([
  ['7bit', '7bit'],
  ['8bit', '8bit'],
  ['binary', 'binary'],
  ['base64', 'base64'],
  ['quoted-printable', 'quoted-printable'],
]);

export function buildPart(headers: readonly PartHeader[], index: number, offset: number, bodyOffset: number, rules: PartRules): PartInfo | ViewError {
  let disp: PartHeader | undefined;
  let ctype: PartHeader | undefined;
  let cte: PartHeader | undefined;
  for (const h of headers) {
    if (h.name === 'content-disposition') {
      if (disp !== undefined) return viewError('MULTIPART_DUPLICATE_DISPOSITION', 'part has two Content-Disposition headers', h.offset);
      disp = h;
    } else if (h.name === 'content-type') {
      if (ctype !== undefined) return viewError('MULTIPART_DUPLICATE_CONTENT_TYPE', 'part has two Content-Type headers', h.offset);
      ctype = h;
    } else if (h.name === 'content-transfer-encoding') {
      if (cte !== undefined) return viewError('MULTIPART_DUPLICATE_CTE', 'part has two Content-Transfer-Encoding headers', h.offset);
      cte = h;
    }
  }
  if (disp === undefined) return viewError('MULTIPART_NO_DISPOSITION', 'part without Content-Disposition', offset);
  const d = parseDisposition(disp.value, disp.offset, rules.maxNameBytes);
  if (d.error) return d.error;

  let mediaType: MediaType | undefined;
  let charset: string | undefined;
  if (ctype !== undefined) {
    const mt = parseMediaType(ctype.value);
    if (mt.error) return viewError('MULTIPART_PART_CONTENT_TYPE', `part Content-Type: ${mt.error.message}`, ctype.offset);
    if (mt.type === 'multipart') return viewError('MULTIPART_NESTED', 'nested multipart part refused', ctype.offset);
    charset = charsetOf(mt);
    if (charset !== undefined && !rules.allowedCharsets.includes(charset)) {
      return viewError('MULTIPART_CHARSET', 'part charset is not on the allow-list', ctype.offset);
    }
    mediaType = mt;
  }

  let transferEncoding: TransferEncoding | undefined;
  if (cte !== undefined) {
    transferEncoding = TRANSFER.get(cte.value.toLowerCase());
    if (transferEncoding === undefined) {
      return viewError('MULTIPART_BAD_CTE', 'unsupported Content-Transfer-Encoding', cte.offset);
    }
  }
  const encoded = transferEncoding === 'base64' || transferEncoding === 'quoted-printable';
  return {
    index,
    name: d.name,
    ...(d.filename !== undefined ? { filename: d.filename } : {}),
    ...(mediaType !== undefined ? { contentType: mediaType.essence, mediaType } : {}),
    ...(charset !== undefined ? { charset } : {}),
    ...(transferEncoding !== undefined ? { transferEncoding } : {}),
    encoded,
    headers,
    offset,
    bodyOffset,
  };
}

/** True for a ViewError (as opposed to a PartInfo). */
export function isPartError(v: PartInfo | ViewError): v is ViewError {
  return (v as ViewError).code !== undefined;
}
