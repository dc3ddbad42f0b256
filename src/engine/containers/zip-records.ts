/**
 * Parsers for the fixed records of the zip format: end of central directory
 * (with the zip64 locator and record), central directory file headers,
 * local file headers, zip64 extra fields and data descriptors. Each parser
 * reads one record at a given offset, checks bounds, and returns a plain
 * value or a reason string; none of them trusts or follows offsets.
 */
import { hasBytes, u16le, u32le, u64le } from './bytes.js';

export const SIG_LOCAL: readonly number[] = [0x50, 0x4b, 0x03, 0x04];
export const SIG_CENTRAL: readonly number[] = [0x50, 0x4b, 0x01, 0x02];
export const SIG_EOCD: readonly number[] = [0x50, 0x4b, 0x05, 0x06];
export const SIG_ZIP64_EOCD: readonly number[] = [0x50, 0x4b, 0x06, 0x06];
export const SIG_ZIP64_LOCATOR: readonly number[] = [0x50, 0x4b, 0x06, 0x07];
export const SIG_DESCRIPTOR: readonly number[] = [0x50, 0x4b, 0x07, 0x08];

export const EOCD_BYTES = 22;
export const ZIP64_LOCATOR_BYTES = 20;
export const ZIP64_EOCD_BYTES = 56;
export const CENTRAL_BYTES = 46;
export const LOCAL_BYTES = 30;
const MAX_COMMENT = 0xffff;

export interface Eocd {
  readonly pos: number;
  readonly disk: number;
  readonly cdDisk: number;
  readonly entriesOnDisk: number;
  readonly entries: number;
  readonly cdSize: number;
  readonly cdOffset: number;
  readonly commentLength: number;
}

function readEocd(b: Uint8Array, pos: number): Eocd {
  return {
    pos,
    disk: u16le(b, pos + 4),
    cdDisk: u16le(b, pos + 6),
    entriesOnDisk: u16le(b, pos + 8),
    entries: u16le(b, pos + 10),
    cdSize: u32le(b, pos + 12),
    cdOffset: u32le(b, pos + 16),
    commentLength: u16le(b, pos + 20),
  };
}

export interface EocdSearch {
  /** The record a zip reader would use: the last signature in the search window. */
  readonly eocd?: Eocd;
  /**
   * An earlier record whose comment reaches exactly the end of the data (so
   * it swallows the chosen one): two readers may pick different directories.
   */
  readonly ambiguous: boolean;
}

/** Search the last 64 KiB + 22 bytes (not before `floor`) for the end of central directory. */
export function findEocd(b: Uint8Array, floor: number): EocdSearch {
  const low = Math.max(floor, b.length - EOCD_BYTES - MAX_COMMENT, 0);
  let chosen: Eocd | undefined;
  let ambiguous = false;
  let from = b.length - EOCD_BYTES;
  // Each iteration moves `from` down by at least one byte.
  while (from >= low) {
    const p = b.lastIndexOf(0x50, from);
    if (p < low) break;
    from = p - 1;
    if (!hasBytes(b, p, SIG_EOCD)) continue;
    const e = readEocd(b, p);
    if (!chosen) {
      chosen = e;
      continue;
    }
    if (p + EOCD_BYTES + e.commentLength === b.length) ambiguous = true;
  }
  return chosen ? { eocd: chosen, ambiguous } : { ambiguous: false };
}

export interface Zip64Eocd {
  readonly pos: number;
  readonly locatorOffset: number;
  readonly locatorDisk: number;
  readonly totalDisks: number;
  readonly disk: number;
  readonly cdDisk: number;
  readonly entriesOnDisk: number;
  readonly entries: number;
  readonly cdSize: number;
  readonly cdOffset: number;
}

/**
 * Read the zip64 locator just before the EOCD and the zip64 record just
 * before the locator (where Python's zipfile expects it). Undefined when no
 * locator is present; a string when the zip64 structures are broken.
 */
