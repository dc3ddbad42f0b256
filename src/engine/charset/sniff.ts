/**
 * Encoding detection for XML-ish layers, after XML 1.0 Appendix F: byte order
 * marks (UTF-8, UTF-16LE/BE, UTF-32 in four byte orders, UTF-7 `+/v8`), the
 * BOM-less four-byte patterns of `<` / `<?` in UTF-16/32, EBCDIC `<?xm`
 * (4C 6F A7 94), the `3C 00 xx 00` / `00 3C 00 xx` shape of any UTF-16 text
 * that starts with `<`, and the `encoding="..."` pseudo-attribute of the XML
 * declaration. A declaration that contradicts the byte pattern (UTF-16
 * declared on an 8-bit body, a BOM for one encoding and a declaration of
 * another) is reported as `conflict`; an unknown label as `unsupported`.
 */
import { IBM037_TABLE } from './ebcdic-tables.js';
import { type Charset, type CharsetFamily, resolveCharset } from './labels.js';
import { MAX_DECLARATION_LENGTH, parseXmlDeclaration } from './xml-declaration.js';

export type SniffSource = 'bom' | 'pattern' | 'shape' | 'declaration' | 'default';

export interface XmlEncodingSniff {
  /** Canonical charset name the bytes are in (see labels.ts); 'utf-8' when nothing says otherwise. */
  readonly encoding: string;
  readonly family: CharsetFamily;
  /** Bytes of byte order mark at the start (0 when none, also for UTF-7 whose BOM is not byte-aligned). */
  readonly bomLength: number;
  /** 1 BOM, 0.9 Appendix F pattern, 0.8 declaration, 0.6 UTF-16 shape, 0.5 ASCII `<?xm`, 0 default. */
  readonly confidence: number;
  readonly source: SniffSource;
  /** Lower-cased `encoding` pseudo-attribute of the XML declaration, if any (capped). */
  readonly declared?: string;
  /** Why the declaration contradicts the BOM or byte pattern, if it does. */
  readonly conflict?: string;
  /** The declared label is not a charset we know (parsers reject it or do something exotic). */
  readonly unsupported?: boolean;
  /** Input offset just past the XML declaration, 0 when there is none. */
  readonly declarationEnd: number;
}

interface Detected {
  encoding: string;
  family: CharsetFamily;
  bomLength: number;
  confidence: number;
  source: SniffSource;
  /** Bytes per code unit, for projecting the declaration. */
  unit: 1 | 2 | 4;
}

export function sniffXmlEncoding(bytes: Uint8Array): XmlEncodingSniff {
  const d = detect(bytes);
  const ascii = project(bytes, d);
  const decl = parseXmlDeclaration(ascii);
  const declarationEnd = decl && decl.end > 0 ? d.bomLength + decl.end * d.unit : 0;
  const base = {
    encoding: d.encoding,
    family: d.family,
    bomLength: d.bomLength,
    confidence: d.confidence,
    source: d.source,
    declarationEnd,
  };
  const declared = decl?.encoding;
  if (declared === undefined) return base;
  const cs = resolveCharset(declared);
  if (!cs) return { ...base, declared, unsupported: true };
  const conflict = contradiction(d, cs);
  if (conflict) return { ...base, declared, conflict };
  if (d.family === 'ebcdic' || (d.source !== 'bom' && d.unit === 1)) {
    // The declaration names the exact charset within the detected family (or any ASCII-compatible one).
    const confidence = d.family === 'ebcdic' ? d.confidence : 0.8;
    const source: SniffSource = d.family === 'ebcdic' ? d.source : 'declaration';
    return { ...base, encoding: cs.name, family: cs.family, confidence, source, declared };
  }
  return { ...base, declared };
}

/** Why a declared charset cannot describe bytes detected as `d`, or undefined when it can. */
function contradiction(d: Detected, cs: Charset): string | undefined {
  switch (d.family) {
    case 'utf-16':
    case 'utf-32':
      if (cs.family !== d.family) return `bytes are ${d.encoding}, declaration says ${cs.name}`;
      if (cs.name !== d.family && cs.name !== d.encoding) return `bytes are ${d.encoding}, declaration says ${cs.name}`;
      return undefined;
    case 'ebcdic':
      return cs.family === 'ebcdic' ? undefined : `bytes are EBCDIC, declaration says ${cs.name}`;
    case 'utf-7':
      return cs.family === 'utf-7' ? undefined : `UTF-7 byte order mark, declaration says ${cs.name}`;
    default:
      if (d.source === 'bom') return cs.name === 'utf-8' ? undefined : `UTF-8 byte order mark, declaration says ${cs.name}`;
      if (cs.family === 'utf-16' || cs.family === 'utf-32') return `${cs.name} declared on an 8-bit body`;
      if (cs.family === 'ebcdic') return `${cs.name} declared on an ASCII body`;
      return undefined;
  }
}

