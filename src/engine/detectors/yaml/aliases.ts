/**
 * YAML alias fan-out ("billion laughs") estimate for DW-YAML-004, in one pass
 * over a layer, without expanding anything and without a YAML parser.
 *
 * A hand-written scanner reads just enough YAML to see where nodes start
 * (line start, after `- `, `? `, `: `, `[`, `{`, `,`), skips quoted scalars,
 * comments, tags and block scalars, and follows bracket depth and
 * indentation. It counts the literal nodes (scalars and flow collections) of
 * the layer and, for each anchored node (`&name`), its expanded size: own
 * nodes plus the size of every alias (`*name`) inside it (alias-regions.ts).
 * An alias refers to the latest preceding definition of its anchor, so the
 * sizes are known when the alias is read. The layer is a bomb when the nodes
 * its aliases add exceed both MAX_ALIAS_NODES and ALIAS_RATIO x its literal
 * nodes (a CI file reusing a few anchors tens of times stays far below).
 *
 * Approximate by design, on the side of overestimating: an anchored block
 * node extends to the first line indented at most as much as its key.
 */
import { AnchorTable, SIZE_CAP } from './alias-regions.js';

export const MAX_ALIAS_NODES = 100_000;
export const ALIAS_RATIO = 10;
/** Bytes scanned between two budget checks. */
const CHECK_EVERY = 1 << 16;

export interface AliasBomb {
  /** Offset of the alias that expands most. */
  readonly offset: number;
  readonly length: number;
  readonly name: string;
  /** Nodes the aliases add to the document (saturating at 2^50). */
  readonly added: number;
  readonly literal: number;
}

const LF = 0x0a, CR = 0x0d, SP = 0x20, TAB = 0x09;
const COLON = 0x3a, HASH = 0x23, COMMA = 0x2c, DASH = 0x2d, QUESTION = 0x3f;

const isBlank = (c: number | undefined): boolean => c === undefined || c === SP || c === TAB || c === LF || c === CR;
const isFlowIndicator = (c: number | undefined): boolean => c === COMMA || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d;

/** Bytes that can change the state inside a plain scalar. */
const SPECIAL = new Uint8Array(256);
for (const c of [LF, CR, COLON, HASH, COMMA, 0x5b, 0x5d, 0x7b, 0x7d]) SPECIAL[c] = 1;

interface Pending {
  readonly name: string;
  /** Where a block node under this anchor ends (see Region). */
  readonly level: number;
  readonly same: 'any' | 'dash' | 'none';
}

class AliasScan {
  private i = 0;
  private flow = 0;
  /** True where a node may start. */
  private expect = true;
  private lineStart = 0;
  private lineIndent = 0;
  /** Column of the last `- ` and of the first node on the current line (block context), or -1. */
  private lineDash = -1;
  private lineKey = -1;
  private afterColon = false;
  private pending: Pending | null = null;
  /** Block scalar being skipped: lines indented more than this are its content. */
  private blockScalar: number | null = null;
  private readonly table = new AnchorTable();
  private literal = 0;
  private added = 0;
  private best = { offset: 0, length: 0, name: '', size: 0 };

  /** The layer as a Buffer, to read names without allocating a view per name. */
  private readonly hay: Buffer;

  constructor(private readonly b: Uint8Array) {
    this.hay = Buffer.from(b.buffer, b.byteOffset, b.length);
  }

  run(stop: () => boolean): AliasBomb | undefined {
    const b = this.b;
    let nextCheck = 0;
    this.i = this.startLine(0);
    while (this.i < b.length) {
      if (this.i >= nextCheck) {
        if (stop()) return undefined;
        nextCheck = this.i + CHECK_EVERY;
      }
      const c = b[this.i]!;
      if (c === LF || (c === CR && b[this.i + 1] !== LF)) this.i = this.startLine(this.i + 1);
      else if (c === SP || c === TAB || c === CR) this.i++;
      else if (this.expect) this.nodeStart(c);
      else this.inScalar(c);
      if (this.added > MAX_ALIAS_NODES && this.added > ALIAS_RATIO * b.length) break; // literal <= length: decided
    }
    if (this.pending !== null) this.table.define(this.pending.name, 1);
    this.table.closeAll();
    if (this.added <= MAX_ALIAS_NODES || this.added <= ALIAS_RATIO * this.literal) return undefined;
    const { offset, length, name } = this.best;
    return { offset, length, name, added: this.added, literal: this.literal };
  }

