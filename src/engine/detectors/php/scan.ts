/**
 * Turns candidate offsets in a layer into analysed PHP serialized values.
 * Each candidate is parsed; the objects it instantiates, the gadget classes
 * it names and the serialized data hidden in its `S:` strings (decoded) and
 * `C:` custom payloads (searched for `O:`/`C:`) are collected. Work is
 * bounded by a byte budget and a nesting depth for hidden data.
 */
import { decodeEscaped } from './escaped.js';
import { phpGadgetFamily } from './gadgets.js';
import { PHP_PARSE_LIMITS, parsePhpSerialized, type PhpParseLimits, type PhpParseStatus } from './serialized.js';

export interface PhpScanLimits {
  readonly parse: PhpParseLimits;
  /** Bytes the parser may walk per layer, as a multiple of the layer size (plus `workSlack`). */
  readonly workFactor: number;
  readonly workSlack: number;
  /** How deep serialized data hidden in strings/custom payloads is followed. */
  readonly maxHiddenDepth: number;
  /** Bytes decoded at most from one escaped string. */
  readonly maxDecodedBytes: number;
  /** Candidates tried at most inside one hidden region. */
  readonly maxCandidatesPerRegion: number;
  /** Gadget names kept per value for messages. */
  readonly maxNamesPerValue: number;
  /** Values analysed at most per candidate (hidden ones included). */
  readonly maxJobs: number;
}

export const PHP_SCAN_LIMITS: PhpScanLimits = {
  parse: PHP_PARSE_LIMITS,
  workFactor: 8,
  workSlack: 1 << 20,
  maxHiddenDepth: 4,
  maxDecodedBytes: 1 << 20,
  maxCandidatesPerRegion: 256,
  maxNamesPerValue: 8,
  maxJobs: 4096,
};

/** One analysed serialized value. Offsets are in the layer. */
export interface PhpValueReport {
  readonly offset: number;
  readonly length: number;
  readonly status: PhpParseStatus;
  readonly reason: string;
  /** True when found inside another value's escaped string or custom payload. */
  readonly hidden: boolean;
  /** Class names of the objects read (complete or not), printable; at most `parse.maxObjects`. */
  readonly classes: readonly string[];
  /** Objects seen, including those beyond the recorded `classes`. */
  readonly objectCount: number;
  /** Complete objects (PHP instantiates and later destructs these). */
  readonly completeObjects: number;
  readonly gadgets: readonly { readonly name: string; readonly family: string }[];
}

/** Mutable per-layer state shared by all candidates of one layer. */
export interface PhpScanState {
  /** Offsets of values already parsed in the layer buffer. */
  readonly seen: Set<number>;
  work: number;
  readonly maxWork: number;
  exhausted: boolean;
}

export function newScanState(layerLength: number, limits: PhpScanLimits = PHP_SCAN_LIMITS): PhpScanState {
  return { seen: new Set(), work: 0, maxWork: layerLength * limits.workFactor + limits.workSlack, exhausted: false };
}

