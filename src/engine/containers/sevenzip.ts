/**
 * 7z archive reader for the simple cases model files use (nullifAI-style
 * 7z-wrapped PyTorch archives): signature header with CRCs, plain or
 * LZMA/LZMA2-encoded header, folders with a single coder (copy, LZMA, LZMA2,
 * deflate, bzip2), substreams split into files, CRCs verified. Anything else
 * (encryption, filter chains, PPMd ...) is reported as `opaque` so the
 * caller can fail closed. Never throws.
 */
import { hasBytes, u32le, u64le } from './bytes.js';
import { decodeBzip2 } from './bzip2.js';
import { crc32 } from './crc32.js';
import { DEFAULT_DECOMPRESS_LIMITS, outputCap, type DecompressLimits } from './limits.js';
import { decodePropsByte, LzmaDecoder } from './lzma-decoder.js';
import { decodeLzma2, lzma2DictSize } from './lzma2.js';
import { inflateRawCapped, isDecodeError } from './node-zlib.js';
import { OutBuf } from './outbuf.js';
import { RangeDecoder } from './rangecoder.js';
import { Cursor, K, readFilesInfo, readStreamsInfo, type Coder, type FileInfo, type StreamsInfo } from './sevenzip-header.js';

export const SEVENZIP_MAGIC: readonly number[] = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];
const SIGNATURE_HEADER_BYTES = 32;
const MAX_ENCODED_HEADER_LEVELS = 4;

export interface SevenZipLimits extends DecompressLimits {
  readonly maxEntries: number;
}

export const DEFAULT_SEVENZIP_LIMITS: SevenZipLimits = Object.freeze({ ...DEFAULT_DECOMPRESS_LIMITS, maxEntries: 1000 });

export interface SevenZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

export interface SevenZipReport {
  readonly isSevenZip: boolean;
  readonly entries: SevenZipEntry[];
  /** Structural problems (bad CRCs, sizes, truncation). */
  readonly anomalies: string[];
  /** Set when the archive is valid-looking but uses features we do not decode. */
  readonly opaque?: string;
  readonly limit?: string;
}

type Decoded = { readonly data: Uint8Array } | { readonly opaque: string } | { readonly bad: string } | { readonly limit: string };

function sameId(id: readonly number[], want: readonly number[]): boolean {
  return id.length === want.length && id.every((v, i) => v === want[i]);
}

const ID_COPY = [0x00];
const ID_LZMA = [0x03, 0x01, 0x01];
const ID_LZMA2 = [0x21];
const ID_DEFLATE = [0x04, 0x01, 0x08];
const ID_BZIP2 = [0x04, 0x02, 0x02];
const ID_AES = [0x06, 0xf1, 0x07, 0x01];

