import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readZip, type ZipReport } from '../../../src/engine/containers/zip.js';
import { DEFAULT_ZIP_LIMITS } from '../../../src/engine/containers/zip-limits.js';
import { buildZip, type ZEntry } from './zipwriter.js';
import { fixture } from './harness.js';

const PKL = Buffer.from('\x80\x04\x95\x1d\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94\x8c\x02id\x94\x85\x94R\x94.', 'latin1');
const codes = (r: ZipReport): string[] => r.anomalies.map((a) => a.code);
const torch = (over: Partial<ZEntry> = {}): ZEntry[] => [
  { name: 'archive/data.pkl', data: PKL, ...over },
  { name: 'archive/version', data: '3\n' },
  { name: 'archive/data/0', data: Buffer.alloc(64, 7) },
];

describe('readZip: well-formed archives', () => {
  it('reads stored and deflated entries, verifying CRCs and sizes', () => {
    const r = readZip(buildZip([{ name: 'a.txt', data: 'hello' }, { name: 'b.txt', data: 'x'.repeat(5000), method: 8 }]), 0);
    expect(r.isZip).toBe(true);
    expect(r.anomalies).toEqual([]);
    expect(r.entries.map((e) => [e.name, e.data?.length])).toEqual([['a.txt', 5], ['b.txt', 5000]]);
  });

  it('accepts data descriptors in all common layouts when they agree', () => {
    for (const descriptor of ['sig', 'nosig', 'sig64'] as const) {
      const r = readZip(buildZip([{ name: 'a', data: 'hello', descriptor, method: 8 }, { name: 'b', data: 'world', descriptor }]), 0);
      expect(r.anomalies, descriptor).toEqual([]);
      expect(r.entries.every((e) => e.data !== undefined)).toBe(true);
    }
  });

  it('reads zip64 end records and zip64 extra fields', () => {
    const z = buildZip([{ name: 'a', data: 'hello', zip64: true }, { name: 'b', data: 'x'.repeat(300), method: 8, zip64: true, descriptor: 'sig64' }], { zip64End: true });
    const r = readZip(z, 0);
    expect(r.anomalies).toEqual([]);
    expect(r.entries.map((e) => e.data?.length)).toEqual([5, 300]);
  });

  it('reads real archives: python zipfile (PyTorch-shaped), a JDK jar, a docx', () => {
    for (const name of ['zip.torch.benign', 'zip.torch.evil.deflated', 'zip.jar', 'zip.docx', 'npz.object']) {
      const r = readZip(fixture(name), 0, DEFAULT_ZIP_LIMITS, { strict: true });
      expect(r.anomalies, name).toEqual([]);
      expect(r.entries.length).toBeGreaterThan(1);
    }
  });

  it('tolerates an APK signing block between the entries and the directory', () => {
    const block = Buffer.alloc(8 + 40);
    block.writeBigUInt64LE(40n, 0);
    block.writeBigUInt64LE(40n, 8 + 40 - 24);
    Buffer.from('APK Sig Block 42').copy(block, 8 + 40 - 16);
    expect(codes(readZip(buildZip([{ name: 'a', data: 'x' }], { gap: block }), 0))).toEqual([]);
    expect(codes(readZip(buildZip([{ name: 'a', data: 'x' }], { gap: 'hidden bytes' }), 0))).toContain('gap');
  });

  it('says "not a zip" for a chance signature in other data', () => {
    const noise = Buffer.concat([Buffer.from('some text PK\x03\x04 and more text and PK\x05\x06 too'), Buffer.alloc(40, 0x41)]);
    expect(readZip(noise, noise.indexOf('PK\x03\x04')).isZip).toBe(false);
  });
});

