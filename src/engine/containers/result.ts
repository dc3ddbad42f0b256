/**
 * Result values shared by every decoder and container reader in this folder.
 * Decoders never throw on malformed input: they return a DecodeResult whose
 * `error` says where and why decoding stopped.
 */

/**
 * Why a decoder or reader stopped early.
 * - `malformed`: the bytes break the format (bad checksum, bad header ...).
 * - `truncated`: the input ended inside the stream.
 * - `unsupported`: valid format, feature we refuse to handle (filters, encryption).
 * - `limit`: an output, ratio or count limit was reached.
 */
export type StopKind = 'malformed' | 'truncated' | 'unsupported' | 'limit';

export interface DecodeError {
  readonly kind: StopKind;
  /** One-line reason, never raw input bytes. */
  readonly reason: string;
  /** Input offset (relative to the decoder's input) where the problem was seen. */
  readonly offset: number;
  /** For kind 'limit': the name of the limit (e.g. `containers.maxOutputBytes`). */
  readonly limit?: string;
}

export interface DecodeResult {
  /** Bytes produced; on error, what was decoded before the stop (possibly empty). */
  readonly output: Uint8Array;
  /** Input bytes consumed (the end of the compressed stream when `error` is undefined). */
  readonly consumed: number;
  readonly error?: DecodeError;
  /**
   * Non-fatal irregularities a strict reader should refuse: trailing bytes,
   * concatenated members or streams. The output is still complete.
   */
  readonly warnings?: readonly DecodeError[];
}

export function stop(kind: StopKind, reason: string, offset: number, limit?: string): DecodeError {
  return limit === undefined ? { kind, reason, offset } : { kind, reason, offset, limit };
}

export function failed(error: DecodeError, output: Uint8Array = new Uint8Array(0), consumed = 0): DecodeResult {
  return { output, consumed, error };
}
