/**
 * Bounded one-shot decompressors behind one entry point: gzip (multi-member
 * aware), zlib, raw deflate, brotli (Node zlib with maxOutputLength) and the
 * pure-TypeScript bzip2, xz, LZMA-alone and LZ4-frame decoders, plus joblib's legacy
 * `ZF` zlib file. Every function returns a DecodeResult (never throws) whose
 * output respects the output and ratio caps. The engine uses
 * `decodeContentEncoding` for request bodies; the container detector uses
 * `decompress` for streams it finds inside layers.
 */
import { allZero } from './bytes.js';
import { decodeBzip2 } from './bzip2.js';
import { gunzip } from './gzip.js';
import { DEFAULT_DECOMPRESS_LIMITS, limitName, outputCap, type DecompressLimits } from './limits.js';
import { decodeLz4 } from './lz4.js';
import { decodeLzmaAlone } from './lzma.js';
import { brotliCapped, inflateRawCapped, inflateZlibCapped, isDecodeError, partialOutput, type RawOutput } from './node-zlib.js';
import { failed, stop, type DecodeError, type DecodeResult } from './result.js';
import { decodeXz } from './xz.js';

export { gunzip, type GzipResult } from './gzip.js';
export { decodeBzip2 } from './bzip2.js';
export { decodeLzmaAlone } from './lzma.js';
export { decodeLz4 } from './lz4.js';
export { decodeXz } from './xz.js';

export type StreamKind = 'gzip' | 'zlib' | 'deflate' | 'brotli' | 'bzip2' | 'xz' | 'lzma' | 'lz4' | 'joblib-zfile';

/** joblib < 0.10 "ZF" files: `ZF` + hex length padded to 19 chars (+ optional space) + zlib data. */
export const JOBLIB_ZF_HEADER_BYTES = 21;

/** True when `b[off]` starts a zlib stream header (deflate, window ≤ 32K, check bits, no preset dictionary). */
export function isZlibHeader(b: Uint8Array, off: number): boolean {
  if (off < 0 || off + 2 > b.length) return false;
  const cmf = b[off] as number;
  const flg = b[off + 1] as number;
  return (cmf & 0x0f) === 8 && cmf >>> 4 <= 7 && (cmf * 256 + flg) % 31 === 0 && (flg & 0x20) === 0;
}

function finish(r: RawOutput | DecodeError, input: Uint8Array, limits: DecompressLimits, what: string): DecodeResult {
  if (isDecodeError(r)) {
    if (r.kind === 'limit') return failed({ ...r, limit: limitName(limits, input.length) });
    return failed(stop(r.kind, r.reason, r.offset), partialOutput(r));
  }
  if (r.output.length > outputCap(limits, r.consumed)) {
    return failed(stop('limit', `${what} expansion ratio exceeds the limit`, r.consumed, 'containers.maxRatio'), r.output, r.consumed);
  }
  if (r.consumed < input.length && !allZero(input, r.consumed)) {
    return { output: r.output, consumed: r.consumed, warnings: [stop('malformed', `trailing bytes after the ${what} stream`, r.consumed)] };
  }
  return { output: r.output, consumed: r.consumed };
}

/** Inflate a zlib stream (RFC 1950). */
export function inflateZlib(input: Uint8Array, limits: DecompressLimits = DEFAULT_DECOMPRESS_LIMITS): DecodeResult {
  if (input.length >= 2 && ((input[1] as number) & 0x20) !== 0 && ((input[0] as number) & 0x0f) === 8) {
    return failed(stop('unsupported', 'zlib stream needs a preset dictionary', 1));
  }
  return finish(inflateZlibCapped(input, outputCap(limits, input.length)), input, limits, 'zlib');
}

/** Inflate a raw deflate stream (RFC 1951). */
export function inflateRaw(input: Uint8Array, limits: DecompressLimits = DEFAULT_DECOMPRESS_LIMITS): DecodeResult {
  return finish(inflateRawCapped(input, outputCap(limits, input.length)), input, limits, 'deflate');
}

/** Decompress a brotli stream. */
export function unbrotli(input: Uint8Array, limits: DecompressLimits = DEFAULT_DECOMPRESS_LIMITS): DecodeResult {
  return finish(brotliCapped(input, outputCap(limits, input.length)), input, limits, 'brotli');
}

/** True when `b` starts with joblib's legacy `ZF0x<hex>` header. */
export function isJoblibZfile(b: Uint8Array): boolean {
  return b.length > JOBLIB_ZF_HEADER_BYTES && b[0] === 0x5a && b[1] === 0x46 && b[2] === 0x30 && b[3] === 0x78;
}

