/**
 * Reader for tar archives (POSIX ustar, pax extended headers, GNU long names
 * and base-256 sizes), used for legacy PyTorch checkpoints (`sys_info`,
 * `pickle`, `storages`, `tensors`) and tar-wrapped phar/pickle payloads.
 * 512-byte headers with verified checksums, bounded entry count, member data
 * returned as views. Never throws: problems are anomalies in the report.
 */
import { hasBytes, safeName } from './bytes.js';

export interface TarLimits {
  readonly maxEntries: number;
  readonly maxNameBytes: number;
  /** Largest pax or GNU long-name header block we parse. */
  readonly maxMetaBytes: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = Object.freeze({ maxEntries: 1000, maxNameBytes: 4096, maxMetaBytes: 64 * 1024 });

export const TAR_BLOCK = 512;
export const USTAR_MAGIC_OFFSET = 257;
const USTAR: readonly number[] = [0x75, 0x73, 0x74, 0x61, 0x72]; // "ustar"

export interface TarEntry {
  /** Escaped, capped name (pax `path` / GNU long name applied). */
  readonly name: string;
  /** Type flag character ('0' regular, '5' directory ...). */
  readonly type: string;
  readonly headerOffset: number;
  readonly dataOffset: number;
  readonly size: number;
  /** Member bytes (a view) for regular files. */
  readonly data?: Uint8Array;
}

export interface TarAnomaly {
  readonly reason: string;
  readonly offset: number;
}

export interface TarReport {
  /** False when the first header is not a valid tar header. */
  readonly isTar: boolean;
  readonly entries: TarEntry[];
  readonly anomalies: TarAnomaly[];
  readonly limit?: { readonly limit: string; readonly reason: string; readonly offset: number };
  /** Offset after the last block read. */
  readonly end: number;
}

/** True when `b[off]` carries the ustar magic at the header's offset 257. */
export function hasUstarMagic(b: Uint8Array, off: number): boolean {
  return hasBytes(b, off + USTAR_MAGIC_OFFSET, USTAR);
}

/** Parse an octal (or GNU base-256) numeric field; -1 when malformed. */
export function parseTarNumber(b: Uint8Array, off: number, len: number): number {
  const first = b[off] as number;
  if (first === 0x80) {
    let v = 0;
    for (let i = 1; i < len; i++) {
      v = v * 256 + (b[off + i] as number);
      if (v > Number.MAX_SAFE_INTEGER) return -1;
    }
    return v;
  }
  if (first === 0xff) return -1;
  let i = off;
  const end = off + len;
  while (i < end && b[i] === 0x20) i++;
  let v = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = b[i] as number;
    if (c >= 0x30 && c <= 0x37) {
      v = v * 8 + (c - 0x30);
      digits++;
    } else break;
  }
  for (; i < end; i++) if (b[i] !== 0 && b[i] !== 0x20) return -1;
  return digits === 0 ? 0 : v;
}

function checksumOk(b: Uint8Array, off: number): boolean {
  const stored = parseTarNumber(b, off + 148, 8);
  if (stored < 0) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < TAR_BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : (b[off + i] as number);
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return stored === unsigned || stored === signed;
}

function isZeroBlock(b: Uint8Array, off: number): boolean {
  for (let i = 0; i < TAR_BLOCK; i++) if (b[off + i] !== 0) return false;
  return true;
}

function cString(b: Uint8Array, off: number, len: number): [number, number] {
  let e = off;
  while (e < off + len && b[e] !== 0) e++;
  return [off, e];
}

interface PaxValues {
  path?: [number, number];
  size?: number;
  bad?: string;
}

/** Parse pax records "LEN key=value\n" in b[start, end). */
function parsePax(b: Uint8Array, start: number, end: number): PaxValues {
  const out: PaxValues = {};
  let p = start;
  for (let guard = 0; p < end; guard++) {
    if (guard > 10_000) return { bad: 'too many pax records' };
    let len = 0;
    let q = p;
    while (q < end && (b[q] as number) >= 0x30 && (b[q] as number) <= 0x39 && q - p < 12) len = len * 10 + ((b[q++] as number) - 0x30);
    if (b[q] !== 0x20 || len <= q - p || p + len > end || b[p + len - 1] !== 0x0a) {
      if (b[p] === 0) break;
      return { bad: 'malformed pax record' };
    }
    const eq = b.indexOf(0x3d, q + 1);
    if (eq < 0 || eq >= p + len) return { bad: 'malformed pax record' };
    // Keys we act on are short; longer ones are skipped without building a string.
    const key = eq - q - 1 <= 32 ? Buffer.from(b.buffer, b.byteOffset + q + 1, eq - q - 1).toString('latin1') : '';
    const vs = eq + 1;
    const ve = p + len - 1;
    if (key === 'path') out.path = [vs, ve];
    else if (key === 'size') {
      let v = 0;
      for (let i = vs; i < ve; i++) {
        const c = b[i] as number;
        if (c < 0x30 || c > 0x39 || v > Number.MAX_SAFE_INTEGER / 10) return { bad: 'malformed pax size' };
        v = v * 10 + (c - 0x30);
      }
      out.size = v;
    }
    p += len;
  }
  return out;
}

