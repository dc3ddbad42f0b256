/**
 * LZMA2 chunk decoder (the payload of xz blocks and 7z LZMA2 coders):
 * uncompressed chunks and LZMA chunks with state/property/dictionary resets,
 * each chunk's sizes enforced exactly. Appends to a caller's OutBuf and
 * returns where the stream ended or why it stopped; never throws.
 */
import { decodePropsByte, LzmaDecoder } from './lzma-decoder.js';
import type { OutBuf } from './outbuf.js';
import { RangeDecoder } from './rangecoder.js';
import { BUDGET_LIMIT } from './limits.js';
import { stop, type DecodeError } from './result.js';

export interface Lzma2Result {
  /** Input position just after the end-of-stream byte (or where decoding stopped). */
  readonly end: number;
  readonly error?: DecodeError;
}

/** Dictionary size encoded in the one-byte LZMA2 filter property; -1 when invalid. */
export function lzma2DictSize(prop: number): number {
  const bits = prop & 0x3f;
  if (prop > 40) return -1;
  if (bits === 40) return 0xffffffff;
  return (2 | (bits & 1)) * 2 ** (Math.floor(bits / 2) + 11);
}

/**
 * Decode one LZMA2 stream from `input[start, end)` into `out`. The stream
 * must start with a dictionary reset and finish with its 0x00 end byte.
 */
export function decodeLzma2(input: Uint8Array, start: number, end: number, out: OutBuf, interrupt?: () => boolean): Lzma2Result {
  const limit = Math.min(end, input.length);
  const dec = new LzmaDecoder(out);
  dec.interrupt = interrupt;
  const rc = new RangeDecoder(input);
  let needDictReset = true;
  let needProps = true;
  let pos = start;
  while (pos < limit) {
    if (interrupt?.()) return { end: pos, error: stop('limit', 'inspection budget exhausted while decoding', pos, BUDGET_LIMIT) };
    const ctrl = input[pos] as number;
    if (ctrl === 0x00) return { end: pos + 1 };
    if (ctrl === 0x01 || ctrl === 0x02) {
      if (pos + 3 > limit) return { end: pos, error: stop('truncated', 'LZMA2 chunk header is incomplete', pos) };
      if (ctrl === 0x01) {
        dec.resetDictionary();
        needDictReset = false;
      } else if (needDictReset) {
        return { end: pos, error: stop('malformed', 'LZMA2 stream does not start with a dictionary reset', pos) };
      }
      const size = (((input[pos + 1] as number) << 8) | (input[pos + 2] as number)) + 1;
      if (pos + 3 + size > limit) return { end: pos, error: stop('truncated', 'LZMA2 stored chunk is incomplete', pos) };
      if (!out.append(input, pos + 3, pos + 3 + size)) {
        return { end: pos, error: stop('limit', 'decompressed output reached its cap', pos, 'containers.maxOutputBytes') };
      }
      pos += 3 + size;
      continue;
    }
    if (ctrl < 0x80) return { end: pos, error: stop('malformed', 'invalid LZMA2 control byte', pos) };
    const reset = (ctrl >>> 5) & 3;
    const headerLen = reset >= 2 ? 6 : 5;
    if (pos + headerLen > limit) return { end: pos, error: stop('truncated', 'LZMA2 chunk header is incomplete', pos) };
    const unpacked = (ctrl & 0x1f) * 65536 + (((input[pos + 1] as number) << 8) | (input[pos + 2] as number)) + 1;
    const packed = (((input[pos + 3] as number) << 8) | (input[pos + 4] as number)) + 1;
    if (reset === 3) {
      dec.resetDictionary();
      needDictReset = false;
    } else if (needDictReset) {
      return { end: pos, error: stop('malformed', 'LZMA2 stream does not start with a dictionary reset', pos) };
    }
    if (reset >= 2) {
      const props = decodePropsByte(input[pos + 5] as number);
      if (!props) return { end: pos, error: stop('malformed', 'invalid LZMA2 properties (lc+lp must be <= 4)', pos + 5) };
      dec.setProps(props);
      needProps = false;
    } else if (needProps) {
      return { end: pos, error: stop('malformed', 'LZMA2 chunk without properties', pos) };
    }
    if (reset >= 1) dec.resetState();
    const dataStart = pos + headerLen;
    const dataEnd = dataStart + packed;
    if (dataEnd > limit) return { end: pos, error: stop('truncated', 'LZMA2 chunk data is incomplete', pos) };
    if (out.pos + unpacked > out.cap) {
      return { end: pos, error: stop('limit', 'decompressed output reached its cap', pos, 'containers.maxOutputBytes') };
    }
    if (!rc.init(dataStart, dataEnd)) return { end: pos, error: stop('malformed', 'LZMA2 range coder initialisation is invalid', dataStart) };
    const r = dec.decode(rc, out.pos + unpacked, true);
    if (typeof r !== 'string') return { end: pos, error: r };
    if (r === 'end-marker') return { end: pos, error: stop('malformed', 'end marker inside an LZMA2 chunk', rc.pos) };
    if (!rc.finishedCleanly() || rc.pos !== dataEnd) {
      return { end: pos, error: stop('malformed', 'LZMA2 chunk sizes disagree with its data', rc.pos) };
    }
    pos = dataEnd;
  }
  return { end: pos, error: stop('truncated', 'LZMA2 stream ends without its end byte', pos) };
}
