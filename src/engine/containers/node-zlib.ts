/**
 * Bounded one-shot wrappers around Node's zlib (raw deflate, zlib, brotli).
 * `maxOutputLength` caps the output; `info: true` tells how much input the
 * stream consumed, so trailing bytes can be detected. zlib throws by design
 * on bad input: that is the only place in this folder that catches, and it
 * turns the error into a DecodeError.
 */
import zlib from 'node:zlib';
import { asBuffer } from './bytes.js';
import { stop, type DecodeError } from './result.js';

export interface RawOutput {
  readonly output: Uint8Array;
  readonly consumed: number;
}

type SyncFn = (buf: Buffer, options: zlib.ZlibOptions | zlib.BrotliOptions) => unknown;

interface InfoResult {
  readonly buffer: Buffer;
  readonly engine: { readonly bytesWritten: number };
}

function call(fn: SyncFn, input: Uint8Array, options: zlib.ZlibOptions): InfoResult | { readonly code: unknown; readonly message: string } {
  try {
    return fn(asBuffer(input), { ...options, info: true } as zlib.ZlibOptions) as InfoResult;
  } catch (e) {
    const message = (e as { message?: unknown }).message;
    return { code: (e as { code?: unknown }).code, message: typeof message === 'string' ? message.slice(0, 80) : 'error' };
  }
}

/**
 * The output bytes of a truncated stream (what a streaming consumer would
 * already have seen), recovered with a sync flush. Empty when unavailable.
 */
function partial(fn: SyncFn, input: Uint8Array, cap: number, brotli: boolean): Uint8Array {
  if (brotli) return new Uint8Array(0);
  const r = call(fn, input, { maxOutputLength: Math.max(1, Math.floor(cap)), finishFlush: zlib.constants.Z_SYNC_FLUSH });
  return 'buffer' in r && r.buffer.length <= cap ? r.buffer : new Uint8Array(0);
}

function run(fn: SyncFn, input: Uint8Array, cap: number, what: string): RawOutput | DecodeError {
  const r = call(fn, input, { maxOutputLength: Math.max(1, Math.floor(cap)) });
  if ('buffer' in r) {
    if (r.buffer.length > cap) return stop('limit', `${what} output reached its cap`, input.length, 'containers.maxOutputBytes');
    return { output: r.buffer, consumed: r.engine.bytesWritten };
  }
  if (r.code === 'ERR_BUFFER_TOO_LARGE') return stop('limit', `${what} output reached its cap`, input.length, 'containers.maxOutputBytes');
  if (r.code === 'Z_BUF_ERROR') {
    const out = partial(fn, input, cap, what === 'brotli');
    return { ...stop('truncated', `${what} stream is truncated`, input.length), ...(out.length > 0 ? { partial: out } : {}) };
  }
  return stop('malformed', `${what} stream is invalid (${r.message})`, 0);
}

/** Inflate a raw deflate stream; stops at the end of the stream (trailing bytes are not consumed). */
export function inflateRawCapped(input: Uint8Array, cap: number): RawOutput | DecodeError {
  return run(zlib.inflateRawSync as SyncFn, input, cap, 'deflate');
}

/** Inflate a zlib (RFC 1950) stream, verifying its Adler-32. */
export function inflateZlibCapped(input: Uint8Array, cap: number): RawOutput | DecodeError {
  return run(zlib.inflateSync as SyncFn, input, cap, 'zlib');
}

/** Decompress a brotli stream. */
export function brotliCapped(input: Uint8Array, cap: number): RawOutput | DecodeError {
  return run(zlib.brotliDecompressSync as SyncFn, input, cap, 'brotli');
}

/** A truncation error may carry the output decoded before the input ran out. */
export function partialOutput(e: DecodeError): Uint8Array | undefined {
  return (e as { partial?: Uint8Array }).partial;
}

export function isDecodeError(v: RawOutput | DecodeError): v is DecodeError {
  return (v as DecodeError).kind !== undefined;
}
