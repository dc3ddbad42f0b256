/**
 * Parser for the 7z header database (property-id encoded): pack info,
 * folders and coders, unpack sizes, substreams, digests and file names. It
 * only describes the archive; sevenzip.ts decodes. Reads through a bounded
 * cursor that flags overruns instead of throwing; every count is limited.
 */
import { u32le } from './bytes.js';

export const K = {
  End: 0x00,
  Header: 0x01,
  ArchiveProperties: 0x02,
  AdditionalStreamsInfo: 0x03,
  MainStreamsInfo: 0x04,
  FilesInfo: 0x05,
  PackInfo: 0x06,
  UnPackInfo: 0x07,
  SubStreamsInfo: 0x08,
  Size: 0x09,
  CRC: 0x0a,
  Folder: 0x0b,
  CodersUnPackSize: 0x0c,
  NumUnPackStream: 0x0d,
  EmptyStream: 0x0e,
  EmptyFile: 0x0f,
  Name: 0x11,
  EncodedHeader: 0x17,
  Dummy: 0x19,
} as const;

/** Hard bounds on header structures (files, folders, pack streams, coders). */
export const SEVENZIP_MAX_ITEMS = 10_000;
export const SEVENZIP_MAX_CODERS = 4;

export class Cursor {
  bad: string | undefined;
  constructor(
    readonly b: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  fail(reason: string): void {
    if (!this.bad) this.bad = reason;
    this.pos = this.end;
  }

  byte(): number {
    if (this.pos >= this.end) {
      this.fail('7z header is truncated');
      return 0;
    }
    return this.b[this.pos++] as number;
  }

  /** 7z variable-length number (first byte's leading ones say how many bytes follow). */
  number(): number {
    const first = this.byte();
    let mask = 0x80;
    let value = 0;
    for (let i = 0; i < 8; i++) {
      if ((first & mask) === 0) {
        const v = value + (first & (mask - 1)) * 2 ** (8 * i);
        if (v > Number.MAX_SAFE_INTEGER) this.fail('7z number is too large');
        return v;
      }
      value += this.byte() * 2 ** (8 * i);
      mask >>>= 1;
    }
    if (value > Number.MAX_SAFE_INTEGER) this.fail('7z number is too large');
    return value;
  }

  /** A count bounded by `max`. */
  count(max: number): number {
    const n = this.number();
    if (n > max) this.fail('7z header count exceeds its limit');
    return this.bad ? 0 : n;
  }

  u32(): number {
    if (this.pos + 4 > this.end) {
      this.fail('7z header is truncated');
      return 0;
    }
    const v = u32le(this.b, this.pos);
    this.pos += 4;
    return v;
  }

  skip(n: number): void {
    if (n > this.end - this.pos) this.fail('7z header is truncated');
    else this.pos += n;
  }

  bits(n: number): boolean[] {
    const out: boolean[] = [];
    let cur = 0;
    for (let i = 0; i < n && !this.bad; i++) {
      if (i % 8 === 0) cur = this.byte();
      out.push((cur & (0x80 >>> i % 8)) !== 0);
    }
    return out;
  }

  /** "AllAreDefined" byte followed by a bit vector. */
  definedBits(n: number): boolean[] {
    const all = this.byte();
    return all ? new Array<boolean>(n).fill(true) : this.bits(n);
  }
}

export interface Coder {
  readonly id: number[];
  readonly numIn: number;
  readonly numOut: number;
  readonly props: Uint8Array;
}

export interface Folder {
  readonly coders: Coder[];
  readonly bindPairs: number;
  readonly packedStreams: number;
  unpackSizes: number[];
  crc?: number;
}

export interface StreamsInfo {
  packPos: number;
  packSizes: number[];
  folders: Folder[];
  /** Per folder: number of substreams (files) it holds. */
  numSubstreams: number[];
  /** Sizes of all substreams, in order. */
  substreamSizes: number[];
  /** CRC per substream (undefined when not stored). */
  substreamCrcs: (number | undefined)[];
}

function readDigests(c: Cursor, n: number): (number | undefined)[] {
  const defined = c.definedBits(n);
  return defined.map((d) => (d ? c.u32() : undefined));
}

function readFolder(c: Cursor): Folder {
  const nCoders = c.count(SEVENZIP_MAX_CODERS);
  if (nCoders === 0 && !c.bad) c.fail('7z folder without coders');
  const coders: Coder[] = [];
  let totalIn = 0;
  let totalOut = 0;
  for (let i = 0; i < nCoders && !c.bad; i++) {
    const flags = c.byte();
    if (flags & 0xc0) c.fail('7z coder uses alternative methods or reserved flags');
    const id: number[] = [];
    for (let k = 0; k < (flags & 0x0f); k++) id.push(c.byte());
    const numIn = flags & 0x10 ? c.count(8) : 1;
    const numOut = flags & 0x10 ? c.count(8) : 1;
    let props: Uint8Array = new Uint8Array(0);
    if (flags & 0x20) {
      const size = c.count(256);
      const start = c.pos;
      c.skip(size);
      props = c.b.subarray(start, start + size);
    }
    totalIn += numIn;
    totalOut += numOut;
    coders.push({ id, numIn, numOut, props });
  }
  const bindPairs = Math.max(0, totalOut - 1);
  for (let i = 0; i < bindPairs && !c.bad; i++) {
    c.number();
    c.number();
  }
  const packedStreams = totalIn - bindPairs;
  if (packedStreams < 1 && !c.bad) c.fail('7z folder has no packed stream');
  if (packedStreams > 1) for (let i = 0; i < packedStreams && !c.bad; i++) c.number();
  return { coders, bindPairs, packedStreams, unpackSizes: new Array<number>(totalOut).fill(0) };
}

/** Parse StreamsInfo (after its property id was read). */
export function readStreamsInfo(c: Cursor): StreamsInfo {
  const si: StreamsInfo = { packPos: 0, packSizes: [], folders: [], numSubstreams: [], substreamSizes: [], substreamCrcs: [] };
  let sawSub = false;
  for (let guard = 0; !c.bad; guard++) {
    const id = guard > 16 ? -1 : c.number();
    if (id === K.End) break;
    if (id === K.PackInfo) {
      si.packPos = c.number();
      const n = c.count(SEVENZIP_MAX_ITEMS);
      for (let sub = c.number(); sub !== K.End && !c.bad; sub = c.number()) {
        if (sub === K.Size) for (let i = 0; i < n; i++) si.packSizes.push(c.number());
        else if (sub === K.CRC) readDigests(c, n);
        else c.fail('unexpected property in 7z pack info');
      }
    } else if (id === K.UnPackInfo) {
      if (c.number() !== K.Folder) c.fail('7z unpack info without folders');
      const n = c.count(SEVENZIP_MAX_ITEMS);
      if (c.byte() !== 0) c.fail('7z external folder data is not supported');
      for (let i = 0; i < n && !c.bad; i++) si.folders.push(readFolder(c));
      if (c.number() !== K.CodersUnPackSize) c.fail('7z unpack info without sizes');
      for (const f of si.folders) for (let i = 0; i < f.unpackSizes.length; i++) f.unpackSizes[i] = c.number();
      for (let sub = c.number(); sub !== K.End && !c.bad; sub = c.number()) {
        if (sub === K.CRC) {
          const crcs = readDigests(c, si.folders.length);
          si.folders.forEach((f, i) => {
            const v = crcs[i];
            if (v !== undefined) f.crc = v;
          });
        } else c.fail('unexpected property in 7z unpack info');
      }
    } else if (id === K.SubStreamsInfo) {
      sawSub = true;
      readSubStreams(c, si);
    } else {
      c.fail('unexpected property in 7z streams info');
    }
  }
  if (!sawSub) {
    for (const f of si.folders) {
      si.numSubstreams.push(1);
      si.substreamSizes.push(f.unpackSizes[f.unpackSizes.length - 1] ?? 0);
      si.substreamCrcs.push(f.crc);
    }
  }
  return si;
}

function readSubStreams(c: Cursor, si: StreamsInfo): void {
  const counts = si.folders.map(() => 1);
  let id = c.number();
  if (id === K.NumUnPackStream) {
    for (let i = 0; i < counts.length; i++) counts[i] = c.count(SEVENZIP_MAX_ITEMS);
    id = c.number();
  }
  if (counts.reduce((a, b) => a + b, 0) > SEVENZIP_MAX_ITEMS) c.fail('too many 7z substreams');
  si.numSubstreams = counts;
  const hasSizes = id === K.Size;
  si.folders.forEach((f, i) => {
    const n = counts[i] as number;
    if (n === 0) return;
    const total = f.unpackSizes[f.unpackSizes.length - 1] ?? 0;
    let sum = 0;
    for (let k = 0; k < n - 1; k++) {
      const s = hasSizes ? c.number() : 0;
      si.substreamSizes.push(s);
      sum += s;
    }
    if (sum > total) c.fail('7z substream sizes exceed their folder');
    si.substreamSizes.push(total - sum);
  });
  if (hasSizes) id = c.number();
  // Digests are stored for substreams whose CRC is not already the folder CRC.
  const known: (number | undefined)[] = [];
  let unknown = 0;
  si.folders.forEach((f, i) => {
    const n = counts[i] as number;
    if (n === 1 && f.crc !== undefined) known.push(f.crc);
    else {
      for (let k = 0; k < n; k++) known.push(undefined);
      unknown += n;
    }
  });
  for (; id !== K.End && !c.bad; id = c.number()) {
    if (id === K.CRC) {
      const d = readDigests(c, unknown);
      let idx = 0;
      for (let i = 0; i < known.length; i++) if (known[i] === undefined && idx < d.length) known[i] = d[idx++];
    } else c.fail('unexpected property in 7z substreams info');
  }
  si.substreamCrcs = known;
}

export interface FileInfo {
  readonly name: string;
  readonly hasStream: boolean;
}

/** Parse FilesInfo (after its property id was read). Names are capped. */
export function readFilesInfo(c: Cursor, maxFiles: number): FileInfo[] {
  const n = c.count(maxFiles);
  let emptyStream: boolean[] = new Array<boolean>(n).fill(false);
  const names: string[] = [];
  for (let guard = 0; !c.bad; guard++) {
    const type = guard > 64 ? -1 : c.number();
    if (type === K.End) break;
    const size = c.number();
    const start = c.pos;
    if (size > c.end - c.pos) {
      c.fail('7z file property runs past the header');
      break;
    }
    if (type === K.EmptyStream) emptyStream = c.bits(n);
    else if (type === K.Name) {
      if (c.byte() !== 0) c.fail('7z external names are not supported');
      let cur = '';
      for (let p = c.pos; p + 1 < start + size && names.length < n; p += 2) {
        const ch = (c.b[p] as number) | ((c.b[p + 1] as number) << 8);
        if (ch === 0) {
          names.push(cur);
          cur = '';
        } else if (cur.length < 256) cur += ch >= 0x20 && ch < 0x7f && ch !== 0x5c ? String.fromCharCode(ch) : `\\u${ch.toString(16).padStart(4, '0')}`;
      }
    }
    c.pos = start;
    c.skip(size);
  }
  const out: FileInfo[] = [];
  for (let i = 0; i < n; i++) out.push({ name: names[i] ?? `file${i}`, hasStream: !emptyStream[i] });
  return out;
}
