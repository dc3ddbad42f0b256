/**
 * `findPickles`: find and simulate the pickles anywhere in arbitrary bytes (at offset 0, after junk,
 * stacked one after another, protocol 0/1 without a PROTO header, hidden in a larger pickle's data).
 *
 * Which runs are kept, and why:
 * - A run that starts at a PROTO header ("strong") is kept when it imports a named global, reaches
 *   STOP, hits a limit, or its FRAME is straddled: PROTO + a valid pickle is not an accident.
 *   Without a header, a limit counts only with named imports or memo structure behind it.
 * - Imports the machine cannot name (EXT codes, computed STACK_GLOBAL operands) keep a run only
 *   when something calls them.
 * - A run found only by a text/string anchor ("weak") must also show that it is a pickle: it
 *   reaches STOP, or it calls what it imported. Prose that happens to contain "cos\nsystem\n" stops
 *   at the next word with the import unused, and is dropped. Import names must be identifier-shaped
 *   (the simulation stops at any other name), so random bytes do not produce imports.
 * - Candidates inside a kept pickle are skipped (they are its operands or its own opcodes), except
 *   inside its large string/bytes operands, where another pickle may hide.
 * Total work is bounded: opcodes simulated across all candidates <= budgetFactor * length + base;
 * running out yields a run with stop `limit` / `scanBudget` (fail closed).
 */
import { collectCandidates, isProtoAt } from './candidates.js';
import { resolvePickleLimits, type PickleLimits } from './limits.js';
import { simulatePickle } from './simulate.js';
import type { PickleRun } from './types.js';

export interface FindPicklesOptions extends Partial<PickleLimits> {
  /** Opcode budget per input byte, across all candidates. */
  readonly budgetFactor?: number;
  /** Extra candidate offsets (trigger hits). */
  readonly hints?: readonly number[];
  /** Runs returned at most (a further run is replaced by a `scanBudget` limit run). */
  readonly maxRuns?: number;
  /** Polled between candidates; true stops the search (the engine's request budget). */
  readonly exhausted?: () => boolean;
}

export const PICKLE_SCAN_BUDGET_FACTOR = 4;
export const PICKLE_SCAN_BUDGET_BASE = 1 << 16;
export const PICKLE_MAX_RUNS = 10_000;
/** Budget charged per simulated candidate on top of its opcodes (bounds dense-anchor inputs). */
export const PICKLE_CANDIDATE_COST = 16;

export function findPickles(buf: Uint8Array, options?: FindPicklesOptions): PickleRun[] {
  const factor = options?.budgetFactor ?? PICKLE_SCAN_BUDGET_FACTOR;
  const maxRuns = options?.maxRuns ?? PICKLE_MAX_RUNS;
  let budget = factor * buf.length + PICKLE_SCAN_BUDGET_BASE;
  const limits = resolvePickleLimits(options);
  const cands = collectCandidates(buf, options?.hints);
  const runs: PickleRun[] = [];
  // Kept pickles whose region later candidates skip (nested when one was found inside a blob).
  const covers: Cover[] = [];
  let next = -1;
  let last = -1;
  let i = 0;
  for (;;) {
    let pos: number;
    if (next >= 0 && (i >= cands.length || next <= (cands[i] as number))) {
      pos = next;
      next = -1;
    } else if (i < cands.length) {
      pos = cands[i++] as number;
    } else {
      break;
    }
    if (pos === last || pos >= buf.length) continue;
    while (covers.length > 0 && (covers[covers.length - 1] as Cover).end <= pos) covers.pop();
    const cover = covers[covers.length - 1];
    if (cover !== undefined && !insideBlob(pos, cover.blobs)) continue;
    if (options?.exhausted?.() === true) break;
    last = pos;
    const run = simulatePickle(buf, pos, limits, { budget });
    budget -= run.opcodes + PICKLE_CANDIDATE_COST;
    if (run.stop === 'limit' && run.limit === 'scanBudget') {
      runs.push(run);
      break;
    }
    if (!keep(buf, pos, run)) continue;
    if (runs.length >= maxRuns) {
      runs.push(budgetRun(run, 'too many pickles'));
      break;
    }
    runs.push(run);
    if (run.end > pos) covers.push({ end: run.end, blobs: run.blobs });
    // Stacked pickles: loaders that call load() again continue right after a STOP.
    if (run.stop === 'stop' && run.end < buf.length) next = run.end;
  }
  return runs;
}

interface Cover {
  readonly end: number;
  readonly blobs: PickleRun['blobs'];
}

/** Limits only pickle structure reaches (memo references, expansion, many imports). */
const STRUCTURAL_LIMITS: ReadonlySet<string> = new Set(['maxExpansion', 'maxMemoSize', 'maxImports']);

function keep(buf: Uint8Array, pos: number, run: PickleRun): boolean {
  const strong = isProtoAt(buf, pos);
  const literalImports = run.imports.some((imp) => imp.literal);
  if (run.stop === 'limit') {
    // Text such as a FASTA run of `NNNN...` or ten thousand `(` also exhausts the stack from a
    // weak start; only a header, a named import or memo structure makes it a pickle.
    return strong || literalImports || STRUCTURAL_LIMITS.has(run.limit ?? '');
  }
  if (literalImports) return strong || run.stop === 'stop' || run.importCalls > 0;
  // EXT codes and computed names are only worth reporting when the payload calls them; alone
  // they also arise from random bytes after a PROTO (and CPython raises on them by default).
  if (run.imports.length > 0) return run.importCalls > 0;
  if (run.frameStraddle !== undefined && (strong || run.framed)) return true;
  // A data pickle: kept so callers can see it was one (it has nothing to report).
  return run.stop === 'stop' && (strong || pos === 0 || run.opcodes > 2);
}

function insideBlob(pos: number, blobs: PickleRun['blobs']): boolean {
  for (const [s, e] of blobs) if (pos >= s && pos < e) return true;
  return false;
}

function budgetRun(from: PickleRun, detail: string): PickleRun {
  return {
    ...from,
    start: from.start,
    end: from.start,
    stop: 'limit',
    detail,
    limit: 'scanBudget',
    imports: [],
    importCount: 0,
    calls: [],
    callCount: 0,
    importCalls: 0,
    blobs: [],
  };
}
