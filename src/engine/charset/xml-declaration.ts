/**
 * Reads the XML declaration `<?xml version="1.0" encoding="..." standalone="..."?>`
 * from ASCII bytes (the sniffer projects UTF-16/32/EBCDIC prefixes to ASCII
 * first). Tolerant of any XML whitespace and either quote; values are
 * lower-cased and capped. Never throws; returns null when the bytes do not
 * start with `<?xml` followed by whitespace.
 */

/** Longest declaration looked at (bytes / code units). */
export const MAX_DECLARATION_LENGTH = 512;
const MAX_VALUE_LENGTH = 64;

export interface XmlDeclaration {
  readonly version?: string;
  readonly encoding?: string;
  readonly standalone?: string;
  /** Offset just past `?>`, or -1 when the declaration was not terminated within the limit. */
  readonly end: number;
}

const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

export function parseXmlDeclaration(ascii: Uint8Array, limit: number = MAX_DECLARATION_LENGTH): XmlDeclaration | null {
  const n = Math.min(ascii.length, limit);
  // '<?xml' + whitespace
  if (n < 6 || ascii[0] !== 0x3c || ascii[1] !== 0x3f || ascii[2] !== 0x78 || ascii[3] !== 0x6d || ascii[4] !== 0x6c) {
    return null;
  }
  if (!isSpace(ascii[5])) return null;
  const out: { version?: string; encoding?: string; standalone?: string; end: number } = { end: -1 };
  let i = 5;
  while (i < n) {
    while (i < n && isSpace(ascii[i])) i++;
    if (i + 1 < n && ascii[i] === 0x3f && ascii[i + 1] === 0x3e) {
      out.end = i + 2;
      return out;
    }
    const nameStart = i;
    while (i < n && isNameByte(ascii[i]!)) i++;
    if (i === nameStart) return out;
    const name = latin1Lower(ascii, nameStart, i);
    while (i < n && isSpace(ascii[i])) i++;
    if (ascii[i] !== 0x3d) return out;
    i++;
    while (i < n && isSpace(ascii[i])) i++;
    const q = ascii[i];
    if (q !== 0x22 && q !== 0x27) return out;
    const valueStart = ++i;
    while (i < n && ascii[i] !== q) i++;
    if (i >= n) return out;
    const value = latin1Lower(ascii, valueStart, Math.min(i, valueStart + MAX_VALUE_LENGTH));
    i++;
    if (name === 'version') out.version = value;
    else if (name === 'encoding') out.encoding = value;
    else if (name === 'standalone') out.standalone = value;
  }
  return out;
}

function isNameByte(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x2d || c === 0x3a;
}

function latin1Lower(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let k = from; k < to; k++) {
    const c = b[k]!;
    s += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
  }
  return s;
}
