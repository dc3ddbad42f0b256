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
    expect(decodeContentEncoding('x-gzip', zlib.gzipSync(TEXT)).error?.kind).toBe('unsupported');
    expect(decodeContentEncoding('compress', TEXT).error?.kind).toBe('unsupported');
  });
});

describe('Content-Encoding: deflate, zlib or raw', () => {
  it('reads raw deflate too (ASP.NET Core and old IIS clients send it)', () => {
    expect(Buffer.from(decodeContentEncoding('deflate', zlib.deflateRawSync(TEXT)).output)).toEqual(TEXT);
    const evil = fixture('pickle.evil.p4');
    expect(Buffer.from(decodeContentEncoding('deflate', zlib.deflateRawSync(evil)).output)).toEqual(evil);
  });
  it('refuses bytes that are neither, and trailing bytes after either', () => {
    expect(decodeContentEncoding('deflate', Buffer.from('not compressed at all')).error?.kind).toBe('malformed');
    const r = decodeContentEncoding('deflate', Buffer.concat([zlib.deflateRawSync(TEXT), Buffer.from('tail')]));
    expect(r.warnings?.[0]?.reason ?? r.error?.reason).toMatch(/trailing|neither/);
  });
  it('refuses a body that is a complete stream both as zlib and as raw deflate', () => {
    const both = ambiguousDeflate();
    expect(decodeContentEncoding('deflate', both).error?.reason).toMatch(/ambiguous/);
  });
  it('a raw deflate stream that merely starts like a zlib header is still read as raw', () => {
    for (let i = 0; i < 2000; i++) {
      const data = Buffer.from(`payload ${i} ${'x'.repeat(i % 50)}`);
      const raw = zlib.deflateRawSync(data, { level: i % 10 });
      const r = decodeContentEncoding('deflate', raw);
      expect(r.error, `sample ${i}`).toBeUndefined();
      expect(Buffer.from(r.output)).toEqual(data);
    }
  });
});

/**
 * Bytes that are a complete zlib stream and a complete raw deflate stream. The zlib header 78 01 reads,
 * as raw deflate, as a non-final stored block (0x78: BFINAL 0, BTYPE 00) whose LEN is 01 + the first
 * byte of the zlib data; the zlib data is one final stored block sized so that its LEN is the raw
 * block's NLEN; inside its payload sits a second, final raw stored block that runs to the very end,
 * over the zlib Adler-32.
 */
function ambiguousDeflate(): Buffer {
  const rawLen1 = 0x01 | (0x01 << 8); // FLG 0x01, then the zlib data's first byte 0x01 (final stored)
  const zLen = ~rawLen1 & 0xffff; // zlib stored LEN = raw NLEN
  const total = 2 + 5 + zLen + 4;
  const out = Buffer.alloc(total, 0x41);
  out[0] = 0x78;
  out[1] = 0x01;
  out[2] = 0x01;
  out.writeUInt16LE(zLen, 3);
  out.writeUInt16LE(~zLen & 0xffff, 5);
  const q = 5 + rawLen1; // second raw block header, inside the zlib payload
  const len3 = total - (q + 5);
  out[q] = 0x01;
  out.writeUInt16LE(len3, q + 1);
  out.writeUInt16LE(~len3 & 0xffff, q + 3);
  out.writeUInt32BE(adler32(out.subarray(7, 7 + zLen)), 7 + zLen);
  expect(Buffer.from(zlib.inflateSync(out)).length).toBe(zLen);
  expect(Buffer.from(zlib.inflateRawSync(out)).length).toBe(rawLen1 + len3);
  return out;
}

function adler32(b: Uint8Array): number {
  let a = 1;
  let c = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    c = (c + a) % 65521;
  }
  return ((c << 16) | a) >>> 0;
}

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
