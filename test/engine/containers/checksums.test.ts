import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32, crc32MsbByte } from '../../../src/engine/containers/crc32.js';
import { crc64 } from '../../../src/engine/containers/crc64.js';

const CHECK = Buffer.from('123456789');

describe('checksums', () => {
  it('CRC-32 (zip, gzip) matches the catalogue check value', () => {
    expect(crc32(CHECK)).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('CRC-32 can be continued over pieces', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(200), (data, cut) => {
        const k = Math.min(cut, data.length);
        expect(crc32(data, k, data.length, crc32(data, 0, k))).toBe(crc32(data));
      }),
    );
  });

  it('CRC-32/BZIP2 (MSB first) matches the catalogue check value', () => {
    let reg = 0xffffffff;
    for (const b of CHECK) reg = crc32MsbByte(reg, b);
    expect(~reg >>> 0).toBe(0xfc891918);
  });

  it('CRC-64/XZ matches the catalogue check value', () => {
    expect(Buffer.from(crc64(CHECK)).readBigUInt64LE()).toBe(0x995dc9bbdf1939fan);
  });
});
