/** Transcoders checked against Python codecs and the JDK EBCDIC tables (test/fixtures/xml), RFC 2152 examples and limits. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IBM037_TABLE, IBM1047_TABLE, IBM500_TABLE } from '../../../src/engine/charset/ebcdic-tables.js';
import { isTranscodeError, transcode, transcodeLenient } from '../../../src/engine/charset/transcode.js';
import { decodeUtf7 } from '../../../src/engine/charset/utf7.js';

interface Encoded {
  readonly name: string;
  readonly encoding: string;
  readonly b64: string;
  readonly utf8_b64: string;
}
const fixture = (f: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/xml/${f}`, import.meta.url), 'utf8'));
const ENCODED = fixture('encoded.json') as Encoded[];
const TABLES = fixture('ebcdic-tables.json') as Record<string, number[]>;

describe('transcode against Python codecs (test/fixtures/xml/gen_encoded.py)', () => {
  for (const f of ENCODED) {
    it(f.name, () => {
      const out = transcode(Buffer.from(f.b64, 'base64'), f.encoding);
      expect(isTranscodeError(out)).toBe(false);
      expect(Buffer.from(out as Uint8Array).toString('utf8')).toBe(Buffer.from(f.utf8_b64, 'base64').toString('utf8'));
    });
  }
});

describe('EBCDIC tables equal the JDK charsets (test/fixtures/xml/EbcdicTables.java)', () => {
  it('IBM037, IBM500, IBM1047', () => {
    expect([...IBM037_TABLE]).toEqual(TABLES.ibm037);
    expect([...IBM500_TABLE]).toEqual(TABLES.ibm500);
    expect([...IBM1047_TABLE]).toEqual(TABLES.ibm1047);
  });
});

describe('UTF-16 / UTF-32', () => {
  it('decodes surrogate pairs and strips a BOM', () => {
    const s = 'a\u{1F600}\u00e9';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
    expect(Buffer.from(transcode(le, 'utf-16') as Uint8Array).toString()).toBe(s);
    expect(Buffer.from(transcode(Buffer.from(s, 'utf16le').swap16(), 'UTF-16BE') as Uint8Array).toString()).toBe(s);
  });
  it('unmarked UTF-16 guesses the byte order from the first unit', () => {
    expect(Buffer.from(transcode(Buffer.from('<a/>', 'utf16le'), 'utf-16') as Uint8Array).toString()).toBe('<a/>');
    expect(Buffer.from(transcode(Buffer.from('<a/>', 'utf16le').swap16(), 'utf-16') as Uint8Array).toString()).toBe('<a/>');
  });
  it('lone surrogates and odd trailing bytes are invalid, with their offset', () => {
    expect(transcode(Buffer.from([0x3c, 0x00, 0x00, 0xdc, 0x3e, 0x00]), 'utf-16le')).toEqual({ error: 'invalid', offset: 2 });
    expect(transcode(Buffer.from([0x3c, 0x00, 0x3e]), 'utf-16le')).toEqual({ error: 'invalid', offset: 2 });
    const lenient = transcodeLenient(Buffer.from([0x3c, 0x00, 0x00, 0xd8, 0x3e, 0x00]), 'utf-16le');
    expect(isTranscodeError(lenient)).toBe(false);
    if (!isTranscodeError(lenient)) {
      expect(Buffer.from(lenient.out).toString()).toBe('<\ufffd>');
      expect(lenient.errors).toBe(1);
    }
  });
  it('UTF-32 above U+10FFFF is invalid', () => {
    expect(transcode(Buffer.from([0x00, 0x11, 0x00, 0x00]), 'utf-32be')).toEqual({ error: 'invalid', offset: 0 });
  });
});

describe('UTF-7 (RFC 2152)', () => {
  const u7 = (s: string): string => Buffer.from(decodeUtf7(Buffer.from(s, 'latin1'), 1 << 20).out).toString('utf8');
  it('RFC 2152 examples', () => {
    expect(u7('A+ImIDkQ.')).toBe('A\u2262\u0391.');
    expect(u7('Hi Mom -+Jjo--!')).toBe('Hi Mom -\u263a-!');
    expect(u7('+ZeVnLIqe-')).toBe('\u65e5\u672c\u8a9e');
    expect(u7('1 +- 1 = 2')).toBe('1 + 1 = 2');
  });
  it('the WAF-evasion spelling of <!DOCTYPE', () => {
    expect(u7('+ADwAIQ-DOCTYPE foo +AFs-')).toBe('<!DOCTYPE foo [');
    expect(u7('+ADw-!ENTITY')).toBe('<!ENTITY');
  });
  it('surrogate pairs across the base64 run', () => {
    expect(u7('+2D3eAA-')).toBe('\u{1F600}');
  });
  it('malformed runs are counted', () => {
    expect(decodeUtf7(Buffer.from('+AD- \u00ff', 'latin1'), 100).errors).toBeGreaterThanOrEqual(2);
    expect(decodeUtf7(Buffer.from('+ ', 'latin1'), 100).errors).toBe(1);
    expect(transcode(Buffer.from('+ADx-'), 'utf-7')).toMatchObject({ error: 'invalid' });
  });
});

describe('limits and unknown charsets', () => {
  it('maxOut', () => {
    expect(transcode(Buffer.from('abcdef', 'utf16le'), 'utf-16le', 4)).toEqual({ error: 'limit', offset: 8 });
    const r = transcodeLenient(Buffer.from('abcdef', 'utf16le'), 'utf-16le', 4);
    if (isTranscodeError(r)) throw new Error('unexpected');
    expect(Buffer.from(r.out).toString()).toBe('abcd');
    expect(r.truncated).toBe(true);
  });
  it('never splits a UTF-8 character at the limit', () => {
    const r = transcodeLenient(Buffer.from('aé€', 'utf16le'), 'utf-16le', 4);
    if (isTranscodeError(r)) throw new Error('unexpected');
    expect(Buffer.from(r.out).toString()).toBe('aé');
  });
  it('unknown charsets are unsupported', () => {
    expect(transcode(Buffer.from('a'), 'x-nothing')).toEqual({ error: 'unsupported', offset: 0 });
  });
  it('single-byte charsets through TextDecoder', () => {
    expect(Buffer.from(transcode(Buffer.from([0x3c, 0xe8, 0x3e]), 'windows-1250') as Uint8Array).toString()).toBe('<č>');
    expect(Buffer.from(transcode(Buffer.from([0x80, 0xe9]), 'iso-8859-1') as Uint8Array).toString()).toBe('\u0080é');
    expect(Buffer.from(transcode(Buffer.from([0x80, 0xe9]), 'cp1252') as Uint8Array).toString()).toBe('€é');
  });
});