/** Printable, length-capped rendering of attacker bytes (never raw). */
export function printableName(b: Uint8Array, start: number, end: number, max = 96): string {
  let s = '';
  const stop = Math.min(end, start + max);
  for (let p = start; p < stop; p++) {
    const c = b[p] ?? 0;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return end - start > max ? `${s}...` : s;
}

/**
 * True when `b[p..]` starts like a serialized value that can hold objects:
 * `O:<n>:"`, `C:<n>:"`, `s:<n>:"`, `S:<n>:"` or `a:<n>:{` (PHP 5 `+` allowed).
 * A cheap byte check that rejects prose and URLs before the parser runs.
 */
export function looksSerialized(b: Uint8Array, p: number, end: number): boolean {
  if (p + 5 >= end || b[p + 1] !== 0x3a) return false;
  const c = b[p];
  const open = c === 0x61 ? 0x7b : 0x22;
  if (c !== 0x4f && c !== 0x43 && c !== 0x61 && c !== 0x73 && c !== 0x53) return false;
  let q = p + 2;
  if (b[q] === 0x2b) q++;
  const digits = q;
  while (q < end && q - digits < 11) {
    const d = b[q] ?? 0;
    if (d < 0x30 || d > 0x39) break;
    q++;
  }
  return q > digits && b[q] === 0x3a && b[q + 1] === open;
}

interface Job {
  readonly buf: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  /** Layer offset reported for values found in a decoded buffer (-1: use real offsets). */
  readonly anchor: number;
  readonly seen: Set<number>;
}

/**
 * Analyses the value starting at `offset` of the layer and every value
 * hidden inside it; appends one report per value that was recognised
 * (parsed at least to a complete token). Skips offsets already parsed.
 */
export function scanSerializedAt(
  layer: Uint8Array,
  offset: number,
  state: PhpScanState,
  out: PhpValueReport[],
  limits: PhpScanLimits = PHP_SCAN_LIMITS,
): void {
  if (!looksSerialized(layer, offset, layer.length)) return;
  const jobs: Job[] = [{ buf: layer, start: offset, end: layer.length, depth: 0, anchor: -1, seen: state.seen }];
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i];
    if (job === undefined) break;
    if (job.seen.has(job.start)) continue;
    if (state.work > state.maxWork) {
      state.exhausted = true;
      return;
    }
    job.seen.add(job.start);
    const r = parsePhpSerialized(job.buf, job.start, job.end, limits.parse, job.seen);
    state.work += Math.max(1, r.end - job.start);
    const hidden = job.anchor >= 0;
    const classes: string[] = [];
    const gadgets: { name: string; family: string }[] = [];
    for (const o of r.objects) {
      const name = printableName(job.buf, o.nameStart, o.nameEnd);
      classes.push(name);
      const family = phpGadgetFamily(name);
      if (family !== undefined && gadgets.length < limits.maxNamesPerValue) gadgets.push({ name, family });
    }
    const status = r.nestedOverflow && r.status !== 'limit' ? 'limit' : r.status;
    const reason = status === r.status ? r.reason : `more than ${limits.parse.maxNested} strings with escapes or custom payloads`;
    if (r.objectCount > 0 || status === 'limit') {
      out.push({
        offset: hidden ? job.anchor : job.start,
        length: hidden ? 32 : Math.min(64, Math.max(2, r.end - job.start)),
        status,
        reason,
        hidden,
        classes,
        objectCount: r.objectCount,
        completeObjects: r.completeObjects,
        gadgets,
      });
    }
    if (job.depth >= limits.maxHiddenDepth) continue;
    for (const region of r.nested) {
      if (jobs.length >= limits.maxJobs) break;
      if (region.kind === 'escaped') {
        const decoded = decodeEscaped(job.buf, region.start, region.end, limits.maxDecodedBytes);
        const anchor = hidden ? job.anchor : region.start;
        pushCandidates(jobs, decoded, 0, decoded.length, job.depth + 1, anchor, new Set(), limits);
      } else {
        pushCandidates(jobs, job.buf, region.start, region.end, job.depth + 1, job.anchor, job.seen, limits);
      }
    }
  }
}

/** Queues every plausible value start inside `[start, end)`: the region start and each `O:`/`C:`/`a:`/`s:`/`S:`. */
function pushCandidates(
  jobs: Job[], buf: Uint8Array, start: number, end: number, depth: number, anchor: number,
  seen: Set<number>, limits: PhpScanLimits,
): void {
  const view = buf.subarray(start, end);
  let count = 0;
  let from = 1;
  while (count < limits.maxCandidatesPerRegion && jobs.length < limits.maxJobs) {
    const q = view.indexOf(0x3a, from);
    if (q < 0) break;
    const p = start + q - 1;
    if (!seen.has(p) && looksSerialized(buf, p, end)) {
      jobs.push({ buf, start: p, end, depth, anchor, seen });
      count++;
    }
    from = q + 1;
  }
}
