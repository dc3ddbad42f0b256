/**
 * Strict streaming multipart/form-data parser (RFC 7578, RFC 2046 §5.1).
 *
 * Given the boundary, it emits onPartBegin / onPartData / onPartEnd and
 * refuses anything another parser could read differently:
 *  - boundary longer than 70 or with characters outside RFC 2046 bchars;
 *  - any byte before the first `--boundary` (no preamble) and anything after
 *    the close delimiter except one CRLF (no epilogue); a missing close
 *    delimiter;
 *  - a delimiter followed by anything but CRLF or `--` (no transport padding);
 *  - `--boundary` inside a part unless it is preceded by CRLF (so LF-only and
 *    CR-only framing, and the boundary string inside data, are refused);
 *  - part header problems (see multipart-headers.ts, multipart-part.ts).
 * Limits (`>=`): parts, header lines/bytes per part, field-name bytes,
 * bytes of a non-file field.
 *
 * The delimiter search is linear: `Buffer#indexOf` over the pending bytes
 * (at most delimiter length - 1 = boundary + 3 bytes carried between chunks)
 * plus the new chunk. Any split of the input gives the same events (data
 * chunks may be cut differently) and the same error. base64 and
 * quoted-printable parts are decoded; the encoded bytes are also offered.
 */
import { BCHAR, inTable } from './chars.js';
import { DEFAULT_ALLOWED_CHARSETS, type MediaType, parseMediaType } from './content-type.js';
import { viewError, type ViewError, type ViewErrorCode, type ViewResult } from './errors.js';
import { PartHeaderReader } from './multipart-headers.js';
import { buildPart, isPartError, type PartInfo } from './multipart-part.js';
import { Base64Decoder, QuotedPrintableDecoder, type TransferDecoder } from './transfer-decoding.js';

export type { PartInfo, TransferEncoding } from './multipart-part.js';
export type { PartHeader } from './multipart-headers.js';

export interface MultipartLimits {
  readonly maxParts: number;
  readonly maxHeaderLines: number;
  readonly maxHeaderBytes: number;
  /** Bytes of a field name (UTF-8). */
  readonly maxNameBytes: number;
  /** Body bytes (as received, before any transfer decoding) of a part without filename. */
  readonly maxFieldBytes: number;
}

export const MULTIPART_DEFAULT_LIMITS: MultipartLimits = {
  maxParts: 100,
  maxHeaderLines: 16,
  maxHeaderBytes: 8192,
  maxNameBytes: 200,
  maxFieldBytes: 1024 * 1024,
};

export const MAX_BOUNDARY_LENGTH = 70;

export interface MultipartOptions extends Partial<MultipartLimits> {
  /** Part charsets accepted (lower-case); default utf-8, us-ascii, iso-8859-1. */
  readonly allowedCharsets?: readonly string[];
}

export interface MultipartHandlers {
  onPartBegin?(part: PartInfo): void;
  /** Body bytes of the current part (decoded for base64/quoted-printable parts); valid only during the call. */
  onPartData?(chunk: Uint8Array): void;
  /** For base64/quoted-printable parts only: the encoded bytes as received. */
  onPartRawData?(chunk: Uint8Array): void;
  /** The part ended; `bodyEnd` is the absolute offset just past its body (the CR before the delimiter). */
  onPartEnd?(bodyEnd: number): void;
  onError?(error: ViewError): void;
  onEnd?(): void;
}

/** Validate a boundary parameter value (RFC 2046: 1-70 bchars, not ending with space). */
export function validateBoundary(boundary: string): ViewError | undefined {
  const n = boundary.length;
  if (n === 0) return viewError('MULTIPART_BAD_BOUNDARY', 'empty boundary', 0);
  if (n > MAX_BOUNDARY_LENGTH) return viewError('MULTIPART_BAD_BOUNDARY', 'boundary longer than 70 characters', 0);
  for (let i = 0; i < n; i++) {
    if (!inTable(BCHAR, boundary.charCodeAt(i))) return viewError('MULTIPART_BAD_BOUNDARY', 'invalid character in boundary', 0);
  }
  if (boundary.charCodeAt(n - 1) === 0x20) return viewError('MULTIPART_BAD_BOUNDARY', 'boundary ends with a space', 0);
  return undefined;
}

// States.
const S_START = 0;
const S_SUFFIX = 1; // after `--boundary`: CRLF or `--`
const S_HEADERS = 2;
const S_BODY = 3;
const S_EPILOGUE = 4;
const S_ERROR = 5;
const S_ENDED = 6;

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;

const CHARSET_FIELD_MAX = 64;

