/** Property tests for the charset layer: no input throws, output stays within limits and round-trips. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCharRefs } from '../../../src/engine/charset/char-refs.js';
import { sniffXmlEncoding } from '../../../src/engine/charset/sniff.js';
import { isTranscodeError, transcode, transcodeLenient } from '../../../src/engine/charset/transcode.js';

const ENCODINGS = [
  'utf-8', 'utf-16', 'utf-16le', 'utf-16be', 'utf-32', 'utf-32le', 'utf-32be', 'utf-32-2143', 'utf-32-3412',
  'utf-7', 'ibm037', 'ibm500', 'ibm1047', 'iso-8859-1', 'windows-1252', 'windows-1251', 'shift_jis',
];

describe('charset properties', () => {
  it('lenient transcoding of random bytes never throws and respects maxOut', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...ENCODINGS), fc.integer({ min: 0, max: 400 }), (b, enc, maxOut) => {
        const r = transcodeLenient(b, enc, maxOut);
        expect(isTranscodeError(r)).toBe(false);
        if (isTranscodeError(r)) return;
        expect(r.out.length).toBeLessThanOrEqual(maxOut);
        expect(r.consumed).toBeLessThanOrEqual(b.length);
        // Output is always valid UTF-8.
        expect(Buffer.from(Buffer.from(r.out).toString('utf8'), 'utf8').equals(Buffer.from(r.out))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('output under a limit is a prefix of the unlimited output', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...ENCODINGS), fc.integer({ min: 0, max: 200 }), (b, enc, maxOut) => {
        const full = transcodeLenient(b, enc, 1 << 20);
        const cut = transcodeLenient(b, enc, maxOut);
        if (isTranscodeError(full) || isTranscodeError(cut)) throw new Error('unexpected');
        expect(Buffer.from(full.out).subarray(0, cut.out.length).equals(Buffer.from(cut.out))).toBe(true);
        if (!cut.truncated) expect(cut.out.length).toBe(full.out.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('UTF-16/32 round-trip any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        const le = Buffer.from(s, 'utf16le');
        expect(Buffer.from(transcode(le, 'utf-16le') as Uint8Array).toString()).toBe(s.replace(/^\ufeff/, ''));
        const cps = [...s].map((c) => c.codePointAt(0)!);
        const u32 = Buffer.alloc(cps.length * 4);
        cps.forEach((cp, i) => u32.writeUInt32BE(cp, i * 4));
        expect(Buffer.from(transcode(u32, 'utf-32be') as Uint8Array).toString()).toBe(s.replace(/^\ufeff/, ''));
      }),
    );
  });

  it('UTF-7: encoding any string as one base64 run decodes back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (s) => {
        const run = Buffer.from(s, 'utf16le').swap16().toString('base64').replace(/=+$/, '');
        const out = transcode(Buffer.from(`+${run}-`), 'utf-7');
        expect(isTranscodeError(out)).toBe(false);
        expect(Buffer.from(out as Uint8Array).toString()).toBe(s.replace(/^\ufeff/, ''));
      }),
    );
  });

  it('sniffing never throws and stays within its vocabulary', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const s = sniffXmlEncoding(b);
        expect(s.bomLength).toBeLessThanOrEqual(4);
        expect(s.confidence).toBeGreaterThanOrEqual(0);
        expect(s.confidence).toBeLessThanOrEqual(1);
        expect(s.declarationEnd).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodeCharRefs output is never longer than its input', () => {
    const refish = fc.array(fc.constantFrom('&', '#', 'x', ';', '0', '9', 'F', 'a', 'lt;', 'amp;', '1', '\u00e9'), { maxLength: 80 });
    fc.assert(
      fc.property(refish, (parts) => {
        const b = Buffer.from(parts.join(''), 'utf8');
        const out = decodeCharRefs(b);
        if (out) expect(out.length).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 2000 },
    );
  });
});
