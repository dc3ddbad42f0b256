/**
 * A safety net against parser differentials: find class descriptors by their
 * byte structure (`72 len name suid flags count firstFieldCode`, proxy
 * `7D count len name ...`) anywhere in a stream's bytes, independent of the
 * grammar walk. Without the server's classes some readings are ambiguous
 * (did writeObject() call defaultWriteObject()?), and a crafted stream could
 * steer the walk past a descriptor the JDK would read. Every descriptor the JDK
 * reads is literally present, so carving sees it; names found only this way are
 * recorded with the CARVED role and judged like any other class.
 */
import type { ClassTable } from './class-table.js';
import { SC_EXTERNALIZABLE, SC_KNOWN_BITS, SC_SERIALIZABLE, TC_CLASSDESC, TC_PROXYCLASSDESC } from './constants.js';
import { decodeModifiedUtf8 } from './mutf8.js';
import { isPlausibleClassName } from './names.js';
import { JavaRole } from './report.js';

/** Candidate bytes examined per stream at most. */
const MAX_CANDIDATES = 200_000;
const MAX_CARVED_NAME_BYTES = 1024;
const MAX_CARVED_INTERFACES = 64;
const FIELD_CODES = new Set([0x42, 0x43, 0x44, 0x46, 0x49, 0x4a, 0x53, 0x5a, 0x4c, 0x5b]);

export interface CarveRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Record descriptor names found in buf[from, to) that `table` does not have yet,
 * skipping the `exclude` ranges (sorted, non-overlapping: data the JDK reads as bytes).
 * Returns the number of names added.
 */
export function carveClassNames(buf: Uint8Array, from: number, to: number, table: ClassTable, exclude: readonly CarveRange[], maxNameChars: number): number {
  const view = Buffer.from(buf.buffer, buf.byteOffset, Math.min(buf.length, to));
  let added = 0;
  let candidates = 0;
  for (const tag of [TC_CLASSDESC, TC_PROXYCLASSDESC]) {
    let r = 0;
    for (let p = view.indexOf(tag, from); p >= 0 && p < to; p = view.indexOf(tag, p + 1)) {
      if (++candidates > MAX_CANDIDATES) return added;
      // `exclude` is sorted by offset and candidates ascend: one moving cursor.
      while (r < exclude.length && (exclude[r] as CarveRange).to <= p) r++;
      const ex = exclude[r];
      if (ex !== undefined && p >= ex.from) {
        p = ex.to - 1;
        continue;
      }
      added += tag === TC_CLASSDESC ? carveDesc(buf, p, to, table, maxNameChars) : carveProxy(buf, p, to, table, maxNameChars);
    }
  }
  return added;
}

function carveDesc(buf: Uint8Array, p: number, to: number, table: ClassTable, maxNameChars: number): number {
  if (p + 3 > to) return 0;
  const len = u16(buf, p + 1);
  const nameAt = p + 3;
  const flagsAt = nameAt + len + 8;
  if (len === 0 || len > MAX_CARVED_NAME_BYTES || flagsAt + 3 > to) return 0;
  const flags = buf[flagsAt] as number;
  if ((flags & ~SC_KNOWN_BITS) !== 0 || (flags & (SC_SERIALIZABLE | SC_EXTERNALIZABLE)) === (SC_SERIALIZABLE | SC_EXTERNALIZABLE)) return 0;
  const count = u16(buf, flagsAt + 1);
  if (count > 0 && (flagsAt + 3 >= to || !FIELD_CODES.has(buf[flagsAt + 3] as number))) return 0;
  const name = decodeModifiedUtf8(buf, nameAt, len, maxNameChars);
  if (!name.ok || !isPlausibleClassName(name.value) || !qualified(name.value) || table.has(name.value)) return 0;
  return table.note(name.value, nameAt, JavaRole.CARVED | JavaRole.CLASSDESC, name.overlong, flags, name.truncated) === null ? 0 : 1;
}

function carveProxy(buf: Uint8Array, p: number, to: number, table: ClassTable, maxNameChars: number): number {
  if (p + 5 > to) return 0;
  const count = u16(buf, p + 1) === 0 ? u16(buf, p + 3) : 0;
  if (count === 0 || count > MAX_CARVED_INTERFACES) return 0;
  let q = p + 5;
  const found: { name: string; at: number; overlong: boolean; truncated: boolean }[] = [];
  for (let i = 0; i < count; i++) {
    if (q + 2 > to) return 0;
    const len = u16(buf, q);
    if (len === 0 || len > MAX_CARVED_NAME_BYTES || q + 2 + len > to) return 0;
    const name = decodeModifiedUtf8(buf, q + 2, len, maxNameChars);
    if (!name.ok || !isPlausibleClassName(name.value) || !qualified(name.value)) return 0;
    found.push({ name: name.value, at: q + 2, overlong: name.overlong, truncated: name.truncated });
    q += 2 + len;
  }
  let added = 0;
  for (const f of found) {
    if (table.has(f.name)) continue;
    if (table.note(f.name, f.at, JavaRole.CARVED | JavaRole.PROXY_INTERFACE, f.overlong, -1, f.truncated) !== null) added++;
  }
  return added;
}

/** Carved names must be package-qualified or arrays: cuts chance matches in binary data. */
function qualified(name: string): boolean {
  return name.charCodeAt(0) === 0x5b || name.indexOf('.') > 0;
}

function u16(b: Uint8Array, p: number): number {
  return ((b[p] as number) << 8) | (b[p + 1] as number);
}
