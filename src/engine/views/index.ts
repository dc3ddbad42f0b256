/**
 * Public entry point of the structured views: Content-Type grammar, strict
 * streaming JSON tokenizer (+ polymorphic-typing watcher), multipart/form-data
 * parser, urlencoded parser, query-string and cookie parsing.
 */
export * from './errors.js';
export { parseMediaType, charsetOf, checkCharset, DEFAULT_ALLOWED_CHARSETS, DEFAULT_MEDIA_TYPE_MAX_LENGTH } from './content-type.js';
export type { MediaType, MediaTypeFailure, MediaTypeResult, MediaTypeOptions } from './content-type.js';
export { parseParameters, DEFAULT_MAX_PARAMS } from './params.js';
export type { Parameter, ParamsResult } from './params.js';
export { JsonTokenizer, tokenizeJson, JSON_DEFAULT_LIMITS } from './json.js';
export type { JsonHandlers, JsonLimits, JsonOptions, JsonContainer, JsonStringRaw, JsonPointer } from './json.js';
export { looksLikeJson, DEFAULT_SNIFF_BYTES } from './json-sniff.js';
export { looksLikeMultipart } from './multipart-sniff.js';
export { composeJsonHandlers } from './json-compose.js';
export { JsonTypeWatcher, TYPE_KEYS, PROTO_KEYS } from './json-types.js';
export type { JsonTypeShape, JsonTypeShapeKind } from './json-types.js';
export { MultipartParser, multipartFromContentType, validateBoundary, MULTIPART_DEFAULT_LIMITS, MAX_BOUNDARY_LENGTH } from './multipart.js';
export type { MultipartHandlers, MultipartLimits, MultipartOptions, MultipartFailure, PartInfo, PartHeader, TransferEncoding } from './multipart.js';
export { Base64Decoder, QuotedPrintableDecoder } from './transfer-decoding.js';
export type { TransferDecoder } from './transfer-decoding.js';
export { UrlencodedParser, parseUrlencoded, FIELD_FLAGS, FORM_DEFAULT_LIMITS } from './urlencoded.js';
export type { FormHandlers, FormOptions, FormLimits, FormFieldInfo } from './urlencoded.js';
export { parseQuery } from './query.js';
export type { QueryField, QueryResult } from './query.js';
export { parseCookies, COOKIE_FLAGS, DEFAULT_MAX_COOKIES } from './cookies.js';
export type { Cookie, CookieResult } from './cookies.js';