function detect(b: Uint8Array): Detected {
  const b0 = b.length > 0 ? b[0]! : -1;
  const b1 = b.length > 1 ? b[1]! : -1;
  const b2 = b.length > 2 ? b[2]! : -1;
  const b3 = b.length > 3 ? b[3]! : -1;
  const mk = (
    encoding: string,
    family: CharsetFamily,
    unit: 1 | 2 | 4,
    bomLength: number,
    source: SniffSource,
    confidence: number,
  ): Detected => ({ encoding, family, unit, bomLength, source, confidence });
  // Byte order marks (UTF-32 before UTF-16: FF FE 00 00 is UTF-32LE, U+0000 is not XML).
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xfe && b3 === 0xff) return mk('utf-32be', 'utf-32', 4, 4, 'bom', 1);
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00) return mk('utf-32le', 'utf-32', 4, 4, 'bom', 1);
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xff && b3 === 0xfe) return mk('utf-32-2143', 'utf-32', 4, 4, 'bom', 1);
  if (b0 === 0xfe && b1 === 0xff && b2 === 0x00 && b3 === 0x00) return mk('utf-32-3412', 'utf-32', 4, 4, 'bom', 1);
  if (b0 === 0xfe && b1 === 0xff) return mk('utf-16be', 'utf-16', 2, 2, 'bom', 1);
  if (b0 === 0xff && b1 === 0xfe) return mk('utf-16le', 'utf-16', 2, 2, 'bom', 1);
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return mk('utf-8', 'utf-8', 1, 3, 'bom', 1);
  if (b0 === 0x2b && b1 === 0x2f && b2 === 0x76 && (b3 === 0x38 || b3 === 0x39 || b3 === 0x2b || b3 === 0x2f)) {
    return mk('utf-7', 'utf-7', 1, 0, 'bom', 1);
  }
  // Appendix F patterns without a BOM.
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0x00 && b3 === 0x3c) return mk('utf-32be', 'utf-32', 4, 0, 'pattern', 0.9);
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x00 && b3 === 0x00) return mk('utf-32le', 'utf-32', 4, 0, 'pattern', 0.9);
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0x3c && b3 === 0x00) return mk('utf-32-2143', 'utf-32', 4, 0, 'pattern', 0.9);
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x00) return mk('utf-32-3412', 'utf-32', 4, 0, 'pattern', 0.9);
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x3f) return mk('utf-16be', 'utf-16', 2, 0, 'pattern', 0.9);
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f && b3 === 0x00) return mk('utf-16le', 'utf-16', 2, 0, 'pattern', 0.9);
  if (b0 === 0x4c && b1 === 0x6f && b2 === 0xa7 && b3 === 0x94) return mk('ibm037', 'ebcdic', 1, 0, 'pattern', 0.9);
  if (utf16Shape(b, true)) return mk('utf-16le', 'utf-16', 2, 0, 'shape', 0.6);
  if (utf16Shape(b, false)) return mk('utf-16be', 'utf-16', 2, 0, 'shape', 0.6);
  if (b0 === 0x3c && b1 === 0x3f && b2 === 0x78 && b3 === 0x6d) return mk('utf-8', 'utf-8', 1, 0, 'pattern', 0.5);
  return mk('utf-8', 'utf-8', 1, 0, 'default', 0);
}

/** Leading UTF-16 whitespace units (at most 16), then `<` followed by a printable ASCII unit. */
const MAX_SHAPE_UNITS = 16;
function utf16Shape(b: Uint8Array, le: boolean): boolean {
  const lo = le ? 0 : 1;
  const hi = le ? 1 : 0;
  let i = 0;
  for (let k = 0; k < MAX_SHAPE_UNITS && i + 1 < b.length; k++) {
    if (b[i + hi] !== 0) return false;
    const c = b[i + lo]!;
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
      i += 2;
      continue;
    }
    if (c !== 0x3c || i + 3 >= b.length) return false;
    const next = b[i + 2 + lo]!;
    return b[i + 2 + hi] === 0 && next > 0x20 && next < 0x7f;
  }
  return false;
}

/** The first MAX_DECLARATION_LENGTH code units after the BOM as ASCII (0xFF for anything else). */
function project(b: Uint8Array, d: Detected): Uint8Array {
  const units = Math.min(MAX_DECLARATION_LENGTH, Math.floor((b.length - d.bomLength) / d.unit));
  const out = new Uint8Array(Math.max(0, units));
  for (let k = 0; k < units; k++) {
    const at = d.bomLength + k * d.unit;
    let c: number;
    if (d.family === 'ebcdic') {
      c = IBM037_TABLE[b[at]!]!;
    } else if (d.unit === 1) {
      c = b[at]!;
    } else if (d.unit === 2) {
      c = d.encoding === 'utf-16le' ? (b[at + 1] === 0 ? b[at]! : 0xff) : b[at] === 0 ? b[at + 1]! : 0xff;
    } else {
      c = unit32(b, at, d.encoding);
    }
    out[k] = c < 0x80 ? c : 0xff;
  }
  return out;
}

function unit32(b: Uint8Array, at: number, enc: string): number {
  const [x, y, z, w] = [b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!];
  switch (enc) {
    case 'utf-32be':
      return x === 0 && y === 0 && z === 0 ? w : 0xff;
    case 'utf-32le':
      return y === 0 && z === 0 && w === 0 ? x : 0xff;
    case 'utf-32-2143':
      return x === 0 && y === 0 && w === 0 ? z : 0xff;
    default:
      return x === 0 && z === 0 && w === 0 ? y : 0xff;
  }
}
