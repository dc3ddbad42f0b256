/**
 * Decoder for the .xz container (joblib's `xz` compressor, `xz` files):
 * stream header/footer, blocks with LZMA2 as the only filter, block and
 * index CRC32, integrity checks (none, CRC32, CRC64, SHA-256), concatenated
 * streams and stream padding. Output-capped, ratio-capped, never throws;
 * trailing garbage is reported as a warning.
 */
import { createHash } from 'node:crypto';
import { hasBytes, sameBytes, u32le } from './bytes.js';
import { crc32 } from './crc32.js';
import { crc64 } from './crc64.js';
import { DEFAULT_DECOMPRESS_LIMITS, limitName, outputCap, type DecompressLimits } from './limits.js';
import { decodeLzma2, lzma2DictSize } from './lzma2.js';
import { OutBuf } from './outbuf.js';
import { failed, stop, type DecodeError, type DecodeResult } from './result.js';

export const XZ_MAGIC: readonly number[] = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const FOOTER_MAGIC: readonly number[] = [0x59, 0x5a];
const FILTER_LZMA2 = 0x21;
/** Most blocks (and index records) one stream may hold. */
export const XZ_MAX_BLOCKS = 10_000;
/** Most concatenated streams one input may hold. */
export const XZ_MAX_STREAMS = 64;

interface Vli {
  readonly value: number;
  readonly next: number;
}

/** Read an xz variable-length integer; undefined when malformed or past `end`. */
function readVli(b: Uint8Array, pos: number, end: number): Vli | undefined {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (pos + i >= end) return undefined;
    const byte = b[pos + i] as number;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (i > 0 && byte === 0) return undefined;
      return value > Number.MAX_SAFE_INTEGER ? undefined : { value, next: pos + i + 1 };
    }
  }
  return undefined;
}

function checkSize(type: number): number {
  if (type === 0) return 0;
  return 4 << Math.floor((type - 1) / 3);
}

function computeCheck(type: number, data: Uint8Array): Uint8Array | undefined {
  if (type === 0) return new Uint8Array(0);
  if (type === 1) {
    const c = crc32(data);
    return new Uint8Array([c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, c >>> 24]);
  }
  if (type === 4) return crc64(data);
  if (type === 10) return createHash('sha256').update(data).digest();
  return undefined;
}

interface StreamEnd {
  readonly end: number;
  readonly error?: DecodeError;
}