export class MultipartParser {
  private readonly h: MultipartHandlers;
  private readonly limits: MultipartLimits;
  private readonly allowedCharsets: readonly string[];
  /** `--boundary`. */
  private readonly needle: Buffer;
  private readonly reader: PartHeaderReader;

  private state = S_START;
  private base = 0;
  private err: ViewError | undefined;
  private matched = 0; // S_START: bytes of the needle matched; S_SUFFIX/S_EPILOGUE: bytes seen
  private suffixFirst = 0;
  private parts = 0;
  private partOffset = 0;

  // Current part body.
  private part: PartInfo | undefined;
  private bodyStart = 0;
  private pend: Buffer;
  private plen = 0;
  private pendAbs = 0;
  private readonly scratch: Buffer;
  private fieldBytes = 0;
  private decoder: TransferDecoder | undefined;
  private charsetField: Buffer | undefined;
  private charsetLen = 0;

  constructor(boundary: string, handlers: MultipartHandlers, options: MultipartOptions = {}) {
    this.h = handlers;
    this.limits = {
      maxParts: options.maxParts ?? MULTIPART_DEFAULT_LIMITS.maxParts,
      maxHeaderLines: options.maxHeaderLines ?? MULTIPART_DEFAULT_LIMITS.maxHeaderLines,
      maxHeaderBytes: options.maxHeaderBytes ?? MULTIPART_DEFAULT_LIMITS.maxHeaderBytes,
      maxNameBytes: options.maxNameBytes ?? MULTIPART_DEFAULT_LIMITS.maxNameBytes,
      maxFieldBytes: options.maxFieldBytes ?? MULTIPART_DEFAULT_LIMITS.maxFieldBytes,
    };
    this.allowedCharsets = options.allowedCharsets ?? DEFAULT_ALLOWED_CHARSETS;
    this.reader = new PartHeaderReader(this.limits.maxHeaderLines, this.limits.maxHeaderBytes);
    const bad = validateBoundary(boundary);
    // An invalid boundary still gets a (harmless) needle; the parser starts stopped.
    this.needle = Buffer.from('--' + (bad === undefined ? boundary : 'x'), 'latin1');
    this.pend = Buffer.allocUnsafe(this.needle.length + 1);
    this.scratch = Buffer.allocUnsafe(4 * (this.needle.length + 1) + 256);
    if (bad !== undefined) this.fail(bad);
  }

  get error(): ViewError | undefined {
    return this.err;
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.base;
  }

  write(chunk: Uint8Array): boolean {
    if (this.state === S_ERROR || this.state === S_ENDED) return false;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const n = buf.length;
    let i = 0;
    while (i < n) {
      i = this.step(buf, i, n);
      if (i < 0) return false;
    }
    this.base += n;
    return true;
  }

  end(): ViewResult {
    if (this.err !== undefined) return { ok: false, error: this.err };
    if (this.state === S_ENDED) return { ok: true };
    if (this.state === S_EPILOGUE && this.matched !== 1) {
      this.state = S_ENDED;
      this.h.onEnd?.();
      return { ok: true };
    }
    const code: ViewErrorCode = this.state === S_EPILOGUE ? 'MULTIPART_EPILOGUE' : 'MULTIPART_TRUNCATED';
    const e = viewError(code, code === 'MULTIPART_EPILOGUE' ? 'CR without LF after the close delimiter' : 'body ends before the close delimiter', this.base);
    this.fail(e);
    return { ok: false, error: e };
  }

  private fail(e: ViewError): number {
    this.err = e;
    this.state = S_ERROR;
    this.h.onError?.(e);
    return -1;
  }

  private step(buf: Buffer, i: number, n: number): number {
    switch (this.state) {
      case S_START:
        return this.start(buf, i, n);
      case S_SUFFIX:
        return this.suffix(buf, i);
      case S_HEADERS:
        return this.headers(buf, i, n);
      case S_BODY:
        return this.body(buf, i, n);
      case S_EPILOGUE:
        return this.epilogue(buf, i);
      default:
        return -1;
    }
  }

  /** The body must begin with `--boundary`. */
  private start(buf: Buffer, i: number, n: number): number {
    const needle = this.needle;
    while (i < n && this.matched < needle.length) {
      if (buf[i] !== needle[this.matched]) return this.fail(viewError('MULTIPART_PREAMBLE', 'body does not start with the boundary delimiter', this.base + i));
      this.matched++;
      i++;
    }
    if (this.matched === needle.length) {
      this.state = S_SUFFIX;
      this.matched = 0;
    }
    return i;
  }

