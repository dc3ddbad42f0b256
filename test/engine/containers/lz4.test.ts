import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeLz4 } from '../../../src/engine/containers/lz4.js';
import { xxhash32 } from '../../../src/engine/containers/xxhash32.js';
import { fixture, fixtureMeta, fixtureNames, run } from './harness.js';

const OPEN = { maxOutputBytes: 1 << 24, maxRatio: 1e9, ratioGraceBytes: 0 };
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('xxHash32', () => {
  it('matches the reference values', () => {
    expect(xxhash32(Buffer.alloc(0))).toBe(0x02cc5d05);
    expect(xxhash32(Buffer.from('a'))).toBe(0x550d7456);
    expect(xxhash32(Buffer.from('abc'))).toBe(0x32d153ff);
    expect(xxhash32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  });
});

describe('LZ4 frame decoder', () => {
  const names = fixtureNames('lz4.');
  it('has lz4 CLI fixtures (regenerate with test/fixtures/containers/generate.py)', () => {
    expect(names.length).toBeGreaterThan(0);
  });

  for (const name of names) {
    it(`round-trips lz4 CLI output: ${name}`, () => {
      const r = decodeLz4(fixture(name), OPEN);
      expect(r.error).toBeUndefined();
      expect(r.warnings).toBeUndefined();
      expect(r.output.length).toBe(fixtureMeta(name).size);
      expect(sha(r.output)).toBe(fixtureMeta(name).sha256);
    });
  }

  it('a joblib lz4 pickle is unwrapped by the detector (P35)', () => {
    const r = run(fixture('joblib.lz4'), { filename: 'clf.joblib' });
    expect(r.findings).toEqual([]);
    expect(Buffer.from(r.layers[1]?.bytes ?? [])).toEqual(fixture('pickle.evil.p4'));
  });

  it('refuses header, block and content checksum mismatches, and truncation', () => {
    const h = Buffer.from(fixture('lz4.default.text'));
    h[6] = (h[6] as number) ^ 1;
    expect(decodeLz4(h, OPEN).error?.kind).toBe('malformed');
    const c = Buffer.from(fixture('lz4.default.text'));
    c[c.length - 1] = (c[c.length - 1] as number) ^ 1;
    expect(decodeLz4(c, OPEN).error?.reason).toMatch(/content checksum/);
    const t = fixture('lz4.linked.big');
    expect(decodeLz4(t.subarray(0, t.length - 9), OPEN).error?.kind).toBe('truncated');
  });

  it('warns about trailing garbage and respects the cap', () => {
    const r = decodeLz4(Buffer.concat([fixture('lz4.default.text'), Buffer.from('junk')]), OPEN);
    expect(r.warnings?.length).toBe(1);
    const capped = decodeLz4(fixture('lz4.default.big'), { maxOutputBytes: 1000, maxRatio: 1e9, ratioGraceBytes: 0 });
    expect(capped.error?.kind).toBe('limit');
    expect(capped.output.length).toBeLessThanOrEqual(1000);
  });

  it('never throws on mutated or random input', () => {
    const seeds = names.map(fixture);
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), (i, edits, cut) => {
        const b = Buffer.from(seeds[i] as Buffer);
        for (const [pos, v] of edits) b[pos % b.length] = v;
        const input = b.subarray(0, b.length - (cut % 32));
        const r = decodeLz4(input, { maxOutputBytes: 4096, maxRatio: 1e9, ratioGraceBytes: 0 });
        expect(r.output.length).toBeLessThanOrEqual(4096);
        expect(r.consumed).toBeLessThanOrEqual(input.length);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        decodeLz4(Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]), tail]), { maxOutputBytes: 4096, maxRatio: 1e9, ratioGraceBytes: 0 });
      }),
      { numRuns: 500 },
    );
  });
});