/** Decode a joblib legacy `ZF` file; the declared length must match the output. */
export function decodeJoblibZfile(input: Uint8Array, limits: DecompressLimits = DEFAULT_DECOMPRESS_LIMITS): DecodeResult {
  if (!isJoblibZfile(input)) return failed(stop('malformed', 'not a joblib ZF header', 0));
  let declared = 0;
  let digits = 0;
  let i = 4;
  for (; i < JOBLIB_ZF_HEADER_BYTES; i++) {
    const c = input[i] as number;
    const v = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (v < 0) break;
    if (++digits > 13) return failed(stop('malformed', 'joblib ZF length is too large', i));
    declared = declared * 16 + v;
  }
  for (; i < JOBLIB_ZF_HEADER_BYTES; i++) {
    if (input[i] !== 0x20 && input[i] !== 0x4c) return failed(stop('malformed', 'joblib ZF header is malformed', i));
  }
  if (digits === 0) return failed(stop('malformed', 'joblib ZF header has no length', 4));
  const start = input[JOBLIB_ZF_HEADER_BYTES] === 0x20 ? JOBLIB_ZF_HEADER_BYTES + 1 : JOBLIB_ZF_HEADER_BYTES;
  const body = input.subarray(start);
  const r = inflateZlib(body, limits);
  const shifted = { ...r, consumed: r.consumed + start };
  if (r.error) return { ...shifted, error: { ...r.error, offset: r.error.offset + start } };
  if (r.output.length !== declared) {
    return { ...shifted, error: stop('malformed', 'joblib ZF declared length disagrees with the data', 4) };
  }
  return shifted;
}

/** Decompress `input` as `kind`. */
export function decompress(kind: StreamKind, input: Uint8Array, limits: DecompressLimits = DEFAULT_DECOMPRESS_LIMITS): DecodeResult {
  switch (kind) {
    case 'gzip':
      return gunzip(input, limits);
    case 'zlib':
      return inflateZlib(input, limits);
    case 'deflate':
      return inflateRaw(input, limits);
    case 'brotli':
      return unbrotli(input, limits);
    case 'bzip2':
      return decodeBzip2(input, limits);
    case 'xz':
      return decodeXz(input, limits);
    case 'lzma':
      return decodeLzmaAlone(input, limits);
    case 'lz4':
      return decodeLz4(input, limits);
    case 'joblib-zfile':
      return decodeJoblibZfile(input, limits);
  }
}

/** A complete stream: no error and nothing but zero padding after it. */
const clean = (r: DecodeResult): boolean => r.error === undefined && (r.warnings === undefined || r.warnings.length === 0);

/**
 * `Content-Encoding: deflate`. RFC 9110 names the zlib format, yet some
 * servers (ASP.NET Core's request decompression, old IIS) read raw deflate.
 * Whichever reading is a complete stream is the body; a body complete under
 * both readings would be read differently by different applications, so it
 * is refused rather than guessed.
 */
function inflateDeflateCoding(body: Uint8Array, limits: DecompressLimits): DecodeResult {
  if (isZlibHeader(body, 0)) {
    const z = inflateZlib(body, limits);
    if (clean(z) && clean(inflateRaw(body, limits))) {
      return failed(stop('malformed', 'deflate body is a complete stream both as zlib and as raw deflate (ambiguous)', 0));
    }
    if (!z.error || z.error.kind === 'limit') return z;
    // Not a zlib stream after all: maybe raw deflate whose first bytes look like a zlib header.
    const raw = inflateRaw(body, limits);
    return clean(raw) || raw.error?.kind === 'limit' ? raw : z;
  }
  const raw = inflateRaw(body, limits);
  if (raw.error && raw.error.kind !== 'limit') return failed(stop('malformed', 'deflate body is neither a zlib nor a raw deflate stream', raw.error.offset));
  return raw;
}

/**
 * Decode a request body for one HTTP Content-Encoding token (`gzip`,
 * `deflate`, `br`; `identity` returns the input). Other tokens come back as
 * an 'unsupported' error. Concatenated gzip members and trailing bytes come
 * back as warnings: the engine should refuse them (400).
 */
export function decodeContentEncoding(token: string, body: Uint8Array, limits: DecompressLimits = DEFAULT_DECOMPRESS_LIMITS): DecodeResult {
  const t = token.trim().toLowerCase();
  if (t === 'identity') return { output: body, consumed: body.length };
  if (t === 'gzip') return gunzip(body, limits);
  if (t === 'deflate') return inflateDeflateCoding(body, limits);
  if (t === 'br') return unbrotli(body, limits);
  return failed(stop('unsupported', 'content-encoding is not supported', 0));
}
