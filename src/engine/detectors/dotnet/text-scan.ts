/**
 * Lexical helpers for the .NET text detectors: quoted values in JSON/XML with
 * any of the quoting styles payloads use (`"`, `'`, JSON-escaped `\"`, XML
 * `&quot;`), bounded JSON/XML/percent/XmlConvert unescaping, element-start
 * and xmlns-prefix lookups. Byte loops only; every scan has a cap.
 */
import { isSpace, latin1Capped, startsWithCI } from './bytes.js';

/** Longest value (bytes) read from a quoted attribute or JSON string. */
export const TEXT_MAX_VALUE = 4096;

export interface QuotedValue {
  /** First content byte. */
  readonly start: number;
  /** One past the last content byte. */
  readonly stop: number;
  /** Offset after the closing quote (or `stop` when the closer was not found within the cap). */
  readonly next: number;
}

const Q_DQ = Buffer.from('"', 'latin1');
const Q_SQ = Buffer.from("'", 'latin1');
const Q_ESC_DQ = Buffer.from('\\"', 'latin1');
const Q_ESC_SQ = Buffer.from("\\'", 'latin1');
const Q_QUOT = Buffer.from('&quot;', 'latin1');
const Q_APOS = Buffer.from('&apos;', 'latin1');
const Q_N34 = Buffer.from('&#34;', 'latin1');
const Q_N39 = Buffer.from('&#39;', 'latin1');
const QUOTES = [Q_ESC_DQ, Q_ESC_SQ, Q_QUOT, Q_APOS, Q_N34, Q_N39, Q_DQ, Q_SQ];

/** The quote (any style) that opens at `pos` - it is also the closer to look for - or null. */
export function quoteAt(buf: Buffer, pos: number): Buffer | null {
  for (const q of QUOTES) {
    if (startsWithCI(buf, pos, q)) return q;
  }
  return null;
}

export function skipSpace(buf: Buffer, pos: number, end: number): number {
  let p = pos;
  while (p < end && isSpace(buf[p])) p++;
  return p;
}

/** Skip whitespace and JSON-with-comments comments (`/* *\/`, `//`), bounded by `end`. */
export function skipSpaceAndComments(buf: Buffer, pos: number, end: number): number {
  let p = pos;
  for (let guard = 0; guard < 64 && p < end; guard++) {
    p = skipSpace(buf, p, end);
    if (buf[p] !== 0x2f) return p;
    if (buf[p + 1] === 0x2a) {
      const close = buf.indexOf('*/', p + 2, 'latin1');
      if (close < 0 || close >= end) return end;
      p = close + 2;
    } else if (buf[p + 1] === 0x2f) {
      const nl = buf.indexOf(0x0a, p + 2);
      if (nl < 0 || nl >= end) return end;
      p = nl + 1;
    } else return p;
  }
  return p;
}

/**
 * Read a quoted value starting at `pos` (no leading whitespace skipping).
 * With `jsonEscapes`, a backslash escapes the next byte inside `"`/`'`
 * quotes. Returns null when `pos` holds no quote.
 */
export function readQuoted(buf: Buffer, pos: number, end: number, jsonEscapes: boolean): QuotedValue | null {
  const q = quoteAt(buf, pos);
  if (!q) return null;
  const start = pos + q.length;
  const limit = Math.min(end, start + TEXT_MAX_VALUE);
  const single = q.length === 1 ? (q[0] ?? -1) : -1;
  let p = start;
  while (p < limit) {
    const b = buf[p];
    if (single >= 0) {
      if (b === single) return { start, stop: p, next: p + 1 };
      if (jsonEscapes && b === 0x5c) {
        p += 2;
        continue;
      }
    } else if (b === q[0] && startsWithCI(buf, p, q)) {
      return { start, stop: p, next: p + q.length };
    }
    p++;
  }
  return { start, stop: Math.min(p, limit), next: Math.min(p, limit) };
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

function hexRun(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const h = hexVal(s.charCodeAt(at + i));
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/** One level of JSON string unescaping (plus lenient `\xHH`); unknown escapes keep the character. */
export function jsonUnescape(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x5c || i + 1 >= s.length) {
      out += s[i];
      continue;
    }
    const e = s[i + 1];
    if (e === 'u' || e === 'U') {
      const v = hexRun(s, i + 2, 4);
      if (v >= 0) {
        out += String.fromCharCode(v);
        i += 5;
        continue;
      }
    } else if (e === 'x' || e === 'X') {
      const v = hexRun(s, i + 2, 2);
      if (v >= 0) {
        out += String.fromCharCode(v);
        i += 3;
        continue;
      }
    } else if (e === 'n' || e === 'r' || e === 't' || e === 'b' || e === 'f') {
      out += ' ';
      i += 1;
      continue;
    }
    out += e;
    i += 1;
  }
  return out;
}

