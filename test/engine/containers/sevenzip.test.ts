import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readSevenZip } from '../../../src/engine/containers/sevenzip.js';
import { fixture } from './harness.js';

describe('readSevenZip', () => {
  it('reads single-folder archives with copy, LZMA and LZMA2 coders, plain or LZMA-encoded headers', () => {
    for (const name of ['7z.copy', '7z.lzma', '7z.lzma2', '7z.lzma.encoded-header']) {
      const r = readSevenZip(fixture(name));
      expect(r.anomalies, name).toEqual([]);
      expect(r.opaque).toBeUndefined();
      expect(r.entries.map((e) => e.name)).toEqual(['archive/data.pkl', 'archive/version', 'archive/data/0']);
      expect(Buffer.from(r.entries[0]?.data as Uint8Array)).toEqual(fixture('pickle.evil.p2'));
    }
  });

  it('P6: a 7z-wrapped PyTorch zip comes out whole', () => {
    const r = readSevenZip(fixture('7z.torch-zip-inside'));
    expect(r.entries[0]?.name).toBe('model.pt');
    expect(Buffer.from(r.entries[0]?.data as Uint8Array).subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
  });

  it('reports encrypted archives as opaque', () => {
    expect(readSevenZip(fixture('7z.aes')).opaque).toMatch(/encrypted/);
  });

  it('refuses CRC mismatches and truncation', () => {
    const b = Buffer.from(fixture('7z.lzma'));
    b[40] = (b[40] as number) ^ 0xff;
    const r = readSevenZip(b);
    expect(r.anomalies.length + (r.opaque ? 1 : 0)).toBeGreaterThan(0);
    const t = fixture('7z.lzma2');
    expect(readSevenZip(t.subarray(0, t.length - 5)).anomalies.length).toBeGreaterThan(0);
    const start = Buffer.from(fixture('7z.copy'));
    start[12] = 9;
    expect(readSevenZip(start).anomalies[0]).toMatch(/start header CRC/);
  });

  it('respects the output limit', () => {
    expect(readSevenZip(fixture('7z.lzma'), 0, { maxOutputBytes: 10, maxRatio: 100, ratioGraceBytes: 0, maxEntries: 10 }).limit).toBeDefined();
  });

  it('never throws on mutated archives', () => {
    const seeds = ['7z.copy', '7z.lzma', '7z.lzma2', '7z.lzma.encoded-header', '7z.aes'].map(fixture);
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), (i, edits, cut) => {
        const b = Buffer.from(seeds[i] as Buffer);
        for (const [pos, v] of edits) b[32 + (pos % (b.length - 32))] = v;
        const input = b.subarray(0, b.length - (cut % 16));
        const r = readSevenZip(input, 0, { maxOutputBytes: 4096, maxRatio: 1e9, ratioGraceBytes: 0, maxEntries: 50 });
        const total = r.entries.reduce((n, e) => n + e.data.length, 0);
        expect(total).toBeLessThanOrEqual(4096 + input.length);
      }),
      { numRuns: 600 },
    );
  });
});