  /** Handles the line starting at `p`; returns where scanning goes on. */
  private startLine(p: number): number {
    const b = this.b;
    let q = p;
    while (b[q] === SP) q++;
    const c = b[q];
    if (c === undefined || c === LF || c === CR || c === HASH) return c === HASH ? this.toEol(q) : q; // blank or comment line
    const indent = q - p;
    const marker = indent === 0 && (c === DASH || c === 0x2e) && b[q + 1] === c && b[q + 2] === c && isBlank(b[q + 3]);
    if (marker) { // `---` / `...`: the document's nodes all end
      this.endNode();
      this.table.closeAll();
      this.flow = 0;
      this.blockScalar = null;
    } else if (this.blockScalar !== null && this.flow === 0) {
      if (indent > this.blockScalar) return this.toEol(q);
      this.blockScalar = null;
    }
    this.lineStart = p;
    this.lineIndent = indent;
    this.lineDash = -1;
    this.lineKey = -1;
    this.afterColon = false;
    if (marker) {
      this.expect = true;
      return c === DASH ? q + 3 : this.toEol(q);
    }
    if (this.flow > 0) return q;
    if (c === 0x25 && indent === 0) return this.toEol(q); // %YAML / %TAG directive
    this.expect = true;
    if (this.pending !== null) {
      this.table.push({ name: this.pending.name, kind: 'block', level: this.pending.level, same: this.pending.same, size: 0 });
      this.pending = null;
    }
    this.table.closeBlock(indent, c === DASH && isBlank(b[q + 1]));
    return q;
  }

  private toEol(p: number): number {
    let q = p;
    while (q < this.b.length && this.b[q] !== LF && this.b[q] !== CR) q++;
    return q;
  }

  private get col(): number {
    return this.i - this.lineStart;
  }

  /** A pending anchor whose node turned out empty or a scalar: size 1. */
  private endNode(): void {
    if (this.pending !== null) this.table.define(this.pending.name, 1);
    this.pending = null;
  }

  /** Counts one literal node starting here. */
  private literalNode(): void {
    this.literal++;
    this.table.count(1);
    if (this.flow === 0 && this.lineKey < 0) this.lineKey = this.col;
  }

  private nodeStart(c: number): void {
    const b = this.b;
    const next = b[this.i + 1];
    if (c === HASH) this.i = this.toEol(this.i);
    else if ((c === DASH || c === QUESTION || c === COLON) && isBlank(next)) {
      if (this.flow === 0 && c === DASH) this.lineDash = this.col;
      if (this.flow === 0 && c === COLON) this.afterColon = true;
      this.i++;
    } else if (c === 0x5b || c === 0x7b) this.openBracket();
    else if (c === 0x5d || c === 0x7d) this.closeBracket();
    else if (c === COMMA && this.flow > 0) {
      this.endNode();
      this.i++;
    } else if (c === 0x22 || c === 0x27) {
      this.endNode();
      this.literalNode();
      this.i = this.quotedEnd(c);
      this.expect = false;
      this.colonAfterNode();
    } else if ((c === 0x7c || c === 0x3e) && this.flow === 0) {
      this.endNode();
      this.literalNode();
      this.blockScalar = this.lineKey >= 0 && this.lineKey < this.col ? this.lineKey : this.lineDash >= 0 ? this.lineDash : this.lineIndent - 1;
      this.i = this.toEol(this.i);
      this.expect = false;
    } else if (c === 0x2a && this.nameEnd() > this.i + 1) this.alias();
    else if (c === 0x26 && this.nameEnd() > this.i + 1) this.anchor();
    else if (c === 0x21) this.i = this.tagEnd();
    else {
      this.endNode();
      this.literalNode();
      this.expect = false;
      this.i++;
    }
  }