/** Decode one xz stream at `start`, appending to `out`. */
function decodeStream(input: Uint8Array, start: number, out: OutBuf, interrupt?: () => boolean): StreamEnd {
  const n = input.length;
  if (start + 12 > n) return { end: start, error: stop('truncated', 'xz stream header is incomplete', start) };
  if (!hasBytes(input, start, XZ_MAGIC)) return { end: start, error: stop('malformed', 'not an xz stream header', start) };
  const f0 = input[start + 6] as number;
  const f1 = input[start + 7] as number;
  if (f0 !== 0 || (f1 & 0xf0) !== 0) return { end: start, error: stop('unsupported', 'xz stream flags use reserved bits', start + 6) };
  if (crc32(input, start + 6, start + 8) !== u32le(input, start + 8)) {
    return { end: start, error: stop('malformed', 'xz stream header CRC mismatch', start + 8) };
  }
  const checkType = f1 & 0x0f;
  if (checkType !== 0 && checkType !== 1 && checkType !== 4 && checkType !== 10) {
    return { end: start, error: stop('unsupported', 'xz integrity check type is not supported', start + 7) };
  }
  const csize = checkSize(checkType);
  const records: number[] = [];
  let pos = start + 12;
  for (let blocks = 0; ; blocks++) {
    if (pos >= n) return { end: pos, error: stop('truncated', 'xz stream ends before its index', pos) };
    if (blocks >= XZ_MAX_BLOCKS) return { end: pos, error: stop('limit', 'too many xz blocks', pos, 'containers.xzMaxBlocks') };
    const first = input[pos] as number;
    if (first === 0) break;
    const headerSize = (first + 1) * 4;
    if (pos + headerSize > n) return { end: pos, error: stop('truncated', 'xz block header is incomplete', pos) };
    if (crc32(input, pos, pos + headerSize - 4) !== u32le(input, pos + headerSize - 4)) {
      return { end: pos, error: stop('malformed', 'xz block header CRC mismatch', pos) };
    }
    const flags = input[pos + 1] as number;
    if ((flags & 0x3c) !== 0) return { end: pos, error: stop('unsupported', 'xz block flags use reserved bits', pos + 1) };
    const hEnd = pos + headerSize - 4;
    let p = pos + 2;
    let declaredPacked = -1;
    let declaredUnpacked = -1;
    if (flags & 0x40) {
      const v = readVli(input, p, hEnd);
      if (!v || v.value === 0) return { end: pos, error: stop('malformed', 'bad xz compressed size', p) };
      declaredPacked = v.value;
      p = v.next;
    }
    if (flags & 0x80) {
      const v = readVli(input, p, hEnd);
      if (!v) return { end: pos, error: stop('malformed', 'bad xz uncompressed size', p) };
      declaredUnpacked = v.value;
      p = v.next;
    }
    const filters = (flags & 3) + 1;
    let dictOk = false;
    for (let i = 0; i < filters; i++) {
      const id = readVli(input, p, hEnd);
      if (!id) return { end: pos, error: stop('malformed', 'bad xz filter id', p) };
      const ps = readVli(input, id.next, hEnd);
      if (!ps || ps.next + ps.value > hEnd) return { end: pos, error: stop('malformed', 'bad xz filter properties', id.next) };
      if (id.value !== FILTER_LZMA2 || i !== filters - 1) {
        return { end: pos, error: stop('unsupported', 'xz filter chain other than plain LZMA2', p) };
      }
      if (ps.value !== 1 || lzma2DictSize(input[ps.next] as number) < 0) {
        return { end: pos, error: stop('malformed', 'bad LZMA2 filter properties', ps.next) };
      }
      dictOk = true;
      p = ps.next + ps.value;
    }
    if (!dictOk) return { end: pos, error: stop('malformed', 'xz block without filters', pos) };
    for (; p < hEnd; p++) {
      if (input[p] !== 0) return { end: pos, error: stop('malformed', 'xz block header padding is not zero', p) };
    }
    const dataStart = pos + headerSize;
    const outStart = out.pos;
    const dataLimit = declaredPacked >= 0 ? Math.min(n, dataStart + declaredPacked) : n;
    const r = decodeLzma2(input, dataStart, dataLimit, out, interrupt);
    if (r.error) return { end: r.end, error: r.error };
    const packed = r.end - dataStart;
    if (declaredPacked >= 0 && packed !== declaredPacked) {
      return { end: r.end, error: stop('malformed', 'xz block compressed size disagrees with its header', r.end) };
    }
    const unpacked = out.pos - outStart;
    if (declaredUnpacked >= 0 && unpacked !== declaredUnpacked) {
      return { end: r.end, error: stop('malformed', 'xz block uncompressed size disagrees with its header', r.end) };
    }
    pos = r.end;
    while ((pos - dataStart) % 4 !== 0) {
      if (pos >= n) return { end: pos, error: stop('truncated', 'xz block padding is incomplete', pos) };
      if (input[pos] !== 0) return { end: pos, error: stop('malformed', 'xz block padding is not zero', pos) };
      pos++;
    }
    if (pos + csize > n) return { end: pos, error: stop('truncated', 'xz block check is incomplete', pos) };
    const check = computeCheck(checkType, out.view().subarray(outStart));
    if (!check || !sameBytes(check, 0, input, pos, csize)) {
      return { end: pos, error: stop('malformed', 'xz block integrity check mismatch', pos) };
    }
    pos += csize;
    records.push(headerSize + packed + csize, unpacked);
  }
  // Index
  const indexStart = pos;
  const count = readVli(input, pos + 1, n);
  if (!count) return { end: pos, error: stop('truncated', 'xz index is incomplete', pos) };
  if (count.value * 2 !== records.length) return { end: pos, error: stop('malformed', 'xz index record count disagrees with the blocks', pos) };
  let p = count.next;
  for (let i = 0; i < records.length; i++) {
    const v = readVli(input, p, n);
    if (!v) return { end: p, error: stop('truncated', 'xz index is incomplete', p) };
    if (v.value !== records[i]) return { end: p, error: stop('malformed', 'xz index disagrees with the blocks', p) };
    p = v.next;
  }
  while ((p - indexStart) % 4 !== 0) {
    if (p >= n) return { end: p, error: stop('truncated', 'xz index padding is incomplete', p) };
    if (input[p] !== 0) return { end: p, error: stop('malformed', 'xz index padding is not zero', p) };
    p++;
  }
  if (p + 4 > n) return { end: p, error: stop('truncated', 'xz index CRC is incomplete', p) };
  if (crc32(input, indexStart, p) !== u32le(input, p)) return { end: p, error: stop('malformed', 'xz index CRC mismatch', p) };
  p += 4;
  const indexSize = p - indexStart;
  // Footer
  if (p + 12 > n) return { end: p, error: stop('truncated', 'xz stream footer is incomplete', p) };
  if (crc32(input, p + 4, p + 10) !== u32le(input, p)) return { end: p, error: stop('malformed', 'xz stream footer CRC mismatch', p) };
  const backward = (u32le(input, p + 4) + 1) * 4;
  if (backward !== indexSize) return { end: p, error: stop('malformed', 'xz footer backward size disagrees with the index', p + 4) };
  if (input[p + 8] !== f0 || input[p + 9] !== f1) return { end: p, error: stop('malformed', 'xz footer flags differ from the header', p + 8) };
  if (!hasBytes(input, p + 10, FOOTER_MAGIC)) return { end: p, error: stop('malformed', 'xz footer magic is missing', p + 10) };
  return { end: p + 12 };
}

