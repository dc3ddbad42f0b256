import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeContentEncoding,
  decodeJoblibZfile,
  decompress,
  gunzip,
  inflateRaw,
  inflateZlib,
  isZlibHeader,
  unbrotli,
  type StreamKind,
} from '../../../src/engine/containers/compression.js';
import { crc32 } from '../../../src/engine/containers/crc32.js';
import { fixture } from './harness.js';

const TEXT = Buffer.from('the quick brown fox jumps over the lazy dog\n'.repeat(50));

describe('gzip', () => {
  it('decodes a member and reports its file name', () => {
    const r = gunzip(fixture('gzip.named'));
    expect(r.error).toBeUndefined();
    expect(r.name).toBe('model.pkl');
    expect(Buffer.from(r.output)).toEqual(fixture('pickle.evil.p2'));
  });

  it('decodes every concatenated member but warns about them', () => {
    const r = gunzip(fixture('gzip.two-members'));
    expect(r.members).toBe(2);
    expect(Buffer.from(r.output)).toEqual(Buffer.concat([fixture('pickle.benign.p2'), fixture('pickle.evil.p0')]));
    expect(r.warnings?.map((w) => w.reason)).toEqual(['concatenated gzip members']);
  });

  it('warns about trailing garbage', () => {
    const r = gunzip(Buffer.concat([zlib.gzipSync(TEXT), Buffer.from('xyz')]));
    expect(Buffer.from(r.output)).toEqual(TEXT);
    expect(r.warnings?.[0]?.reason).toMatch(/trailing bytes/);
  });

  it('tolerates zero padding after the last member (as gzip and Python do)', () => {
    const r = gunzip(Buffer.concat([zlib.gzipSync(TEXT), Buffer.alloc(512)]));
    expect(r.warnings).toBeUndefined();
    expect(Buffer.from(r.output)).toEqual(TEXT);
  });

  it('refuses CRC and size mismatches and reserved flags', () => {
    const g = Buffer.from(zlib.gzipSync(TEXT));
    const crc = Buffer.from(g);
    crc[crc.length - 8] = (crc[crc.length - 8] as number) ^ 1;
    expect(gunzip(crc).error?.reason).toMatch(/CRC-32/);
    const size = Buffer.from(g);
    size[size.length - 1] = 1;
    expect(gunzip(size).error?.reason).toMatch(/size/);
    const flags = Buffer.from(g);
    flags[3] = 0x20;
    expect(gunzip(flags).error?.kind).toBe('malformed');
  });

  it('verifies the optional header CRC', () => {
    const body = zlib.deflateRawSync(TEXT);
    const head = Buffer.from([0x1f, 0x8b, 8, 0x02, 0, 0, 0, 0, 0, 3]);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(TEXT), 0);
    trailer.writeUInt32LE(TEXT.length, 4);
    const good = Buffer.concat([head, Buffer.from([crc32(head) & 0xff, (crc32(head) >>> 8) & 0xff]), body, trailer]);
    expect(gunzip(good).error).toBeUndefined();
    const bad = Buffer.concat([head, Buffer.from([0, 0]), body, trailer]);
    expect(gunzip(bad).error?.reason).toMatch(/header CRC/);
  });

  it('returns the partial output of a truncated member', () => {
    const g = zlib.gzipSync(TEXT);
    const r = gunzip(g.subarray(0, g.length - 30));
    expect(r.error?.kind).toBe('truncated');
    expect(TEXT.subarray(0, r.output.length)).toEqual(Buffer.from(r.output));
  });

  it('stops a decompression bomb at the ratio limit (64 KiB grace, ratio 100)', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(8 << 20));
    const r = gunzip(bomb);
    expect(r.error?.kind).toBe('limit');
    expect(r.output.length).toBeLessThanOrEqual(Math.max(65536, 100 * bomb.length));
  });
});

