import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeLzmaAlone, parseLzmaAloneHeader } from '../../../src/engine/containers/lzma.js';
import { decodePropsByte } from '../../../src/engine/containers/lzma-decoder.js';
import { fixture, fixtureMeta, fixtureNames } from './harness.js';

const OPEN = { maxOutputBytes: 1 << 24, maxRatio: 1e9, ratioGraceBytes: 0 };
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('LZMA "alone" decoder', () => {
  for (const name of fixtureNames('lzma.')) {
    it(`round-trips python3 lzma FORMAT_ALONE output: ${name}`, () => {
      const r = decodeLzmaAlone(fixture(name), OPEN);
      expect(r.error).toBeUndefined();
      expect(r.warnings).toBeUndefined();
      expect(r.output.length).toBe(fixtureMeta(name).size);
      expect(sha(r.output)).toBe(fixtureMeta(name).sha256);
      expect(r.consumed).toBe(fixture(name).length);
    });
  }

  it('decodes the compressed joblib pickle (P35)', () => {
    expect(Buffer.from(decodeLzmaAlone(fixture('joblib.lzma')).output)).toEqual(fixture('pickle.evil.p4'));
  });

  it('honours a declared size (stops there, end marker not needed)', () => {
    const b = Buffer.from(fixture('lzma.text'));
    b.writeBigUInt64LE(BigInt(fixtureMeta('lzma.text').size as number), 5);
    const r = decodeLzmaAlone(b, OPEN);
    expect(r.error).toBeUndefined();
    expect(sha(r.output)).toBe(fixtureMeta('lzma.text').sha256);
  });

  it('refuses a declared size larger than the cap before decoding', () => {
    const b = Buffer.from(fixture('lzma.text'));
    b.writeBigUInt64LE(1n << 30n, 5);
    expect(decodeLzmaAlone(b, OPEN).error?.kind).toBe('limit');
  });

  it('refuses lc + lp > 4 like liblzma does', () => {
    expect(decodePropsByte(0x5d)).toEqual({ lc: 3, lp: 0, pb: 2 });
    expect(decodePropsByte(5 + 9 * 0)).toBeUndefined();
    const b = Buffer.from(fixture('lzma.text'));
    b[0] = 8;
    expect(decodeLzmaAlone(b, OPEN).error?.kind).toBe('unsupported');
  });

  it('checks the header for sniffing (first coder byte must be zero)', () => {
    expect(parseLzmaAloneHeader(fixture('lzma.text'))).toMatchObject({ lc: 3, lp: 0, pb: 2, size: -1 });
    const b = Buffer.from(fixture('lzma.text'));
    b[13] = 1;
    expect(parseLzmaAloneHeader(b)).toBeUndefined();
    expect(parseLzmaAloneHeader(Buffer.from('hello world, plain text'))).toBeUndefined();
  });

  it('reports truncation, and the cap and ratio limits', () => {
    const t = fixture('lzma.text');
    expect(decodeLzmaAlone(t.subarray(0, t.length - 10), OPEN).error?.kind).toBe('truncated');
    const capped = decodeLzmaAlone(t, { maxOutputBytes: 500, maxRatio: 1e9, ratioGraceBytes: 0 });
    expect(capped.error?.kind).toBe('limit');
    expect(capped.output.length).toBeLessThanOrEqual(500);
    expect(decodeLzmaAlone(t, { maxOutputBytes: 1 << 20, maxRatio: 2, ratioGraceBytes: 0 }).error?.kind).toBe('limit');
  });

  it('never throws on mutated or random input and respects the cap', () => {
    const seeds = fixtureNames('lzma.').map((n) => fixture(n));
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), (i, edits, cut) => {
        const b = Buffer.from(seeds[i] as Buffer);
        for (const [pos, v] of edits) if (b.length > 0) b[pos % b.length] = v;
        const input = b.subarray(0, cut % (b.length + 1));
        const r = decodeLzmaAlone(input, { maxOutputBytes: 4096, maxRatio: 1e9, ratioGraceBytes: 0 });
        expect(r.output.length).toBeLessThanOrEqual(4096);
        expect(r.consumed).toBeLessThanOrEqual(input.length);
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        const input = Buffer.concat([Buffer.from([0x5d, 0, 0, 1, 0, 255, 255, 255, 255, 255, 255, 255, 255, 0]), tail]);
        expect(decodeLzmaAlone(input, { maxOutputBytes: 4096, maxRatio: 1e9, ratioGraceBytes: 0 }).output.length).toBeLessThanOrEqual(4096);
      }),
      { numRuns: 400 },
    );
  });
});