export function readZip64(b: Uint8Array, eocdPos: number): Zip64Eocd | string | undefined {
  const loc = eocdPos - ZIP64_LOCATOR_BYTES;
  if (!hasBytes(b, loc, SIG_ZIP64_LOCATOR)) return undefined;
  const rec = loc - ZIP64_EOCD_BYTES;
  if (!hasBytes(b, rec, SIG_ZIP64_EOCD)) return 'zip64 locator without a zip64 end record before it';
  const fields = [u64le(b, loc + 8), u64le(b, rec + 24), u64le(b, rec + 32), u64le(b, rec + 40), u64le(b, rec + 48)];
  if (fields.some((v) => v < 0)) return 'zip64 end record values are out of range';
  return {
    pos: rec,
    locatorDisk: u32le(b, loc + 4),
    locatorOffset: fields[0] as number,
    totalDisks: u32le(b, loc + 16),
    disk: u32le(b, rec + 16),
    cdDisk: u32le(b, rec + 20),
    entriesOnDisk: fields[1] as number,
    entries: fields[2] as number,
    cdSize: fields[3] as number,
    cdOffset: fields[4] as number,
  };
}

/** Fields shared by local and central headers. */
export interface HeaderFields {
  readonly pos: number;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly nameStart: number;
  readonly nameLength: number;
  readonly extraStart: number;
  readonly extraLength: number;
}

export interface CentralHeader extends HeaderFields {
  readonly versionNeeded: number;
  readonly diskStart: number;
  readonly localOffset: number;
  /** Offset just after this header (name, extra and comment included). */
  readonly next: number;
}

export interface LocalHeader extends HeaderFields {
  readonly versionNeeded: number;
  /** Offset of the entry's data. */
  readonly dataStart: number;
  /** True when a zip64 extra field supplied the sizes. */
  readonly zip64: boolean;
}

export interface Zip64Extra {
  uncompressed?: number;
  compressed?: number;
  localOffset?: number;
  disk?: number;
}

/**
 * Walk the extra field block and read the zip64 record (id 0x0001). `want`
 * lists which 64-bit values are present, in the order the format stores them.
 * A string when the block is malformed. Trailing < 4 bytes are ignored (as
 * zipfile does; zipalign pads this way).
 */
export function readZip64Extra(b: Uint8Array, start: number, length: number, want: readonly ('u' | 'c' | 'o' | 'd')[]): Zip64Extra | string {
  const end = start + length;
  const out: Zip64Extra = {};
  let p = start;
  for (let guard = 0; p + 4 <= end; guard++) {
    if (guard > 0xffff) return 'extra field has too many records';
    const id = u16le(b, p);
    const size = u16le(b, p + 2);
    if (p + 4 + size > end) return 'extra field record overruns the extra field';
    if (id === 0x0001) {
      let q = p + 4;
      for (const w of want) {
        const width = w === 'd' ? 4 : 8;
        if (q + width > p + 4 + size) return 'zip64 extra field is too short';
        const v = w === 'd' ? u32le(b, q) : u64le(b, q);
        if (v < 0) return 'zip64 extra field value is out of range';
        if (w === 'u') out.uncompressed = v;
        else if (w === 'c') out.compressed = v;
        else if (w === 'o') out.localOffset = v;
        else out.disk = v;
        q += width;
      }
    }
    p += 4 + size;
  }
  return out;
}

