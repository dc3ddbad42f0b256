/**
 * Streaming application/x-www-form-urlencoded parser (WHATWG URL "urlencoded
 * parser" grammar): fields separated by `&`, name and value split at the
 * first `=`, `+` is a space, `%XX` is a byte. Emits every field, repeated
 * names included (HTTP parameter pollution: every value must be inspected).
 *
 * Strict mode (request bodies) refuses: invalid `%` escapes (`%zz`, a `%` at
 * the end), IIS-style `%u0041` (distinct code), NUL bytes (raw or `%00`,
 * refused after the field is delivered so detectors still see it), and with
 * `semicolon: 'reject'` a raw `;`.
 *
 * `;` is NOT a separator (WHATWG, Node, Go >= 1.17, Python >= 3.10 agree;
 * old CGI stacks split on it). By default a raw `;` stays inside the value
 * (so `a=1;b=<payload>` exposes the payload inside the value of `a`, which is
 * inspected whole) and the field is flagged SEMICOLON so that parameter-name
 * exclusions can refuse to skip it; `semicolon: 'reject'` refuses it.
 *
 * Tolerant mode (query strings) keeps invalid escapes literally and flags
 * them instead. Limits (`>=`): fields, raw bytes per field. Decoded name and
 * value are delivered as views valid only during the callback.
 */
import { isUtf8 } from 'node:buffer';
import { HEX_VALUE } from './chars.js';
import { viewError, type ViewError, type ViewErrorCode, type ViewResult } from './errors.js';

/** Module-local alias of a hot imported table. */
const HEX: Uint8Array = HEX_VALUE;

export interface FormLimits {
  readonly maxFields: number;
  /** Raw (encoded) bytes of one field, name and value together. */
  readonly maxFieldBytes: number;
}

export const FORM_DEFAULT_LIMITS: FormLimits = { maxFields: 1000, maxFieldBytes: 1024 * 1024 };

export interface FormOptions extends Partial<FormLimits> {
  /** Keep invalid escapes literally and flag them instead of refusing (query strings). */
  readonly tolerant?: boolean;
  /** What a raw `;` does: stay in the field ('literal', default) or refuse the body ('reject'). */
  readonly semicolon?: 'literal' | 'reject';
  /** Accept NUL bytes (only flagged); default false in strict mode. */
  readonly allowNul?: boolean;
}

/** Bit flags describing how a field was written. */
export const FIELD_FLAGS = {
  /** Contained `%XX` escapes. */
  PERCENT: 1,
  /** Contained `+`. */
  PLUS: 2,
  /** An invalid `%` escape was kept literally (tolerant mode). */
  INVALID_ESCAPE: 4,
  /** A `%uXXXX` escape was kept literally (tolerant mode). */
  PERCENT_U: 8,
  /** Decoded bytes contain NUL. */
  NUL: 16,
  /** Raw `;` inside the field. */
  SEMICOLON: 32,
  /** Decoded name or value is not valid UTF-8. */
  NON_UTF8: 64,
} as const;

export interface FormFieldInfo {
  readonly index: number;
  /** Absolute offset of the field's first byte. */
  readonly offset: number;
  /** Raw (encoded) length of the field. */
  readonly rawLength: number;
  readonly flags: number;
}

export interface FormHandlers {
  onField?(name: Uint8Array, value: Uint8Array, info: FormFieldInfo): void;
  onError?(error: ViewError): void;
  onEnd?(): void;
}

const AMP = 0x26;
const EQ = 0x3d;
const PLUS = 0x2b;
const PCT = 0x25;
const SEMI = 0x3b;

/** Bytes that need attention (everything else is copied as is). */
const SPECIAL = (() => {
  const t = new Uint8Array(256);
  for (const c of [AMP, EQ, PLUS, PCT, SEMI, 0]) t[c] = 1;
  return t;
})();

// Percent states.
const P_NONE = 0;
const P_PCT = 1; // after '%'
const P_HEX = 2; // after '%' and one hex digit

