/**
 * The slow path of JSON strings: unescaping into a reused, growing buffer
 * (bounded by the string limit), for strings with escapes or strings that
 * straddle chunks. Validates escapes (`\x40` is not JSON), surrogate pairs
 * (lone surrogates refused), optionally `\u0000`, raw control bytes and,
 * at the closing quote, UTF-8 of the result. Limit checks happen before a byte
 * is appended, at the offset of the byte (or escape) that would exceed it, so
 * the outcome does not depend on chunking.
 */
import { isUtf8 } from 'node:buffer';
import { HEX_VALUE } from './chars.js';
import type { ViewErrorCode } from './errors.js';

/** Module-local alias of a hot imported table. */
const HEX: Uint8Array = HEX_VALUE;

/** Bytes that end a plain run inside a string: '"', '\\', controls. */
export const STRING_STOP = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 0x20; c++) t[c] = 1;
  t[0x22] = 1;
  t[0x5c] = 1;
  return t;
})();

const SINGLE_ESCAPES = (() => {
  const t = new Int16Array(256).fill(-1);
  t[0x22] = 0x22;
  t[0x5c] = 0x5c;
  t[0x2f] = 0x2f;
  t[0x62] = 0x08;
  t[0x66] = 0x0c;
  t[0x6e] = 0x0a;
  t[0x72] = 0x0d;
  t[0x74] = 0x09;
  return t;
})();

// Escape sub-states.
const E_NONE = 0;
const E_BACKSLASH = 1;
const E_HEX = 2; // the 4 hex digits of \uXXXX
const E_PAIR_BACKSLASH = 3; // after a high surrogate: expect '\'
const E_PAIR_U = 4; // expect 'u'
const E_PAIR_HEX = 5; // low surrogate hex digits

/** `LIMIT` is mapped by the tokenizer to its string or key limit code. */
export interface StringError {
  readonly code: ViewErrorCode | 'LIMIT';
  readonly message: string;
  readonly offset: number;
}

export class JsonStringDecoder {
  /** Unescaped bytes: bytes[0, length). */
  get bytes(): Buffer {
    return this.sbuf;
  }
  get length(): number {
    return this.slen;
  }
  hadEscapes = false;
  complete = false;
  error: StringError | undefined;
  limitName = 'maxStringBytes';
  private sbuf: Buffer = Buffer.allocUnsafe(256);
  private slen = 0;
  private start = 0;
  private max = 0;
  private esc = E_NONE;
  private escStart = 0;
  private escVal = 0;
  private escDigits = 0;
  private highSurrogate = 0;
  private highStart = 0;
  private lowStart = 0;

  constructor(private readonly rejectEscapedNul: boolean) {}

  /** Start a new string: content starts at absolute `start`, at most `max` unescaped bytes. */
  begin(start: number, max: number, limitName: string): void {
    this.start = start;
    this.max = max;
    this.limitName = limitName;
    this.slen = 0;
    this.esc = E_NONE;
    this.hadEscapes = false;
    this.complete = false;
    this.error = undefined;
  }

  /** Append raw string bytes already checked by the caller (plain run, within the limit). */
  append(buf: Uint8Array, s: number, e: number): void {
    const len = e - s;
    if (len <= 0) return;
    this.ensure(this.slen + len);
    this.sbuf.set(buf.subarray(s, e), this.slen);
    this.slen += len;
  }

  private ensure(need: number): void {
    if (need <= this.sbuf.length) return;
    let size = this.sbuf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.sbuf.copy(next, 0, 0, this.slen);
    this.sbuf = next;
  }

  private appendByte(b: number): void {
    this.ensure(this.slen + 1);
    this.sbuf[this.slen++] = b;
  }

