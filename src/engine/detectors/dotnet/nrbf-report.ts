/** The result of an MS-NRBF parse, and how to judge whether it is a real stream. */

export type NrbfNameKind = 'class' | 'member-type' | 'array-type' | 'generic-arg' | 'method-type' | 'method-name';

export interface NrbfName {
  readonly name: string;
  /** Offset of the first byte of the string (for generic arguments: of the enclosing name). */
  readonly offset: number;
  readonly kind: NrbfNameKind;
}

export interface NrbfLibrary {
  readonly id: number;
  readonly name: string;
  readonly offset: number;
}

export interface NrbfSpan {
  readonly offset: number;
  readonly length: number;
}

export type NrbfStop =
  | 'message-end'
  | 'truncated'
  | 'bad-header'
  | 'bad-record'
  | 'bad-value'
  | 'unknown-metadata'
  | 'unexpected-record'
  | 'unsupported-record'
  | 'limit-bytes'
  | 'limit-items'
  | 'limit-depth'
  | 'limit-members'
  | 'limit-classes';

export interface NrbfReport {
  readonly start: number;
  /** Offset just after the last byte consumed successfully. */
  readonly end: number;
  /** MessageEnd was reached with no pending member values. */
  readonly complete: boolean;
  readonly stop: NrbfStop;
  /** Offset of the record or value where parsing stopped. */
  readonly stopOffset: number;
  /** Short human description of the stop (no request bytes). */
  readonly detail: string;
  /** Records read after the header. */
  readonly records: number;
  readonly classRecords: number;
  /** Class records whose name looks like a real .NET type name. */
  readonly plausibleClasses: number;
  /** A class without member types was seen (its member layout had to be guessed). */
  readonly untyped: boolean;
  readonly typeNames: readonly NrbfName[];
  readonly libraries: readonly NrbfLibrary[];
  /** String values (BinaryObjectString, string primitives): spans of their UTF-8 bytes. */
  readonly strings: readonly NrbfSpan[];
  /** Byte/SByte ArraySinglePrimitive contents. */
  readonly byteArrays: readonly NrbfSpan[];
  /** More names, strings or arrays existed than the limits allowed to report. */
  readonly listsTruncated: boolean;
}

/** A type-name-ish string: starts with a letter/underscore, only name punctuation, 2..maxLen chars. */
export function plausibleTypeName(s: string): boolean {
  if (s.length < 2) return false;
  const first = s.charCodeAt(0);
  const letter = (first | 0x20) >= 0x61 && (first | 0x20) <= 0x7a;
  if (!letter && first !== 0x5f) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0xfffd) return false;
  }
  return true;
}

/**
 * Is this a BinaryFormatter stream rather than random bytes that happen to
 * contain a header? Complete streams, streams that only stopped at a size
 * limit, and streams with at least one plausibly named class record qualify.
 */
export function nrbfLooksReal(report: NrbfReport): boolean {
  if (report.complete) return true;
  if (report.records >= 2 && report.stop.startsWith('limit-')) return true;
  return report.plausibleClasses >= 1;
}