describe('readZip: parser differentials and malformations are refused', () => {
  it('P9: local name differs from central name', () => {
    const r = readZip(buildZip(torch({ localName: 'archive/datap.kl' })), 0);
    expect(codes(r)).toContain('name-mismatch');
    expect(r.entries[0]?.name).toBe('archive/data.pkl'); // labelled as loaders look it up
    expect(r.entries[0]?.data).toBeDefined();
  });

  it('P10: flag bits 0x1, 0x20, 0x40 and unknown bits (data is still extracted for inspection)', () => {
    const want: Record<number, string> = { 0x1: 'encrypted', 0x20: 'flags', 0x40: 'encrypted', 0x4000: 'flags', 0x10: 'flags' };
    for (const [flag, code] of Object.entries(want)) {
      const r = readZip(buildZip(torch({ flags: Number(flag) })), 0);
      expect(codes(r), flag).toContain(code);
      expect(r.entries[0]?.data).toBeDefined();
    }
    expect(codes(readZip(buildZip(torch({ flags: 0x1, centralFlags: 0 })), 0))).toContain('encrypted');
  });

  it('P11: CRC mismatch', () => {
    expect(codes(readZip(buildZip(torch({ crc: 0x12345678 })), 0))).toEqual(['crc']);
  });

  it('compression methods other than stored and deflate', () => {
    expect(codes(readZip(buildZip([{ name: 'a', data: 'hello', methodId: 12 }]), 0))).toContain('method');
  });

  it('duplicate names and NUL bytes in names', () => {
    expect(codes(readZip(buildZip([{ name: 'data.pkl', data: 'a' }, { name: 'data.pkl', data: 'b' }]), 0))).toContain('duplicate-name');
    expect(codes(readZip(buildZip([{ name: 'data.pkl\0.txt', data: 'a' }]), 0))).toContain('nul-in-name');
  });

  it('a local entry the central directory does not list (and it is still extracted)', () => {
    const r = readZip(buildZip([{ name: 'a', data: 'x' }, { name: 'hidden.pkl', data: PKL, unlisted: true }, { name: 'c', data: 'y' }]), 0);
    expect(codes(r)).toContain('unlisted-local');
    expect(r.entries.find((e) => e.name === 'hidden.pkl')?.data).toEqual(PKL);
  });

  it('data descriptors whose values disagree', () => {
    expect(codes(readZip(buildZip([{ name: 'a', data: 'hello', descriptor: 'sig', descriptorSize: 99 }]), 0))).toContain('descriptor');
  });

  it('declared sizes that disagree with the inflated size', () => {
    expect(codes(readZip(buildZip([{ name: 'a', data: 'x'.repeat(100), method: 8, declaredSize: 50 }]), 0))).toContain('size-mismatch');
    expect(codes(readZip(buildZip([{ name: 'a', data: 'x'.repeat(100), method: 8, declaredSize: 150 }]), 0))).toContain('size-mismatch');
    expect(codes(readZip(buildZip([{ name: 'a', data: 'x'.repeat(100), declaredSize: 150 }]), 0))).toContain('size-mismatch');
  });

  it('overlapping entries: two directory entries share a local header, or one starts inside another', () => {
    const shared = readZip(buildZip([{ name: 'a', data: 'x'.repeat(1000), method: 8 }, { name: 'b', data: 'y', centralPointsTo: 0 }]), 0);
    expect(codes(shared)).toContain('overlap');
    // "better zip bomb" shape: entry A's stored data contains entry B's local header.
    const inner = Buffer.from(buildZip([{ name: 'inner', data: 'kernel' }]));
    const localB = inner.subarray(0, inner.indexOf(Buffer.from('PK\x01\x02')));
    const outer = Buffer.from(buildZip([{ name: 'outer', data: localB }, { name: 'inner', data: 'kernel', unlisted: true }]));
    // Point a second central entry at the local header hidden inside 'outer'.
    const cd = outer.indexOf(Buffer.from('PK\x01\x02'));
    const eocd = outer.indexOf(Buffer.from('PK\x05\x06'));
    const dup = Buffer.from(outer.subarray(cd, eocd));
    dup.writeUInt32LE(30 + 'outer'.length, 42);
    dup.write('inner', 46, 'latin1');
    const bomb = Buffer.concat([outer.subarray(0, eocd), dup, outer.subarray(eocd)]);
    bomb.writeUInt16LE(2, bomb.length - 22 + 8);
    bomb.writeUInt16LE(2, bomb.length - 22 + 10);
    bomb.writeUInt32LE(dup.length * 2, bomb.length - 22 + 12);
    expect(codes(readZip(bomb, 0))).toContain('overlap');
  });

  it('entries outside the buffer and truncated archives', () => {
    const z = Buffer.from(buildZip(torch()));
    const truncated = z.subarray(0, z.length - 40);
    const r = readZip(truncated, 0);
    expect(r.isZip).toBe(true);
    expect(r.anomalies.length).toBeGreaterThan(0);
    const far = Buffer.from(z);
    const cd = far.indexOf(Buffer.from('PK\x01\x02'));
    far.writeUInt32LE(0x7fffff, cd + 42);
    expect(readZip(far, 0).anomalies.length).toBeGreaterThan(0);
  });

  it('polyglot prefix: an anomaly for model uploads only', () => {
    const z = buildZip(torch(), { prefix: 'GIF89a;<?php junk ?>' });
    const start = Buffer.from(z).indexOf('PK\x03\x04');
    expect(codes(readZip(z, start, DEFAULT_ZIP_LIMITS, { strict: true }))).toContain('prefix');
    expect(codes(readZip(z, start, DEFAULT_ZIP_LIMITS, { strict: false }))).toEqual([]);
    // Offsets already counting the prefix (zip -A) read the same way.
    const abs = buildZip(torch(), { prefix: 'MZ stub', absoluteOffsets: true });
    expect(codes(readZip(abs, 7))).toEqual([]);
    expect(codes(readZip(abs, 7, DEFAULT_ZIP_LIMITS, { strict: true }))).toContain('prefix');
  });

  it('trailing data after the end record (strict) and an end record hidden in the comment', () => {
    expect(codes(readZip(buildZip(torch(), { trailing: 'tail' }), 0, DEFAULT_ZIP_LIMITS, { strict: true }))).toContain('trailing');
    const inner = buildZip([{ name: 'fake.txt', data: 'decoy' }]);
    const eocd = Buffer.from(inner.subarray(Buffer.from(inner).indexOf('PK\x05\x06')));
    const z = buildZip(torch(), { comment: eocd.toString('latin1') });
    expect(codes(readZip(z, 0))).toContain('ambiguous-end-record');
  });

  it('a zip without an end record', () => {
    const z = Buffer.from(buildZip(torch()));
    const r = readZip(z.subarray(0, z.indexOf('PK\x01\x02')), 0);
    expect(codes(r)).toContain('no-end-record');
    expect(r.entries.length).toBe(3);
  });
});

