/**
 * The JSON Schema `format` values deserwall ships, each a small linear check
 * written as a loop (no RegExp runs on request data): `safe-identifier`,
 * `uuid`, `email`, `hostname`, `ipv4`, `ipv6`, `date`, `time`, `date-time`,
 * `uri`. A schema naming any other format does not compile (config error).
 */
import { isIPv6 } from 'node:net';

/** Longest string a format check looks at; longer ones fail (formats describe short values). */
const MAX_FORMAT_CHARS = 4096;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isHexDigit = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/**
 * Letters, digits, `_`, `.` and `-`; starts with a letter, digit or `_` (a
 * leading `-` reads as a command-line option, a leading `.` as a hidden or
 * parent path); no `..`. So no shell metacharacter (`; & | $ \` ( ) < >`,
 * quotes, spaces, newlines) and no path separator can appear.
 */
export function isSafeIdentifier(s: string): boolean {
  if (s.length === 0 || s.length > MAX_FORMAT_CHARS) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isAlpha(c) || isDigit(c) || c === 0x5f) continue;
    if (i === 0) return false;
    if (c === 0x2d) continue;
    if (c === 0x2e && s.charCodeAt(i - 1) !== 0x2e) continue;
    return false;
  }
  return true;
}

/** 8-4-4-4-12 hex digits. */
export function isUuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else if (!isHexDigit(c)) return false;
  }
  return true;
}

/** DNS host name: labels of 1-63 letters, digits and inner hyphens, 253 characters at most. */
export function isHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  let labelStart = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      const len = i - labelStart;
      if (len === 0 || len > 63) return false;
      if (s.charCodeAt(labelStart) === 0x2d || s.charCodeAt(i - 1) === 0x2d) return false;
      labelStart = i + 1;
    } else if (!(isAlpha(c) || isDigit(c) || c === 0x2d)) return false;
  }
  return true;
}

const ATEXT_EXTRA = new Set([...'!#$%&\'*+/=?^_`{|}~-'].map((ch) => ch.charCodeAt(0)));

/** `local@domain`: a dot-atom local part of at most 64 characters and a host name with at least one dot. */
export function isEmail(s: string): boolean {
  if (s.length > 254) return false;
  const at = s.lastIndexOf('@');
  if (at <= 0 || at > 64 || at !== s.indexOf('@')) return false;
  for (let i = 0; i < at; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (i === 0 || i === at - 1 || s.charCodeAt(i - 1) === 0x2e) return false;
    } else if (!(isAlpha(c) || isDigit(c) || ATEXT_EXTRA.has(c))) return false;
  }
  const domain = s.slice(at + 1);
  return domain.includes('.') && isHostname(domain);
}

/** Dotted quad, each part 0-255 without leading zeros. */
export function isIpv4(s: string): boolean {
  if (s.length < 7 || s.length > 15) return false;
  let parts = 0;
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i < s.length && s.charCodeAt(i) !== 0x2e) {
      if (!isDigit(s.charCodeAt(i))) return false;
      continue;
    }
    const len = i - start;
    if (len === 0 || len > 3 || (len > 1 && s.charCodeAt(start) === 0x30)) return false;
    if (Number(s.slice(start, i)) > 255) return false;
    parts++;
    start = i + 1;
  }
  return parts === 4;
}

export function isIpv6(s: string): boolean {
  return s.length <= 45 && isIPv6(s) && !s.includes('%');
}

function digitsAt(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k);
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** RFC 3339 full-date `YYYY-MM-DD`. */
export function isDate(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d) return false;
  const y = digitsAt(s, 0, 4);
  const m = digitsAt(s, 5, 2);
  const d = digitsAt(s, 8, 2);
  return y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

/** RFC 3339 full-time `HH:MM:SS[.frac](Z|+HH:MM|-HH:MM)`; second 60 allowed (leap second). */
export function isTime(s: string): boolean {
  if (s.length < 9 || s.length > 64) return false;
  const h = digitsAt(s, 0, 2);
  const mi = digitsAt(s, 3, 2);
  const se = digitsAt(s, 6, 2);
  if (s.charCodeAt(2) !== 0x3a || s.charCodeAt(5) !== 0x3a || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return false;
  let i = 8;
  if (s.charCodeAt(i) === 0x2e) {
    i++;
    const from = i;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    if (i === from) return false;
  }
  const z = s.charCodeAt(i);
  if ((z === 0x5a || z === 0x7a) && i + 1 === s.length) return true;
  if ((z === 0x2b || z === 0x2d) && i + 6 === s.length && s.charCodeAt(i + 3) === 0x3a) {
    const oh = digitsAt(s, i + 1, 2);
    const om = digitsAt(s, i + 4, 2);
    return oh >= 0 && oh <= 23 && om >= 0 && om <= 59;
  }
  return false;
}

/** RFC 3339 date-time: full-date `T` full-time (`T`/`t` and `Z`/`z` accepted). */
export function isDateTime(s: string): boolean {
  if (s.length < 20) return false;
  const t = s.charCodeAt(10);
  return (t === 0x54 || t === 0x74) && isDate(s.slice(0, 10)) && isTime(s.slice(11));
}

/** URI characters allowed outside escapes (RFC 3986 unreserved, gen-delims, sub-delims). */
const URI_CHARS = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&\'()*+,;=') URI_CHARS[ch.charCodeAt(0)] = 1;

/** An absolute URI: `scheme:` then RFC 3986 characters and valid `%XX` escapes only (no spaces, quotes, `<>`, controls). */
export function isUri(s: string): boolean {
  if (s.length === 0 || s.length > MAX_FORMAT_CHARS) return false;
  if (!isAlpha(s.charCodeAt(0))) return false;
  let i = 1;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x3a) break;
    if (!(isAlpha(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e)) return false;
    i++;
  }
  if (i >= s.length - 1) return false;
  for (i++; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      if (!isHexDigit(s.charCodeAt(i + 1)) || !isHexDigit(s.charCodeAt(i + 2))) return false;
      i += 2;
    } else if (c >= 128 || URI_CHARS[c] !== 1) return false;
  }
  return true;
}

/** The formats handed to ajv (all for strings). */
export const FORMATS: Readonly<Record<string, (s: string) => boolean>> = {
  'safe-identifier': isSafeIdentifier,
  uuid: isUuid,
  email: isEmail,
  hostname: isHostname,
  ipv4: isIpv4,
  ipv6: isIpv6,
  date: isDate,
  time: isTime,
  'date-time': isDateTime,
  uri: isUri,
};
