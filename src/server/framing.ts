/**
 * Checks on the request head that Node's parser (llhttp, strict mode) does not
 * make, so that nothing a server could read two ways is forwarded: duplicate
 * framing headers, look-alike header names, transfer codings other than
 * `chunked`, bodies on methods without one, absolute-form targets, tunnels.
 * Limits on header count, header bytes and target length are enforced here
 * with exact statuses (Node's own limits are set just above ours).
 */
import type { IncomingMessage } from 'node:http';
import { refuse, type RequestRefusedError } from '../errors.js';
import type { LimitsConfig } from '../config/schema.js';

/** Headers that must appear at most once (RFC 9112 §3.2, §6; CVE-2023-38199 for Content-Type). */
const SINGLETONS = new Set(['host', 'content-length', 'transfer-encoding', 'content-type', 'content-encoding', 'authorization', 'expect']);

/** Squeezed spellings of framing headers: a name that squeezes to one of these but is not it is a look-alike. */
const LOOKALIKE_TARGETS = new Map([
  ['contenttype', 'content-type'],
  ['contentlength', 'content-length'],
  ['transferencoding', 'transfer-encoding'],
  ['host', 'host'],
  ['contentencoding', 'content-encoding'],
]);

const BODYLESS_METHODS = new Set(['GET', 'HEAD']);
const REFUSED_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK', 'PRI']);

export interface HeadFacts {
  /** Declared Content-Length, or null. */
  readonly contentLength: number | null;
  readonly chunked: boolean;
  /** True when the request announces a body (non-zero Content-Length or chunked). */
  readonly hasBody: boolean;
  /** True when the request has body framing at all (CL, even 0, or TE). */
  readonly framed: boolean;
}

export type HeadCheck = { ok: true; facts: HeadFacts } | { ok: false; error: RequestRefusedError };

export function checkRequestHead(req: IncomingMessage, limits: LimitsConfig): HeadCheck {
  const fail = (e: RequestRefusedError): HeadCheck => ({ ok: false, error: e });
  const version = req.httpVersion;
  if (version !== '1.1' && version !== '1.0') return fail(refuse('DW_ERR_HTTP_VERSION', `HTTP/${version} is not supported`));
  const method = req.method ?? '';
  if (REFUSED_METHODS.has(method)) return fail(refuse('DW_ERR_METHOD_NOT_ALLOWED', `method ${method} is not proxied`));
  const target = req.url ?? '';
  if (Buffer.byteLength(target) > limits.maxUrlBytes) return fail(refuse('DW_ERR_URI_TOO_LONG', `request target longer than ${limits.maxUrlBytes} bytes`));
  if (!(target.startsWith('/') || (target === '*' && method === 'OPTIONS'))) {
    return fail(refuse('DW_ERR_BAD_FRAMING', 'request target must be origin-form (absolute-form and authority-form are refused)'));
  }
  const raw = req.rawHeaders;
  if (raw.length / 2 > limits.maxHeaderCount) return fail(refuse('DW_ERR_TOO_MANY_HEADERS', `more than ${limits.maxHeaderCount} header fields`));

  let headerBytes = 0;
  const seen = new Set<string>();
  let contentLength: number | null = null;
  let te: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    headerBytes += name.length + value.length + 4;
    const lower = name.toLowerCase();
    if (lower.includes('_')) return fail(refuse('DW_ERR_BAD_HEADER', `header name with "_" refused (${truncate(name)})`));
    const lookalike = lookalikeOf(lower);
    if (lookalike !== null) return fail(refuse('DW_ERR_BAD_HEADER', `look-alike of ${lookalike} refused (${truncate(name)})`));
    if (SINGLETONS.has(lower)) {
      if (seen.has(lower)) return fail(refuse('DW_ERR_DUPLICATE_HEADER', `duplicate ${lower} header`));
      seen.add(lower);
    }
    if (lower === 'content-length') {
      if (!isDigits(value, 16)) return fail(refuse('DW_ERR_BAD_FRAMING', 'malformed Content-Length'));
      contentLength = Number(value);
    } else if (lower === 'transfer-encoding') {
      te = value;
    }
  }
  if (headerBytes > limits.maxHeaderBytes) return fail(refuse('DW_ERR_HEADERS_TOO_LARGE', `header section larger than ${limits.maxHeaderBytes} bytes`));

  let chunked = false;
  if (te !== null) {
    if (contentLength !== null) return fail(refuse('DW_ERR_BAD_FRAMING', 'Content-Length together with Transfer-Encoding'));
    if (version !== '1.1') return fail(refuse('DW_ERR_BAD_FRAMING', 'Transfer-Encoding on HTTP/1.0'));
    if (te.trim().toLowerCase() !== 'chunked') return fail(refuse('DW_ERR_BAD_FRAMING', 'only "Transfer-Encoding: chunked" is accepted'));
    chunked = true;
  }
  const hasBody = chunked || (contentLength !== null && contentLength > 0);
  if (BODYLESS_METHODS.has(method) && (chunked || (contentLength !== null && contentLength > 0))) {
    return fail(refuse('DW_ERR_BODY_NOT_ALLOWED', `${method} with a body is refused`));
  }
  if (contentLength !== null && contentLength > limits.maxBodyBytes) {
    return fail(refuse('DW_ERR_BODY_TOO_LARGE', `Content-Length ${contentLength} exceeds maxBodyBytes ${limits.maxBodyBytes}`));
  }
  const upgrade = req.headers.upgrade;
  if (upgrade !== undefined && upgrade.toLowerCase().includes('h2c')) return fail(refuse('DW_ERR_UPGRADE_REFUSED', 'h2c upgrade refused'));
  if (req.headers['http2-settings'] !== undefined) return fail(refuse('DW_ERR_UPGRADE_REFUSED', 'HTTP2-Settings refused'));
  const expect = req.headers.expect;
  if (expect !== undefined && expect.toLowerCase() !== '100-continue') return fail(refuse('DW_ERR_EXPECTATION_FAILED', 'only "Expect: 100-continue" is supported'));
  return { ok: true, facts: { contentLength, chunked, hasBody, framed: chunked || contentLength !== null } };
}

/**
 * The framing header a name imitates, or null. `ContentType`, `Content-type-`
 * and `Cntent-Type` (one edit away, for the long names) are look-alikes that a
 * lenient framework may honour while we would not.
 */
function lookalikeOf(lower: string): string | null {
  const squeezed = lower.replaceAll('-', '');
  for (const [key, real] of LOOKALIKE_TARGETS) {
    if (real === lower) return null;
    if (squeezed === key || (key.length >= 10 && oneEditApart(squeezed, key))) return real;
  }
  return null;
}

/** True when a and b differ by exactly one insertion, deletion or substitution. */
function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function isDigits(s: string, maxLen: number): boolean {
  if (s.length === 0 || s.length > maxLen) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function truncate(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}
