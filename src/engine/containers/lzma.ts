/**
 * Decoder for the LZMA "alone" format (.lzma, joblib's `lzma` compressor):
 * a 13-byte header (properties byte, dictionary size, 64-bit uncompressed
 * size or -1) followed by one LZMA stream. Output-capped and ratio-capped;
 * returns a DecodeResult and never throws.
 */
import { allZero, u32le, u64le } from './bytes.js';
import { BUDGET_LIMIT, DEFAULT_DECOMPRESS_LIMITS, limitName, outputCap, type DecompressLimits } from './limits.js';
import { decodePropsByte, LzmaDecoder } from './lzma-decoder.js';
import { OutBuf } from './outbuf.js';
import { RangeDecoder } from './rangecoder.js';
import { failed, stop, type DecodeResult } from './result.js';

export const LZMA_ALONE_HEADER_BYTES = 13;

/** Largest uncompressed size liblzma accepts in a .lzma header when it checks strictly (2^38). */
const MAX_DECLARED_SIZE = 2 ** 38;

export interface LzmaAloneHeader {
  readonly lc: number;
  readonly lp: number;
  readonly pb: number;
  readonly dictSize: number;
  /** Declared uncompressed size, or -1 when unknown (end marker required). */
  readonly size: number;
}

/**
 * Parse and sanity-check the 13-byte header. Also requires the first range
 * coder byte (offset 13) to be 0. Undefined when the bytes are not a
 * plausible .lzma header (used for sniffing as well).
 */
export function parseLzmaAloneHeader(b: Uint8Array, off = 0): LzmaAloneHeader | undefined {
  if (off < 0 || off + LZMA_ALONE_HEADER_BYTES + 1 > b.length) return undefined;
  const props = decodePropsByte(b[off] as number);
  if (!props) return undefined;
  const dictSize = u32le(b, off + 1);
  const lo = u32le(b, off + 5);
  const hi = u32le(b, off + 9);
  let size: number;
  if (lo === 0xffffffff && hi === 0xffffffff) size = -1;
  else {
    size = u64le(b, off + 5);
    if (size < 0 || size >= MAX_DECLARED_SIZE) return undefined;
  }
  if (b[off + LZMA_ALONE_HEADER_BYTES] !== 0) return undefined;
  return { ...props, dictSize, size };
}

/** True when the dictionary size is 2^n or 2^n + 2^(n-1) (what encoders write). */
export function isCanonicalDictSize(d: number): boolean {
  if (d === 0xffffffff) return true;
  for (let n = 12; n <= 31; n++) {
    if (d === 2 ** n || d === 2 ** n + 2 ** (n - 1)) return true;
  }
  return false;
}

/** Decode a complete .lzma ("alone") stream held in `input`. */
export function decodeLzmaAlone(input: Uint8Array, limits: DecompressLimits = DEFAULT_DECOMPRESS_LIMITS): DecodeResult {
  if (input.length < LZMA_ALONE_HEADER_BYTES + 5) return failed(stop('truncated', 'LZMA header is incomplete', input.length));
  const props = decodePropsByte(input[0] as number);
  if (!props) return failed(stop('unsupported', 'LZMA properties byte is invalid (lc+lp must be <= 4)', 0));
  const header = parseLzmaAloneHeader(input, 0);
  if (!header) return failed(stop('malformed', 'LZMA header is implausible (size or first coder byte)', 1));
  const cap = outputCap(limits, input.length);
  const known = header.size >= 0;
  if (known && header.size > cap) {
    return failed(stop('limit', 'declared LZMA size exceeds the output limit', 5, limitName(limits, input.length)));
  }
  const out = new OutBuf(known ? header.size : cap);
  const rc = new RangeDecoder(input);
  if (!rc.init(LZMA_ALONE_HEADER_BYTES, input.length)) {
    return failed(stop('malformed', 'LZMA range coder initialisation is invalid', LZMA_ALONE_HEADER_BYTES));
  }
  const dec = new LzmaDecoder(out);
  dec.interrupt = limits.interrupt;
  dec.setProps(props);
  dec.resetState();
  dec.resetDictionary();
  const r = dec.decode(rc, known ? header.size : cap, known);
  if (typeof r !== 'string') return failed(r.kind === 'limit' && r.limit !== BUDGET_LIMIT ? { ...r, limit: limitName(limits, input.length) } : r, out.view(), rc.pos);
  if (r === 'filled' && !known) {
    return failed(stop('limit', 'LZMA output reached its cap before the end marker', rc.pos, limitName(limits, input.length)), out.view(), rc.pos);
  }
  if (r === 'end-marker' && known && out.pos !== header.size) {
    return failed(stop('malformed', 'LZMA end marker before the declared size', rc.pos), out.view(), rc.pos);
  }
  if (r === 'end-marker' && !rc.finishedCleanly()) {
    return failed(stop('malformed', 'LZMA stream does not end cleanly after its end marker', rc.pos), out.view(), rc.pos);
  }
  const consumed = rc.pos;
  if (out.pos > outputCap(limits, consumed)) {
    return failed(stop('limit', 'LZMA expansion ratio exceeds the limit', consumed, 'containers.maxRatio'), out.view(), consumed);
  }
  const warnings = consumed < input.length && !allZero(input, consumed) ? [stop('malformed', 'bytes follow the end of the LZMA stream', consumed)] : undefined;
  return warnings ? { output: out.view(), consumed, warnings } : { output: out.view(), consumed };
}