describe('readZip: bombs and limits', () => {
  it('per-entry ratio: refuses before inflating', () => {
    const r = readZip(buildZip([{ name: 'zeros', data: Buffer.alloc(10 << 20), method: 8 }]), 0);
    expect(r.limit?.limit).toBe('containers.zipMaxRatio');
    expect(r.entries[0]?.data).toBeUndefined();
  });

  it('entry count', () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ name: `f${i}`, data: 'x' }));
    expect(readZip(buildZip(many), 0).limit?.limit).toBe('containers.zipMaxEntries');
    expect(readZip(buildZip(many.slice(0, 20)), 0, { ...DEFAULT_ZIP_LIMITS, maxEntries: 10 }).limit?.limit).toBe('containers.zipMaxEntries');
  });

  it('total uncompressed bytes and entry size', () => {
    const z = buildZip([{ name: 'a', data: 'a'.repeat(5000), method: 8 }, { name: 'b', data: 'b'.repeat(5000), method: 8 }]);
    expect(readZip(z, 0, { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 6000 }).limit?.limit).toBe('containers.zipMaxTotalBytes');
    expect(readZip(z, 0, { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: 1000 }).limit?.limit).toBe('containers.zipMaxEntryBytes');
  });

  it('name length', () => {
    expect(readZip(buildZip([{ name: 'n'.repeat(2000), data: 'x' }]), 0).limit?.limit).toBe('containers.zipMaxNameBytes');
  });
});

describe('readZip: properties', () => {
  const seeds = [buildZip(torch()), buildZip([{ name: 'a', data: 'x'.repeat(300), method: 8, descriptor: 'sig' }, { name: 'b', data: 'y', zip64: true }], { zip64End: true }), fixture('zip.jar'), fixture('npz.object')];
  it('never throws on mutated or truncated archives; extracted data stays within limits', () => {
    const limits = { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: 4096, maxTotalBytes: 8192, maxEntries: 50 };
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), fc.boolean(), (i, edits, cut, strict) => {
        const b = Buffer.from(seeds[i] as Uint8Array);
        for (const [pos, v] of edits) b[pos % b.length] = v;
        const input = b.subarray(0, b.length - (cut % 64));
        const r = readZip(input, 0, limits, { strict });
        let total = 0;
        for (const e of r.entries) {
          const n = e.data?.length ?? 0;
          if (e.method !== 0) total += n;
          expect(n).toBeLessThanOrEqual(Math.max(4096, input.length));
        }
        expect(total).toBeLessThanOrEqual(8192);
        expect(r.entries.length).toBeLessThanOrEqual(50 * 2);
        expect(r.anomalies.length).toBeLessThanOrEqual(32);
      }),
      { numRuns: 600 },
    );
  });

  it('never throws on random bytes with zip signatures sprinkled in', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(600), { maxLength: 4 }), (noise, spots) => {
        const b = Buffer.from(noise);
        spots.forEach((s, k) => {
          const sig = k % 2 === 0 ? [0x50, 0x4b, 3, 4] : [0x50, 0x4b, 5, 6];
          if (b.length >= 4) Buffer.from(sig).copy(b, s % (b.length - 3));
        });
        const start = b.indexOf(Buffer.from([0x50, 0x4b, 3, 4]));
        readZip(b, start);
      }),
      { numRuns: 600 },
    );
  });
});
