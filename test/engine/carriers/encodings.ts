/**
 * Wire encodings the carriers wrap payloads in, written independently of the
 * engine's decoders: percent-encoding of every byte, MIME base64 lines,
 * base64url, hex, quoted-printable, JSON `\uXXXX` strings, UTF-16, UTF-7
 * (RFC 2152, with the optional-direct characters encoded the way WAF
 * evasions do) and EBCDIC IBM037 (from the JDK-generated table).
 */
import { readFileSync } from 'node:fs';

export const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

/** Base64 in 76-column lines separated by CRLF (RFC 2045). */
export function b64Lines(b: Uint8Array, width = 76): string {
  const s = b64(b);
  const lines: string[] = [];
  for (let i = 0; i < s.length; i += width) lines.push(s.slice(i, i + width));
  return lines.join('\r\n');
}

/** base64url without padding. */
export const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Every byte as `%XX`. */
export function pctAll(b: Uint8Array | string): string {
  const bytes = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  let out = '';
  for (const x of bytes) out += '%' + x.toString(16).toUpperCase().padStart(2, '0');
  return out;
}

/** What form and query encoders do: encodeURIComponent on the UTF-8 text. */
export const pct = (s: string): string => encodeURIComponent(s);

/** A JSON string literal whose every UTF-16 unit is a `\uXXXX` escape. */
export function jsonUescaped(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) out += '\\u' + s.charCodeAt(i).toString(16).padStart(4, '0');
  return out + '"';
}

/** Quoted-printable (RFC 2045 §6.7): printable ASCII except `=` literal, lines soft-broken at 76. */
export function quotedPrintable(b: Uint8Array): string {
  let out = '';
  let line = 0;
  for (const x of b) {
    const lit = (x >= 0x21 && x <= 0x7e && x !== 0x3d) || x === 0x20;
    const tok = lit ? String.fromCharCode(x) : '=' + x.toString(16).toUpperCase().padStart(2, '0');
    if (line + tok.length > 75) {
      out += '=\r\n';
      line = 0;
    }
    out += tok;
    line += tok.length;
  }
  // A space at the very end of the data would be stripped by decoders: encode it.
  if (out.endsWith(' ')) out = out.slice(0, -1) + '=20';
  return out;
}

export const utf16le = (s: string): Buffer => Buffer.from(s, 'utf16le');
export const utf16be = (s: string): Buffer => Buffer.from(s, 'utf16le').swap16();

const UTF7_DIRECT = /[A-Za-z0-9'(),\-./:? \t\r\n]/;
const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** UTF-7: set D and whitespace direct, everything else (`<`, `!`, `"`, `&` ...) in base64 runs. */
export function utf7(s: string): Buffer {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (UTF7_DIRECT.test(c)) {
      out += c;
      i++;
      continue;
    }
    if (c === '+') {
      out += '+-';
      i++;
      continue;
    }
    let j = i;
    while (j < s.length && !UTF7_DIRECT.test(s[j]!) && s[j] !== '+') j++;
    const units = utf16be(s.slice(i, j));
    let bits = 0;
    let acc = 0;
    out += '+';
    for (const x of units) {
      acc = (acc << 8) | x;
      bits += 8;
      while (bits >= 6) {
        bits -= 6;
        out += B64_ALPHABET[(acc >> bits) & 63];
      }
    }
    if (bits > 0) out += B64_ALPHABET[(acc << (6 - bits)) & 63];
    out += '-';
    i = j;
  }
  return Buffer.from(out, 'latin1');
}

let ibm037: Map<number, number> | null = null;

/** IBM037 (EBCDIC US) encoding of Latin-1 text, inverted from the JDK table in test/fixtures/xml. */
export function ebcdic037(s: string): Buffer {
  if (!ibm037) {
    const tables = JSON.parse(readFileSync(new URL('../../fixtures/xml/ebcdic-tables.json', import.meta.url), 'utf8')) as Record<string, number[]>;
    ibm037 = new Map();
    tables.ibm037!.forEach((cp, byte) => {
      if (!ibm037!.has(cp)) ibm037!.set(cp, byte);
    });
  }
  const out = Buffer.alloc(s.length);
  for (let i = 0; i < s.length; i++) {
    const b = ibm037.get(s.charCodeAt(i));
    if (b === undefined) throw new Error(`no IBM037 byte for U+${s.charCodeAt(i).toString(16)}`);
    out[i] = b;
  }
  return out;
}

/** Replace (or add) the XML declaration so that it names `encoding`. */
export function withDeclaration(xml: string, encoding: string): string {
  const body = xml.startsWith('<?xml') ? xml.slice(xml.indexOf('?>') + 2).replace(/^\r?\n/, '') : xml;
  return `<?xml version="1.0" encoding="${encoding}"?>\n${body}`;
}
