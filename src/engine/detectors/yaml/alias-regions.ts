/**
 * Anchor bookkeeping for the alias fan-out estimate (aliases.ts): the table of
 * anchor sizes (capped; later definitions win) and the stack of anchored
 * nodes still open, each accumulating the expanded size of what it contains.
 * A closed node adds its size to the enclosing one, so a node's size is its
 * own nodes plus the full size of every alias inside it, computed without
 * expanding anything. Sizes saturate at SIZE_CAP.
 */

/** Distinct anchor names remembered per layer. */
export const MAX_ANCHORS = 10_000;
/** Anchored nodes open at once (anchors nested in anchors). */
export const MAX_OPEN = 1_024;
export const SIZE_CAP = 2 ** 50;

export interface Region {
  readonly name: string;
  /** 'flow': ends when its bracket closes; 'block': ends on a dedent (see `closesAt`). */
  readonly kind: 'flow' | 'block';
  /** flow: bracket depth inside the node. block: lines indented less than this end the node. */
  readonly level: number;
  /** block: which lines indented exactly `level` still belong to the node. */
  readonly same: 'any' | 'dash' | 'none';
  size: number;
}

const add = (a: number, b: number): number => Math.min(SIZE_CAP, a + b);

export class AnchorTable {
  private readonly sizes = new Map<string, number>();
  private readonly open: Region[] = [];
  /** Largest size of an anchor that found the table full (aliases to unknown names get it). */
  private overflowMax = 0;
  private overflowed = false;
  /** Expanded size outside every anchored node. */
  rootSize = 0;

  /** Size an alias to `name` expands to: the latest definition; fail closed once the table overflowed. */
  sizeOf(name: string): number {
    const s = this.sizes.get(name);
    if (s !== undefined) return s;
    return this.overflowed ? Math.max(1, this.overflowMax) : 1;
  }

  /** Records a finished anchored node. */
  define(name: string, size: number): void {
    if (this.sizes.has(name) || this.sizes.size < MAX_ANCHORS) this.sizes.set(name, size);
    else {
      this.overflowed = true;
      this.overflowMax = Math.max(this.overflowMax, size);
    }
  }

  /** Counts `n` expanded nodes in the innermost open anchored node. */
  count(n: number): void {
    const top = this.top;
    if (top === undefined) this.rootSize = add(this.rootSize, n);
    else top.size = add(top.size, n);
  }

  /**
   * Opens an anchored node. Past MAX_OPEN nested anchors the node is not
   * measured: its anchor is recorded as SIZE_CAP (an alias to it fails closed)
   * and its nodes count for the enclosing one.
   */
  push(region: Region): void {
    if (this.open.length >= MAX_OPEN) this.define(region.name, SIZE_CAP);
    else this.open.push(region);
  }

  /** The innermost open node (never reads index -1: that lookup is slow in V8). */
  get top(): Region | undefined {
    const n = this.open.length;
    return n === 0 ? undefined : this.open[n - 1];
  }

  /** Closes the innermost open node. */
  pop(): void {
    const r = this.open.pop();
    if (r === undefined) return;
    this.define(r.name, r.size);
    this.count(r.size);
  }

  /** Closes flow nodes whose bracket closed (`depth` is the bracket depth now). */
  closeFlow(depth: number): void {
    for (let r = this.top; r !== undefined && r.kind === 'flow' && depth < r.level; r = this.top) this.pop();
  }

  /** Closes block nodes that a content line indented `indent` ends (`dash`: the line is a `- ` entry). */
  closeBlock(indent: number, dash: boolean): void {
    for (let r = this.top; r !== undefined && closesAt(r, indent, dash); r = this.top) this.pop();
  }

  closeAll(): void {
    while (this.open.length > 0) this.pop();
  }
}

function closesAt(r: Region, indent: number, dash: boolean): boolean {
  if (r.kind === 'flow') return true; // a line at bracket depth 0 is outside every flow node
  if (indent !== r.level) return indent < r.level;
  return r.same === 'none' || (r.same === 'dash' && !dash);
}
