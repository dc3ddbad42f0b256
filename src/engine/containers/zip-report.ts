/**
 * Result types of the zip reader and the helpers that collect anomalies
 * (deduplicated, bounded) and check general-purpose flags and methods.
 */
import { safeName } from './bytes.js';
import { MAX_ZIP_ANOMALIES } from './zip-limits.js';

export type ZipAnomalyCode =
  | 'no-end-record'
  | 'end-record'
  | 'ambiguous-end-record'
  | 'zip64'
  | 'multi-disk'
  | 'central'
  | 'local'
  | 'name-mismatch'
  | 'nul-in-name'
  | 'duplicate-name'
  | 'encrypted'
  | 'flags'
  | 'method'
  | 'crc'
  | 'size-mismatch'
  | 'descriptor'
  | 'overlap'
  | 'out-of-bounds'
  | 'unlisted-local'
  | 'missing-local'
  | 'gap'
  | 'prefix'
  | 'trailing'
  | 'inflate';

export interface ZipAnomaly {
  readonly code: ZipAnomalyCode;
  /** One line, names escaped. */
  readonly reason: string;
  /** Absolute offset in the buffer. */
  readonly offset: number;
}

export interface ZipLimitHit {
  readonly limit: string;
  readonly reason: string;
  readonly offset: number;
}

export interface ZipEntry {
  /** Entry name, escaped and capped (safe for labels and messages). */
  readonly name: string;
  readonly localOffset: number;
  readonly dataOffset: number;
  readonly method: number;
  readonly flags: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** False for a local entry that the central directory does not list. */
  readonly listed: boolean;
  /** The entry's bytes when extraction succeeded (stored entries are views into the input). */
  data?: Uint8Array;
}

export interface ZipReport {
  /** False when the bytes at `start` are not a zip after all (a chance signature). */
  readonly isZip: boolean;
  /** Absolute offset of the first archive byte (first local header or central directory). */
  readonly start: number;
  /** Absolute offset just after the end record and its comment. */
  readonly end: number;
  readonly entries: ZipEntry[];
  readonly anomalies: ZipAnomaly[];
  /** First limit reached; reading stopped there. */
  readonly limit?: ZipLimitHit;
}

/** Flags a zip writer may set; the rest are unknown. Encryption and patch bits are known but refused. */
export const KNOWN_FLAGS = 0x0001 | 0x0002 | 0x0004 | 0x0008 | 0x0020 | 0x0040 | 0x0800 | 0x2000;

export class Collector {
  readonly anomalies: ZipAnomaly[] = [];
  private readonly seen = new Set<string>();
  limit: ZipLimitHit | undefined;

  add(code: ZipAnomalyCode, reason: string, offset: number): void {
    const key = code + '|' + reason;
    if (this.seen.has(key) || this.anomalies.length >= MAX_ZIP_ANOMALIES) return;
    this.seen.add(key);
    this.anomalies.push({ code, reason, offset });
  }

  hit(limit: string, reason: string, offset: number): void {
    if (!this.limit) this.limit = { limit, reason, offset };
  }
}

export function checkFlags(c: Collector, flags: number, method: number, name: string, offset: number): void {
  if (flags & 0x0001) c.add('encrypted', `entry ${name} is marked encrypted (flag 0x1)`, offset);
  if (flags & 0x0040) c.add('encrypted', `entry ${name} is marked strongly encrypted (flag 0x40)`, offset);
  if (flags & 0x2000) c.add('encrypted', `entry ${name} has the masked-header encryption flag (0x2000)`, offset);
  if (flags & 0x0020) c.add('flags', `entry ${name} has the patched-data flag (0x20)`, offset);
  const unknown = flags & ~KNOWN_FLAGS;
  if (unknown) c.add('flags', `entry ${name} has unknown general-purpose flag bits 0x${unknown.toString(16)}`, offset);
  if (method !== 0 && method !== 8) c.add('method', `entry ${name} uses compression method ${method} (only stored and deflate are accepted)`, offset);
}

export function nameOf(buf: Uint8Array, h: { nameStart: number; nameLength: number }): string {
  return safeName(buf, h.nameStart, h.nameStart + h.nameLength);
}

/** Exact name bytes as a latin1 key (names are length-limited before this is called). */
export function nameKey(buf: Uint8Array, h: { nameStart: number; nameLength: number }): string {
  return Buffer.from(buf.buffer, buf.byteOffset + h.nameStart, h.nameLength).toString('latin1');
}