  private inScalar(c: number): void {
    const b = this.b;
    if (SPECIAL[c] !== 1) {
      let q = this.i + 1;
      while (q < b.length && SPECIAL[b[q]!] !== 1) q++;
      this.i = q;
      return;
    }
    const next = b[this.i + 1];
    if (c === COLON && (isBlank(next) || (this.flow > 0 && isFlowIndicator(next)))) {
      this.valueIndicator();
    } else if (c === HASH && (b[this.i - 1] === SP || b[this.i - 1] === TAB)) this.i = this.toEol(this.i);
    else if (this.flow > 0 && c === COMMA) {
      this.expect = true;
      this.i++;
    } else if (this.flow > 0 && (c === 0x5b || c === 0x7b)) this.openBracket();
    else if (this.flow > 0 && (c === 0x5d || c === 0x7d)) this.closeBracket();
    else this.i++;
  }

  private valueIndicator(): void {
    this.expect = true;
    if (this.flow === 0) this.afterColon = true;
    this.i++;
  }

  /** JSON style `"key":value` / `]:`: a colon right after a closed node. */
  private colonAfterNode(): void {
    if (this.b[this.i] === COLON) this.valueIndicator();
  }

  private openBracket(): void {
    const pending = this.pending;
    this.pending = null;
    this.flow++;
    if (pending !== null) this.table.push({ name: pending.name, kind: 'flow', level: this.flow, same: 'none', size: 0 });
    this.literalNode();
    this.expect = true;
    this.i++;
  }

  private closeBracket(): void {
    this.endNode();
    this.flow = Math.max(0, this.flow - 1);
    this.table.closeFlow(this.flow);
    this.expect = false;
    this.i++;
    this.colonAfterNode();
  }

  /** End of an anchor or alias name: the next blank or flow indicator. */
  private nameEnd(): number {
    const b = this.b;
    let q = this.i + 1;
    while (q < b.length && !isBlank(b[q]) && !isFlowIndicator(b[q])) q++;
    return q;
  }

  private alias(): void {
    const end = this.nameEnd();
    const name = this.hay.toString('latin1', this.i + 1, end);
    this.pending = null; // `&a *b` is not YAML
    const size = this.table.sizeOf(name);
    this.table.count(size);
    this.added = Math.min(SIZE_CAP, this.added + size);
    if (size > this.best.size) this.best = { offset: this.i, length: end - this.i, name, size };
    this.expect = false;
    this.i = end;
  }

  private anchor(): void {
    const end = this.nameEnd();
    const name = this.hay.toString('latin1', this.i + 1, end);
    this.endNode();
    let level = this.lineIndent;
    let same: Pending['same'] = 'any';
    if (this.afterColon && this.lineKey >= 0) {
      level = this.lineKey;
      same = 'dash'; // `key: &a` then `- x` lines at the key's indentation
    } else if (this.lineDash >= 0) {
      level = this.lineDash + 1;
      same = 'none';
    }
    this.pending = { name, level, same };
    this.i = end;
  }

  private tagEnd(): number {
    const b = this.b;
    let q = this.i + 1;
    if (b[q] === 0x3c) {
      while (q < b.length && b[q] !== 0x3e && !isBlank(b[q])) q++;
      return q + 1;
    }
    while (q < b.length && !isBlank(b[q]) && !isFlowIndicator(b[q])) q++;
    return q;
  }

  /** Offset after the quoted scalar opened by `quote` at `i` (line breaks inside move the line start only). */
  private quotedEnd(quote: number): number {
    const b = this.b;
    let q = this.i + 1;
    while (q < b.length) {
      const c = b[q]!;
      if (c === 0x5c && quote === 0x22) q += 2;
      else if (c === quote) {
        if (quote === 0x27 && b[q + 1] === 0x27) q += 2;
        else return q + 1;
      } else {
        if (c === LF) this.lineStart = q + 1;
        q++;
      }
    }
    return b.length;
  }
}

/** The alias bomb a YAML text layer holds, or undefined. `stop` is polled to give up early (budget). */
export function findAliasBomb(b: Uint8Array, stop: () => boolean = () => false): AliasBomb | undefined {
  return new AliasScan(b).run(stop);
}