  /** After `--boundary`: CRLF (next part) or `--` (close). */
  private suffix(buf: Buffer, i: number): number {
    const c = buf[i] as number;
    const abs = this.base + i;
    if (this.matched === 0) {
      if (c !== CR && c !== DASH) {
        const code: ViewErrorCode = c === LF ? 'MULTIPART_BARE_LF' : 'MULTIPART_DELIMITER_SUFFIX';
        return this.fail(viewError(code, 'delimiter not followed by CRLF or "--"', abs));
      }
      this.suffixFirst = c;
      this.matched = 1;
      return i + 1;
    }
    const want = this.suffixFirst === CR ? LF : DASH;
    if (c !== want) {
      const code: ViewErrorCode = this.suffixFirst === CR ? 'MULTIPART_BARE_CR' : 'MULTIPART_DELIMITER_SUFFIX';
      return this.fail(viewError(code, 'delimiter not followed by CRLF or "--"', abs));
    }
    this.matched = 0;
    if (this.suffixFirst === DASH) {
      this.state = S_EPILOGUE;
      return i + 1;
    }
    if (this.parts >= this.limits.maxParts) return this.fail(viewError('MULTIPART_PART_LIMIT', 'too many parts', abs + 1, 'maxParts'));
    this.parts++;
    this.state = S_HEADERS;
    this.partOffset = abs + 1;
    this.reader.reset();
    return i + 1;
  }

  /** After the close delimiter only a single CRLF may follow. */
  private epilogue(buf: Buffer, i: number): number {
    const c = buf[i] as number;
    const ok = (this.matched === 0 && c === CR) || (this.matched === 1 && c === LF);
    if (!ok) return this.fail(viewError('MULTIPART_EPILOGUE', 'data after the close delimiter', this.base + i));
    this.matched++;
    return i + 1;
  }

  private headers(buf: Buffer, i: number, n: number): number {
    const r = this.reader.feed(buf, i, n, this.base);
    if (r < 0) return this.fail(this.reader.error as ViewError);
    if (!this.reader.complete) return n;
    return this.beginPart(r);
  }

  private beginPart(r: number): number {
    const bodyAbs = this.base + r;
    const info = buildPart(this.reader.headers, this.parts - 1, this.partOffset, bodyAbs, {
      maxNameBytes: this.limits.maxNameBytes,
      allowedCharsets: this.allowedCharsets,
    });
    if (isPartError(info)) return this.fail(info);
    this.part = info;
    this.bodyStart = bodyAbs;
    this.pendAbs = bodyAbs;
    this.plen = 0;
    this.fieldBytes = 0;
    this.decoder = info.transferEncoding === 'base64' ? new Base64Decoder() : info.transferEncoding === 'quoted-printable' ? new QuotedPrintableDecoder() : undefined;
    this.charsetField = info.name === '_charset_' ? Buffer.alloc(CHARSET_FIELD_MAX) : undefined;
    this.charsetLen = 0;
    this.state = S_BODY;
    this.h.onPartBegin?.(info);
    return r;
  }

  /** Scan the part body for `--boundary`. */
  private body(buf: Buffer, i: number, n: number): number {
    const needle = this.needle;
    const L = needle.length;
    const plen = this.plen;
    let work: Buffer;
    if (plen === 0) work = buf.subarray(i, n);
    else if (plen + (n - i) <= this.scratch.length) {
      this.pend.copy(this.scratch, 0, 0, plen);
      buf.copy(this.scratch, plen, i, n);
      work = this.scratch.subarray(0, plen + (n - i));
    } else work = Buffer.concat([this.pend.subarray(0, plen), buf.subarray(i, n)]);
    const workAbs = this.pendAbs;
    const p = work.indexOf(needle);
    if (p === -1) {
      const keep = Math.min(work.length, L + 1);
      const emitEnd = work.length - keep;
      if (emitEnd > 0 && !this.emit(work, 0, emitEnd, workAbs)) return -1;
      work.copy(this.pend, 0, emitEnd, work.length);
      this.plen = keep;
      this.pendAbs = workAbs + emitEnd;
      return n;
    }
    const abs = workAbs + p;
    const rel = abs - this.bodyStart;
    if (rel >= 2 && work[p - 1] === LF && work[p - 2] === CR) {
      if (p - 2 > 0 && !this.emit(work, 0, p - 2, workAbs)) return -1;
      if (!this.finishPart(abs - 2)) return -1;
      this.plen = 0;
      this.state = S_SUFFIX;
      this.matched = 0;
      return i + (p + L - plen);
    }
    if (p > 0 && !this.emit(work, 0, p, workAbs)) return -1;
    const prev = rel >= 1 ? (work[p - 1] as number) : -1;
    const code: ViewErrorCode = prev === LF ? 'MULTIPART_BARE_LF' : prev === CR ? 'MULTIPART_BARE_CR' : 'MULTIPART_BOUNDARY_IN_BODY';
    return this.fail(viewError(code, code === 'MULTIPART_BOUNDARY_IN_BODY' ? 'boundary string inside a part' : 'delimiter line not ended by CRLF', abs));
  }