/** One level of XML entity/character-reference unescaping. */
export function xmlUnescape(s: string): string {
  if (s.indexOf('&') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) !== 0x26) {
      out += s[i];
      continue;
    }
    const semi = s.indexOf(';', i + 1);
    if (semi < 0 || semi - i > 10) {
      out += '&';
      continue;
    }
    const ent = s.slice(i + 1, semi);
    let rep: string | null = null;
    if (ent === 'lt') rep = '<';
    else if (ent === 'gt') rep = '>';
    else if (ent === 'amp') rep = '&';
    else if (ent === 'quot') rep = '"';
    else if (ent === 'apos') rep = "'";
    else if (ent.startsWith('#x') || ent.startsWith('#X')) {
      const v = hexRun(ent, 2, ent.length - 2);
      if (v >= 0 && v <= 0xffff) rep = String.fromCharCode(v);
    } else if (ent.startsWith('#')) {
      const v = Number.parseInt(ent.slice(1), 10);
      if (Number.isFinite(v) && v >= 0 && v <= 0xffff) rep = String.fromCharCode(v);
    }
    if (rep === null) {
      out += '&';
      continue;
    }
    out += rep;
    i = semi;
  }
  return out;
}

/** Percent-decoding of a URI segment (`%2C%20` -> `, `); invalid escapes are kept. */
export function percentDecode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === 0x25) {
      const v = hexRun(s, i + 1, 2);
      if (v >= 0) {
        out += String.fromCharCode(v);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

/** XmlConvert name decoding: `_x002B_` -> `+`, `_x0060_` -> `` ` ``. */
export function xmlNameDecode(s: string): string {
  if (s.indexOf('_x') < 0 && s.indexOf('_X') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '_' && (s[i + 1] === 'x' || s[i + 1] === 'X') && s[i + 6] === '_') {
      const v = hexRun(s, i + 2, 4);
      if (v >= 0) {
        out += String.fromCharCode(v);
        i += 6;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

/** XML name characters (ASCII subset) plus `:` when `colon`. */
export function isNameByte(b: number | undefined, colon = false): boolean {
  if (b === undefined) return false;
  return (
    (b >= 0x61 && b <= 0x7a) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x30 && b <= 0x39) ||
    b === 0x5f ||
    b === 0x2d ||
    b === 0x2e ||
    b >= 0x80 ||
    (colon && b === 0x3a)
  );
}

/** Read an XML name (without `:`) starting at `pos`, capped. */
export function readName(buf: Buffer, pos: number, end: number, cap = 256): string {
  let p = pos;
  const limit = Math.min(end, pos + cap);
  while (p < limit && isNameByte(buf[p])) p++;
  return latin1Capped(buf, pos, p - pos, cap);
}

const LT_ENTITY = Buffer.from('&lt;', 'latin1');

/**
 * If the name at `pos` is an element name (`<name`, `<prefix:name`, or the
 * escaped `&lt;` forms), return the offset of the `<`/`&lt;`; else -1.
 */
export function elementStartBefore(buf: Buffer, pos: number): number {
  let p = pos - 1;
  if (buf[p] === 0x3a) {
    // prefix
    let n = 0;
    p--;
    while (p >= 0 && n < 64 && isNameByte(buf[p])) {
      p--;
      n++;
    }
    if (n === 0) return -1;
  }
  if (buf[p] === 0x3c) return p;
  if (p >= 3 && startsWithCI(buf, p - 3, LT_ENTITY)) return p - 3;
  return -1;
}

/**
 * The namespace prefix declared by the attribute whose value begins at
 * `valueStart` (`xmlns:p="..."` -> `p`, `xmlns="..."` -> ''), or null when the
 * value does not belong to an xmlns attribute. Looks back over the opening
 * quote (any style), `=` and whitespace.
 */
export function xmlnsPrefixBefore(buf: Buffer, valueStart: number): string | null {
  let p = valueStart - 1;
  // the opening quote: ", ', \", &quot; ...
  let guard = 0;
  while (p >= 0 && guard++ < 8) {
    const b = buf[p];
    if (b === 0x22 || b === 0x27 || b === 0x5c || b === 0x3b) {
      if (b === 0x3b) {
        const amp = buf.lastIndexOf(0x26, p);
        if (amp < 0 || p - amp > 6) return null;
        p = amp - 1;
      } else p--;
      continue;
    }
    break;
  }
  while (p >= 0 && isSpace(buf[p])) p--;
  if (buf[p] !== 0x3d) return null;
  p--;
  while (p >= 0 && isSpace(buf[p])) p--;
  const nameEnd = p + 1;
  let n = 0;
  while (p >= 0 && n < 128 && isNameByte(buf[p], true)) {
    p--;
    n++;
  }
  const attr = latin1Capped(buf, p + 1, nameEnd - (p + 1), 128);
  if (attr === 'xmlns') return '';
  if (attr.startsWith('xmlns:')) return attr.slice(6);
  return null;
}
