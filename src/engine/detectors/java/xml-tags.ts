/**
 * A small, bounded start-tag reader for spotting XMLDecoder and XStream
 * payloads in text layers: the element name, a few attributes (class, method,
 * resolves-to ...) and the text right after a tag, read at offsets the
 * detector's triggers point to. Not an XML parser: it
 * tolerates broken markup and JSON-escaped quotes (`class=\"x\"`), reads
 * bytes as latin1, caps every string and never looks further than a fixed
 * window past a `<`. Character references are not decoded here: the engine
 * hands decoded text to detectors as a nested layer.
 */

export interface XmlStartTag {
  /** Offset of the `<`. */
  readonly offset: number;
  readonly name: string;
  /** Wanted attributes only (lower-cased names), values capped. */
  readonly attrs: ReadonlyMap<string, string>;
  /** Offset just after the tag's `>` (or where scanning stopped). */
  readonly contentStart: number;
  readonly selfClosing: boolean;
}

export interface XmlScanLimits {
  readonly maxTagBytes: number;
  readonly maxNameChars: number;
  readonly maxValueChars: number;
  readonly maxAttrs: number;
}

export const DEFAULT_XML_SCAN_LIMITS: XmlScanLimits = Object.freeze({
  maxTagBytes: 4096,
  maxNameChars: 256,
  maxValueChars: 1024,
  maxAttrs: 64,
});

const LT = 0x3c;
const GT = 0x3e;

/**
 * The `<` of the start tag that contains offset `at` (an attribute), looking
 * back at most `maxBack` bytes and never across a `>`; -1 when there is none.
 */
export function tagStartBefore(bytes: Uint8Array, at: number, maxBack: number): number {
  const stop = Math.max(0, at - maxBack);
  for (let p = at - 1; p >= stop; p--) {
    const c = bytes[p];
    if (c === LT) return isNameStart(bytes[p + 1] ?? 0) ? p : -1;
    if (c === GT) return -1;
  }
  return -1;
}

/** Read the start tag whose `<` is at `lt` (null when no element name follows). */
export function readStartTag(bytes: Uint8Array, lt: number, wanted: ReadonlySet<string>, limits: XmlScanLimits = DEFAULT_XML_SCAN_LIMITS): XmlStartTag | null {
  if (bytes[lt] !== LT || !isNameStart(bytes[lt + 1] ?? 0)) return null;
  return readTag(bytes, lt, Math.min(bytes.length, lt + limits.maxTagBytes), wanted, limits);
}

/** Text after `at` up to the next `<` (at most `max` bytes), trimmed; for `<class>name</class>`. */
export function textAfter(bytes: Uint8Array, at: number, max: number): string {
  const end = Math.min(bytes.length, at + max);
  let e = at;
  while (e < end && bytes[e] !== LT) e++;
  return latin1(bytes, at, e).trim();
}

function readTag(bytes: Uint8Array, lt: number, end: number, wanted: ReadonlySet<string>, limits: XmlScanLimits): XmlStartTag {
  let p = lt + 1;
  const nameStart = p;
  while (p < end && p - nameStart < limits.maxNameChars && isNameChar(bytes[p] as number)) p++;
  const name = latin1(bytes, nameStart, p);
  const attrs = new Map<string, string>();
  let selfClosing = false;
  for (let n = 0; n < limits.maxAttrs && p < end; n++) {
    while (p < end && isSpace(bytes[p] as number)) p++;
    const c = bytes[p];
    if (c === undefined || p >= end) break;
    if (c === GT) {
      p++;
      return { offset: lt, name, attrs, contentStart: p, selfClosing };
    }
    if (c === 0x2f) {
      selfClosing = true;
      p++;
      continue;
    }
    if (c === LT) break;
    const an = p;
    while (p < end && isAttrNameChar(bytes[p] as number) && p - an < limits.maxNameChars) p++;
    if (p === an) {
      p++;
      continue;
    }
    const attrName = latin1(bytes, an, p).toLowerCase();
    while (p < end && isSpace(bytes[p] as number)) p++;
    if (bytes[p] !== 0x3d) continue;
    p++;
    while (p < end && isSpace(bytes[p] as number)) p++;
    if (bytes[p] === 0x5c) p++; // JSON-escaped quote: \"
    const q = bytes[p];
    let v0: number;
    let v1: number;
    if (q === 0x22 || q === 0x27) {
      p++;
      v0 = p;
      while (p < end && bytes[p] !== q && !(bytes[p] === 0x5c && bytes[p + 1] === q)) p++;
      v1 = p;
      if (bytes[p] === 0x5c) p++;
      if (p < end) p++;
    } else {
      v0 = p;
      while (p < end && !isSpace(bytes[p] as number) && bytes[p] !== GT) p++;
      v1 = p;
    }
    if (wanted.has(attrName) && !attrs.has(attrName)) attrs.set(attrName, latin1(bytes, v0, Math.min(v1, v0 + limits.maxValueChars)));
  }
  return { offset: lt, name, attrs, contentStart: p, selfClosing };
}

function isNameStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c >= 0x80;
}

function isNameChar(c: number): boolean {
  return !(isSpace(c) || c === GT || c === 0x2f || c === LT || c === 0x3d || c === 0x22 || c === 0x27);
}

function isAttrNameChar(c: number): boolean {
  return isNameChar(c) && c !== 0x5c;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function latin1(b: Uint8Array, from: number, to: number): string {
  if (to <= from) return '';
  return Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('latin1');
}
