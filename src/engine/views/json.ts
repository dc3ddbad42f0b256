/**
 * Strict RFC 8259 streaming JSON tokenizer.
 *
 * Fed with `write(chunk)` / `end()`; emits events (open/close, key, string,
 * number, literal) with the JSON pointer of each value. Any split of the
 * input into chunks produces the same events and the same error.
 *
 * Refused, each with its own code: BOM, comments, trailing commas, single
 * quotes, unquoted keys, raw control characters and NUL, invalid escapes
 * (`\x40`), lone surrogates, escaped NUL (`\u0000`, optional), invalid UTF-8,
 * trailing data, duplicate keys after unescaping (and, optionally, keys that
 * differ only in case). Limits: depth, total keys, total values, string bytes,
 * key bytes, number bytes (all `>=` checks, defaults exported).
 *
 * Strings without escapes that lie inside one chunk are handed out as views
 * of the chunk (zero copy); other strings are unescaped into a reused buffer.
 * Event arguments (pointer, bytes) are valid only during the callback.
 */
import { isUtf8 } from 'node:buffer';
import { latin1Text } from './buffer-text.js';
import { viewError, type ViewError, type ViewErrorCode, type ViewResult } from './errors.js';
import { KeyInterner, KeySet } from './json-keys.js';

const SHARED_INTERNER = new KeyInterner();
import { JsonStringDecoder, STRING_STOP, type StringError } from './json-string.js';
import { PathStack, type JsonPointer } from './json-pointer.js';

export type { JsonPointer } from './json-pointer.js';

// Module-local aliases of hot imported tables (bundlers may turn imported
// bindings into property reads on every access).
const STOP: Uint8Array = STRING_STOP;

export interface JsonLimits {
  /** Maximum nesting depth (containers); opening container number maxDepth+1 is refused. */
  readonly maxDepth: number;
  /** Maximum number of object keys in the document. */
  readonly maxKeys: number;
  /** Maximum number of values (scalars and containers) in the document. */
  readonly maxValues: number;
  /** Maximum unescaped bytes of one string value. */
  readonly maxStringBytes: number;
  /** Maximum unescaped bytes of one key. */
  readonly maxKeyBytes: number;
  /** Maximum bytes of one number token. */
  readonly maxNumberBytes: number;
}

export const JSON_DEFAULT_LIMITS: JsonLimits = {
  maxDepth: 64,
  maxKeys: 20_000,
  maxValues: 50_000,
  maxStringBytes: 1024 * 1024,
  maxKeyBytes: 4096,
  maxNumberBytes: 512,
};

export interface JsonOptions extends Partial<JsonLimits> {
  /** Refuse keys of one object that are equal after Unicode lower-casing (default true). */
  readonly rejectCaseInsensitiveDuplicates?: boolean;
  /** Refuse `\u0000` escapes (default true: C-string consumers truncate there). */
  readonly rejectEscapedNul?: boolean;
}

export type JsonContainer = 'object' | 'array';

/**
 * Location of a string token: content offsets (after the opening quote, at the
 * closing quote). The object is reused: copy the fields to keep them.
 */
export interface JsonStringRaw {
  readonly start: number;
  readonly end: number;
  readonly hadEscapes: boolean;
}

export interface JsonHandlers {
  onOpen?(pointer: JsonPointer, kind: JsonContainer): void;
  onClose?(pointer: JsonPointer, kind: JsonContainer): void;
  /** A key of the object at `parent`; the following value event carries the key as last segment. */
  onKey?(parent: JsonPointer, key: string, raw: JsonStringRaw): void;
  /** A string value: unescaped UTF-8 bytes (valid only during the call). */
  onString?(pointer: JsonPointer, value: Uint8Array, raw: JsonStringRaw): void;
  /**
   * The same string value without allocating a view: the bytes are
   * `bytes[start, end)` (the input chunk or the tokenizer's buffer; valid only
   * during the call). Prefer this on hot paths.
   */
  onStringBytes?(pointer: JsonPointer, bytes: Uint8Array, start: number, end: number, raw: JsonStringRaw): void;
  /** A number value: its exact source text. */
  onNumber?(pointer: JsonPointer, text: string, start: number): void;
  onLiteral?(pointer: JsonPointer, value: boolean | null, start: number): void;
  /** Called once, when the tokenizer stops on an error. */
  onError?(error: ViewError): void;
  /** Called once after a complete, valid document. */
  onEnd?(): void;
}

