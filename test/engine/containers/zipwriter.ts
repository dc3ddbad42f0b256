/**
 * A tiny zip writer for tests. It writes well-formed archives by default and
 * exposes knobs to produce every malformation the reader must refuse
 * (name mismatch, flag bits, bad CRC, descriptors, zip64, prefixes,
 * overlapping or unlisted entries ...).
 */
import zlib from 'node:zlib';
import { crc32 } from '../../../src/engine/containers/crc32.js';

export interface ZEntry {
  name: string;
  data: Uint8Array | string;
  method?: 0 | 8;
  /** General-purpose flags for both headers (bit 3 is added for descriptors). */
  flags?: number;
  /** Flags for the central header only (defaults to `flags`). */
  centralFlags?: number;
  /** Name written in the local header only. */
  localName?: string;
  /** CRC written in both headers (defaults to the real CRC). */
  crc?: number;
  /** Uncompressed size written in both headers. */
  declaredSize?: number;
  /** Write a data descriptor after the data (sets bit 3, zero sizes in the local header). */
  descriptor?: 'sig' | 'nosig' | 'sig64';
  /** Values written in the descriptor (defaults to the real ones). */
  descriptorSize?: number;
  /** Write zip64 extra fields with 0xffffffff placeholders. */
  zip64?: boolean;
  /** Leave this entry out of the central directory. */
  unlisted?: boolean;
  /** Central directory points at another entry's local header (index). */
  centralPointsTo?: number;
  /** Method id written in the headers (defaults to `method`). */
  methodId?: number;
}

export interface ZOptions {
  prefix?: Uint8Array | string;
  comment?: string;
  trailing?: Uint8Array | string;
  /** Write zip64 end records. */
  zip64End?: boolean;
  /** Offsets in the central directory count from the start of the prefix (like `zip -A`). */
  absoluteOffsets?: boolean;
  /** Bytes inserted between the last entry and the central directory. */
  gap?: Uint8Array | string;
  /** Extra central directory entries (duplicates) by index. */
  duplicateCentral?: number[];
  /** Override the entry count in the end record. */
  entryCount?: number;
}

const bytes = (v: Uint8Array | string): Uint8Array => (typeof v === 'string' ? Buffer.from(v, 'latin1') : v);

class W {
  parts: Buffer[] = [];
  len = 0;
  push(b: Uint8Array): void {
    this.parts.push(Buffer.from(b));
    this.len += b.length;
  }
  u16(v: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v);
    this.push(b);
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  out(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function zip64Extra(values: number[]): Buffer {
  const b = Buffer.alloc(4 + values.length * 8);
  b.writeUInt16LE(1, 0);
  b.writeUInt16LE(values.length * 8, 2);
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + i * 8));
  return b;
}

export function buildZip(entries: ZEntry[], opts: ZOptions = {}): Uint8Array {
  const w = new W();
  const prefix = opts.prefix ? bytes(opts.prefix) : new Uint8Array(0);
  w.push(prefix);
  const base = opts.absoluteOffsets ? 0 : prefix.length;
  const meta: { off: number; crc: number; csize: number; usize: number; flags: number; method: number; comp: Uint8Array }[] = [];
  for (const e of entries) {
    const raw = bytes(e.data);
    const method = e.method ?? 0;
    const comp = method === 8 ? zlib.deflateRawSync(raw) : raw;
    const crc = e.crc ?? crc32(raw);
    const usize = e.declaredSize ?? raw.length;
    let flags = e.flags ?? 0;
    if (e.descriptor) flags |= 0x08;
    const off = w.len - base;
    const name = Buffer.from(e.localName ?? e.name, 'latin1');
    const extra = e.zip64 ? zip64Extra([usize, comp.length]) : Buffer.alloc(0);
    const methodId = e.methodId ?? method;
    w.u32(0x04034b50);
    w.u16(e.zip64 ? 45 : 20);
    w.u16(flags);
    w.u16(methodId);
    w.u16(0);
    w.u16(0x21);
    if (e.descriptor) {
      w.u32(0);
      w.u32(e.zip64 ? 0xffffffff : 0);
      w.u32(e.zip64 ? 0xffffffff : 0);
    } else {
      w.u32(crc);
      w.u32(e.zip64 ? 0xffffffff : comp.length);
      w.u32(e.zip64 ? 0xffffffff : usize);
    }
    w.u16(name.length);
    w.u16(extra.length);
    w.push(name);
    w.push(extra);
    w.push(comp);
    if (e.descriptor) {
      if (e.descriptor !== 'nosig') w.u32(0x08074b50);
      w.u32(crc);
      const ds = e.descriptorSize ?? usize;
      if (e.descriptor === 'sig64') {
        w.u64(comp.length);
        w.u64(ds);
      } else {
        w.u32(comp.length);
        w.u32(ds);
      }
    }
    meta.push({ off, crc, csize: comp.length, usize, flags: e.centralFlags ?? flags, method: methodId, comp });
  }
  if (opts.gap) w.push(bytes(opts.gap));
  const cdStart = w.len - base;
  let count = 0;
  const order = entries.map((_, i) => i).concat(opts.duplicateCentral ?? []);
  for (const i of order) {
    const e = entries[i] as ZEntry;
    const m = meta[i] as (typeof meta)[number];
    if (e.unlisted) continue;
    const target = e.centralPointsTo !== undefined ? (meta[e.centralPointsTo] as (typeof meta)[number]).off : m.off;
    const name = Buffer.from(e.name, 'latin1');
    const extra = e.zip64 ? zip64Extra([m.usize, m.csize, target]) : Buffer.alloc(0);
    w.u32(0x02014b50);
    w.u16(0x031e);
    w.u16(e.zip64 ? 45 : 20);
    w.u16(m.flags);
    w.u16(m.method);
    w.u16(0);
    w.u16(0x21);
    w.u32(m.crc);
    w.u32(e.zip64 ? 0xffffffff : m.csize);
    w.u32(e.zip64 ? 0xffffffff : m.usize);
    w.u16(name.length);
    w.u16(extra.length);
    w.u16(0);
    w.u16(0);
    w.u16(0);
    w.u32(0);
    w.u32(e.zip64 ? 0xffffffff : target);
    w.push(name);
    w.push(extra);
    count++;
  }
  const cdEnd = w.len - base;
  const n = opts.entryCount ?? count;
  if (opts.zip64End) {
    const recOff = w.len - base;
    w.u32(0x06064b50);
    w.u64(44);
    w.u16(45);
    w.u16(45);
    w.u32(0);
    w.u32(0);
    w.u64(n);
    w.u64(n);
    w.u64(cdEnd - cdStart);
    w.u64(cdStart);
    w.u32(0x07064b50);
    w.u32(0);
    w.u64(recOff);
    w.u32(1);
  }
  const comment = Buffer.from(opts.comment ?? '', 'latin1');
  w.u32(0x06054b50);
  w.u16(0);
  w.u16(0);
  w.u16(opts.zip64End ? 0xffff : n);
  w.u16(opts.zip64End ? 0xffff : n);
  w.u32(opts.zip64End ? 0xffffffff : cdEnd - cdStart);
  w.u32(opts.zip64End ? 0xffffffff : cdStart);
  w.u16(comment.length);
  w.push(comment);
  if (opts.trailing) w.push(bytes(opts.trailing));
  return w.out();
}