/** Growable byte buffer that remembers whether a byte >= 0x80 was written. */
class GrowBuffer {
  buf: Buffer = Buffer.allocUnsafe(64);
  len = 0;
  /** OR of all bytes written since the last reset (bit 7 set: maybe non-ASCII). */
  acc = 0;
  reset(): void {
    this.len = 0;
    this.acc = 0;
  }
  push(c: number): void {
    if (this.len >= this.buf.length) this.grow(this.len + 1);
    this.buf[this.len++] = c;
    this.acc |= c;
  }
  pushRange(src: Uint8Array, s: number, e: number): void {
    const n = e - s;
    if (this.len + n > this.buf.length) this.grow(this.len + n);
    const dst = this.buf;
    if (n <= 32) {
      let acc = this.acc;
      let o = this.len;
      for (let k = s; k < e; k++) {
        const c = src[k] as number;
        dst[o++] = c;
        acc |= c;
      }
      this.acc = acc;
    } else {
      dst.set(src.subarray(s, e), this.len);
      this.acc |= 0x80; // not inspected: let the UTF-8 check decide
    }
    this.len += n;
  }
  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  view(): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.len);
  }
  /** True when the content is valid UTF-8 (ASCII fast path). */
  utf8(): boolean {
    return this.acc < 0x80 || isUtf8(this.view());
  }
}

export class UrlencodedParser {
  private readonly h: FormHandlers;
  private readonly limits: FormLimits;
  private readonly tolerant: boolean;
  private readonly rejectSemicolon: boolean;
  private readonly allowNul: boolean;
  private readonly name = new GrowBuffer();
  private readonly value = new GrowBuffer();

  private base = 0;
  private err: ViewError | undefined;
  private ended = false;
  private inValue = false;
  private started = false; // current segment has at least one byte
  private fieldStart = 0;
  private fieldBytes = 0;
  private flags = 0;
  private fields = 0;
  private pct = P_NONE;
  private pctAt = 0;
  private hi = 0;
  private hiByte = 0;

  constructor(handlers: FormHandlers, options: FormOptions = {}) {
    this.h = handlers;
    this.limits = {
      maxFields: options.maxFields ?? FORM_DEFAULT_LIMITS.maxFields,
      maxFieldBytes: options.maxFieldBytes ?? FORM_DEFAULT_LIMITS.maxFieldBytes,
    };
    this.tolerant = options.tolerant ?? false;
    this.rejectSemicolon = options.semicolon === 'reject';
    this.allowNul = options.allowNul ?? this.tolerant;
  }

  get error(): ViewError | undefined {
    return this.err;
  }

  write(chunk: Uint8Array): boolean {
    if (this.err !== undefined || this.ended) return false;
    const n = chunk.length;
    const max = this.limits.maxFieldBytes;
    let i = 0;
    while (i < n) {
      const c = chunk[i] as number;
      const abs = this.base + i;
      if (c === AMP) {
        if (this.pct !== P_NONE) {
          if (!this.tolerant) return this.stop('FORM_BAD_PERCENT', 'invalid % escape', this.pctAt);
          this.flushLiteralPercent();
        }
        if (!this.finishField()) return false;
        i++;
        continue;
      }
      if (!this.started) {
        if (this.fields >= this.limits.maxFields) return this.stop('FORM_FIELD_LIMIT', 'too many fields', abs, 'maxFields');
        this.fields++;
        this.started = true;
        this.fieldStart = abs;
        this.fieldBytes = 0;
        this.flags = 0;
        this.inValue = false;
      }
      if (this.fieldBytes >= max) return this.stop('FORM_FIELD_BYTES_LIMIT', 'form field too large', this.fieldStart + max, 'maxFieldBytes');
      if (this.pct === P_NONE && SPECIAL[c] === 0) {
        // Copy a run of ordinary bytes (bounded by the field limit).
        const lim = Math.min(n, i + (max - this.fieldBytes));
        let j = i + 1;
        while (j < lim && SPECIAL[chunk[j] as number] === 0) j++;
        (this.inValue ? this.value : this.name).pushRange(chunk, i, j);
        this.fieldBytes += j - i;
        i = j;
        continue;
      }
      this.fieldBytes++;
      if (!this.byte(c, abs)) return false;
      i++;
    }
    this.base += n;
    return true;
  }