// Tokenizer states.
const S_VALUE = 0; // top level: a value
const S_VALUE_OR_CLOSE = 1; // after '['
const S_VALUE_AFTER_COMMA = 2; // after ',' in an array
const S_KEY_OR_CLOSE = 3; // after '{'
const S_KEY = 4; // after ',' in an object
const S_COLON = 5;
const S_VALUE_AFTER_COLON = 6;
const S_AFTER_VALUE = 7;
const S_DONE = 8;
const S_STRING = 9;
const S_NUMBER = 10;
const S_LITERAL = 11;
const S_ERROR = 12;
const S_ENDED = 13;

// Number sub-states.
const N_START = 0;
const N_MINUS = 1;
const N_ZERO = 2;
const N_INT = 3;
const N_DOT = 4;
const N_FRAC = 5;
const N_EXP = 6;
const N_EXP_SIGN = 7;
const N_EXP_DIGITS = 8;

const WS = (() => {
  const t = new Uint8Array(256);
  t[0x20] = 1;
  t[0x09] = 1;
  t[0x0a] = 1;
  t[0x0d] = 1;
  return t;
})();

const LIT_TRUE = [0x74, 0x72, 0x75, 0x65];
const LIT_FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const LIT_NULL = [0x6e, 0x75, 0x6c, 0x6c];

