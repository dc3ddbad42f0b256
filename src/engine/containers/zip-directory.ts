/**
 * Reads the end of central directory (and zip64 end records) and the central
 * directory of a zip archive, checking every structural field and recording
 * anomalies; it never follows an offset without a bounds check.
 */
import { hasBytes, u64le } from './bytes.js';
import type { ZipLimits, ZipOptions } from './zip-limits.js';
import { checkFlags, nameKey, nameOf, type Collector } from './zip-report.js';
import { EOCD_BYTES, LOCAL_BYTES, SIG_CENTRAL, findEocd, readCentral, readZip64, type CentralHeader } from './zip-records.js';

const APK_SIG_MAGIC = [0x41, 0x50, 0x4b, 0x20, 0x53, 0x69, 0x67, 0x20, 0x42, 0x6c, 0x6f, 0x63, 0x6b, 0x20, 0x34, 0x32];

/** True when an APK signing block sits exactly in [pos, cdStart). */
export function apkBlockBetween(buf: Uint8Array, pos: number, cdStart: number): boolean {
  if (!hasBytes(buf, cdStart - 16, APK_SIG_MAGIC)) return false;
  const size = u64le(buf, cdStart - 24);
  return size > 0 && cdStart - size - 8 === pos;
}

export interface Directory {
  readonly central: CentralHeader[];
  /** Absolute local header offset → central index. */
  readonly byLocal: Map<number, number>;
  readonly cdStart: number;
  readonly shift: number;
  readonly end: number;
}

/** Read the end record(s) and the central directory. Undefined when no usable directory exists. */
export function readDirectory(buf: Uint8Array, floor: number, limits: ZipLimits, options: ZipOptions, c: Collector): Directory | undefined {
  const search = findEocd(buf, floor);
  const e = search.eocd;
  if (!e) return undefined;
  if (search.ambiguous) c.add('ambiguous-end-record', 'a second end record hides in the archive comment', e.pos);
  let entries = e.entries;
  let cdSize = e.cdSize;
  let cdOffset = e.cdOffset;
  let cdEnd = e.pos;
  let multiDisk = e.disk !== 0 || e.cdDisk !== 0 || e.entriesOnDisk !== e.entries;
  const z64 = readZip64(buf, e.pos);
  const needs64 = e.entries === 0xffff || e.entriesOnDisk === 0xffff || e.cdSize === 0xffffffff || e.cdOffset === 0xffffffff;
  if (typeof z64 === 'string') c.add('zip64', z64, e.pos);
  if (typeof z64 === 'object') {
    const disagree =
      (e.entries !== 0xffff && e.entries !== z64.entries) ||
      (e.cdSize !== 0xffffffff && e.cdSize !== z64.cdSize) ||
      (e.cdOffset !== 0xffffffff && e.cdOffset !== z64.cdOffset);
    if (disagree) c.add('zip64', 'end record and zip64 end record disagree', z64.pos);
    entries = z64.entries;
    cdSize = z64.cdSize;
    cdOffset = z64.cdOffset;
    cdEnd = z64.pos;
    multiDisk = multiDisk || z64.disk !== 0 || z64.cdDisk !== 0 || z64.entriesOnDisk !== z64.entries || z64.locatorDisk !== 0 || z64.totalDisks > 1;
  } else if (needs64) {
    c.add('zip64', 'end record needs a zip64 end record that is missing', e.pos);
    return undefined;
  }
  if (multiDisk) c.add('multi-disk', 'archive claims to span several disks', e.pos);
  const cdStart = cdEnd - cdSize;
  const shift = cdStart - cdOffset;
  if (cdSize < 0 || cdStart < 0 || shift < 0) {
    c.add('end-record', 'central directory size/offset do not fit the data', e.pos);
    return undefined;
  }
  if (entries > 0 && !hasBytes(buf, cdStart, SIG_CENTRAL)) {
    c.add('end-record', 'end record does not point at a central directory', e.pos);
    return undefined;
  }
  if (typeof z64 === 'object' && z64.locatorOffset + shift !== z64.pos) c.add('zip64', 'zip64 locator points elsewhere than the zip64 end record', e.pos);
  const end = e.pos + EOCD_BYTES + e.commentLength;
  if (end > buf.length) c.add('end-record', 'end record comment runs past the data', e.pos);
  else if (end < buf.length && options.strict) c.add('trailing', `${buf.length - end} bytes follow the end record`, end);
  if (entries > limits.maxEntries) {
    c.hit('containers.zipMaxEntries', `archive declares ${entries} entries`, e.pos);
    return { central: [], byLocal: new Map(), cdStart, shift, end: Math.min(end, buf.length) };
  }
  const central: CentralHeader[] = [];
  const byLocal = new Map<number, number>();
  const names = new Set<string>();
  let pos = cdStart;
  for (let i = 0; i < entries; i++) {
    const h = readCentral(buf, pos, cdEnd);
    if (typeof h === 'string') {
      c.add('central', h, pos);
      break;
    }
    pos = h.next;
    if (h.nameLength > limits.maxNameBytes) {
      c.hit('containers.zipMaxNameBytes', `entry name of ${h.nameLength} bytes`, h.pos);
      break;
    }
    const name = nameOf(buf, h);
    const key = nameKey(buf, h);
    if (names.has(key)) c.add('duplicate-name', `entry name ${name} appears twice`, h.pos);
    names.add(key);
    if (key.includes('\0')) c.add('nul-in-name', `entry name ${name} contains a NUL byte`, h.pos);
    checkFlags(c, h.flags, h.method, name, h.pos);
    if (h.diskStart !== 0) c.add('multi-disk', `entry ${name} starts on another disk`, h.pos);
    const local = shift + h.localOffset;
    if (local + LOCAL_BYTES > cdStart) c.add('out-of-bounds', `entry ${name} points outside the archive`, h.pos);
    if (byLocal.has(local)) c.add('overlap', `entry ${name} shares its local header with another entry`, h.pos);
    else byLocal.set(local, central.length);
    central.push(h);
  }
  if (central.length === entries && pos !== cdEnd) c.add('gap', 'central directory size disagrees with its entries', pos);
  return { central, byLocal, cdStart, shift, end: Math.min(end, buf.length) };
}