/** Decode a complete .xz input (one or more streams with optional padding). */
export function decodeXz(input: Uint8Array, limits: DecompressLimits = DEFAULT_DECOMPRESS_LIMITS): DecodeResult {
  const cap = outputCap(limits, input.length);
  const out = new OutBuf(cap);
  let pos = 0;
  const warnings: DecodeError[] = [];
  for (let streams = 0; pos < input.length; streams++) {
    if (streams >= XZ_MAX_STREAMS) {
      return failed(stop('limit', 'too many concatenated xz streams', pos, 'containers.xzMaxStreams'), out.view(), pos);
    }
    const r = decodeStream(input, pos, out, limits.interrupt);
    if (r.error) {
      const e = r.error.kind === 'limit' && r.error.limit === 'containers.maxOutputBytes' ? { ...r.error, limit: limitName(limits, input.length) } : r.error;
      if (streams > 0 && r.end === pos && e.kind !== 'limit') {
        warnings.push(stop('malformed', 'bytes after the last xz stream are not an xz stream', pos));
        break;
      }
      return failed(e, out.view(), r.end);
    }
    pos = r.end;
    // Stream padding: zero bytes in multiples of four.
    let pad = pos;
    while (pad < input.length && input[pad] === 0) pad++;
    if (pad > pos) {
      if ((pad - pos) % 4 !== 0) {
        warnings.push(stop('malformed', 'xz stream padding is not a multiple of four', pos));
        pos = pad;
        break;
      }
      pos = pad;
    }
  }
  if (out.pos > outputCap(limits, pos)) {
    return failed(stop('limit', 'xz expansion ratio exceeds the limit', pos, 'containers.maxRatio'), out.view(), pos);
  }
  return warnings.length > 0 ? { output: out.view(), consumed: pos, warnings } : { output: out.view(), consumed: pos };
}