/** Decode one single-coder folder's packed bytes into exactly `size` bytes. */
function runCoder(coder: Coder, b: Uint8Array, start: number, end: number, size: number, cap: number, limits: DecompressLimits): Decoded {
  if (size > cap) return { limit: 'containers.maxOutputBytes' };
  if (sameId(coder.id, ID_COPY)) return end - start === size ? { data: b.subarray(start, end) } : { bad: '7z stored stream size mismatch' };
  if (sameId(coder.id, ID_LZMA)) {
    if (coder.props.length < 5) return { bad: '7z LZMA properties are missing' };
    const props = decodePropsByte(coder.props[0] as number);
    if (!props) return { bad: '7z LZMA properties are invalid' };
    const out = new OutBuf(size);
    const rc = new RangeDecoder(b);
    if (!rc.init(start, end)) return { bad: '7z LZMA stream start is invalid' };
    const dec = new LzmaDecoder(out);
    dec.interrupt = limits.interrupt;
    dec.setProps(props);
    dec.resetState();
    dec.resetDictionary();
    const r = dec.decode(rc, size, true);
    if (typeof r !== 'string') return r.kind === 'limit' ? { limit: r.limit ?? 'containers.maxOutputBytes' } : { bad: `7z LZMA: ${r.reason}` };
    if (out.pos !== size) return { bad: '7z LZMA stream ends before its declared size' };
    return { data: out.view() };
  }
  if (sameId(coder.id, ID_LZMA2)) {
    if (coder.props.length < 1 || lzma2DictSize(coder.props[0] as number) < 0) return { bad: '7z LZMA2 properties are invalid' };
    const out = new OutBuf(size);
    const r = decodeLzma2(b, start, end, out, limits.interrupt);
    if (r.error) return r.error.kind === 'limit' ? { limit: r.error.limit ?? 'containers.maxOutputBytes' } : { bad: `7z LZMA2: ${r.error.reason}` };
    if (out.pos !== size) return { bad: '7z LZMA2 stream size mismatch' };
    return { data: out.view() };
  }
  if (sameId(coder.id, ID_DEFLATE)) {
    const r = inflateRawCapped(b.subarray(start, end), size);
    if (isDecodeError(r)) return { bad: `7z deflate: ${r.reason}` };
    return r.output.length === size ? { data: r.output } : { bad: '7z deflate stream size mismatch' };
  }
  if (sameId(coder.id, ID_BZIP2)) {
    const r = decodeBzip2(b.subarray(start, end), { ...limits, maxOutputBytes: size });
    if (r.error) return r.error.kind === 'limit' ? { limit: r.error.limit ?? 'containers.maxOutputBytes' } : { bad: `7z bzip2: ${r.error.reason}` };
    return r.output.length === size ? { data: r.output } : { bad: '7z bzip2 stream size mismatch' };
  }
  if (sameId(coder.id, ID_AES)) return { opaque: '7z archive is encrypted' };
  return { opaque: `7z coder ${coder.id.map((v) => v.toString(16).padStart(2, '0')).join('')} is not supported` };
}

/** Decode every folder of `si`; packed streams start at `packBase + packPos`. */
function decodeFolders(b: Uint8Array, packBase: number, si: StreamsInfo, limits: DecompressLimits): Uint8Array[] | Exclude<Decoded, { data: Uint8Array }> {
  let pack = packBase + si.packPos;
  let packIndex = 0;
  let budget = outputCap(limits, b.length);
  const outs: Uint8Array[] = [];
  for (const f of si.folders) {
    if (f.coders.length !== 1 || f.packedStreams !== 1) {
      const aes = f.coders.some((c) => sameId(c.id, ID_AES));
      return { opaque: aes ? '7z archive is encrypted' : '7z folder uses a coder chain' };
    }
    const packSize = si.packSizes[packIndex];
    if (packSize === undefined) return { bad: '7z pack sizes are missing' };
    const end = pack + packSize;
    if (end > b.length) return { bad: '7z packed stream runs past the data' };
    const size = f.unpackSizes[0] ?? 0;
    const r = runCoder(f.coders[0] as Coder, b, pack, end, size, budget, limits);
    if (!('data' in r)) return r;
    if (f.crc !== undefined && crc32(r.data) !== f.crc) return { bad: '7z folder CRC mismatch' };
    budget -= r.data.length;
    outs.push(r.data);
    pack = end;
    packIndex++;
  }
  return outs;
}

