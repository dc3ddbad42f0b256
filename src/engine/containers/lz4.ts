/**
 * Decoder for LZ4 frames (joblib's `lz4` compressor, `.lz4` files): frame
 * descriptor with its xxHash32 header checksum, data blocks (compressed or
 * stored, linked or independent) with optional block checksums, the end mark
 * and optional content checksum, skippable frames and concatenated frames.
 * Dictionary IDs are unsupported. Output-capped, never throws.
 */
import { allZero, u32le, u64le } from './bytes.js';
import { BUDGET_LIMIT, DEFAULT_DECOMPRESS_LIMITS, limitName, outputCap, type DecompressLimits } from './limits.js';
import { OutBuf } from './outbuf.js';
import { failed, stop, type DecodeError, type DecodeResult } from './result.js';
import { xxhash32 } from './xxhash32.js';

export const LZ4_MAGIC: readonly number[] = [0x04, 0x22, 0x4d, 0x18];
/** Most frames (including skippable ones) one input may hold. */
export const LZ4_MAX_FRAMES = 64;
const BLOCK_SIZES: Record<number, number> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };

/** True when `b[off]` starts an LZ4 frame or a skippable frame. */
export function isLz4Frame(b: Uint8Array, off: number): boolean {
  const m = u32le(b, off);
  return m === 0x184d2204 || (m >= 0x184d2a50 && m <= 0x184d2a5f);
}

/** Decode one LZ4 block (b[start, end)) into `out`; matches may reach back to `windowStart`. */
function decodeBlock(b: Uint8Array, start: number, end: number, out: OutBuf, windowStart: number, maxBlock: number): string | undefined {
  const blockStart = out.pos;
  let ip = start;
  // Each sequence consumes at least one token byte.
  while (ip < end) {
    const token = b[ip++] as number;
    let lit = token >>> 4;
    if (lit === 15) {
      for (let v = 255; v === 255; ) {
        if (ip >= end) return 'LZ4 literal length runs past the block';
        v = b[ip++] as number;
        lit += v;
      }
    }
    if (ip + lit > end) return 'LZ4 literals run past the block';
    if (out.pos - blockStart + lit > maxBlock) return 'LZ4 block is larger than its maximum size';
    if (!out.append(b, ip, ip + lit)) return 'limit';
    ip += lit;
    if (ip === end) return undefined;
    if (ip + 2 > end) return 'LZ4 match offset runs past the block';
    const offset = (b[ip] as number) | ((b[ip + 1] as number) << 8);
    ip += 2;
    if (offset === 0 || offset > out.pos - windowStart) return 'LZ4 match offset reaches before the window';
    let len = (token & 15) + 4;
    if ((token & 15) === 15) {
      for (let v = 255; v === 255; ) {
        if (ip >= end) return 'LZ4 match length runs past the block';
        v = b[ip++] as number;
        len += v;
      }
    }
    if (out.pos - blockStart + len > maxBlock) return 'LZ4 block is larger than its maximum size';
    if (out.copyMatch(offset - 1, len) !== len) return 'limit';
  }
  return 'LZ4 block ends without a final literal run';
}

interface FrameEnd {
  readonly end: number;
  readonly error?: DecodeError;
}

