/**
 * Content-Encoding of the request body: one layer of gzip, deflate (zlib) or
 * br is decoded (bounded in size and in ratio once past 64 KiB) so that a
 * compressed payload is inspected, not refused or waved through; the original
 * bytes are what is forwarded. Stacked codings, unknown codings, corrupt or
 * truncated streams, concatenated gzip members and trailing bytes are refused:
 * decoders disagree about them.
 */
import { decodeContentEncoding as decode } from '../containers/index.js';
import type { FindingKind } from '../types.js';
import type { LimitsConfig } from '../../config/schema.js';
import { configLimitKey } from '../limit-keys.js';

export type Coding = 'gzip' | 'deflate' | 'br';

export interface CodingProblem {
  readonly rule: string;
  readonly kind: FindingKind;
  readonly message: string;
  readonly limit?: string;
}

export function parseContentEncoding(rawHeaders: readonly string[]): { codings: Coding[]; error?: CodingProblem } {
  let value: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'content-encoding') value = rawHeaders[i + 1]!;
  }
  if (value === undefined) return { codings: [] };
  const tokens = value.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== '' && t !== 'identity');
  if (tokens.length === 0) return { codings: [] };
  if (tokens.length > 1) return { codings: [], error: { rule: 'DW-PROTOCOL-106', kind: 'unsupported', message: 'stacked Content-Encoding is refused (one coding at most)' } };
  const t = tokens[0]!;
  if (t === 'gzip' || t === 'deflate' || t === 'br') return { codings: [t] };
  return { codings: [], error: { rule: 'DW-PROTOCOL-106', kind: 'unsupported', message: `Content-Encoding "${t.slice(0, 20)}" is not supported` } };
}

/** Decode the body; output capped by maxDecodedBytes and by maxDecompressionRatio (after 64 KiB). */
export function decodeContentEncoding(body: Uint8Array, codings: readonly Coding[], limits: LimitsConfig): { bytes: Uint8Array } | { error: CodingProblem } {
  const coding = codings[0]!;
  const r = decode(coding, body, { maxOutputBytes: limits.maxDecodedBytes, maxRatio: limits.maxDecompressionRatio, ratioGraceBytes: 64 * 1024 });
  if (r.error) {
    const e = r.error;
    if (e.kind === 'limit') {
      const limit = configLimitKey(e.limit ?? 'maxDecodedBytes');
      return { error: { rule: 'DW-LIMIT-DECOMPRESSION', kind: 'limit', message: `decompressed body over a limit (${limit})`, limit } };
    }
    return { error: { rule: 'DW-PROTOCOL-107', kind: e.kind === 'unsupported' ? 'unsupported' : 'malformed', message: `${coding} body refused: ${e.reason}` } };
  }
  if (r.warnings && r.warnings.length > 0) {
    return { error: { rule: 'DW-PROTOCOL-107', kind: 'malformed', message: `${coding} body refused: ${r.warnings[0]!.reason}` } };
  }
  return { bytes: r.output };
}
