/**
 * Incremental reader for the header block of one multipart part.
 *
 * Strict framing: every line ends with CRLF (bare LF or bare CR refused), no
 * folding (a line starting with SP/HTAB), no NUL or other control bytes
 * (HTAB allowed inside values), header names are tokens directly followed by
 * `:`, names that imitate Content-Type/Content-Disposition/
 * Content-Transfer-Encoding (`Content_Type`, `ContentType`) or contain `_`
 * are refused. Limits: lines and bytes per block (`>=` checks).
 */
import { inTable, TCHAR } from './chars.js';
import { latin1Text } from './buffer-text.js';
import { viewError, type ViewError } from './errors.js';

export interface PartHeader {
  /** Lower-cased header name. */
  readonly name: string;
  /** Value with surrounding OWS removed, one char per byte (latin1). */
  readonly value: string;
  /** Absolute offset of the header line. */
  readonly offset: number;
}

const R_LINE_START = 0;
const R_IN_LINE = 1;
const R_AFTER_CR = 2;

const CR = 0x0d;
const LF = 0x0a;

const LOOKALIKES = ['contenttype', 'contentdisposition', 'contenttransferencoding'];
const EXACT = ['content-type', 'content-disposition', 'content-transfer-encoding'];

function isLookalike(lower: string): boolean {
  if (lower.indexOf('_') !== -1) return true;
  let squashed = '';
  for (let i = 0; i < lower.length; i++) {
    const ch = lower[i] as string;
    if (ch !== '-') squashed += ch;
  }
  const k = LOOKALIKES.indexOf(squashed);
  return k !== -1 && lower !== EXACT[k];
}

export class PartHeaderReader {
  headers: PartHeader[] = [];
  error: ViewError | undefined;
  /** True once the blank line ending the block was read. */
  complete = false;
  private state = R_LINE_START;
  private readonly line: Buffer;
  private llen = 0;
  private lineAbs = 0;
  private bytes = 0;
  private blank = false;

  constructor(
    private readonly maxLines: number,
    private readonly maxBytes: number,
  ) {
    this.line = Buffer.allocUnsafe(maxBytes);
  }

  reset(): void {
    this.headers = [];
    this.error = undefined;
    this.complete = false;
    this.state = R_LINE_START;
    this.llen = 0;
    this.bytes = 0;
  }

  /**
   * Consume buf[i, n) (buf[0] is at absolute offset `base`). Returns the index
   * just after the blank line once the block is complete, `n` when more input
   * is needed, or -1 on error (`error` is set).
   */
  feed(buf: Uint8Array, i: number, n: number, base: number): number {
    while (i < n) {
      if (this.bytes >= this.maxBytes) return this.fail(viewError('MULTIPART_HEADER_BYTES_LIMIT', 'part header block too large', base + i, 'maxHeaderBytes'));
      const c = buf[i] as number;
      const abs = base + i;
      this.bytes++;
      i++;
      switch (this.state) {
        case R_LINE_START:
          if (c === CR) {
            this.blank = true;
            this.state = R_AFTER_CR;
          } else if (c === LF) return this.fail(viewError('MULTIPART_BARE_LF', 'LF without CR in part headers', abs));
          else if (c === 0x20 || c === 0x09) return this.fail(viewError('MULTIPART_HEADER_FOLDING', 'folded part header line', abs));
          else {
            this.blank = false;
            this.lineAbs = abs;
            this.llen = 0;
            if (!this.byte(c, abs)) return -1;
            this.state = R_IN_LINE;
          }
          break;
        case R_IN_LINE:
          if (c === CR) this.state = R_AFTER_CR;
          else if (c === LF) return this.fail(viewError('MULTIPART_BARE_LF', 'LF without CR in part headers', abs));
          else if (!this.byte(c, abs)) return -1;
          break;
        default:
          if (c !== LF) return this.fail(viewError('MULTIPART_BARE_CR', 'CR without LF in part headers', abs - 1));
          if (this.blank) {
            this.complete = true;
            return i;
          }
          if (!this.finishLine()) return -1;
          this.state = R_LINE_START;
      }
    }
    return n;
  }

  private fail(e: ViewError): number {
    this.error = e;
    return -1;
  }

  private byte(c: number, abs: number): boolean {
    if (c === 0) {
      this.fail(viewError('MULTIPART_HEADER_NUL', 'NUL byte in part headers', abs));
      return false;
    }
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
      this.fail(viewError('MULTIPART_HEADER_CTL', 'control byte in part headers', abs));
      return false;
    }
    this.line[this.llen++] = c;
    return true;
  }

  private finishLine(): boolean {
    if (this.headers.length >= this.maxLines) {
      this.fail(viewError('MULTIPART_HEADER_LINES_LIMIT', 'too many part header lines', this.lineAbs, 'maxHeaderLines'));
      return false;
    }
    const line = this.line;
    const len = this.llen;
    let k = 0;
    while (k < len && inTable(TCHAR, line[k] as number)) k++;
    if (k === 0 || k >= len || line[k] !== 0x3a) {
      this.fail(viewError('MULTIPART_HEADER_SYNTAX', 'part header line is not "name: value"', this.lineAbs + k));
      return false;
    }
    const name = latin1Text(line, 0, k).toLowerCase();
    if (isLookalike(name)) {
      this.fail(viewError('MULTIPART_HEADER_NAME', 'part header name imitates a content header', this.lineAbs));
      return false;
    }
    let vs = k + 1;
    let ve = len;
    while (vs < ve && (line[vs] === 0x20 || line[vs] === 0x09)) vs++;
    while (ve > vs && (line[ve - 1] === 0x20 || line[ve - 1] === 0x09)) ve--;
    this.headers.push({ name, value: latin1Text(line, vs, ve), offset: this.lineAbs });
    return true;
  }
}