describe('zlib, raw deflate, brotli', () => {
  it('inflates zlib and reports trailing bytes', () => {
    const z = zlib.deflateSync(TEXT);
    expect(Buffer.from(inflateZlib(z).output)).toEqual(TEXT);
    expect(inflateZlib(Buffer.concat([z, Buffer.from('!!')])).warnings?.length).toBe(1);
    expect(inflateZlib(z.subarray(0, 10)).error?.kind).toBe('truncated');
    expect(isZlibHeader(z, 0)).toBe(true);
    expect(isZlibHeader(Buffer.from('xx'), 0)).toBe(false);
  });

  it('refuses zlib streams that need a preset dictionary', () => {
    const z = zlib.deflateSync(TEXT, { dictionary: Buffer.from('quick brown') });
    expect(inflateZlib(z).error?.kind).toBe('unsupported');
  });

  it('inflates raw deflate and brotli; brotli bombs hit the limit', () => {
    expect(Buffer.from(inflateRaw(zlib.deflateRawSync(TEXT)).output)).toEqual(TEXT);
    expect(Buffer.from(unbrotli(zlib.brotliCompressSync(TEXT)).output)).toEqual(TEXT);
    const bomb = zlib.brotliCompressSync(Buffer.alloc(4 << 20));
    expect(unbrotli(bomb).error?.kind).toBe('limit');
  });

  it('decodes joblib legacy ZF files and checks their declared length', () => {
    expect(Buffer.from(decodeJoblibZfile(fixture('joblib.zf')).output)).toEqual(fixture('pickle.evil.p2'));
    const lie = Buffer.from(fixture('joblib.zf'));
    lie[5] = 0x31; // change the hex length
    expect(decodeJoblibZfile(lie).error?.reason).toMatch(/declared length/);
  });

  it('decodes every joblib compressor (P35)', () => {
    const kinds: [string, StreamKind][] = [
      ['joblib.zlib', 'zlib'],
      ['joblib.gzip', 'gzip'],
      ['joblib.bz2', 'bzip2'],
      ['joblib.xz', 'xz'],
      ['joblib.lzma', 'lzma'],
    ];
    for (const [name, kind] of kinds) expect(Buffer.from(decompress(kind, fixture(name)).output)).toEqual(fixture('pickle.evil.p4'));
  });
});

describe('Content-Encoding for the engine', () => {
  it('decodes gzip, deflate (zlib), br and identity; refuses the rest', () => {
    expect(Buffer.from(decodeContentEncoding('gzip', zlib.gzipSync(TEXT)).output)).toEqual(TEXT);
    expect(Buffer.from(decodeContentEncoding(' Deflate ', zlib.deflateSync(TEXT)).output)).toEqual(TEXT);
    expect(Buffer.from(decodeContentEncoding('br', zlib.brotliCompressSync(TEXT)).output)).toEqual(TEXT);
    expect(decodeContentEncoding('identity', TEXT).output).toBe(TEXT);
    expect(decodeContentEncoding('deflate', zlib.deflateRawSync(TEXT)).error?.kind).toBe('malformed');
    expect(decodeContentEncoding('x-gzip', zlib.gzipSync(TEXT)).error?.kind).toBe('unsupported');
    expect(decodeContentEncoding('compress', TEXT).error?.kind).toBe('unsupported');
  });
});

describe('properties', () => {
  const kinds: StreamKind[] = ['gzip', 'zlib', 'deflate', 'brotli', 'bzip2', 'xz', 'lzma', 'joblib-zfile'];
  it('no decompressor throws on random bytes or mutated streams, and outputs stay within caps', () => {
    const seeds = [zlib.gzipSync(TEXT), zlib.deflateSync(TEXT), zlib.deflateRawSync(TEXT), zlib.brotliCompressSync(TEXT), fixture('joblib.zf')];
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...seeds).map((s) => Buffer.from(s))), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (kind, input, edits) => {
        const b = Buffer.from(input);
        for (const [pos, v] of edits) if (b.length > 0) b[pos % b.length] = v;
        const r = decompress(kind, b, { maxOutputBytes: 1000, maxRatio: 1e9, ratioGraceBytes: 0 });
        expect(r.output.length).toBeLessThanOrEqual(1000);
        expect(r.consumed).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 500 },
    );
  });
});