  end(): ViewResult {
    if (this.err !== undefined || this.ended) return this.result();
    if (this.pct !== P_NONE) {
      if (!this.tolerant) {
        this.stop('FORM_BAD_PERCENT', 'incomplete % escape at the end', this.pctAt);
        return this.result();
      }
      this.flushLiteralPercent();
    }
    if (this.finishField()) {
      this.ended = true;
      this.h.onEnd?.();
    }
    return this.result();
  }

  private result(): ViewResult {
    const e = this.err;
    return e === undefined ? { ok: true } : { ok: false, error: e };
  }

  private stop(code: ViewErrorCode, message: string, offset: number, limit?: string): false {
    const e = viewError(code, message, offset, limit);
    this.err = e;
    this.h.onError?.(e);
    return false;
  }

  private out(): GrowBuffer {
    return this.inValue ? this.value : this.name;
  }

  /** In tolerant mode, an abandoned escape is kept as written. */
  private flushLiteralPercent(): void {
    const o = this.out();
    o.push(PCT);
    if (this.pct === P_HEX) o.push(this.hiByte);
    this.pct = P_NONE;
    this.flags |= FIELD_FLAGS.INVALID_ESCAPE;
  }

  private decoded(b: number): void {
    if (b === 0) this.flags |= FIELD_FLAGS.NUL;
    this.out().push(b);
  }

  private byte(c: number, abs: number): boolean {
    if (this.pct !== P_NONE) {
      const v = HEX[c] as number;
      if (v !== 0) {
        if (this.pct === P_PCT) {
          this.hi = v - 1;
          this.hiByte = c;
          this.pct = P_HEX;
          return true;
        }
        this.pct = P_NONE;
        this.flags |= FIELD_FLAGS.PERCENT;
        this.decoded((this.hi << 4) | (v - 1));
        return true;
      }
      const isU = this.pct === P_PCT && (c === 0x75 || c === 0x55);
      if (!this.tolerant) {
        return isU ? this.stop('FORM_PERCENT_U', '%u escape refused', this.pctAt) : this.stop('FORM_BAD_PERCENT', 'invalid % escape', this.pctAt);
      }
      if (isU) this.flags |= FIELD_FLAGS.PERCENT_U;
      this.flushLiteralPercent();
      // Re-handle c as an ordinary byte (it may be '%', '=', '+' ...; '&' is handled by write).
    }
    switch (c) {
      case PCT:
        this.pct = P_PCT;
        this.pctAt = abs;
        return true;
      case PLUS:
        this.flags |= FIELD_FLAGS.PLUS;
        this.out().push(0x20);
        return true;
      case EQ:
        if (this.inValue) this.value.push(EQ);
        else this.inValue = true;
        return true;
      case SEMI:
        if (this.rejectSemicolon) return this.stop('FORM_SEMICOLON', '";" in a form body refused', abs);
        this.flags |= FIELD_FLAGS.SEMICOLON;
        this.out().push(SEMI);
        return true;
      default:
        this.decoded(c);
        return true;
    }
  }

  /** End of a segment: deliver the field (if the segment was not empty). */
  private finishField(): boolean {
    if (!this.started) return true;
    this.started = false;
    if (!this.name.utf8() || !this.value.utf8()) this.flags |= FIELD_FLAGS.NON_UTF8;
    const flags = this.flags;
    const cb = this.h.onField;
    if (cb !== undefined) cb.call(this.h, this.name.view(), this.value.view(), { index: this.fields - 1, offset: this.fieldStart, rawLength: this.fieldBytes, flags });
    this.name.reset();
    this.value.reset();
    this.inValue = false;
    if ((flags & FIELD_FLAGS.NUL) !== 0 && !this.allowNul) return this.stop('FORM_NUL', 'NUL byte in a form field', this.fieldStart);
    return true;
  }
}

/** Parse a complete urlencoded buffer (convenience). */
export function parseUrlencoded(bytes: Uint8Array, handlers: FormHandlers, options?: FormOptions): ViewResult {
  const p = new UrlencodedParser(handlers, options);
  p.write(bytes);
  return p.end();
}
