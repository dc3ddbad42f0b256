/**
 * Limits and options for the defensive zip reader, with defaults matching
 * the shipped configuration (maxZipEntries, maxZipUncompressedBytes,
 * maxDecodedBytes, maxDecompressionRatio).
 */

export interface ZipLimits {
  /** Most entries (central or local) an archive may have. */
  readonly maxEntries: number;
  /** Most bytes all inflated entries together may produce. */
  readonly maxTotalBytes: number;
  /** Most bytes one inflated entry may produce. */
  readonly maxEntryBytes: number;
  /** An entry may not inflate past `maxRatio` × its compressed size once above `ratioGraceBytes`. */
  readonly maxRatio: number;
  readonly ratioGraceBytes: number;
  /** Longest entry name accepted, in bytes. */
  readonly maxNameBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = Object.freeze({
  maxEntries: 1000,
  maxTotalBytes: 64 * 1024 * 1024,
  maxEntryBytes: 16 * 1024 * 1024,
  maxRatio: 100,
  ratioGraceBytes: 64 * 1024,
  maxNameBytes: 1024,
});

export interface ZipOptions {
  /**
   * Model-upload strictness: bytes before the first entry (polyglot prefix)
   * or after the end record are anomalies. Default false.
   */
  readonly strict?: boolean;
  /** Inflate entries and verify sizes and CRCs (default true). */
  readonly extract?: boolean;
}

/** Anomalies are reported, not thrown; this bounds how many one archive can produce. */
export const MAX_ZIP_ANOMALIES = 32;
