/**
 * Output and ratio limits for decompression, with defaults that match the
 * shipped configuration (maxDecodedBytes, maxDecompressionRatio), and the
 * helper that turns them into a hard output cap for one input.
 */

export interface DecompressLimits {
  /** Hard cap on the bytes one stream may produce. */
  readonly maxOutputBytes: number;
  /** Output may not exceed `maxRatio` × input once it passes `ratioGraceBytes`. */
  readonly maxRatio: number;
  readonly ratioGraceBytes: number;
  /**
   * Polled between blocks and every 64 KiB of output by the pure-TypeScript
   * decoders; returning true stops decoding with a 'limit' error
   * (`inspectionBudget`). The detectors pass `ctx.exhausted`.
   */
  readonly interrupt?: () => boolean;
}

/** Name of the limit reported when `interrupt` fires. */
export const BUDGET_LIMIT = 'inspectionBudget';

export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_RATIO = 100;
export const DEFAULT_RATIO_GRACE_BYTES = 64 * 1024;

export const DEFAULT_DECOMPRESS_LIMITS: DecompressLimits = Object.freeze({
  maxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES,
  maxRatio: DEFAULT_MAX_RATIO,
  ratioGraceBytes: DEFAULT_RATIO_GRACE_BYTES,
});

/** Fill in missing fields of partial limits with the defaults. */
export function decompressLimits(partial?: Partial<DecompressLimits>): DecompressLimits {
  return { ...DEFAULT_DECOMPRESS_LIMITS, ...partial };
}

/** The most bytes `inputBytes` of compressed input may expand to under `limits`. */
export function outputCap(limits: DecompressLimits, inputBytes: number): number {
  const byRatio = Math.max(limits.ratioGraceBytes, limits.maxRatio * Math.max(0, inputBytes));
  return Math.max(0, Math.min(limits.maxOutputBytes, byRatio));
}

/** Name of the limit that `outputBytes` from `inputBytes` runs into (for messages). */
export function limitName(limits: DecompressLimits, inputBytes: number): string {
  const byRatio = Math.max(limits.ratioGraceBytes, limits.maxRatio * Math.max(0, inputBytes));
  return byRatio < limits.maxOutputBytes ? 'containers.maxRatio' : 'containers.maxOutputBytes';
}
