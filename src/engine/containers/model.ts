/**
 * Decides whether a layer is a model upload (PyTorch, pickle, joblib, NumPy,
 * 7z-wrapped models), which makes container parsing stricter: polyglot
 * prefixes and trailing data become anomalies and containers we cannot read
 * become findings. Also derives the file name of an unwrapped stream.
 */
import type { DetectorContext, LayerInfo } from '../detectors/detector.js';

/** File extensions that say "model file". */
export const MODEL_EXTENSIONS: readonly string[] = ['.pt', '.pth', '.bin', '.ckpt', '.pkl', '.pickle', '.joblib', '.dill', '.npy', '.npz', '.7z'];

/** Media types that say "model file". */
export const MODEL_CONTENT_TYPES: readonly string[] = [
  'application/x-pytorch',
  'application/x-python-pickle',
  'application/python-pickle',
  'application/x-pickle',
  'application/x-npy',
  'application/x-numpy',
  'application/x-joblib',
];

/**
 * Suffixes of files that are a bare zlib or LZMA-alone stream (joblib). Only
 * these make a failing weak-magic stream a finding: `.bin` or `.pkl` files
 * often start with bytes that merely look like a zlib header.
 */
export const WEAK_STREAM_EXTENSIONS: readonly string[] = ['.joblib', '.z', '.zlib', '.lzma', '.jl'];

/** Media types of bodies that are not a file (their parts and values are inspected as their own layers). */
const NON_FILE_TYPES: readonly string[] = ['multipart/', 'application/x-www-form-urlencoded', 'application/json', 'text/'];

/** Compression suffixes stripped from a file name when its stream is unwrapped. */
const COMPRESSION_SUFFIXES: readonly string[] = ['.gz', '.gzip', '.z', '.zlib', '.bz2', '.xz', '.lzma'];

function lowerName(layer: LayerInfo): string {
  return (layer.filename ?? '').slice(-128).toLowerCase();
}

/** True when the layer's own file name or media type declares a model file. */
export function declaresModel(layer: LayerInfo): boolean {
  const name = lowerName(layer);
  if (MODEL_EXTENSIONS.some((ext) => name.endsWith(ext))) return true;
  if (COMPRESSION_SUFFIXES.some((s) => name.endsWith(s)) && MODEL_EXTENSIONS.some((ext) => name.includes(ext + '.'))) return true;
  return layer.contentType !== undefined && MODEL_CONTENT_TYPES.includes(layer.contentType);
}

/**
 * True when the layer should be treated as a model upload: it declares one,
 * or the route's policy judges pickles by allow-list (an ML upload route)
 * and the layer is a file or body rather than a single form/JSON value or a
 * multipart/form/JSON/text body (whose parts are their own layers).
 */
export function isModelLayer(layer: LayerInfo, ctx: DetectorContext): boolean {
  if (declaresModel(layer)) return true;
  if (layer.isValue || ctx.action('pickle') !== 'allowlist') return false;
  const type = layer.contentType ?? '';
  return !NON_FILE_TYPES.some((t) => type.startsWith(t)) && !type.endsWith('+json');
}

/** True when the layer's name says it is a bare zlib/LZMA stream (a failing weak-magic stream is then a finding). */
export function declaresWeakStream(layer: LayerInfo): boolean {
  const name = lowerName(layer);
  return WEAK_STREAM_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/** File name for a stream unwrapped from `layer` (drops `.gz`-style suffixes; a gzip header name wins). */
export function innerFilename(layer: LayerInfo, embeddedName?: string): string | undefined {
  if (embeddedName) return embeddedName;
  const name = layer.filename;
  if (!name) return undefined;
  const lower = name.toLowerCase();
  for (const s of COMPRESSION_SUFFIXES) if (lower.endsWith(s) && name.length > s.length) return name.slice(0, name.length - s.length);
  return name;
}
