/** XML 1.0 Appendix F encoding detection: BOMs, byte patterns, UTF-16 shapes, declarations and their contradictions. */
import { describe, expect, it } from 'vitest';
import { sniffXmlEncoding } from '../../../src/engine/charset/sniff.js';
import { parseXmlDeclaration } from '../../../src/engine/charset/xml-declaration.js';

const hex = (h: string): Buffer => Buffer.from(h.replace(/ /g, ''), 'hex');
const DECL = (enc: string): string => `<?xml version="1.0" encoding="${enc}"?><a/>`;

describe('sniffXmlEncoding: byte order marks', () => {
  const cases: [string, string, number][] = [
    ['00 00 FE FF 00 00 00 3C', 'utf-32be', 4],
    ['FF FE 00 00 3C 00 00 00', 'utf-32le', 4],
    ['00 00 FF FE 00 00 3C 00', 'utf-32-2143', 4],
    ['FE FF 00 00 00 3C 00 00', 'utf-32-3412', 4],
    ['FE FF 00 3C 00 3F', 'utf-16be', 2],
    ['FF FE 3C 00 3F 00', 'utf-16le', 2],
    ['EF BB BF 3C 3F 78 6D', 'utf-8', 3],
  ];
  for (const [bytes, encoding, bomLength] of cases) {
    it(`${bytes} -> ${encoding}`, () => {
      expect(sniffXmlEncoding(hex(bytes))).toMatchObject({ encoding, bomLength, confidence: 1, source: 'bom' });
    });
  }
  it('UTF-7 BOM +/v8', () => {
    expect(sniffXmlEncoding(Buffer.from('+/v8-<a/>'))).toMatchObject({ encoding: 'utf-7', bomLength: 0, source: 'bom' });
  });
});

describe('sniffXmlEncoding: Appendix F patterns and shapes', () => {
  const cases: [string, string, string][] = [
    ['00 00 00 3C', 'utf-32be', 'pattern'],
    ['3C 00 00 00', 'utf-32le', 'pattern'],
    ['00 00 3C 00', 'utf-32-2143', 'pattern'],
    ['00 3C 00 00', 'utf-32-3412', 'pattern'],
    ['00 3C 00 3F', 'utf-16be', 'pattern'],
    ['3C 00 3F 00', 'utf-16le', 'pattern'],
    ['4C 6F A7 94', 'ibm037', 'pattern'],
    ['3C 00 61 00', 'utf-16le', 'shape'],
    ['00 3C 00 21', 'utf-16be', 'shape'],
    ['0A 00 20 00 3C 00 21 00', 'utf-16le', 'shape'],
    ['3C 3F 78 6D', 'utf-8', 'pattern'],
    ['7B 22 61 22', 'utf-8', 'default'],
  ];
  for (const [bytes, encoding, source] of cases) {
    it(`${bytes} -> ${encoding} (${source})`, () => {
      expect(sniffXmlEncoding(hex(bytes))).toMatchObject({ encoding, source, bomLength: 0 });
    });
  }
  it('empty and tiny inputs', () => {
    expect(sniffXmlEncoding(new Uint8Array(0))).toMatchObject({ encoding: 'utf-8', source: 'default' });
    expect(sniffXmlEncoding(hex('3C'))).toMatchObject({ encoding: 'utf-8' });
    expect(sniffXmlEncoding(hex('FF'))).toMatchObject({ encoding: 'utf-8' });
  });
});

