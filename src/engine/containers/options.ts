/**
 * Options of the container detectors: per-reader limits (defaults match the
 * shipped configuration) and the mapping from the configuration's `limits`
 * section (maxDecodedBytes, maxDecompressionRatio, maxZipEntries,
 * maxZipUncompressedBytes) to those limits.
 */
import type { ContainerLimits } from './handlers.js';
import { DEFAULT_DECOMPRESS_LIMITS, type DecompressLimits } from './limits.js';
import { DEFAULT_NPY_LIMITS, type NpyLimits } from './npy.js';
import { DEFAULT_SEVENZIP_LIMITS, type SevenZipLimits } from './sevenzip.js';
import { DEFAULT_TAR_LIMITS, type TarLimits } from './tar.js';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip-limits.js';

export interface ContainerDetectorOptions {
  readonly zip?: Partial<ZipLimits>;
  readonly tar?: Partial<TarLimits>;
  readonly npy?: Partial<NpyLimits>;
  readonly stream?: Partial<DecompressLimits>;
  readonly sevenZip?: Partial<SevenZipLimits>;
  /** Strong-magic streams tried per layer away from its start (best effort; the rest are ignored). */
  readonly maxEmbeddedAttempts?: number;
}

/** Embedded (not at layer start) streams tried per layer by default. */
export const DEFAULT_MAX_EMBEDDED_ATTEMPTS = 8;

export function resolveOptions(o: ContainerDetectorOptions): { limits: ContainerLimits; maxEmbedded: number } {
  const stream = { ...DEFAULT_DECOMPRESS_LIMITS, ...o.stream };
  return {
    limits: {
      zip: { ...DEFAULT_ZIP_LIMITS, ...o.zip },
      tar: { ...DEFAULT_TAR_LIMITS, ...o.tar },
      npy: { ...DEFAULT_NPY_LIMITS, ...o.npy },
      stream,
      sevenZip: { ...DEFAULT_SEVENZIP_LIMITS, ...stream, ...o.sevenZip },
    },
    maxEmbedded: o.maxEmbeddedAttempts ?? DEFAULT_MAX_EMBEDDED_ATTEMPTS,
  };
}

/** The subset of the configuration's `limits` section the container readers use. */
export interface EngineLimitsLike {
  readonly maxDecodedBytes?: number;
  readonly maxDecompressionRatio?: number;
  readonly maxZipEntries?: number;
  readonly maxZipUncompressedBytes?: number;
}

/** Detector options from the configuration's limits (missing keys keep the defaults). */
export function containerOptionsFromLimits(l: EngineLimitsLike): ContainerDetectorOptions {
  const stream: Partial<DecompressLimits> = {
    ...(l.maxDecodedBytes !== undefined ? { maxOutputBytes: l.maxDecodedBytes } : {}),
    ...(l.maxDecompressionRatio !== undefined ? { maxRatio: l.maxDecompressionRatio } : {}),
  };
  const zip: Partial<ZipLimits> = {
    ...(l.maxZipEntries !== undefined ? { maxEntries: l.maxZipEntries } : {}),
    ...(l.maxZipUncompressedBytes !== undefined ? { maxTotalBytes: l.maxZipUncompressedBytes } : {}),
    ...(l.maxDecodedBytes !== undefined ? { maxEntryBytes: l.maxDecodedBytes } : {}),
    ...(l.maxDecompressionRatio !== undefined ? { maxRatio: l.maxDecompressionRatio } : {}),
  };
  return {
    stream,
    zip,
    tar: l.maxZipEntries !== undefined ? { maxEntries: l.maxZipEntries } : {},
    sevenZip: l.maxZipEntries !== undefined ? { maxEntries: l.maxZipEntries } : {},
  };
}