function decodeFrame(b: Uint8Array, pos: number, out: OutBuf): FrameEnd {
  const magic = u32le(b, pos);
  if (magic >= 0x184d2a50 && magic <= 0x184d2a5f) {
    const size = u32le(b, pos + 4);
    if (size < 0 || pos + 8 + size > b.length) return { end: pos, error: stop('truncated', 'LZ4 skippable frame is incomplete', pos) };
    return { end: pos + 8 + size };
  }
  if (magic !== 0x184d2204) return { end: pos, error: stop('malformed', 'not an LZ4 frame', pos) };
  const flg = b[pos + 4];
  const bd = b[pos + 5];
  if (flg === undefined || bd === undefined) return { end: pos, error: stop('truncated', 'LZ4 frame descriptor is incomplete', pos) };
  if (flg >>> 6 !== 1 || (flg & 0x02) !== 0 || (bd & 0x8f) !== 0) return { end: pos, error: stop('malformed', 'LZ4 frame descriptor uses an unknown version or reserved bits', pos + 4) };
  if (flg & 0x01) return { end: pos, error: stop('unsupported', 'LZ4 frames with a dictionary are not supported', pos + 4) };
  const maxBlock = BLOCK_SIZES[(bd >>> 4) & 7];
  if (maxBlock === undefined) return { end: pos, error: stop('malformed', 'LZ4 block size code is invalid', pos + 5) };
  const independent = (flg & 0x20) !== 0;
  const blockChecksum = (flg & 0x10) !== 0;
  const hasSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  let p = pos + 6;
  let declared = -1;
  if (hasSize) {
    declared = u64le(b, p);
    if (declared === -1) return { end: pos, error: stop('truncated', 'LZ4 frame descriptor is incomplete', p) };
    p += 8;
  }
  if (p >= b.length) return { end: pos, error: stop('truncated', 'LZ4 frame descriptor is incomplete', p) };
  if (((xxhash32(b, pos + 4, p) >>> 8) & 0xff) !== b[p]) return { end: pos, error: stop('malformed', 'LZ4 frame header checksum mismatch', p) };
  p++;
  const frameStart = out.pos;
  // Each block consumes at least its 4-byte size field.
  for (;;) {
    const word = u32le(b, p);
    if (word < 0) return { end: p, error: stop('truncated', 'LZ4 frame ends before its end mark', p) };
    p += 4;
    if (word === 0) break;
    const stored = word >= 0x80000000;
    const size = stored ? word - 0x80000000 : word;
    if (size > maxBlock) return { end: p, error: stop('malformed', 'LZ4 block is larger than its maximum size', p - 4) };
    if (p + size + (blockChecksum ? 4 : 0) > b.length) return { end: p, error: stop('truncated', 'LZ4 block is incomplete', p) };
    if (blockChecksum && xxhash32(b, p, p + size) !== u32le(b, p + size)) return { end: p, error: stop('malformed', 'LZ4 block checksum mismatch', p) };
    if (stored) {
      if (!out.append(b, p, p + size)) return { end: p, error: stop('limit', 'decompressed output reached its cap', p, 'containers.maxOutputBytes') };
    } else {
      const err = decodeBlock(b, p, p + size, out, independent ? out.pos : frameStart, maxBlock);
      if (err === 'limit') return { end: p, error: stop('limit', 'decompressed output reached its cap', p, 'containers.maxOutputBytes') };
      if (err) return { end: p, error: stop('malformed', err, p) };
    }
    p += size + (blockChecksum ? 4 : 0);
  }
  const produced = out.pos - frameStart;
  if (declared >= 0 && declared !== produced) return { end: p, error: stop('malformed', 'LZ4 content size disagrees with the data', p) };
  if (contentChecksum) {
    const sum = u32le(b, p);
    if (sum < 0) return { end: p, error: stop('truncated', 'LZ4 content checksum is missing', p) };
    if (xxhash32(out.view(), frameStart, out.pos) !== sum) return { end: p, error: stop('malformed', 'LZ4 content checksum mismatch', p) };
    p += 4;
  }
  return { end: p };
}

/** Decode a complete LZ4 frame input (one or more frames). */
export function decodeLz4(input: Uint8Array, limits: DecompressLimits = DEFAULT_DECOMPRESS_LIMITS): DecodeResult {
  const out = new OutBuf(outputCap(limits, input.length));
  const warnings: DecodeError[] = [];
  let pos = 0;
  for (let frames = 0; pos < input.length; frames++) {
    if (frames >= LZ4_MAX_FRAMES) return failed(stop('limit', 'too many LZ4 frames', pos, 'containers.lz4MaxFrames'), out.view(), pos);
    if (frames > 0 && allZero(input, pos)) break;
    if (frames > 0 && !isLz4Frame(input, pos)) {
      warnings.push(stop('malformed', 'bytes after the last LZ4 frame are not an LZ4 frame', pos));
      break;
    }
    if (limits.interrupt?.()) return failed(stop('limit', 'inspection budget exhausted while decoding', pos, BUDGET_LIMIT), out.view(), pos);
    const r = decodeFrame(input, pos, out);
    if (r.error) {
      const e = r.error.kind === 'limit' ? { ...r.error, limit: limitName(limits, input.length) } : r.error;
      return failed(e, out.view(), Math.min(r.end, input.length));
    }
    pos = r.end;
  }
  if (out.pos > outputCap(limits, pos)) return failed(stop('limit', 'LZ4 expansion ratio exceeds the limit', pos, 'containers.maxRatio'), out.view(), pos);
  return warnings.length > 0 ? { output: out.view(), consumed: pos, warnings } : { output: out.view(), consumed: pos };
}