/** Read the tar archive starting at `start` (a header with a valid checksum). */
export function readTar(b: Uint8Array, start = 0, limits: TarLimits = DEFAULT_TAR_LIMITS): TarReport {
  const entries: TarEntry[] = [];
  const anomalies: TarAnomaly[] = [];
  if (start + TAR_BLOCK > b.length || !checksumOk(b, start)) return { isTar: false, entries, anomalies, end: start };
  let pos = start;
  let longName: [number, number] | undefined;
  let pax: PaxValues | undefined;
  let global: PaxValues = {};
  let headers = 0;
  // Each iteration consumes at least one 512-byte block.
  while (pos + TAR_BLOCK <= b.length) {
    if (isZeroBlock(b, pos)) return { isTar: true, entries, anomalies, end: pos + TAR_BLOCK };
    if (++headers > limits.maxEntries * 3 || entries.length >= limits.maxEntries) {
      return { isTar: true, entries, anomalies, end: pos, limit: { limit: 'containers.tarMaxEntries', reason: 'too many tar entries', offset: pos } };
    }
    if (!checksumOk(b, pos)) {
      anomalies.push({ reason: 'tar header checksum mismatch', offset: pos });
      return { isTar: true, entries, anomalies, end: pos };
    }
    const type = String.fromCharCode(b[pos + 156] as number);
    let size = parseTarNumber(b, pos + 124, 12);
    if (size < 0) {
      anomalies.push({ reason: 'tar size field is malformed', offset: pos + 124 });
      return { isTar: true, entries, anomalies, end: pos };
    }
    const isMeta = type === 'x' || type === 'g' || type === 'L' || type === 'K';
    if (!isMeta && pax?.size !== undefined) size = pax.size;
    else if (!isMeta && global.size !== undefined) size = global.size;
    const dataOffset = pos + TAR_BLOCK;
    if (dataOffset + size > b.length) {
      anomalies.push({ reason: 'tar entry data runs past the end of the archive', offset: pos });
      return { isTar: true, entries, anomalies, end: b.length };
    }
    const next = dataOffset + Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
    if (isMeta) {
      if (size > limits.maxMetaBytes) {
        return { isTar: true, entries, anomalies, end: pos, limit: { limit: 'containers.tarMaxMetaBytes', reason: 'tar metadata header is too large', offset: pos } };
      }
      if (type === 'L') longName = cString(b, dataOffset, size);
      else if (type === 'x' || type === 'g') {
        const v = parsePax(b, dataOffset, dataOffset + size);
        if (v.bad) {
          anomalies.push({ reason: v.bad, offset: dataOffset });
          return { isTar: true, entries, anomalies, end: pos };
        }
        if (type === 'x') pax = v;
        else global = { ...global, ...v };
      }
      pos = next;
      continue;
    }
    let nameRange = longName ?? pax?.path ?? global.path;
    if (!nameRange) {
      const [ns, ne] = cString(b, pos, 100);
      const [ps, pe] = hasUstarMagic(b, pos) ? cString(b, pos + 345, 155) : [0, 0];
      if (pe > ps) {
        // ustar prefix + '/' + name: render both parts.
        pushEntry(entries, safeName(b, ps, pe) + '/' + safeName(b, ns, ne), type, pos, dataOffset, size, b);
        longName = undefined;
        pax = undefined;
        pos = next;
        continue;
      }
      nameRange = [ns, ne];
    }
    if (nameRange[1] - nameRange[0] > limits.maxNameBytes) {
      return { isTar: true, entries, anomalies, end: pos, limit: { limit: 'containers.tarMaxNameBytes', reason: 'tar entry name is too long', offset: pos } };
    }
    if (type === 'S') anomalies.push({ reason: 'GNU sparse tar entries are not supported', offset: pos });
    pushEntry(entries, safeName(b, nameRange[0], nameRange[1]), type, pos, dataOffset, size, b);
    longName = undefined;
    pax = undefined;
    pos = next;
  }
  if (pos < b.length) anomalies.push({ reason: 'tar archive ends inside a header block', offset: pos });
  return { isTar: true, entries, anomalies, end: Math.min(pos, b.length) };
}

function pushEntry(entries: TarEntry[], name: string, type: string, headerOffset: number, dataOffset: number, size: number, b: Uint8Array): void {
  const regular = type === '0' || type === '\0' || type === '7';
  const base = { name, type, headerOffset, dataOffset, size };
  entries.push(regular ? { ...base, data: b.subarray(dataOffset, dataOffset + size) } : base);
}
