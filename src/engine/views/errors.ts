/**
 * Error values of the structured views (JSON, multipart, urlencoded, Content-Type).
 *
 * A view never throws on attacker data: it stops and delivers exactly one
 * ViewError. `kind` says how the engine should answer: 'malformed' (400),
 * 'unsupported' (415: charsets, encodings) or 'limit' (413/400: a limit was hit).
 * `offset` is the absolute byte offset in the view's input where the problem
 * was detected (for Content-Type values: the character index).
 */

export type ViewErrorKind = 'malformed' | 'unsupported' | 'limit';

/** Every error code a view can report, with its kind. Codes are stable. */
export const VIEW_ERROR_KINDS = {
  // Content-Type / parameter grammar (RFC 9110 §5.6, §8.3)
  CT_EMPTY: 'malformed',
  CT_SYNTAX: 'malformed',
  CT_WHITESPACE: 'malformed',
  CT_BAD_TOKEN: 'malformed',
  CT_BAD_QUOTED: 'malformed',
  CT_QUOTED_PAIR: 'malformed',
  CT_SINGLE_QUOTED: 'malformed',
  CT_DUPLICATE_PARAM: 'malformed',
  CT_RFC2231_PARAM: 'malformed',
  CT_TOO_LONG: 'limit',
  CT_TOO_MANY_PARAMS: 'limit',
  CT_CHARSET: 'unsupported',

  // JSON (RFC 8259)
  JSON_BOM: 'malformed',
  JSON_COMMENT: 'malformed',
  JSON_TRAILING_COMMA: 'malformed',
  JSON_SINGLE_QUOTE: 'malformed',
  JSON_UNQUOTED_KEY: 'malformed',
  JSON_NUL: 'malformed',
  JSON_CONTROL_CHAR: 'malformed',
  JSON_BAD_ESCAPE: 'malformed',
  JSON_ESCAPED_NUL: 'malformed',
  JSON_LONE_SURROGATE: 'malformed',
  JSON_INVALID_UTF8: 'malformed',
  JSON_BAD_NUMBER: 'malformed',
  JSON_BAD_LITERAL: 'malformed',
  JSON_SYNTAX: 'malformed',
  JSON_TRAILING_DATA: 'malformed',
  JSON_DUPLICATE_KEY: 'malformed',
  JSON_DUPLICATE_KEY_CASE: 'malformed',
  JSON_EMPTY: 'malformed',
  JSON_TRUNCATED: 'malformed',
  JSON_DEPTH_LIMIT: 'limit',
  JSON_KEY_LIMIT: 'limit',
  JSON_VALUE_LIMIT: 'limit',
  JSON_STRING_LIMIT: 'limit',
  JSON_KEY_LENGTH_LIMIT: 'limit',
  JSON_NUMBER_LIMIT: 'limit',

  // multipart/form-data (RFC 7578, RFC 2046)
  MULTIPART_NO_BOUNDARY: 'malformed',
  MULTIPART_BAD_BOUNDARY: 'malformed',
  MULTIPART_PREAMBLE: 'malformed',
  MULTIPART_DELIMITER_SUFFIX: 'malformed',
  MULTIPART_BOUNDARY_IN_BODY: 'malformed',
  MULTIPART_BARE_LF: 'malformed',
  MULTIPART_BARE_CR: 'malformed',
  MULTIPART_EPILOGUE: 'malformed',
  MULTIPART_TRUNCATED: 'malformed',
  MULTIPART_HEADER_FOLDING: 'malformed',
  MULTIPART_HEADER_NUL: 'malformed',
  MULTIPART_HEADER_CTL: 'malformed',
  MULTIPART_HEADER_SYNTAX: 'malformed',
  MULTIPART_HEADER_NAME: 'malformed',
  MULTIPART_HEADER_ENCODING: 'malformed',
  MULTIPART_NO_DISPOSITION: 'malformed',
  MULTIPART_DUPLICATE_DISPOSITION: 'malformed',
  MULTIPART_DISPOSITION_TYPE: 'malformed',
  MULTIPART_DISPOSITION_SYNTAX: 'malformed',
  MULTIPART_DUPLICATE_PARAM: 'malformed',
  MULTIPART_RFC2231_PARAM: 'malformed',
  MULTIPART_AMBIGUOUS_QUOTING: 'malformed',
  MULTIPART_DECOY_PARAM: 'malformed',
  MULTIPART_NO_NAME: 'malformed',
  MULTIPART_PART_CONTENT_TYPE: 'malformed',
  MULTIPART_DUPLICATE_CONTENT_TYPE: 'malformed',
  MULTIPART_NESTED: 'malformed',
  MULTIPART_CHARSET: 'unsupported',
  MULTIPART_BAD_CTE: 'malformed',
  MULTIPART_DUPLICATE_CTE: 'malformed',
  MULTIPART_BAD_BASE64: 'malformed',
  MULTIPART_BAD_QUOTED_PRINTABLE: 'malformed',
  MULTIPART_PART_LIMIT: 'limit',
  MULTIPART_HEADER_LINES_LIMIT: 'limit',
  MULTIPART_HEADER_BYTES_LIMIT: 'limit',
  MULTIPART_NAME_LIMIT: 'limit',
  MULTIPART_FIELD_LIMIT: 'limit',

  // application/x-www-form-urlencoded, query strings, cookies
  FORM_BAD_PERCENT: 'malformed',
  FORM_PERCENT_U: 'malformed',
  FORM_NUL: 'malformed',
  FORM_SEMICOLON: 'malformed',
  FORM_FIELD_LIMIT: 'limit',
  FORM_FIELD_BYTES_LIMIT: 'limit',
  COOKIE_LIMIT: 'limit',
} as const satisfies Record<string, ViewErrorKind>;

export type ViewErrorCode = keyof typeof VIEW_ERROR_KINDS;

export interface ViewError {
  readonly code: ViewErrorCode;
  readonly kind: ViewErrorKind;
  /** One line, never contains raw request bytes. */
  readonly message: string;
  /** Absolute offset (bytes for streams, characters for header values). */
  readonly offset: number;
  /** For kind 'limit': the option name of the limit that was hit. */
  readonly limit?: string;
}

/** What `end()` of a streaming view returns. */
export type ViewResult = { readonly ok: true } | { readonly ok: false; readonly error: ViewError };

export function viewError(code: ViewErrorCode, message: string, offset: number, limit?: string): ViewError {
  const kind = VIEW_ERROR_KINDS[code];
  return limit === undefined ? { code, kind, message, offset } : { code, kind, message, offset, limit };
}

/**
 * Suggested engine rule ids for view refusals (family 'protocol', or 'limit'
 * for limits). The lead maps a ViewError to a Finding with these.
 */
export const VIEW_RULES = {
  contentType: 'DW-PROTOCOL-101',
  json: 'DW-PROTOCOL-102',
  multipart: 'DW-PROTOCOL-103',
  form: 'DW-PROTOCOL-104',
  charset: 'DW-PROTOCOL-105',
  limit: 'DW-LIMIT-VIEW',
} as const;

/** The suggested rule id for an error. */
export function ruleForViewError(error: ViewError): string {
  if (error.kind === 'limit') return VIEW_RULES.limit;
  if (error.kind === 'unsupported') return VIEW_RULES.charset;
  const c = error.code;
  if (c.startsWith('CT_')) return VIEW_RULES.contentType;
  if (c.startsWith('JSON_')) return VIEW_RULES.json;
  if (c.startsWith('MULTIPART_')) return VIEW_RULES.multipart;
  return VIEW_RULES.form;
}
