import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeXz } from '../../../src/engine/containers/xz.js';
import { OutBuf } from '../../../src/engine/containers/outbuf.js';
import { decodeLzma2, lzma2DictSize } from '../../../src/engine/containers/lzma2.js';
import { fixture, fixtureMeta, fixtureNames } from './harness.js';

const OPEN = { maxOutputBytes: 1 << 24, maxRatio: 1e9, ratioGraceBytes: 0 };
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('xz decoder (LZMA2)', () => {
  for (const name of fixtureNames('xz.').filter((n) => n !== 'xz.delta')) {
    it(`round-trips python3 lzma FORMAT_XZ output: ${name}`, () => {
      const r = decodeXz(fixture(name), OPEN);
      expect(r.error).toBeUndefined();
      expect(r.warnings).toBeUndefined();
      expect(r.output.length).toBe(fixtureMeta(name).size);
      expect(sha(r.output)).toBe(fixtureMeta(name).sha256);
    });
  }

  it('decodes the compressed joblib pickle (P35)', () => {
    expect(Buffer.from(decodeXz(fixture('joblib.xz')).output)).toEqual(fixture('pickle.evil.p4'));
  });

  it('refuses filter chains other than plain LZMA2 as unsupported', () => {
    expect(decodeXz(fixture('xz.delta'), OPEN).error?.kind).toBe('unsupported');
  });

  it('accepts stream padding, warns about trailing garbage', () => {
    const padded = Buffer.concat([fixture('xz.concat'), Buffer.alloc(8)]);
    expect(decodeXz(padded, OPEN).warnings).toBeUndefined();
    const junk = decodeXz(Buffer.concat([fixture('xz.concat'), Buffer.from('junk')]), OPEN);
    expect(Buffer.from(junk.output).toString()).toBe('onetwo');
    expect(junk.warnings?.[0]?.reason).toMatch(/not an xz stream/);
  });

  it('refuses corrupted integrity checks and headers', () => {
    const b = Buffer.from(fixture('xz.check.crc64'));
    const footer = b.length - 12;
    const index = footer - (b.readUInt32LE(footer + 4) + 1) * 4;
    b[index - 1] = (b[index - 1] as number) ^ 1; // last byte of the block check
    expect(decodeXz(b, OPEN).error?.reason).toMatch(/integrity check/);
    const h = Buffer.from(fixture('xz.text'));
    h[7] = 5; // stream flags no longer match their CRC
    expect(decodeXz(h, OPEN).error?.kind).toBe('malformed');
  });

  it('reports truncation and limits', () => {
    const t = fixture('xz.text');
    expect(decodeXz(t.subarray(0, t.length - 30), OPEN).error?.kind).toBe('truncated');
    const capped = decodeXz(t, { maxOutputBytes: 1000, maxRatio: 1e9, ratioGraceBytes: 0 });
    expect(capped.error?.kind).toBe('limit');
    expect(capped.output.length).toBeLessThanOrEqual(1000);
  });

  it('stops when the inspection budget is exhausted', () => {
    expect(decodeXz(fixture('xz.text'), { ...OPEN, interrupt: () => true }).error).toMatchObject({ kind: 'limit', limit: 'inspectionBudget' });
  });

  it('LZMA2 requires a dictionary reset first and an end byte', () => {
    const out = new OutBuf(100);
    expect(decodeLzma2(Buffer.from([0x02, 0x00, 0x00, 0x41, 0x00]), 0, 5, out).error?.reason).toMatch(/dictionary reset/);
    const ok = new OutBuf(100);
    expect(decodeLzma2(Buffer.from([0x01, 0x00, 0x01, 0x41, 0x42, 0x00]), 0, 6, ok)).toEqual({ end: 6 });
    expect(Buffer.from(ok.view()).toString()).toBe('AB');
    expect(decodeLzma2(Buffer.from([0x01, 0x00, 0x01, 0x41, 0x42]), 0, 5, new OutBuf(100)).error?.kind).toBe('truncated');
    expect(lzma2DictSize(40)).toBe(0xffffffff);
    expect(lzma2DictSize(41)).toBe(-1);
  });

  it('never throws on mutated or random input and respects the cap', () => {
    const seeds = fixtureNames('xz.').map((n) => fixture(n));
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), (i, edits, cut) => {
        const b = Buffer.from(seeds[i] as Buffer);
        for (const [pos, v] of edits) if (b.length > 0) b[pos % b.length] = v;
        const input = b.subarray(0, cut % (b.length + 1));
        const r = decodeXz(input, { maxOutputBytes: 4096, maxRatio: 1e9, ratioGraceBytes: 0 });
        expect(r.output.length).toBeLessThanOrEqual(4096);
        expect(r.consumed).toBeLessThanOrEqual(input.length);
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        const out = new OutBuf(2048);
        const input = Buffer.concat([Buffer.from([0xe0]), tail]);
        decodeLzma2(input, 0, input.length, out);
        expect(out.pos).toBeLessThanOrEqual(2048);
      }),
      { numRuns: 400 },
    );
  });
});