function isKeyStartLike(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24 || c === 0x40 || (c >= 0x30 && c <= 0x39);
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

export class JsonTokenizer {
  private readonly limits: JsonLimits;
  private readonly caseDup: boolean;
  private readonly rejectEscNul: boolean;
  private readonly h: JsonHandlers;
  private readonly path: PathStack;
  /** Per-depth key sets, reused. */
  private readonly keySets: KeySet[] = [];
  /** Shared by all tokenizers: a cache of immutable key strings, safe to share and costly to build. */
  private readonly interner = SHARED_INTERNER;
  private readonly raw: { start: number; end: number; hadEscapes: boolean } = { start: 0, end: 0, hadEscapes: false };

  private state = S_VALUE;
  private depth = 0;
  private base = 0;
  private keys = 0;
  private values = 0;
  private err: ViewError | undefined;

  // String state.
  private strIsKey = false;
  private strStart = 0;
  private strHadEscapes = false;
  private strMax = 0;
  private strLimitCode: ViewErrorCode = 'JSON_STRING_LIMIT';
  private readonly str: JsonStringDecoder;

  // Number state.
  private numState = N_START;
  private numStart = 0;
  /** Stash for a number split across chunks; allocated on first use (most documents never need it). */
  private nbuf: Buffer | undefined;
  private nlen = 0;

  // Literal state.
  private lit: readonly number[] = LIT_NULL;
  private litPos = 0;
  private litStart = 0;

  constructor(handlers: JsonHandlers, options: JsonOptions = {}) {
    this.h = handlers;
    this.limits = {
      maxDepth: options.maxDepth ?? JSON_DEFAULT_LIMITS.maxDepth,
      maxKeys: options.maxKeys ?? JSON_DEFAULT_LIMITS.maxKeys,
      maxValues: options.maxValues ?? JSON_DEFAULT_LIMITS.maxValues,
      maxStringBytes: options.maxStringBytes ?? JSON_DEFAULT_LIMITS.maxStringBytes,
      maxKeyBytes: options.maxKeyBytes ?? JSON_DEFAULT_LIMITS.maxKeyBytes,
      maxNumberBytes: options.maxNumberBytes ?? JSON_DEFAULT_LIMITS.maxNumberBytes,
    };
    this.caseDup = options.rejectCaseInsensitiveDuplicates ?? true;
    this.rejectEscNul = options.rejectEscapedNul ?? true;
    this.path = new PathStack(this.limits.maxDepth);

    this.str = new JsonStringDecoder(this.rejectEscNul);
  }

  /** The error the tokenizer stopped on, if any. */
  get error(): ViewError | undefined {
    return this.err;
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.base;
  }

  /** Feed bytes. Returns false once the tokenizer has stopped (error or ended). */
  write(chunk: Uint8Array): boolean {
    if (this.state === S_ERROR || this.state === S_ENDED) return false;
    const buf = toBuffer(chunk);
    const n = buf.length;
    let i = 0;
    while (i < n) {
      i = this.step(buf, i, n);
      if (i < 0) return false;
    }
    this.base += n;
    return true;
  }

  /** Signal the end of input. Returns the outcome; calls onEnd or onError. */
  end(): ViewResult {
    if (this.err !== undefined) return { ok: false, error: this.err };
    if (this.state === S_ENDED) return { ok: true };
    const at = this.base;
    if (this.state === S_NUMBER && this.depth === 0) {
      if (!this.numberAccepting()) return this.fail('JSON_BAD_NUMBER', 'number ends early', at);
      this.finishNumber(this.numberStash(), 0, 0);
    }
    if (this.state === S_DONE) {
      this.state = S_ENDED;
      this.h.onEnd?.();
      return { ok: true };
    }
    if (this.state === S_VALUE && this.values === 0) return this.fail('JSON_EMPTY', 'no JSON value', at);
    return this.fail('JSON_TRUNCATED', 'input ends inside a JSON value', at);
  }

  // ------------------------------------------------------------------ core

  private fail(code: ViewErrorCode, message: string, offset: number, limit?: string): { ok: false; error: ViewError } {
    const e = viewError(code, message, offset, limit);
    this.err = e;
    this.state = S_ERROR;
    this.h.onError?.(e);
    return { ok: false, error: e };
  }

  /** Fail and return -1 (for use inside step). */
  private stop(code: ViewErrorCode, message: string, offset: number, limit?: string): number {
    this.fail(code, message, offset, limit);
    return -1;
  }

  /** Process from buf[i]; returns the next index, or -1 on error. */
  private step(buf: Buffer, i: number, n: number): number {
    const st = this.state;
    if (st === S_STRING) return this.stringSlow(buf, i, n);
    if (st === S_NUMBER) return this.number(buf, i, n);
    if (st === S_LITERAL) return this.literal(buf, i, n);
    // Structural states: skip whitespace first.
    let c = buf[i] as number;
    while (WS[c] === 1) {
      if (++i >= n) return n;
      c = buf[i] as number;
    }
    const abs = this.base + i;
    if (c === 0) return this.stop('JSON_NUL', 'NUL byte', abs);
    switch (st) {
      case S_VALUE:
        if (abs === 0 && (c === 0xef || c === 0xfe || c === 0xff)) return this.stop('JSON_BOM', 'byte order mark', 0);
        if (c === 0x5d || c === 0x7d) return this.stop('JSON_SYNTAX', 'unexpected close bracket', abs);
        return this.beginValue(buf, i, n, c);
      case S_VALUE_AFTER_COLON:
        if (c === 0x5d || c === 0x7d) return this.stop('JSON_SYNTAX', 'missing value after ":"', abs);
        return this.beginValue(buf, i, n, c);
      case S_VALUE_OR_CLOSE:
        if (c === 0x5d) return this.close(i, false);
        if (c === 0x2c) return this.stop('JSON_SYNTAX', 'comma before the first array element', abs);
        return this.beginValue(buf, i, n, c);
      case S_VALUE_AFTER_COMMA:
        if (c === 0x5d) return this.stop('JSON_TRAILING_COMMA', 'trailing comma in array', abs);
        if (c === 0x2c) return this.stop('JSON_SYNTAX', 'empty array element', abs);
        return this.beginValue(buf, i, n, c);
      case S_KEY_OR_CLOSE:
        if (c === 0x7d) return this.close(i, true);
        return this.beginKey(buf, i, n, c);
      case S_KEY:
        if (c === 0x7d) return this.stop('JSON_TRAILING_COMMA', 'trailing comma in object', abs);
        return this.beginKey(buf, i, n, c);
      case S_COLON:
        if (c === 0x3a) {
          this.state = S_VALUE_AFTER_COLON;
          return i + 1;
        }
        if (c === 0x2f) return this.stop('JSON_COMMENT', 'comment', abs);
        return this.stop('JSON_SYNTAX', 'expected ":" after key', abs);
      case S_AFTER_VALUE: {
        const inArray = this.path.isArray[this.depth] === 1;
        if (c === 0x2c) {
          this.state = inArray ? S_VALUE_AFTER_COMMA : S_KEY;
          return i + 1;
        }
        if (c === 0x5d && inArray) return this.close(i, false);
        if (c === 0x7d && !inArray) return this.close(i, true);
        if (c === 0x2f) return this.stop('JSON_COMMENT', 'comment', abs);
        return this.stop('JSON_SYNTAX', inArray ? 'expected "," or "]"' : 'expected "," or "}"', abs);
      }
      case S_DONE:
        if (c === 0x2f) return this.stop('JSON_COMMENT', 'comment', abs);
        return this.stop('JSON_TRAILING_DATA', 'data after the top-level value', abs);
      default:
        return this.stop('JSON_SYNTAX', 'internal state', abs);
    }
  }

  private afterScalar(): void {
    this.state = this.depth === 0 ? S_DONE : S_AFTER_VALUE;
  }

  private beginValue(buf: Buffer, i: number, n: number, c: number): number {
    const abs = this.base + i;
    if (this.values >= this.limits.maxValues) return this.stop('JSON_VALUE_LIMIT', 'too many values', abs, 'maxValues');
    this.values++;
    const d = this.depth;
    if (d > 0 && this.path.isArray[d] === 1) this.path.nextIndex(d);
    switch (c) {
      case 0x22:
        this.strIsKey = false;
        this.strMax = this.limits.maxStringBytes;
        this.strLimitCode = 'JSON_STRING_LIMIT';
        return this.stringFast(buf, i, n);
      case 0x7b:
      case 0x5b: {
        if (d >= this.limits.maxDepth) return this.stop('JSON_DEPTH_LIMIT', 'nesting too deep', abs, 'maxDepth');
        const isObj = c === 0x7b;
        this.path.length = d;
        const nd = d + 1;
        this.depth = nd;
        this.path.open(nd, !isObj);
        if (isObj) {
          const set = this.keySets[nd];
          if (set === undefined) this.keySets[nd] = new KeySet();
          else set.clear();
        }
        if (isObj) this.h.onOpen?.(this.path, 'object');
        else this.h.onOpen?.(this.path, 'array');
        this.state = isObj ? S_KEY_OR_CLOSE : S_VALUE_OR_CLOSE;
        return i + 1;
      }
      case 0x74:
        return this.beginLiteral(buf, i, n, LIT_TRUE);
      case 0x66:
        return this.beginLiteral(buf, i, n, LIT_FALSE);
      case 0x6e:
        return this.beginLiteral(buf, i, n, LIT_NULL);
      case 0x2f:
        return this.stop('JSON_COMMENT', 'comment', abs);
      case 0x27:
        return this.stop('JSON_SINGLE_QUOTE', 'single-quoted string', abs);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
          this.numStart = abs;
          this.nlen = 0;
          if (c !== 0x2d && c !== 0x30) {
            // Fast path: a plain integer that ends inside this chunk.
            const lim = Math.min(n, i + this.limits.maxNumberBytes);
            let j = i + 1;
            let d = 0;
            while (j < lim) {
              d = buf[j] as number;
              if (d < 0x30 || d > 0x39) break;
              j++;
            }
            if (j < lim && d !== 0x2e && d !== 0x65 && d !== 0x45) {
              this.numState = N_INT;
              this.finishNumber(buf, i, j);
              return this.afterValueFast(buf, j, n);
            }
          }
          this.numState = N_START;
          return this.number(buf, i, n);
        }
        if (c >= 0x80) return this.stop('JSON_SYNTAX', 'non-ASCII byte outside a string', abs);
        if (c < 0x20) return this.stop('JSON_SYNTAX', 'control character outside a string', abs);
        return this.stop('JSON_SYNTAX', 'unexpected character', abs);
    }
  }

  private beginKey(buf: Buffer, i: number, n: number, c: number): number {
    const abs = this.base + i;
    if (c === 0x22) {
      if (this.keys >= this.limits.maxKeys) return this.stop('JSON_KEY_LIMIT', 'too many keys', abs, 'maxKeys');
      this.keys++;
      this.strIsKey = true;
      this.strMax = Math.min(this.limits.maxKeyBytes, this.limits.maxStringBytes);
      this.strLimitCode = 'JSON_KEY_LENGTH_LIMIT';
      return this.stringFast(buf, i, n);
    }
    if (c === 0x27) return this.stop('JSON_SINGLE_QUOTE', 'single-quoted key', abs);
    if (c === 0x2f) return this.stop('JSON_COMMENT', 'comment', abs);
    if (isKeyStartLike(c)) return this.stop('JSON_UNQUOTED_KEY', 'unquoted key', abs);
    if (c === 0x2c) return this.stop('JSON_SYNTAX', 'empty object member', abs);
    return this.stop('JSON_SYNTAX', 'expected a key', abs);
  }

  private close(i: number, isObj: boolean): number {
    const d = this.depth;
    this.path.length = d - 1;
    if (isObj) this.h.onClose?.(this.path, 'object');
    else this.h.onClose?.(this.path, 'array');
    this.depth = d - 1;
    this.afterScalar();
    return i + 1;
  }

  // --------------------------------------------------------------- strings

  /** At the opening quote buf[i]. Fast path for strings inside this chunk without escapes. */
  private stringFast(buf: Buffer, i: number, n: number): number {
    const s = i + 1;
    this.strStart = this.base + s;
    this.strHadEscapes = false;
    const lim = s + this.strMax; // first content index that would exceed the limit
    const end = lim < n ? lim : n;
    let j = s;
    let acc = 0;
    for (;;) {
      let c = 0;
      while (j < end) {
        c = buf[j] as number;
        if (STOP[c] !== 0) break;
        acc |= c;
        j++;
      }
      const high = acc >= 0x80;
      if (j >= end) {
        if (j === lim && j < n && buf[j] === 0x22) return this.finishFast(buf, s, j, n, high);
        if (j === lim && j < n) return this.stop(this.strLimitCode, 'string too long', this.base + j, this.strLimitCode === 'JSON_STRING_LIMIT' ? 'maxStringBytes' : 'maxKeyBytes');
        // Chunk ends inside the string: continue on the slow path.
        this.beginSlow(buf, s, n);
        return n;
      }
      if (c === 0x22) return this.finishFast(buf, s, j, n, high);
      if (c === 0x5c) {
        this.beginSlow(buf, s, j);
        return this.stringSlow(buf, j, n);
      }
      return this.stop(c === 0 ? 'JSON_NUL' : 'JSON_CONTROL_CHAR', c === 0 ? 'NUL byte in string' : 'raw control character in string', this.base + j);
    }
  }

  private finishFast(buf: Buffer, s: number, e: number, n: number, high: boolean): number {
    if (high && !isUtf8(new Uint8Array(buf.buffer, buf.byteOffset + s, e - s))) {
      return this.stop('JSON_INVALID_UTF8', 'invalid UTF-8 in string', this.strStart);
    }
    if (this.strIsKey) {
      if (!this.emitKey(buf, s, e, !high, this.base + e)) return -1;
      // Fused transition: whitespace and ':' right after the key.
      let j = e + 1;
      while (j < n && WS[buf[j] as number] === 1) j++;
      if (j < n && buf[j] === 0x3a) {
        this.state = S_VALUE_AFTER_COLON;
        return j + 1;
      }
      return j;
    }
    this.emitString(buf, s, e, this.base + e);
    return this.afterValueFast(buf, e + 1, n);
  }

  /** Fused transition after a scalar: whitespace and ',' right after the value. */
  private afterValueFast(buf: Buffer, j: number, n: number): number {
    if (this.state !== S_AFTER_VALUE) return j;
    while (j < n && WS[buf[j] as number] === 1) j++;
    if (j < n && buf[j] === 0x2c) {
      this.state = this.path.isArray[this.depth] === 1 ? S_VALUE_AFTER_COMMA : S_KEY;
      return j + 1;
    }
    return j;
  }

  /** Switch to the slow path with buf[s, e) as the start of the string. */
  private beginSlow(buf: Buffer, s: number, e: number): void {
    this.state = S_STRING;
    this.str.begin(this.strStart, this.strMax, this.strLimitCode === 'JSON_STRING_LIMIT' ? 'maxStringBytes' : 'maxKeyBytes');
    this.str.append(buf, s, e);
  }

  /** Slow path: escapes and strings that straddle chunks. */
  private stringSlow(buf: Buffer, i: number, n: number): number {
    const str = this.str;
    const r = str.feed(buf, i, n, this.base);
    if (r < 0) {
      const e = str.error as StringError;
      return this.stop(e.code === 'LIMIT' ? this.strLimitCode : e.code, e.message, e.offset, e.code === 'LIMIT' ? str.limitName : undefined);
    }
    if (!str.complete) return n;
    this.strHadEscapes = str.hadEscapes;
    const sb = str.bytes;
    const ok = this.strIsKey ? this.emitKey(sb, 0, str.length, false, this.base + r - 1) : this.emitString(sb, 0, str.length, this.base + r - 1);
    return ok ? r : -1;
  }

  /** The shared, mutable raw-location object handed to onKey/onString. */
  private rawOf(endAbs: number): JsonStringRaw {
    const r = this.raw;
    r.start = this.strStart;
    r.end = endAbs;
    r.hadEscapes = this.strHadEscapes;
    return r;
  }

  private emitString(buf: Buffer, s: number, e: number, endAbs: number): boolean {
    const h = this.h;
    if (h.onStringBytes !== undefined) {
      this.path.length = this.depth;
      h.onStringBytes(this.path, buf, s, e, this.rawOf(endAbs));
    }
    if (h.onString !== undefined) {
      this.path.length = this.depth;
      const value = new Uint8Array(buf.buffer, buf.byteOffset + s, e - s);
      h.onString(this.path, value, this.rawOf(endAbs));
    }
    this.afterScalar();
    return true;
  }

  private emitKey(buf: Buffer, s: number, e: number, ascii: boolean, endAbs: number): boolean {
    const fold = this.caseDup;
    const interner = this.interner;
    const key = interner.intern(buf, s, e, ascii, fold);
    const d = this.depth;
    const dup = (this.keySets[d] as KeySet).add(key, fold ? interner.lastFolded : key);
    if (dup !== 0) {
      const quoteAt = this.strStart - 1;
      if (dup === 1) this.stop('JSON_DUPLICATE_KEY', 'duplicate key', quoteAt);
      else this.stop('JSON_DUPLICATE_KEY_CASE', 'keys differing only in case', quoteAt);
      return false;
    }
    this.path.setKey(d, key);
    this.state = S_COLON;
    const cb = this.h.onKey;
    if (cb !== undefined) {
      this.path.length = d - 1;
      cb.call(this.h, this.path, key, this.rawOf(endAbs));
    }
    return true;
  }

  // --------------------------------------------------------------- numbers

  private numberAccepting(): boolean {
    const s = this.numState;
    return s === N_ZERO || s === N_INT || s === N_FRAC || s === N_EXP_DIGITS;
  }

  /**
   * Advance the number state machine from buf[i]. Bytes of a number that
   * straddles chunks are stashed in nbuf (bounded by maxNumberBytes).
   */
  private number(buf: Buffer, i: number, n: number): number {
    const max = this.limits.maxNumberBytes;
    const segStart = i;
    const room = max - this.nlen; // bytes this chunk may still add
    let st = this.numState;
    while (i < n) {
      const c = buf[i] as number;
      const digit = c >= 0x30 && c <= 0x39;
      let next = -1;
      switch (st) {
        case N_INT:
        case N_FRAC:
        case N_EXP_DIGITS:
          if (digit) next = st;
          else if (st !== N_EXP_DIGITS && (c === 0x65 || c === 0x45)) next = N_EXP;
          else if (st === N_INT && c === 0x2e) next = N_DOT;
          break;
        case N_START:
          if (c === 0x2d) next = N_MINUS;
          else if (c === 0x30) next = N_ZERO;
          else if (digit) next = N_INT;
          break;
        case N_MINUS:
          if (c === 0x30) next = N_ZERO;
          else if (digit) next = N_INT;
          break;
        case N_ZERO:
          if (digit) return this.stop('JSON_BAD_NUMBER', 'leading zero in number', this.base + i);
          if (c === 0x2e) next = N_DOT;
          else if (c === 0x65 || c === 0x45) next = N_EXP;
          break;
        case N_DOT:
        case N_EXP_SIGN:
          if (digit) next = st === N_DOT ? N_FRAC : N_EXP_DIGITS;
          break;
        default: // N_EXP
          if (c === 0x2b || c === 0x2d) next = N_EXP_SIGN;
          else if (digit) next = N_EXP_DIGITS;
          break;
      }
      if (next < 0) {
        this.numState = st;
        if (!this.numberAccepting()) return this.stop('JSON_BAD_NUMBER', 'malformed number', this.base + i);
        // Complete; buf[i] is handled by the structural state.
        this.finishNumber(buf, segStart, i);
        return i;
      }
      if (i - segStart >= room) return this.stop('JSON_NUMBER_LIMIT', 'number too long', this.base + i, 'maxNumberBytes');
      st = next;
      i++;
    }
    this.numState = st;
    this.stash(buf, segStart, n);
    this.state = S_NUMBER;
    return n;
  }

  private numberStash(): Buffer {
    this.nbuf ??= Buffer.alloc(this.limits.maxNumberBytes);
    return this.nbuf;
  }

  private stash(buf: Buffer, s: number, e: number): void {
    if (e > s) this.numberStash().set(buf.subarray(s, e), this.nlen);
    this.nlen += e - s;
  }

  /** The number ends at buf[e] (buf[s, e) are its bytes in this chunk, after any stashed ones). */
  private finishNumber(buf: Buffer, s: number, e: number): void {
    this.afterScalar();
    const cb = this.h.onNumber;
    if (cb === undefined) return;
    let text: string;
    if (this.nlen === 0) text = latin1Text(buf, s, e);
    else {
      this.stash(buf, s, e);
      text = latin1Text(this.numberStash(), 0, this.nlen);
    }
    this.path.length = this.depth;
    cb.call(this.h, this.path, text, this.numStart);
  }

  // -------------------------------------------------------------- literals

  private beginLiteral(buf: Buffer, i: number, n: number, lit: readonly number[]): number {
    this.lit = lit;
    this.litPos = 0;
    this.litStart = this.base + i;
    this.state = S_LITERAL;
    return this.literal(buf, i, n);
  }

  private literal(buf: Buffer, i: number, n: number): number {
    const lit = this.lit;
    while (i < n && this.litPos < lit.length) {
      if (buf[i] !== lit[this.litPos]) return this.stop('JSON_BAD_LITERAL', 'invalid literal', this.base + i);
      this.litPos++;
      i++;
    }
    if (this.litPos === lit.length) {
      const value = lit === LIT_TRUE ? true : lit === LIT_FALSE ? false : null;
      this.afterScalar();
      const cb = this.h.onLiteral;
      if (cb !== undefined) {
        this.path.length = this.depth;
        cb.call(this.h, this.path, value, this.litStart);
      }
    }
    return i;
  }
}

/** Tokenize a complete buffer (convenience for tests and small bodies). */
export function tokenizeJson(bytes: Uint8Array, handlers: JsonHandlers, options?: JsonOptions): ViewResult {
  const t = new JsonTokenizer(handlers, options);
  t.write(bytes);
  return t.end();
}