  /** Append one code point as UTF-8 (limit already checked). */
  private appendCodePoint(cp: number): void {
    if (cp < 0x80) this.appendByte(cp);
    else if (cp < 0x800) {
      this.appendByte(0xc0 | (cp >> 6));
      this.appendByte(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      this.appendByte(0xe0 | (cp >> 12));
      this.appendByte(0x80 | ((cp >> 6) & 0x3f));
      this.appendByte(0x80 | (cp & 0x3f));
    } else {
      this.appendByte(0xf0 | (cp >> 18));
      this.appendByte(0x80 | ((cp >> 12) & 0x3f));
      this.appendByte(0x80 | ((cp >> 6) & 0x3f));
      this.appendByte(0x80 | (cp & 0x3f));
    }
  }

  private fail(code: StringError['code'], message: string, offset: number): number {
    this.error = { code, message, offset };
    return -1;
  }

  /**
   * Continue the string from buf[i] (buf[0] is at absolute offset `base`).
   * Returns the index after the closing quote (`complete` is then true), `n`
   * when more input is needed, or -1 on error (`error` is set).
   */
  feed(buf: Uint8Array, i: number, n: number, base: number): number {
    const max = this.max;
    while (i < n) {
      const esc = this.esc;
      if (esc === E_NONE) {
        let j = i;
        while (j < n && STRING_STOP[buf[j] as number] !== 1) j++;
        const run = j - i;
        if (this.slen + run > max) return this.fail('LIMIT', 'string too long', base + i + (max - this.slen));
        this.append(buf, i, j);
        if (j >= n) return n;
        const c = buf[j] as number;
        if (c === 0x22) {
          const sb = this.sbuf;
          if (!isUtf8(new Uint8Array(sb.buffer, sb.byteOffset, this.slen))) return this.fail('JSON_INVALID_UTF8', 'invalid UTF-8 in string', this.start);
          this.complete = true;
          return j + 1;
        }
        if (this.slen >= max) return this.fail('LIMIT', 'string too long', base + j);
        if (c === 0x5c) {
          this.hadEscapes = true;
          this.esc = E_BACKSLASH;
          this.escStart = base + j;
          i = j + 1;
          continue;
        }
        return this.fail(c === 0 ? 'JSON_NUL' : 'JSON_CONTROL_CHAR', c === 0 ? 'NUL byte in string' : 'raw control character in string', base + j);
      }
      const c = buf[i] as number;
      const abs = base + i;
      i++;
      if (esc === E_BACKSLASH) {
        if (c === 0x75) {
          this.esc = E_HEX;
          this.escVal = 0;
          this.escDigits = 0;
          continue;
        }
        const v = SINGLE_ESCAPES[c] as number;
        if (v < 0) return this.fail('JSON_BAD_ESCAPE', 'invalid escape sequence', this.escStart);
        this.appendByte(v);
        this.esc = E_NONE;
        continue;
      }
      if (esc === E_HEX || esc === E_PAIR_HEX) {
        const hv = HEX[c] as number;
        if (hv === 0) return this.fail('JSON_BAD_ESCAPE', 'invalid \\u escape', abs);
        this.escVal = (this.escVal << 4) | (hv - 1);
        if (++this.escDigits < 4) continue;
        const v = this.escVal;
        if (esc === E_HEX) {
          if (v >= 0xd800 && v <= 0xdbff) {
            this.highSurrogate = v;
            this.highStart = this.escStart;
            this.esc = E_PAIR_BACKSLASH;
            continue;
          }
          if (v >= 0xdc00 && v <= 0xdfff) return this.fail('JSON_LONE_SURROGATE', 'lone low surrogate', this.escStart);
          if (v === 0 && this.rejectEscapedNul) return this.fail('JSON_ESCAPED_NUL', 'escaped NUL (\\u0000)', this.escStart);
          const size = v < 0x80 ? 1 : v < 0x800 ? 2 : 3;
          if (this.slen + size > max) return this.fail('LIMIT', 'string too long', this.escStart);
          this.appendCodePoint(v);
          this.esc = E_NONE;
          continue;
        }
        if (v < 0xdc00 || v > 0xdfff) return this.fail('JSON_LONE_SURROGATE', 'high surrogate without low surrogate', this.lowStart);
        if (this.slen + 4 > max) return this.fail('LIMIT', 'string too long', this.highStart);
        this.appendCodePoint(0x10000 + ((this.highSurrogate - 0xd800) << 10) + (v - 0xdc00));
        this.esc = E_NONE;
        continue;
      }
      if (esc === E_PAIR_BACKSLASH) {
        if (c !== 0x5c) return this.fail('JSON_LONE_SURROGATE', 'high surrogate without low surrogate', abs);
        this.lowStart = abs;
        this.esc = E_PAIR_U;
        continue;
      }
      // E_PAIR_U
      if (c !== 0x75) return this.fail('JSON_LONE_SURROGATE', 'high surrogate without low surrogate', this.lowStart);
      this.esc = E_PAIR_HEX;
      this.escVal = 0;
      this.escDigits = 0;
    }
    return n;
  }
}
