/**
 * Magic-number checks for every container and compressed format handled
 * here. "Strong" magics are specific enough to trust anywhere in a layer;
 * "weak" ones (zlib, LZMA-alone) only at the start of a layer; "opaque" ones
 * are formats we recognise but do not decode (legacy lz4, zstd, rar).
 */
import { hasBytes } from './bytes.js';
import { isBzip2Header } from './bzip2.js';
import { isJoblibZfile, isZlibHeader, type StreamKind } from './compression.js';
import { isGzipHeader } from './gzip.js';
import { LZ4_MAGIC } from './lz4.js';
import { isCanonicalDictSize, parseLzmaAloneHeader } from './lzma.js';
import { NPY_MAGIC } from './npy.js';
import { SEVENZIP_MAGIC } from './sevenzip.js';
import { hasUstarMagic } from './tar.js';
import { XZ_MAGIC } from './xz.js';
import { SIG_LOCAL } from './zip-records.js';

export type StrongKind = 'zip' | 'gzip' | 'bzip2' | 'xz' | '7z' | 'npy' | 'lz4';

const BZ_BLOCK: readonly number[] = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
const BZ_END: readonly number[] = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90];

/** True for a bzip2 stream header followed by a block or the end-of-stream marker. */
export function isBzip2Stream(b: Uint8Array, off: number): boolean {
  return isBzip2Header(b, off) && (hasBytes(b, off + 4, BZ_BLOCK) || hasBytes(b, off + 4, BZ_END));
}

/** The strong-magic format starting at `off`, if any. */
export function strongAt(b: Uint8Array, off: number): StrongKind | undefined {
  const c = b[off];
  if (c === 0x50 && hasBytes(b, off, SIG_LOCAL)) return 'zip';
  if (c === 0x1f && isGzipHeader(b, off)) return 'gzip';
  if (c === 0x42 && isBzip2Stream(b, off)) return 'bzip2';
  if (c === 0xfd && hasBytes(b, off, XZ_MAGIC)) return 'xz';
  if (c === 0x37 && hasBytes(b, off, SEVENZIP_MAGIC)) return '7z';
  if (c === 0x93 && hasBytes(b, off, NPY_MAGIC)) return 'npy';
  if (c === 0x04 && hasBytes(b, off, LZ4_MAGIC)) return 'lz4';
  return undefined;
}

/** True when the layer starts with a tar header (ustar magic at 257). */
export function tarAtStart(b: Uint8Array): boolean {
  return b.length >= 512 && hasUstarMagic(b, 0);
}

/** Weak-magic compressed streams, recognised only at the start of a layer. */
export function weakAtStart(b: Uint8Array): StreamKind | undefined {
  if (isJoblibZfile(b)) return 'joblib-zfile';
  // Only the headers zlib itself writes (32 KiB window): other valid headers are common data ("(S" pickles, protobuf).
  if (b.length >= 8 && b[0] === 0x78 && isZlibHeader(b, 0)) return 'zlib';
  const h = parseLzmaAloneHeader(b, 0);
  if (h && isCanonicalDictSize(h.dictSize)) return 'lzma';
  return undefined;
}

const OPAQUE: readonly { readonly name: string; readonly magic: readonly number[] }[] = [
  { name: 'legacy lz4', magic: [0x02, 0x21, 0x4c, 0x18] },
  { name: 'zstd frame', magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: 'rar archive', magic: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] },
];

/** Name of a compressed/archive format we recognise but do not decode, at the start of `b`. */
export function opaqueAtStart(b: Uint8Array): string | undefined {
  for (const o of OPAQUE) if (hasBytes(b, 0, o.magic)) return o.name;
  return undefined;
}

const NO_EMBEDDED: readonly (readonly number[])[] = [
  [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF- (FlateDecode streams are not ours)
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF8
];

/** Formats whose bodies we never search for embedded compressed streams. */
export function skipEmbedded(b: Uint8Array): boolean {
  return NO_EMBEDDED.some((m) => hasBytes(b, 0, m));
}