describe('sniffXmlEncoding: declarations', () => {
  it('ASCII-compatible declarations name the charset', () => {
    expect(sniffXmlEncoding(Buffer.from(DECL('UTF-7')))).toMatchObject({ encoding: 'utf-7', source: 'declaration', declared: 'utf-7' });
    expect(sniffXmlEncoding(Buffer.from(DECL('ISO-8859-1')))).toMatchObject({ encoding: 'iso-8859-1', family: 'ascii' });
    expect(sniffXmlEncoding(Buffer.from(DECL('windows-1252')))).toMatchObject({ encoding: 'windows-1252' });
    expect(sniffXmlEncoding(Buffer.from(DECL('windows-1251')))).toMatchObject({ encoding: 'windows-1251', family: 'ascii' });
    expect(sniffXmlEncoding(Buffer.from(DECL('Shift_JIS')))).toMatchObject({ encoding: 'shift_jis', family: 'ascii' });
  });
  it('the declaration end is reported in input bytes', () => {
    const doc = Buffer.from(`<?xml version="1.0" encoding="UTF-7"?>+ADw-a/>`);
    expect(sniffXmlEncoding(doc).declarationEnd).toBe(doc.indexOf('+ADw'));
    const u16 = Buffer.concat([hex('FF FE'), Buffer.from(`<?xml version='1.0'?><a/>`, 'utf16le')]);
    expect(sniffXmlEncoding(u16).declarationEnd).toBe(2 + 2 * `<?xml version='1.0'?>`.length);
  });
  it('UTF-16 declared on an 8-bit body is a conflict', () => {
    expect(sniffXmlEncoding(Buffer.from(DECL('UTF-16'))).conflict).toMatch(/8-bit body/);
    expect(sniffXmlEncoding(Buffer.from(DECL('UCS-4'))).conflict).toBeDefined();
    expect(sniffXmlEncoding(Buffer.from(DECL('IBM037'))).conflict).toMatch(/ASCII body/);
  });
  it('BOM versus declaration', () => {
    const le = (s: string): Buffer => Buffer.concat([hex('FF FE'), Buffer.from(s, 'utf16le')]);
    expect(sniffXmlEncoding(le(DECL('UTF-8'))).conflict).toBeDefined();
    expect(sniffXmlEncoding(le(DECL('UTF-16BE'))).conflict).toBeDefined();
    expect(sniffXmlEncoding(le(DECL('UTF-16'))).conflict).toBeUndefined();
    expect(sniffXmlEncoding(le(DECL('utf-16le'))).conflict).toBeUndefined();
    expect(sniffXmlEncoding(le(DECL('ISO-10646-UCS-2'))).conflict).toBeUndefined();
    const utf8bom = Buffer.concat([hex('EF BB BF'), Buffer.from(DECL('ISO-8859-1'))]);
    expect(sniffXmlEncoding(utf8bom).conflict).toMatch(/UTF-8 byte order mark/);
  });
  it('EBCDIC declaration picks the code page', () => {
    // "<?xml version="1.0" encoding="IBM1047"?>" in IBM037 (the declaration characters are invariant)
    const text = '<?xml version="1.0" encoding="IBM1047"?>';
    const e = Buffer.from(Buffer.from(text, 'latin1').map((c) => EBCDIC_INVARIANT.get(c) ?? 0x6f));
    expect(sniffXmlEncoding(e)).toMatchObject({ encoding: 'ibm1047', family: 'ebcdic', declared: 'ibm1047' });
  });
  it('unknown labels are unsupported', () => {
    expect(sniffXmlEncoding(Buffer.from(DECL('x-klingon')))).toMatchObject({ unsupported: true, encoding: 'utf-8' });
  });
});

/** ASCII -> IBM037 for the characters of an XML declaration. */
const EBCDIC_INVARIANT = new Map<number, number>(
  Object.entries({
    '<': 0x4c, '?': 0x6f, x: 0xa7, m: 0x94, l: 0x93, ' ': 0x40, v: 0xa5, e: 0x85, r: 0x99, s: 0xa2, i: 0x89,
    o: 0x96, n: 0x95, '=': 0x7e, '"': 0x7f, '1': 0xf1, '.': 0x4b, '0': 0xf0, c: 0x83, d: 0x84, g: 0x87,
    I: 0xc9, B: 0xc2, M: 0xd4, '4': 0xf4, '7': 0xf7, '>': 0x6e,
  }).map(([k, v]) => [k.charCodeAt(0), v]),
);

describe('parseXmlDeclaration', () => {
  it('reads pseudo-attributes in any order with either quote and any whitespace', () => {
    const text = `<?xml\tversion = '1.0'\r\n encoding="Latin1"  standalone='yes' ?>`;
    const d = parseXmlDeclaration(Buffer.from(`${text}<a/>`));
    expect(d).toEqual({ version: '1.0', encoding: 'latin1', standalone: 'yes', end: text.length });
  });
  it('is null for things that are not declarations', () => {
    expect(parseXmlDeclaration(Buffer.from('<?xml-stylesheet href="a"?>'))).toBeNull();
    expect(parseXmlDeclaration(Buffer.from('<a/>'))).toBeNull();
  });
  it('reports an unterminated declaration with end -1', () => {
    expect(parseXmlDeclaration(Buffer.from('<?xml version="1.0" encoding="utf-8"'))).toMatchObject({ end: -1, encoding: 'utf-8' });
  });
});