  /**
   * Deliver body bytes work[s, e) (absolute offset of work[0] is `abs`).
   * The field limit counts body bytes as received (decoded output is never
   * larger), so the cut point does not depend on chunking.
   */
  private emit(work: Buffer, s: number, e: number, abs: number): boolean {
    const part = this.part as PartInfo;
    let end = e;
    let over = false;
    if (part.filename === undefined) {
      const room = this.limits.maxFieldBytes - this.fieldBytes;
      if (e - s > room) {
        end = s + room;
        over = true;
      }
      this.fieldBytes += end - s;
    }
    const raw = work.subarray(s, end);
    const dec = this.decoder;
    if (dec === undefined) {
      if (raw.length > 0) this.deliver(raw);
    } else {
      const bad = dec.write(raw, (bytes) => this.deliver(bytes));
      const upto = bad < 0 ? raw.length : bad;
      if (upto > 0) this.h.onPartRawData?.(raw.subarray(0, upto));
      if (bad >= 0) {
        const code: ViewErrorCode = part.transferEncoding === 'base64' ? 'MULTIPART_BAD_BASE64' : 'MULTIPART_BAD_QUOTED_PRINTABLE';
        this.fail(viewError(code, `invalid ${part.transferEncoding ?? ''} part body`, abs + s + bad));
        return false;
      }
    }
    if (over) {
      this.fail(viewError('MULTIPART_FIELD_LIMIT', 'form field too large', abs + end, 'maxFieldBytes'));
      return false;
    }
    return true;
  }

  /** Hand (decoded) bytes to the consumer; keep the start of a _charset_ field. */
  private deliver(bytes: Uint8Array): void {
    if (this.charsetField !== undefined && this.charsetLen < CHARSET_FIELD_MAX) {
      const take = Math.min(bytes.length, CHARSET_FIELD_MAX - this.charsetLen);
      this.charsetField.set(bytes.subarray(0, take), this.charsetLen);
      this.charsetLen += take;
    }
    if (bytes.length > 0) this.h.onPartData?.(bytes);
  }

  /** The delimiter was found at `abs` (the CR of its CRLF). */
  private finishPart(abs: number): boolean {
    const part = this.part as PartInfo;
    const dec = this.decoder;
    if (dec !== undefined) {
      const complete = dec.end((bytes) => this.deliver(bytes));
      if (!complete) {
        const code: ViewErrorCode = part.transferEncoding === 'base64' ? 'MULTIPART_BAD_BASE64' : 'MULTIPART_BAD_QUOTED_PRINTABLE';
        this.fail(viewError(code, `${part.transferEncoding ?? ''} part body ends inside an encoded unit`, abs));
        return false;
      }
    }
    if (this.charsetField !== undefined) {
      const value = this.charsetField.toString('latin1', 0, this.charsetLen).trim().toLowerCase();
      if (!this.allowedCharsets.includes(value)) {
        this.fail(viewError('MULTIPART_CHARSET', '_charset_ field names a charset that is not on the allow-list', this.bodyStart));
        return false;
      }
    }
    this.part = undefined;
    this.decoder = undefined;
    this.h.onPartEnd?.(abs);
    return true;
  }
}

export type MultipartFailure = { readonly error: ViewError };

/**
 * Create a parser from a request Content-Type (string or parsed). Refuses
 * media types other than multipart/form-data and a missing/invalid boundary.
 * Returns the parser, or a failure value; both have `error` (undefined on a
 * fresh parser), and `instanceof MultipartParser` tells them apart.
 */
export function multipartFromContentType(contentType: string | MediaType, handlers: MultipartHandlers, options?: MultipartOptions): MultipartParser | MultipartFailure {
  const mt = typeof contentType === 'string' ? parseMediaType(contentType) : contentType;
  if (mt.error) return { error: mt.error };
  if (mt.essence !== 'multipart/form-data') return { error: viewError('MULTIPART_NO_BOUNDARY', 'not multipart/form-data', 0) };
  const boundary = mt.params.get('boundary');
  if (boundary === undefined) return { error: viewError('MULTIPART_NO_BOUNDARY', 'multipart/form-data without boundary', 0) };
  const bad = validateBoundary(boundary);
  if (bad !== undefined) return { error: bad };
  return new MultipartParser(boundary, handlers, options);
}
