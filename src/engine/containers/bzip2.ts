/**
 * Decoder for bzip2 streams (joblib's `bz2` compressor, .bz2 files): the
 * `BZh1`..`BZh9` header, blocks (see bzip2-block.ts), the end-of-stream
 * marker with the combined CRC, and concatenated streams. Output-capped,
 * ratio-capped, never throws; trailing garbage is reported as a warning.
 */
import { BitReader } from './bitreader.js';
import { allZero } from './bytes.js';
import { decodeBlock, type BlockScratch } from './bzip2-block.js';
import { BUDGET_LIMIT, DEFAULT_DECOMPRESS_LIMITS, limitName, outputCap, type DecompressLimits } from './limits.js';
import { OutBuf } from './outbuf.js';
import { failed, stop, type DecodeError, type DecodeResult } from './result.js';

/** Most concatenated streams one input may hold. */
export const BZIP2_MAX_STREAMS = 64;

/** True when `b[off]` starts a bzip2 stream header (`BZh` + level digit). */
export function isBzip2Header(b: Uint8Array, off: number): boolean {
  if (off < 0 || off + 4 > b.length) return false;
  const level = b[off + 3] as number;
  return b[off] === 0x42 && b[off + 1] === 0x5a && b[off + 2] === 0x68 && level >= 0x31 && level <= 0x39;
}

interface StreamEnd {
  readonly end: number;
  readonly error?: DecodeError;
}

function decodeStream(input: Uint8Array, start: number, out: OutBuf, scratch: BlockScratch, interrupt?: () => boolean): StreamEnd {
  if (!isBzip2Header(input, start)) return { end: start, error: stop('malformed', 'not a bzip2 stream header', start) };
  const maxBlock = ((input[start + 3] as number) - 0x30) * 100_000;
  const br = new BitReader(input, start + 4);
  let combined = 0;
  // Each block or end marker consumes at least 10 bytes, so the loop is bounded by the input.
  for (;;) {
    const hi = br.bits(24);
    const lo = br.bits(24);
    if (br.overrun) return { end: br.pos, error: stop('truncated', 'bzip2 stream ends before its end marker', input.length) };
    if (hi === 0x314159 && lo === 0x265359) {
      if (interrupt?.()) return { end: br.pos, error: stop('limit', 'inspection budget exhausted while decoding', br.pos, BUDGET_LIMIT) };
      const r = decodeBlock(br, maxBlock, scratch, out);
      if (r.error) return { end: br.pos, error: r.error };
      combined = (((combined << 1) | (combined >>> 31)) ^ r.crc) >>> 0;
      continue;
    }
    if (hi === 0x177245 && lo === 0x385090) {
      const stored = br.u32();
      if (br.overrun) return { end: br.pos, error: stop('truncated', 'bzip2 stream ends inside its end marker', input.length) };
      if (stored !== combined) return { end: br.pos, error: stop('malformed', 'bzip2 combined CRC mismatch', br.pos) };
      return { end: br.alignToByte() };
    }
    return { end: br.pos, error: stop('malformed', 'bzip2 block magic is missing', br.pos) };
  }
}

/** Decode a complete bzip2 input (one or more concatenated streams). */
export function decodeBzip2(input: Uint8Array, limits: DecompressLimits = DEFAULT_DECOMPRESS_LIMITS): DecodeResult {
  const out = new OutBuf(outputCap(limits, input.length));
  const scratch: BlockScratch = { tt: new Uint32Array(0) };
  const warnings: DecodeError[] = [];
  let pos = 0;
  for (let streams = 0; pos < input.length; streams++) {
    if (streams >= BZIP2_MAX_STREAMS) {
      return failed(stop('limit', 'too many concatenated bzip2 streams', pos, 'containers.bzip2MaxStreams'), out.view(), pos);
    }
    if (streams > 0 && allZero(input, pos)) break;
    if (streams > 0 && !isBzip2Header(input, pos)) {
      warnings.push(stop('malformed', 'bytes after the last bzip2 stream are not a bzip2 stream', pos));
      break;
    }
    const r = decodeStream(input, pos, out, scratch, limits.interrupt);
    if (r.error) {
      const e = r.error.kind === 'limit' && r.error.limit === 'containers.maxOutputBytes' ? { ...r.error, limit: limitName(limits, input.length) } : r.error;
      return failed(e, out.view(), Math.min(r.end, input.length));
    }
    pos = r.end;
  }
  if (out.pos > outputCap(limits, pos)) {
    return failed(stop('limit', 'bzip2 expansion ratio exceeds the limit', pos, 'containers.maxRatio'), out.view(), pos);
  }
  return warnings.length > 0 ? { output: out.view(), consumed: pos, warnings } : { output: out.view(), consumed: pos };
}
