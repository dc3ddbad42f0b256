/**
 * gzip (RFC 1952) reader: header parsing (flags, extra field, name, comment,
 * header CRC), raw-deflate body through bounded zlib, trailer CRC-32 and size
 * checks, and detection of concatenated members and trailing garbage (both
 * reported as warnings so a strict caller can refuse them, while every
 * member is still decoded for inspection).
 */
import { allZero, safeName, u16le, u32le } from './bytes.js';
import { crc32 } from './crc32.js';
import { DEFAULT_DECOMPRESS_LIMITS, limitName, outputCap, type DecompressLimits } from './limits.js';
import { inflateRawCapped, isDecodeError, partialOutput } from './node-zlib.js';
import { failed, stop, type DecodeError, type DecodeResult } from './result.js';

/** Most members one gzip input may hold. */
export const GZIP_MAX_MEMBERS = 64;
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;

export interface GzipResult extends DecodeResult {
  /** Original file name from the first member's header (escaped, capped), if any. */
  readonly name?: string;
  /** Number of members decoded. */
  readonly members: number;
}

export interface GzipHeader {
  /** Offset of the deflate data. */
  readonly dataStart: number;
  readonly name?: string;
}

/** True when `b[off]` looks like a gzip member header (magic, deflate, no reserved flags). */
export function isGzipHeader(b: Uint8Array, off: number): boolean {
  return off >= 0 && off + 10 <= b.length && b[off] === 0x1f && b[off + 1] === 0x8b && b[off + 2] === 8 && ((b[off + 3] as number) & 0xe0) === 0;
}

/** Parse one member header at `off`. */
export function parseGzipHeader(b: Uint8Array, off: number): GzipHeader | DecodeError {
  if (off + 10 > b.length) return stop('truncated', 'gzip header is incomplete', off);
  if (b[off] !== 0x1f || b[off + 1] !== 0x8b) return stop('malformed', 'not a gzip header', off);
  if (b[off + 2] !== 8) return stop('unsupported', 'gzip compression method is not deflate', off + 2);
  const flags = b[off + 3] as number;
  if (flags & 0xe0) return stop('malformed', 'gzip header uses reserved flag bits', off + 3);
  let p = off + 10;
  if (flags & FEXTRA) {
    const xlen = u16le(b, p);
    if (xlen < 0 || p + 2 + xlen > b.length) return stop('truncated', 'gzip extra field is incomplete', p);
    p += 2 + xlen;
  }
  let name: string | undefined;
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    const z = b.indexOf(0, p);
    if (z < 0) return stop('truncated', 'gzip header string is not terminated', p);
    if (flag === FNAME) name = safeName(b, p, z);
    p = z + 1;
  }
  if (flags & FHCRC) {
    const stored = u16le(b, p);
    if (stored < 0) return stop('truncated', 'gzip header CRC is incomplete', p);
    if ((crc32(b, off, p) & 0xffff) !== stored) return stop('malformed', 'gzip header CRC mismatch', p);
    p += 2;
  }
  return name === undefined ? { dataStart: p } : { dataStart: p, name };
}

/** Decode a gzip input: every member, with trailer checks and caps. */
export function gunzip(input: Uint8Array, limits: DecompressLimits = DEFAULT_DECOMPRESS_LIMITS): GzipResult {
  const cap = outputCap(limits, input.length);
  const parts: Uint8Array[] = [];
  const warnings: DecodeError[] = [];
  let total = 0;
  let pos = 0;
  let name: string | undefined;
  let members = 0;
  const fail = (e: DecodeError): GzipResult => ({ ...failed(e, concat(parts, total), pos), members });
  while (pos < input.length) {
    if (members >= GZIP_MAX_MEMBERS) return fail(stop('limit', 'too many gzip members', pos, 'containers.gzipMaxMembers'));
    if (members > 0) {
      if (allZero(input, pos)) break;
      if (!isGzipHeader(input, pos)) {
        warnings.push(stop('malformed', 'trailing bytes after the gzip stream', pos));
        break;
      }
      warnings.push(stop('malformed', 'concatenated gzip members', pos));
    }
    const h = parseGzipHeader(input, pos);
    if ('kind' in h) return fail(h);
    if (members === 0) name = h.name;
    const r = inflateRawCapped(input.subarray(h.dataStart), cap - total);
    if (isDecodeError(r)) {
      if (r.kind === 'limit') return fail({ ...r, limit: limitName(limits, input.length), offset: h.dataStart });
      const tail = partialOutput(r);
      if (tail) {
        parts.push(tail);
        total += tail.length;
      }
      return fail(stop(r.kind, r.reason, h.dataStart + r.offset));
    }
    const trailer = h.dataStart + r.consumed;
    if (trailer + 8 > input.length) return fail(stop('truncated', 'gzip trailer is incomplete', trailer));
    if (crc32(r.output) !== u32le(input, trailer)) return fail(stop('malformed', 'gzip CRC-32 mismatch', trailer));
    if (r.output.length % 0x100000000 !== u32le(input, trailer + 4)) return fail(stop('malformed', 'gzip size field mismatch', trailer + 4));
    parts.push(r.output);
    total += r.output.length;
    pos = trailer + 8;
    members++;
  }
  if (members === 0) return fail(stop('truncated', 'empty gzip input', 0));
  const output = concat(parts, total);
  if (total > outputCap(limits, pos)) {
    return { ...failed(stop('limit', 'gzip expansion ratio exceeds the limit', pos, 'containers.maxRatio'), output, pos), members };
  }
  const base = { output, consumed: pos, members, ...(name === undefined ? {} : { name }) };
  return warnings.length > 0 ? { ...base, warnings } : base;
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
