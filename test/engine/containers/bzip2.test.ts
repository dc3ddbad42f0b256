import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeBzip2 } from '../../../src/engine/containers/bzip2.js';
import { fixture, fixtureMeta, fixtureNames } from './harness.js';

const OPEN = { maxOutputBytes: 1 << 24, maxRatio: 1e9, ratioGraceBytes: 0 };
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('bzip2 decoder', () => {
  for (const name of fixtureNames('bz2.')) {
    it(`round-trips python3 bz2 output: ${name}`, () => {
      const r = decodeBzip2(fixture(name), OPEN);
      expect(r.error).toBeUndefined();
      expect(r.warnings).toBeUndefined();
      expect(r.output.length).toBe(fixtureMeta(name).size);
      expect(sha(r.output)).toBe(fixtureMeta(name).sha256);
      expect(r.consumed).toBe(fixture(name).length);
    });
  }

  it('decodes the compressed joblib pickle (P35)', () => {
    const r = decodeBzip2(fixture('joblib.bz2'));
    expect(Buffer.from(r.output)).toEqual(fixture('pickle.evil.p4'));
  });

  it('reports trailing garbage as a warning but keeps the output', () => {
    const input = Buffer.concat([fixture('bz2.concat'), Buffer.from('junk')]);
    const r = decodeBzip2(input, OPEN);
    expect(r.error).toBeUndefined();
    expect(Buffer.from(r.output).toString()).toBe('onetwo');
    expect(r.warnings?.[0]?.reason).toMatch(/after the last bzip2 stream/);
  });

  it('refuses a truncated stream and says so', () => {
    const full = fixture('bz2.text');
    const r = decodeBzip2(full.subarray(0, full.length - 20), OPEN);
    expect(r.error?.kind).toBe('truncated');
  });

  it('refuses a block CRC mismatch', () => {
    const b = Buffer.from(fixture('bz2.text'));
    b[10] = (b[10] as number) ^ 0xff; // inside the stored block CRC
    const r = decodeBzip2(b, OPEN);
    expect(r.error?.kind).toBe('malformed');
  });

  it('refuses randomised blocks as unsupported', () => {
    const b = Buffer.from(fixture('bz2.one'));
    b[14] = (b[14] as number) | 0x80; // first bit after the 32-bit block CRC
    expect(decodeBzip2(b, OPEN).error?.kind).toBe('unsupported');
  });

  it('stops at the output cap and at the ratio cap', () => {
    const runs = fixture('bz2.runs');
    const capped = decodeBzip2(runs, { maxOutputBytes: 100, maxRatio: 1e9, ratioGraceBytes: 0 });
    expect(capped.error?.kind).toBe('limit');
    expect(capped.output.length).toBeLessThanOrEqual(100);
    const ratio = decodeBzip2(runs, { maxOutputBytes: 1 << 20, maxRatio: 2, ratioGraceBytes: 0 });
    expect(ratio.error?.kind).toBe('limit');
    expect(ratio.output.length).toBeLessThanOrEqual(2 * runs.length);
  });

  it('stops when the inspection budget is exhausted', () => {
    const r = decodeBzip2(fixture('bz2.text'), { ...OPEN, interrupt: () => true });
    expect(r.error).toMatchObject({ kind: 'limit', limit: 'inspectionBudget' });
  });

  it('never throws on random or mutated input and respects the cap', () => {
    const seeds = fixtureNames('bz2.').map((n) => fixture(n));
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), (i, edits, cut) => {
        const b = Buffer.from(seeds[i] as Buffer);
        for (const [pos, v] of edits) if (b.length > 0) b[pos % b.length] = v;
        const input = b.subarray(0, b.length === 0 ? 0 : (cut % (b.length + 1)));
        const r = decodeBzip2(input, { maxOutputBytes: 4096, maxRatio: 1e9, ratioGraceBytes: 0 });
        expect(r.output.length).toBeLessThanOrEqual(4096);
        expect(r.consumed).toBeLessThanOrEqual(input.length);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (tail) => {
        const input = Buffer.concat([Buffer.from('BZh91AY&SY'), tail]);
        expect(decodeBzip2(input, { maxOutputBytes: 4096, maxRatio: 1e9, ratioGraceBytes: 0 }).output.length).toBeLessThanOrEqual(4096);
      }),
      { numRuns: 300 },
    );
  });
});
