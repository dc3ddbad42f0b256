/**
 * Defensive zip reader. It reads the end of central directory (and zip64
 * records) from the end, the central directory, and walks the local file
 * headers from the front, then cross-checks both views and extracts entries
 * (stored or deflate, CRC verified, sizes verified, limits enforced).
 * Anything two zip readers could interpret differently (PyTorch/miniz versus
 * Python zipfile versus streaming readers) is reported as an anomaly so the
 * caller can refuse the archive instead of trusting one interpretation.
 */
import { hasBytes, sameBytes } from './bytes.js';
import { apkBlockBetween, readDirectory } from './zip-directory.js';
import { extractAll } from './zip-extract.js';
import { DEFAULT_ZIP_LIMITS, type ZipLimits, type ZipOptions } from './zip-limits.js';
import { checkFlags, Collector, KNOWN_FLAGS, nameOf, type ZipEntry, type ZipReport } from './zip-report.js';
import { SIG_LOCAL, matchDescriptor, readLocal, type CentralHeader, type LocalHeader } from './zip-records.js';

export { DEFAULT_ZIP_LIMITS, type ZipLimits, type ZipOptions } from './zip-limits.js';
export type { ZipAnomaly, ZipAnomalyCode, ZipEntry, ZipLimitHit, ZipReport } from './zip-report.js';

const PLAUSIBLE_METHODS = new Set([0, 8, 9, 12, 14, 19, 93, 95, 96, 97, 98, 99]);

/** A local header that a real zip writer could have produced (used to tell zips from chance signatures). */
export function isPlausibleLocal(buf: Uint8Array, h: LocalHeader): boolean {
  if (h.versionNeeded > 63 || (h.flags & ~KNOWN_FLAGS) !== 0 || !PLAUSIBLE_METHODS.has(h.method) || h.nameLength === 0) return false;
  if ((h.flags & 0x08) === 0 && h.dataStart + h.compressedSize > buf.length) return false;
  return true;
}

/**
 * Read the zip archive in `buf`. `start` is where the caller saw the first
 * local file header signature (-1 when only an end record was seen).
 */
