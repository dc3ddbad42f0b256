/**
 * safetensors files on model-upload routes: an 8-byte little-endian header
 * length N, N bytes of JSON header, then the tensor data. A body that claims
 * to be one (N's high bytes zero, the header starts with `{"` or `{}`) must
 * keep the header's promises, or it is refused (400): the header length
 * inside the file, strict JSON (the engine's tokenizer), every tensor
 * `{dtype, shape, data_offsets}` with a known dtype, offsets that tile the
 * data area exactly (sorted, no gap, no overlap, ending at the end of the
 * file) and byte sizes that match dtype × shape; `__metadata__` maps strings
 * to strings. Loaders disagree on files that lie (they read past the end,
 * alias tensors or ignore trailing bytes); those are refused, never guessed.
 */
import type { RequestHead } from '../../engine/api.js';
import type { LimitsConfig } from '../../config/schema.js';
import { decodeContentEncoding, parseContentEncoding } from '../../engine/inspect/content-encoding.js';
import type { GuardBody, GuardOutcome, RouteGuard } from './guard.js';
import { parseJsonValue, type JsonValue } from './json-value.js';

/** Header size limit of the reference implementation (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;
const MAX_TENSORS = 100_000;
const MAX_RANK = 64;

const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};

/** True when the body presents itself as a safetensors file. */
export function claimsSafetensors(b: Uint8Array): boolean {
  if (b.length < 10) return false;
  if (b[4] !== 0 || b[5] !== 0 || b[6] !== 0 || b[7] !== 0) return false;
  return b[8] === 0x7b && (b[9] === 0x22 || b[9] === 0x7d);
}

/** Why the file is refused, or null when its header tells the truth. */
export function safetensorsProblem(b: Uint8Array): string | null {
  const n = b[0]! + b[1]! * 0x100 + b[2]! * 0x10000 + b[3]! * 0x1000000;
  if (n < 2 || n > MAX_HEADER_BYTES) return 'header length out of range';
  if (n > b.length - 8) return 'header length points past the end of the file';
  const parsed = parseJsonValue(b.subarray(8, 8 + n), { maxDepth: 4, maxKeys: MAX_TENSORS * 4, maxValues: MAX_TENSORS * (MAX_RANK + 8), maxStringBytes: 64 * 1024, maxKeyBytes: 64 * 1024 });
  if (!parsed.ok) return 'header is not strict JSON';
  const header = parsed.value;
  if (!isObject(header)) return 'header is not a JSON object';
  const dataBytes = b.length - 8 - n;
  const spans: [number, number][] = [];
  for (const name of Object.keys(header)) {
    const info = header[name]!;
    if (name === '__metadata__') {
      if (!isObject(info) || Object.values(info).some((v) => typeof v !== 'string')) return '__metadata__ must map strings to strings';
      continue;
    }
    if (!isObject(info)) return 'tensor entry is not an object';
    const keys = Object.keys(info);
    if (keys.length !== 3 || !('dtype' in info) || !('shape' in info) || !('data_offsets' in info)) return 'tensor entry needs exactly dtype, shape and data_offsets';
    const size = typeof info.dtype === 'string' ? DTYPE_BYTES[info.dtype] : undefined;
    if (size === undefined) return 'unknown dtype';
    const shape = info.shape;
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every(isCount)) return 'shape must be a list of non-negative integers';
    const off = info.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !isCount(off[0]) || !isCount(off[1])) return 'data_offsets must be [begin, end]';
    const [begin, end] = off as [number, number];
    if (begin > end || end > dataBytes) return 'data_offsets point outside the data area';
    let elements = 1;
    for (const d of shape as number[]) {
      elements *= d;
      if (elements > Number.MAX_SAFE_INTEGER) return 'shape is too large';
    }
    if (elements * size !== end - begin) return 'data_offsets do not match dtype and shape';
    spans.push([begin, end]);
  }
  spans.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let at = 0;
  for (const [begin, end] of spans) {
    if (begin !== at) return begin < at ? 'tensors overlap' : 'gap between tensors';
    at = end;
  }
  if (at !== dataBytes) return 'data area has bytes no tensor owns';
  return null;
}

function isObject(v: JsonValue | undefined): v is { [k: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Media types of bodies that are not a file upload (never taken for safetensors). */
const NON_FILE_PREFIXES = ['multipart/', 'application/x-www-form-urlencoded', 'application/json', 'text/'];

/** `limits`: the route policy's limits, for undoing a Content-Encoding the way the engine does. */
export function safetensorsGuard(limits: Readonly<LimitsConfig>): RouteGuard {
  return {
    name: 'safetensors',
    afterVerdict: true,
    checkBody(head: RequestHead, body: GuardBody): GuardOutcome {
      const ct = body.contentType ?? '';
      if (NON_FILE_PREFIXES.some((p) => ct.startsWith(p))) return null;
      let bytes: Uint8Array = body.raw;
      const encoding = parseContentEncoding(head.rawHeaders);
      // An unusable Content-Encoding is the engine's refusal to make.
      if (encoding.error) return null;
      if (encoding.codings.length > 0) {
        const d = decodeContentEncoding(bytes, encoding.codings, limits);
        if ('error' in d) return null;
        bytes = d.bytes;
      }
      if (!claimsSafetensors(bytes)) return null;
      const problem = safetensorsProblem(bytes);
      if (problem === null) return null;
      return { refusal: { status: 400, code: 'DW_ERR_SAFETENSORS_HEADER', reason: `safetensors header refused: ${problem}` } };
    },
  };
}
