/**
 * Public surface of the containers area: the two structural detectors (and
 * their factory and config mapping), the rule ids they report, the bounded
 * decompressors (the engine's Content-Encoding decoding included) and the
 * container readers for callers that need them directly.
 */
export { containerDetectors, createContainerDetectors, containerOptionsFromLimits, CONTAINER_TRIGGERS, type ContainerDetectorOptions } from './detector.js';
export { RULE_LIMIT, RULE_MALFORMED, RULE_OPAQUE } from './findings.js';
export {
  decodeContentEncoding,
  decompress,
  gunzip,
  inflateRaw,
  inflateZlib,
  unbrotli,
  decodeBzip2,
  decodeXz,
  decodeLzmaAlone,
  decodeLz4,
  decodeJoblibZfile,
  type StreamKind,
} from './compression.js';
export { DEFAULT_DECOMPRESS_LIMITS, type DecompressLimits } from './limits.js';
export type { DecodeError, DecodeResult, StopKind } from './result.js';
export { readZip, DEFAULT_ZIP_LIMITS, type ZipLimits, type ZipOptions, type ZipReport, type ZipEntry, type ZipAnomaly } from './zip.js';
export { readTar, DEFAULT_TAR_LIMITS, type TarReport } from './tar.js';
export { readNpy, DEFAULT_NPY_LIMITS, type NpyReport } from './npy.js';
export { readSevenZip, DEFAULT_SEVENZIP_LIMITS, type SevenZipReport } from './sevenzip.js';
export { isModelLayer, declaresModel, MODEL_EXTENSIONS } from './model.js';