/** Read the 7z archive that starts at `off`. */
export function readSevenZip(b: Uint8Array, off = 0, limits: SevenZipLimits = DEFAULT_SEVENZIP_LIMITS): SevenZipReport {
  const entries: SevenZipEntry[] = [];
  if (!hasBytes(b, off, SEVENZIP_MAGIC)) return { isSevenZip: false, entries, anomalies: [] };
  const bad = (reason: string): SevenZipReport => ({ isSevenZip: true, entries, anomalies: [reason] });
  if (off + SIGNATURE_HEADER_BYTES > b.length) return bad('7z signature header is truncated');
  if (b[off + 6] !== 0) return { isSevenZip: true, entries, anomalies: [], opaque: '7z major version is not supported' };
  if (crc32(b, off + 12, off + 32) !== u32le(b, off + 8)) return bad('7z start header CRC mismatch');
  const nextOffset = u64le(b, off + 12);
  const nextSize = u64le(b, off + 20);
  const packBase = off + SIGNATURE_HEADER_BYTES;
  if (nextOffset < 0 || nextSize < 0 || packBase + nextOffset + nextSize > b.length) return bad('7z header lies outside the data');
  let hStart = packBase + nextOffset;
  let hEnd = hStart + nextSize;
  if (crc32(b, hStart, hEnd) !== u32le(b, off + 28)) return bad('7z header CRC mismatch');
  if (nextSize === 0) return { isSevenZip: true, entries, anomalies: [] };
  let hb: Uint8Array = b;
  for (let level = 0; ; level++) {
    const c = new Cursor(hb, hStart, hEnd);
    const id = c.number();
    if (id === K.Header) return readMainHeader(b, packBase, c, limits);
    if (id !== K.EncodedHeader || level >= MAX_ENCODED_HEADER_LEVELS) return bad('7z header has an unknown type');
    const si = readStreamsInfo(c);
    if (c.bad) return bad(c.bad);
    const outs = decodeFolders(b, packBase, si, limits);
    if (!Array.isArray(outs)) return fromFailure(outs, entries);
    const header = outs[0];
    if (!header || outs.length !== 1) return bad('7z encoded header has no single stream');
    hb = header;
    hStart = 0;
    hEnd = header.length;
  }
}

function fromFailure(f: Exclude<Decoded, { data: Uint8Array }>, entries: SevenZipEntry[]): SevenZipReport {
  if ('opaque' in f) return { isSevenZip: true, entries, anomalies: [], opaque: f.opaque };
  if ('limit' in f) return { isSevenZip: true, entries, anomalies: [], limit: f.limit };
  return { isSevenZip: true, entries, anomalies: [f.bad] };
}

function readMainHeader(b: Uint8Array, packBase: number, c: Cursor, limits: SevenZipLimits): SevenZipReport {
  const entries: SevenZipEntry[] = [];
  let si: StreamsInfo | undefined;
  let files: FileInfo[] = [];
  for (let guard = 0; !c.bad; guard++) {
    const id = guard > 8 ? -1 : c.number();
    if (id === K.End) break;
    if (id === K.ArchiveProperties) {
      for (let t = c.number(); t !== 0 && !c.bad; t = c.number()) c.skip(c.number());
    } else if (id === K.AdditionalStreamsInfo) {
      return { isSevenZip: true, entries, anomalies: [], opaque: '7z additional streams are not supported' };
    } else if (id === K.MainStreamsInfo) {
      si = readStreamsInfo(c);
    } else if (id === K.FilesInfo) {
      files = readFilesInfo(c, limits.maxEntries);
    } else {
      c.fail('unexpected property in 7z header');
    }
  }
  if (c.bad) {
    const limitHit = c.bad.includes('limit');
    return limitHit ? { isSevenZip: true, entries, anomalies: [], limit: 'containers.sevenZipMaxEntries' } : { isSevenZip: true, entries, anomalies: [c.bad] };
  }
  if (!si) return { isSevenZip: true, entries, anomalies: [] };
  const outs = decodeFolders(b, packBase, si, limits);
  if (!Array.isArray(outs)) return fromFailure(outs, entries);
  const anomalies: string[] = [];
  const withStream = files.filter((f) => f.hasStream);
  let sub = 0;
  si.folders.forEach((_, fi) => {
    const data = outs[fi] as Uint8Array;
    let pos = 0;
    for (let k = 0; k < (si.numSubstreams[fi] ?? 0); k++, sub++) {
      const size = si.substreamSizes[sub] ?? 0;
      const piece = data.subarray(pos, pos + size);
      pos += size;
      const crc = si.substreamCrcs[sub];
      if (crc !== undefined && crc32(piece) !== crc) anomalies.push(`7z entry ${withStream[sub]?.name ?? sub} CRC mismatch`);
      entries.push({ name: withStream[sub]?.name ?? `stream${sub}`, data: piece });
    }
  });
  if (files.length > 0 && withStream.length !== sub) anomalies.push('7z file list and streams disagree');
  return { isSevenZip: true, entries, anomalies };
}
