/**
 * Limits of the pickle machine simulation and of the pickle finder, with their defaults.
 * Hitting a limit stops the simulation with stop reason `limit`; the caller reports it (fail closed).
 */

/** Opcodes one simulated pickle may execute (fickling uses the same default). */
export const PICKLE_MAX_OPCODES = 1_000_000;
/** Stack items plus open MARKs. */
export const PICKLE_MAX_STACK_DEPTH = 10_000;
/** Distinct memo keys. */
export const PICKLE_MAX_MEMO_SIZE = 100_000;
/** Longest string the machine decodes as a module or attribute name. */
export const PICKLE_MAX_STRING_BYTES = 1024;
/** Distinct imports recorded per pickle. */
export const PICKLE_MAX_IMPORTS = 4096;
/** Calls recorded per pickle (further calls are only counted). */
export const PICKLE_MAX_CALLS = 4096;
/**
 * Logical element count a container may reach through shared references (memo GET, DUP):
 * billion-laughs style expansion (P39).
 */
export const PICKLE_MAX_EXPANSION = 50_000_000;

export interface PickleLimits {
  readonly maxOpcodes: number;
  readonly maxStackDepth: number;
  readonly maxMemoSize: number;
  readonly maxStringBytes: number;
  readonly maxImports: number;
  readonly maxCalls: number;
  readonly maxExpansion: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = Object.freeze({
  maxOpcodes: PICKLE_MAX_OPCODES,
  maxStackDepth: PICKLE_MAX_STACK_DEPTH,
  maxMemoSize: PICKLE_MAX_MEMO_SIZE,
  maxStringBytes: PICKLE_MAX_STRING_BYTES,
  maxImports: PICKLE_MAX_IMPORTS,
  maxCalls: PICKLE_MAX_CALLS,
  maxExpansion: PICKLE_MAX_EXPANSION,
});

/** Name of a limit as reported in findings (`pickle.maxOpcodes` ...). */
export type PickleLimitName = keyof PickleLimits | 'scanBudget';

/** Complete a partial limit set with the defaults. */
export function resolvePickleLimits(partial?: Partial<PickleLimits>): PickleLimits {
  if (partial === undefined || partial === DEFAULT_PICKLE_LIMITS) return DEFAULT_PICKLE_LIMITS;
  if (isComplete(partial)) return partial;
  return {
    maxOpcodes: partial.maxOpcodes ?? PICKLE_MAX_OPCODES,
    maxStackDepth: partial.maxStackDepth ?? PICKLE_MAX_STACK_DEPTH,
    maxMemoSize: partial.maxMemoSize ?? PICKLE_MAX_MEMO_SIZE,
    maxStringBytes: partial.maxStringBytes ?? PICKLE_MAX_STRING_BYTES,
    maxImports: partial.maxImports ?? PICKLE_MAX_IMPORTS,
    maxCalls: partial.maxCalls ?? PICKLE_MAX_CALLS,
    maxExpansion: partial.maxExpansion ?? PICKLE_MAX_EXPANSION,
  };
}

function isComplete(p: Partial<PickleLimits>): p is PickleLimits {
  return (
    p.maxOpcodes !== undefined &&
    p.maxStackDepth !== undefined &&
    p.maxMemoSize !== undefined &&
    p.maxStringBytes !== undefined &&
    p.maxImports !== undefined &&
    p.maxCalls !== undefined &&
    p.maxExpansion !== undefined
  );
}
