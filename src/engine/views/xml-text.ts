/**
 * The XML text view: one forward pass over an XML layer (a state machine
 * over bytes, no recursion, no regex) that
 *
 * - counts element depth (start tags, end tags, self-closing tags; comments,
 *   CDATA sections, PIs, the DOCTYPE and its internal subset, and quoted
 *   attribute values holding `>` are skipped as the markup they are), and
 *   reports the first start tag deeper than `maxDepth`;
 * - joins the character data an XML parser hands the application for each
 *   run of text between two tags: comments and PIs removed, CDATA sections
 *   unwrapped. Only runs that this changes are reported (two or more non-blank
 *   pieces separated by such markup): a run the raw bytes already hold
 *   contiguously is covered by the scan of the layer itself, so plain XML
 *   (a 10 MB catalog) costs one `indexOf` per tag and no copies.
 *
 * Character and entity references are left as they are (the engine's
 * character-reference decoder reads the joined text like any layer).
 * Output is bounded by the layer: runs are disjoint byte ranges of it.
 * Element names kept for paths are bounded by `maxDepth` entries.
 */
import {
  CDATA_CLOSE,
  CDATA_OPEN,
  COMMENT_CLOSE,
  COMMENT_OPEN,
  DOCTYPE_OPEN,
  NAME_START,
  PI_CLOSE,
  after,
  bufferOf,
  doctypeEnd,
  nameEnd,
  startsWith,
  tagEnd,
} from './xml-markup.js';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QMARK = 0x3f;

/** Bytes of one element name kept for a path. */
const MAX_NAME = 64;
/** Longest path string (characters) before it is cut with `/…`. */
const MAX_PATH = 512;

/**
 * One run whose text markup split, valid only during the `onText` call (the walk reuses it): the
 * path and the joined bytes are produced on request, so a caller that merges many runs pays for
 * neither a path string nor a buffer per run.
 */
export interface XmlTextRun {
  /** Offset in the layer of the run's first piece. */
  readonly offset: number;
  /** Bytes of the joined character data. */
  readonly length: number;
  /** Element path, e.g. `/root/x` (`/…` where names were cut). */
  path(): string;
  /** Copy the joined text into `dst` at `at`; returns the bytes written (`length`). */
  copyTo(dst: Uint8Array, at: number): number;
}

export interface XmlWalkOptions {
  /** Deepest element nesting allowed; the first start tag beyond it is reported. */
  readonly maxDepth: number;
  /** Stop at the first start tag beyond maxDepth (otherwise keep counting, for `balanced`). */
  readonly stopAtLimit: boolean;
  /** Joined runs shorter than this are not reported. */
  readonly minText: number;
}

export interface XmlWalkResult {
  /** Offset of the first start tag nested deeper than maxDepth, or -1. */
  readonly tooDeepAt: number;
  /** Every start tag was closed and no end tag closed more than was open (as far as the pass went). */
  readonly balanced: boolean;
  /** Elements seen (start and self-closing tags). */
  readonly elements: number;
}

/** Walk `bytes`; `onText` receives the runs whose text differs from the raw bytes, in document order. */
export function walkXml(bytes: Uint8Array, o: XmlWalkOptions, onText: (run: XmlTextRun) => void): XmlWalkResult {
  return new XmlWalk(bytes, o, onText).run();
}

class XmlWalk {
  private readonly buf: Buffer;
  private depth = 0;
  private elements = 0;
  private tooDeepAt = -1;
  private overClosed = false;
  /** Name ranges (start, end) of the open elements: the first min(depth, maxDepth) of them. */
  private readonly names: Int32Array;
  /** Pieces (start, end) of the current text run: `pieceEnds` numbers are in use (no array resizing per tag). */
  private readonly pieces: number[] = [];
  private pieceEnds = 0;

  constructor(
    bytes: Uint8Array,
    private readonly o: XmlWalkOptions,
    private readonly onText: (run: XmlTextRun) => void,
  ) {
    this.buf = bufferOf(bytes);
    this.names = new Int32Array(2 * o.maxDepth);
  }