export function readZip(buf: Uint8Array, start: number, limits: ZipLimits = DEFAULT_ZIP_LIMITS, options: ZipOptions = {}): ZipReport {
  const c = new Collector();
  const startLocal = start >= 0 ? readLocal(buf, start) : 'none';
  const startOk = typeof startLocal !== 'string' && isPlausibleLocal(buf, startLocal);
  const dir = readDirectory(buf, Math.max(0, start), limits, options, c);
  if (!dir && !startOk) return { isZip: false, start: Math.max(0, start), end: Math.max(0, start), entries: [], anomalies: [] };
  if (!dir) c.add('no-end-record', 'zip data without a usable end of central directory', Math.max(0, start));
  const central = dir?.central ?? [];
  const byLocal = dir?.byLocal ?? new Map<number, number>();
  const cdStart = dir?.cdStart ?? buf.length;
  let firstLocal = cdStart;
  for (const [abs] of byLocal) if (abs < firstLocal) firstLocal = abs;
  // A chance signature before the archive (not a plausible header) is just prefix data.
  const archiveStart = start >= 0 && (startOk || !dir) ? Math.min(start, firstLocal) : firstLocal;
  if (options.strict && archiveStart > 0) c.add('prefix', `${archiveStart} bytes precede the first zip entry`, 0);
  const entries: ZipEntry[] = [];
  const visited = new Set<number>();
  const spans: [number, number][] = [];
  let pos = archiveStart;
  // Every iteration consumes at least one local header (30 bytes) or stops.
  while (pos < cdStart && !c.limit) {
    if (entries.length >= limits.maxEntries) {
      c.hit('containers.zipMaxEntries', 'too many local entries', pos);
      break;
    }
    if (!hasBytes(buf, pos, SIG_LOCAL)) {
      if (!dir || !apkBlockBetween(buf, pos, cdStart)) c.add('gap', 'unexpected bytes between zip entries', pos);
      break;
    }
    const lh = readLocal(buf, pos);
    if (typeof lh === 'string') {
      c.add('local', lh, pos);
      break;
    }
    if (lh.nameLength > limits.maxNameBytes) {
      c.hit('containers.zipMaxNameBytes', `entry name of ${lh.nameLength} bytes`, pos);
      break;
    }
    const name = nameOf(buf, lh);
    checkFlags(c, lh.flags, lh.method, name, pos);
    const idx = byLocal.get(pos);
    const ch = idx === undefined ? undefined : central[idx];
    if (ch && idx !== undefined) {
      visited.add(idx);
      if (ch.nameLength !== lh.nameLength || !sameBytes(buf, ch.nameStart, buf, lh.nameStart, lh.nameLength)) {
        c.add('name-mismatch', `local name ${name} differs from central name ${nameOf(buf, ch)}`, pos);
      }
      if (ch.method !== lh.method) c.add('method', `entry ${name} has different methods in local and central headers`, pos);
      if ((ch.flags & 0x0001) !== (lh.flags & 0x0001)) c.add('encrypted', `entry ${name} has different encryption flags in local and central headers`, pos);
      // With a data descriptor the local fields may be zero; any value that is present must agree.
      const lazy = (lh.flags & 0x08) !== 0;
      const differs = (local: number, central: number): boolean => (lazy ? local !== 0 && local !== central : local !== central);
      if (differs(lh.crc, ch.crc) || differs(lh.compressedSize, ch.compressedSize) || differs(lh.uncompressedSize, ch.uncompressedSize)) {
        c.add('size-mismatch', `entry ${name} has different CRC or sizes in local and central headers`, pos);
      }
    } else {
      c.add('unlisted-local', `local entry ${name} is not listed in the central directory`, pos);
      if (lh.flags & 0x08 && lh.compressedSize === 0) break;
    }
    const ref = ch ?? lh;
    // Loaders look entries up by their central name; label with it when there is one.
    const label = ch ? nameOf(buf, ch) : name;
    const dataEnd = lh.dataStart + ref.compressedSize;
    if (dataEnd > cdStart) {
      c.add('out-of-bounds', `entry ${name} data runs past the entries area`, pos);
      break;
    }
    let entryEnd = dataEnd;
    if (lh.flags & 0x08) {
      const d = matchDescriptor(buf, dataEnd, ref.crc, ref.compressedSize, ref.uncompressedSize);
      if (d < 0) {
        c.add('descriptor', `entry ${name} data descriptor disagrees with the central directory`, dataEnd);
        entries.push(entryOf(label, pos, lh, ref, ch !== undefined));
        spans.push([pos, dataEnd]);
        break;
      }
      entryEnd += d;
    }
    entries.push(entryOf(label, pos, lh, ref, ch !== undefined));
    spans.push([pos, entryEnd]);
    pos = entryEnd;
  }
  // Central entries the walk did not reach.
  for (let i = 0; i < central.length && !c.limit; i++) {
    if (visited.has(i)) continue;
    const ch = central[i] as CentralHeader;
    const abs = (dir?.shift ?? 0) + ch.localOffset;
    const name = nameOf(buf, ch);
    if (byLocal.get(abs) !== i) continue; // already reported as sharing a local header
    if (spans.some(([s, e]) => abs >= s && abs < e)) {
      c.add('overlap', `entry ${name} overlaps another entry`, ch.pos);
      continue;
    }
    c.add('missing-local', `entry ${name} is not reachable by walking the local headers`, ch.pos);
    const lh = readLocal(buf, abs);
    if (typeof lh === 'string' || lh.dataStart + ch.compressedSize > cdStart) continue;
    if (entries.length >= limits.maxEntries) {
      c.hit('containers.zipMaxEntries', 'too many entries', abs);
      break;
    }
    entries.push(entryOf(name, abs, lh, ch, true));
  }
  if (options.extract !== false && !c.limit) extractAll(buf, entries, limits, c);
  const end = dir?.end ?? (spans.length > 0 ? (spans[spans.length - 1] as [number, number])[1] : archiveStart);
  const report: ZipReport = { isZip: true, start: archiveStart, end, entries, anomalies: c.anomalies };
  return c.limit ? { ...report, limit: c.limit } : report;
}

function entryOf(name: string, pos: number, lh: LocalHeader, ref: CentralHeader | LocalHeader, listed: boolean): ZipEntry {
  return {
    name,
    localOffset: pos,
    dataOffset: lh.dataStart,
    method: ref.method,
    flags: ref.flags | lh.flags,
    crc: ref.crc,
    compressedSize: ref.compressedSize,
    uncompressedSize: ref.uncompressedSize,
    listed,
  };
}