/** Parse the central directory header at `pos` (within `end`). A string when malformed. */
export function readCentral(b: Uint8Array, pos: number, end: number): CentralHeader | string {
  if (pos + CENTRAL_BYTES > end) return 'central directory header runs past the directory';
  if (!hasBytes(b, pos, SIG_CENTRAL)) return 'central directory header signature is missing';
  const nameLength = u16le(b, pos + 28);
  const extraLength = u16le(b, pos + 30);
  const commentLength = u16le(b, pos + 32);
  const next = pos + CENTRAL_BYTES + nameLength + extraLength + commentLength;
  if (next > end) return 'central directory header runs past the directory';
  let compressedSize = u32le(b, pos + 20);
  let uncompressedSize = u32le(b, pos + 24);
  let diskStart = u16le(b, pos + 34);
  let localOffset = u32le(b, pos + 42);
  const want: ('u' | 'c' | 'o' | 'd')[] = [];
  if (uncompressedSize === 0xffffffff) want.push('u');
  if (compressedSize === 0xffffffff) want.push('c');
  if (localOffset === 0xffffffff) want.push('o');
  if (diskStart === 0xffff) want.push('d');
  const extraStart = pos + CENTRAL_BYTES + nameLength;
  if (want.length > 0) {
    const z = readZip64Extra(b, extraStart, extraLength, want);
    if (typeof z === 'string') return z;
    if (want.includes('u')) {
      if (z.uncompressed === undefined) return 'zip64 sizes are missing from the central directory';
      uncompressedSize = z.uncompressed;
    }
    if (want.includes('c')) {
      if (z.compressed === undefined) return 'zip64 sizes are missing from the central directory';
      compressedSize = z.compressed;
    }
    if (want.includes('o')) {
      if (z.localOffset === undefined) return 'zip64 offset is missing from the central directory';
      localOffset = z.localOffset;
    }
    if (want.includes('d')) diskStart = z.disk ?? diskStart;
  } else {
    const z = readZip64Extra(b, extraStart, extraLength, []);
    if (typeof z === 'string') return z;
  }
  return {
    pos,
    versionNeeded: u16le(b, pos + 6),
    flags: u16le(b, pos + 8),
    method: u16le(b, pos + 10),
    crc: u32le(b, pos + 16),
    compressedSize,
    uncompressedSize,
    nameStart: pos + CENTRAL_BYTES,
    nameLength,
    extraStart,
    extraLength,
    diskStart,
    localOffset,
    next,
  };
}

/** Parse the local file header at `pos`. A string when malformed or out of bounds. */
export function readLocal(b: Uint8Array, pos: number): LocalHeader | string {
  if (pos + LOCAL_BYTES > b.length) return 'local file header runs past the data';
  if (!hasBytes(b, pos, SIG_LOCAL)) return 'local file header signature is missing';
  const nameLength = u16le(b, pos + 26);
  const extraLength = u16le(b, pos + 28);
  const dataStart = pos + LOCAL_BYTES + nameLength + extraLength;
  if (dataStart > b.length) return 'local file header runs past the data';
  let compressedSize = u32le(b, pos + 18);
  let uncompressedSize = u32le(b, pos + 22);
  const extraStart = pos + LOCAL_BYTES + nameLength;
  let zip64 = false;
  const z = readZip64Extra(b, extraStart, extraLength, ['u', 'c']);
  if (typeof z === 'string') return z;
  if (uncompressedSize === 0xffffffff || compressedSize === 0xffffffff) {
    if (z.uncompressed === undefined || z.compressed === undefined) return 'zip64 sizes are missing from the local header';
    uncompressedSize = z.uncompressed;
    compressedSize = z.compressed;
    zip64 = true;
  } else if (z.uncompressed !== undefined) {
    zip64 = true;
  }
  return {
    pos,
    versionNeeded: u16le(b, pos + 4),
    flags: u16le(b, pos + 6),
    method: u16le(b, pos + 8),
    crc: u32le(b, pos + 14),
    compressedSize,
    uncompressedSize,
    nameStart: pos + LOCAL_BYTES,
    nameLength,
    extraStart,
    extraLength,
    dataStart,
    zip64,
  };
}

/**
 * Match the data descriptor at `pos` against the expected values. Accepts the
 * four layouts writers use (with or without signature, 32- or 64-bit sizes).
 * Returns the descriptor length, or -1 when no layout matches.
 */
export function matchDescriptor(b: Uint8Array, pos: number, crc: number, csize: number, usize: number): number {
  for (const sig of [true, false]) {
    if (sig && !hasBytes(b, pos, SIG_DESCRIPTOR)) continue;
    const p = sig ? pos + 4 : pos;
    if (u32le(b, p) !== crc) continue;
    if (u32le(b, p + 4) === csize && u32le(b, p + 8) === usize) return p + 12 - pos;
    if (u64le(b, p + 4) === csize && u64le(b, p + 12) === usize) return p + 20 - pos;
  }
  return -1;
}
