/**
 * The signature header value `t=<unix>,kid=<key id>,sig=<hex>` and the MAC it
 * carries: HMAC-SHA256 over the ASCII bytes of `<t>.` followed by the body
 * bytes exactly as sent (after HTTP framing, before any Content-Encoding is
 * undone). Parsing is strict and written as a loop over characters (no
 * RegExp on request data): each field exactly once, no spaces, `t` decimal
 * without leading zeros, `kid` from [A-Za-z0-9._-], `sig` 64 hex digits.
 */
import { createHmac } from 'node:crypto';

export interface SignatureHeader {
  /** The timestamp text as sent (it is what was signed). */
  readonly t: string;
  readonly time: number;
  readonly kid: string;
  /** The 32 MAC bytes. */
  readonly sig: Buffer;
}

/** Longest header value considered (three short fields). */
export const MAX_HEADER_CHARS = 256;
const SIG_HEX = 64;

/** Parse a header value; null when it is not exactly the documented form. */
export function parseSignatureHeader(value: string): SignatureHeader | null {
  if (value.length === 0 || value.length > MAX_HEADER_CHARS) return null;
  const parts = value.split(',');
  if (parts.length !== 3) return null;
  let t: string | undefined;
  let kid: string | undefined;
  let sig: string | undefined;
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    const name = part.slice(0, eq);
    const v = part.slice(eq + 1);
    if (name === 't' && t === undefined && isUnixTime(v)) t = v;
    else if (name === 'kid' && kid === undefined && isKeyId(v)) kid = v;
    else if (name === 'sig' && sig === undefined && isHex(v, SIG_HEX)) sig = v;
    else return null;
  }
  if (t === undefined || kid === undefined || sig === undefined) return null;
  return { t, time: Number(t), kid, sig: Buffer.from(sig, 'hex') };
}

/** The MAC of a body for a timestamp text. */
export function signatureMac(key: Uint8Array, t: string, body: Uint8Array): Buffer {
  return createHmac('sha256', key).update(`${t}.`, 'latin1').update(body).digest();
}

/** The header value `deserwall sign` prints and the proxy accepts. */
export function formatSignatureHeader(key: Uint8Array, kid: string, time: number, body: Uint8Array): string {
  const t = String(time);
  return `t=${t},kid=${kid},sig=${signatureMac(key, t, body).toString('hex')}`;
}

/** 1 to 12 decimal digits, no leading zero (one text per time: the signed text is unambiguous). */
export function isUnixTime(v: string): boolean {
  if (v.length === 0 || v.length > 12) return false;
  if (v.length > 1 && v.charCodeAt(0) === 0x30) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Key ids as the config allows them: 1 to 64 of [A-Za-z0-9._-]. */
export function isKeyId(v: string): boolean {
  if (v.length === 0 || v.length > 64) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2e || c === 0x5f || c === 0x2d;
    if (!ok) return false;
  }
  return true;
}

function isHex(v: string, length: number): boolean {
  if (v.length !== length) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
    if (!ok) return false;
  }
  return true;
}