  run(): XmlWalkResult {
    const b = this.buf;
    const n = b.length;
    let i = 0;
    let textFrom = 0;
    while (i < n) {
      const lt = b.indexOf(LT, i);
      if (lt < 0) break;
      const c = b[lt + 1];
      let next: number;
      if (c === BANG) {
        if (startsWith(b, lt, COMMENT_OPEN)) {
          this.piece(textFrom, lt);
          next = after(b, lt + 4, COMMENT_CLOSE);
        } else if (startsWith(b, lt, CDATA_OPEN)) {
          this.piece(textFrom, lt);
          const close = b.indexOf(CDATA_CLOSE, lt + CDATA_OPEN.length);
          this.piece(lt + CDATA_OPEN.length, close < 0 ? n : close);
          next = close < 0 ? -1 : close + CDATA_CLOSE.length;
        } else if (startsWith(b, lt, DOCTYPE_OPEN)) {
          this.piece(textFrom, lt);
          this.flush();
          next = doctypeEnd(b, lt + DOCTYPE_OPEN.length);
        } else {
          // `<!ELEMENT` outside a DOCTYPE and the like: malformed; skip it as markup.
          this.piece(textFrom, lt);
          next = closeAngle(b, lt + 2);
        }
      } else if (c === QMARK) {
        this.piece(textFrom, lt);
        next = after(b, lt + 2, PI_CLOSE);
      } else if (c === SLASH) {
        this.piece(textFrom, lt);
        this.flush();
        if (this.depth > 0) this.depth--;
        else this.overClosed = true;
        next = closeAngle(b, lt + 2);
      } else if (c !== undefined && NAME_START[c] === 1) {
        this.piece(textFrom, lt);
        this.flush();
        const nameTo = nameEnd(b, lt + 2);
        const gt = tagEnd(b, nameTo);
        if (gt >= 0 && b[gt - 1] !== SLASH) {
          if (!this.open(lt, nameTo)) return this.result();
        } else this.elements++;
        next = gt < 0 ? -1 : gt + 1;
      } else {
        // A `<` that starts no markup is text to a lenient reader (and an error to a strict one).
        i = lt + 1;
        continue;
      }
      if (next < 0) {
        // Unterminated markup: nothing after it is text or structure.
        textFrom = n;
        break;
      }
      i = textFrom = next;
    }
    this.piece(textFrom, n);
    this.flush();
    return this.result();
  }

  private result(): XmlWalkResult {
    return { tooDeepAt: this.tooDeepAt, balanced: this.depth === 0 && !this.overClosed, elements: this.elements };
  }

  /** A start tag at `lt` whose name ends at `nameTo`. Returns false when the walk stops at the depth limit. */
  private open(lt: number, nameTo: number): boolean {
    this.elements++;
    this.depth++;
    if (this.depth > this.o.maxDepth) {
      if (this.tooDeepAt < 0) this.tooDeepAt = lt;
      if (this.o.stopAtLimit) return false;
    } else {
      this.names[2 * this.depth - 2] = lt + 1;
      this.names[2 * this.depth - 1] = Math.min(nameTo, lt + 1 + MAX_NAME);
    }
    return true;
  }

  private piece(from: number, to: number): void {
    if (to <= from) return;
    this.pieces[this.pieceEnds++] = from;
    this.pieces[this.pieceEnds++] = to;
  }

  /** End of a text run (a tag or the end of the layer): report it if markup split it. */
  private flush(): void {
    if (this.pieceEnds >= 4 && this.depth > 0) this.report();
    this.pieceEnds = 0;
  }

  private report(): void {
    const p = this.pieces;
    const end = this.pieceEnds;
    const b = this.buf;
    let nonBlank = 0;
    let total = 0;
    for (let k = 0; k < end; k += 2) {
      total += p[k + 1]! - p[k]!;
      if (nonBlank < 2 && !isBlank(b, p[k]!, p[k + 1]!)) nonBlank++;
    }
    if (nonBlank < 2 || total < this.o.minText) return;
    this.onText({
      offset: p[0]!,
      length: total,
      path: () => this.path(),
      copyTo: (dst, at) => {
        const from = at;
        for (let k = 0; k < end; k += 2) at += b.copy(dst, at, p[k]!, p[k + 1]!);
        return at - from;
      },
    });
  }

  private path(): string {
    const names = this.names;
    const kept = Math.min(this.depth, this.o.maxDepth);
    let s = '';
    for (let k = 0; k < 2 * kept; k += 2) {
      s += '/' + this.buf.toString('utf8', names[k]!, names[k + 1]!);
      if (s.length > MAX_PATH) return s.slice(0, MAX_PATH) + '/…';
    }
    return this.depth > kept ? s + '/…' : s;
  }
}

/** Offset after the next `>` from `pos`, or -1. */
function closeAngle(b: Buffer, pos: number): number {
  const at = b.indexOf(GT, pos);
  return at < 0 ? -1 : at + 1;
}

function isBlank(b: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = b[k]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return true;
}
