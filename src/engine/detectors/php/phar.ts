/**
 * Reads the manifest that follows a phar stub's `__HALT_COMPILER();` token,
 * the way ext/phar's `phar_parse_pharfile` does: optional ` ?>` / `\n?>`
 * plus line break, then a little-endian manifest length, entry count, API
 * version, flags, alias, archive metadata (serialized PHP) and the entries
 * with their own metadata. Never throws; says why it stopped.
 */

export interface PharLimits {
  /** Entries read at most (the count in the manifest may be larger). */
  readonly maxEntries: number;
  /** Manifest length accepted at most (PHP refuses more than 100 MiB). */
  readonly maxManifestBytes: number;
}

export const PHAR_LIMITS: PharLimits = { maxEntries: 4096, maxManifestBytes: 100 * 1024 * 1024 };

/** Length of `__HALT_COMPILER();`. */
export const HALT_TOKEN_LENGTH = 18;

/** Fixed manifest fields after the length: count(4) version(2) flags(4) alias length(4) metadata length(4). */
const MANIFEST_FIXED = 18;

export interface PharRange {
  readonly start: number;
  readonly end: number;
}

export interface PharManifest {
  /** True when the manifest header and every entry read are well formed. */
  readonly ok: boolean;
  /**
   * True when everything up to and including the archive metadata is well
   * formed. PHP 7 unserializes that metadata before it reads the entries.
   */
  readonly headerOk: boolean;
  /** Why reading stopped, when not ok. */
  readonly reason: string;
  /** Offset of the manifest length field. */
  readonly manifestStart: number;
  readonly manifestLength: number;
  readonly entryCount: number;
  readonly apiVersion: number;
  /** Archive-wide metadata (serialized PHP), if any. */
  readonly metadata?: PharRange;
  /** Per-entry metadata regions that are not empty. */
  readonly entryMetadata: readonly PharRange[];
  readonly entriesRead: number;
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24)) >>> 0;
}

/** Offset where the manifest starts after a token ending at `tokenEnd`. */
export function manifestOffset(b: Uint8Array, tokenEnd: number): number {
  let p = tokenEnd;
  const c0 = b[p];
  if ((c0 === 0x20 || c0 === 0x0a) && b[p + 1] === 0x3f && b[p + 2] === 0x3e) {
    p += 3;
    if (b[p] === 0x0d && b[p + 1] === 0x0a) p += 2;
    else if (b[p] === 0x0a) p += 1;
  }
  return p;
}

/** Parses the manifest following a `__HALT_COMPILER();` token that ends at `tokenEnd`. */
export function parsePharManifest(b: Uint8Array, tokenEnd: number, limits: PharLimits = PHAR_LIMITS): PharManifest {
  const start = manifestOffset(b, tokenEnd);
  const entryMetadata: PharRange[] = [];
  const base = {
    manifestStart: start, manifestLength: 0, entryCount: 0, apiVersion: 0, entryMetadata, entriesRead: 0, headerOk: false,
  };
  const fail = (reason: string, extra: Partial<PharManifest> = {}): PharManifest => ({ ...base, ...extra, ok: false, reason });

  if (start + 4 > b.length) return fail('no manifest length after the stub');
  const manifestLength = u32(b, start);
  if (manifestLength < MANIFEST_FIXED) return fail('manifest shorter than its fixed header', { manifestLength });
  if (manifestLength > limits.maxManifestBytes) return fail('manifest larger than the limit', { manifestLength });
  const mStart = start + 4;
  const mEnd = mStart + manifestLength;
  if (mEnd > b.length) return fail('manifest runs past the end of the data', { manifestLength });

  let p = mStart;
  const entryCount = u32(b, p);
  p += 4;
  const apiVersion = ((b[p] ?? 0) << 8) | (b[p + 1] ?? 0);
  p += 2;
  const head = { manifestLength, entryCount, apiVersion };
  if (entryCount === 0) return fail('manifest declares no entries', head);
  if ((apiVersion & 0xfff0) < 0x1000) return fail('unsupported phar API version', head);
  p += 4; // flags
  const aliasLength = u32(b, p);
  p += 4;
  if (aliasLength > mEnd - p || manifestLength < MANIFEST_FIXED + aliasLength) return fail('alias runs past the manifest', head);
  p += aliasLength;
  if (entryCount > Math.floor((manifestLength - MANIFEST_FIXED - aliasLength) / 21)) {
    return fail('more entries than the manifest can hold', head);
  }
  if (p + 4 > mEnd) return fail('manifest ends before the metadata length', head);
  const metaLength = u32(b, p);
  p += 4;
  if (metaLength > mEnd - p) return fail('metadata runs past the manifest', head);
  const metadata = metaLength > 0 ? { start: p, end: p + metaLength } : undefined;
  p += metaLength;
  const afterHead = { ...head, metadata, headerOk: true };

  const wanted = Math.min(entryCount, limits.maxEntries);
  let entriesRead = 0;
  for (; entriesRead < wanted; entriesRead++) {
    if (p + 28 > mEnd) return fail('truncated manifest entry', { ...afterHead, entriesRead });
    const nameLength = u32(b, p);
    p += 4;
    if (nameLength === 0) return fail('entry with an empty name', { ...afterHead, entriesRead });
    if (nameLength > mEnd - p - 24) return fail('entry name runs past the manifest', { ...afterHead, entriesRead });
    p += nameLength;
    const uncompressed = u32(b, p);
    const compressed = u32(b, p + 8);
    const flags = u32(b, p + 16);
    p += 20;
    if ((flags & 0xf000) === 0 && uncompressed !== compressed) {
      return fail('stored entry whose sizes disagree', { ...afterHead, entriesRead });
    }
    const entryMeta = u32(b, p);
    p += 4;
    if (entryMeta > mEnd - p) return fail('entry metadata runs past the manifest', { ...afterHead, entriesRead });
    if (entryMeta > 0 && entryMetadata.length < limits.maxEntries) entryMetadata.push({ start: p, end: p + entryMeta });
    p += entryMeta;
  }
  return { ...base, ...afterHead, entriesRead, ok: true, reason: 'ok' };
}
