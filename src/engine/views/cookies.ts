/**
 * Cookie header parsing (RFC 6265 §4.2.1 `cookie-pair *( ";" SP cookie-pair )`),
 * tolerant: every pair is returned, anomalies are flagged rather than refused
 * (a malformed Cookie header crashed ModSecurity, CVE-2019-19886; the policy
 * decides what to refuse). Values that contain `%XX` are also returned
 * percent-decoded (no `+` conversion: cookies are not form-encoded). Attacker
 * cookie names are only ever Map keys. Bounded by `maxCookies`.
 */
import { HEX_VALUE } from './chars.js';
import { viewError, type ViewError } from './errors.js';

export const COOKIE_FLAGS = {
  /** A pair without `=` (name holds the whole pair, value is empty). */
  NO_EQUALS: 1,
  EMPTY_NAME: 2,
  /** Value was in double quotes (returned without them). */
  QUOTED: 4,
  /** Value or name contains bytes outside RFC 6265 cookie-octet / token. */
  INVALID_OCTET: 8,
  /** Another cookie with the same name came before. */
  DUPLICATE: 16,
  /** Value contains `%XX` escapes (see `decoded`). */
  PERCENT: 32,
  /** Value contains a `%` that is not a valid escape. */
  INVALID_ESCAPE: 64,
  /** Empty segment (`;;`) or missing space after `;`. */
  SEPARATOR: 128,
} as const;

export interface Cookie {
  readonly name: string;
  readonly value: string;
  /** Percent-decoded value bytes, present when the value contains `%XX`. */
  readonly decoded?: Uint8Array;
  /** Character offset of the pair in the header value. */
  readonly offset: number;
  readonly flags: number;
}

export interface CookieResult {
  readonly cookies: readonly Cookie[];
  /** OR of all flags. */
  readonly flags: number;
  readonly error?: ViewError;
}

export const DEFAULT_MAX_COOKIES = 200;

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** RFC 6265 cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E. */
function isCookieOctet(c: number): boolean {
  return c === 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

function isTokenChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && '()<>@,;:\\"/[]?={}'.indexOf(String.fromCharCode(c)) === -1;
}

function hexOf(c: number): number {
  return c < 0x80 ? (HEX_VALUE[c] as number) : 0;
}

function percentDecode(v: string): { bytes: Uint8Array; invalid: boolean } {
  const out = new Uint8Array(v.length);
  let o = 0;
  let invalid = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x25) {
      const h = i + 2 < v.length ? hexOf(v.charCodeAt(i + 1)) : 0;
      const l = h !== 0 ? hexOf(v.charCodeAt(i + 2)) : 0;
      if (l !== 0) {
        out[o++] = ((h - 1) << 4) | (l - 1);
        i += 2;
        continue;
      }
      invalid = true;
    }
    out[o++] = c & 0xff;
  }
  return { bytes: out.subarray(0, o), invalid };
}

export function parseCookies(headerValue: string, maxCookies: number = DEFAULT_MAX_COOKIES): CookieResult {
  const cookies: Cookie[] = [];
  const seen = new Map<string, number>();
  let all = 0;
  const n = headerValue.length;
  let i = 0;
  while (i < n) {
    let segEnd = headerValue.indexOf(';', i);
    if (segEnd === -1) segEnd = n;
    let s = i;
    let e = segEnd;
    let flags = 0;
    if (i > 0 && headerValue.charCodeAt(i) !== 0x20) flags |= COOKIE_FLAGS.SEPARATOR;
    while (s < e && isOws(headerValue.charCodeAt(s))) s++;
    while (e > s && isOws(headerValue.charCodeAt(e - 1))) e--;
    i = segEnd + 1;
    if (s === e) {
      all |= COOKIE_FLAGS.SEPARATOR;
      continue;
    }
    if (cookies.length >= maxCookies) {
      return { cookies, flags: all, error: viewError('COOKIE_LIMIT', 'too many cookies', s, 'maxCookies') };
    }
    const eq = headerValue.indexOf('=', s);
    let name: string;
    let value: string;
    if (eq === -1 || eq >= e) {
      flags |= COOKIE_FLAGS.NO_EQUALS;
      name = headerValue.slice(s, e);
      value = '';
    } else {
      let ne = eq;
      while (ne > s && isOws(headerValue.charCodeAt(ne - 1))) ne--;
      let vs = eq + 1;
      while (vs < e && isOws(headerValue.charCodeAt(vs))) vs++;
      name = headerValue.slice(s, ne);
      value = headerValue.slice(vs, e);
      if (ne !== eq || vs !== eq + 1) flags |= COOKIE_FLAGS.INVALID_OCTET;
    }
    if (name.length === 0) flags |= COOKIE_FLAGS.EMPTY_NAME;
    for (let k = 0; k < name.length; k++) {
      if (!isTokenChar(name.charCodeAt(k))) {
        flags |= COOKIE_FLAGS.INVALID_OCTET;
        break;
      }
    }
    if (value.length >= 2 && value.charCodeAt(0) === 0x22 && value.charCodeAt(value.length - 1) === 0x22) {
      value = value.slice(1, -1);
      flags |= COOKIE_FLAGS.QUOTED;
    }
    for (let k = 0; k < value.length; k++) {
      if (!isCookieOctet(value.charCodeAt(k))) {
        flags |= COOKIE_FLAGS.INVALID_OCTET;
        break;
      }
    }
    if (seen.has(name)) flags |= COOKIE_FLAGS.DUPLICATE;
    else seen.set(name, cookies.length);
    let decoded: Uint8Array | undefined;
    if (value.indexOf('%') !== -1) {
      const d = percentDecode(value);
      if (d.invalid) flags |= COOKIE_FLAGS.INVALID_ESCAPE;
      if (d.bytes.length !== value.length) {
        flags |= COOKIE_FLAGS.PERCENT;
        decoded = d.bytes;
      }
    }
    all |= flags;
    cookies.push(decoded === undefined ? { name, value, offset: s, flags } : { name, value, decoded, offset: s, flags });
  }
  return { cookies, flags: all };
}
