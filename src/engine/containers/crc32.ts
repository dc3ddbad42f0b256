/**
 * Table-driven CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) as used
 * by zip, gzip and xz, and the MSB-first variant (polynomial 0x04C11DB7) used
 * by bzip2 block and stream checksums.
 */

function makeReflectedTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

function makeMsbTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[n] = c >>> 0;
  }
  return t;
}

const TABLE = makeReflectedTable();
const MSB_TABLE = makeMsbTable();

/**
 * Continue a CRC-32 over `data[start, end)`. Pass the previous return value as
 * `crc` (0 to start). Returns the finished (xor-ed) CRC as an unsigned number.
 */
export function crc32(data: Uint8Array, start = 0, end = data.length, crc = 0): number {
  let c = ~crc >>> 0;
  const e = Math.min(end, data.length);
  for (let i = Math.max(0, start); i < e; i++) c = (TABLE[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

/** Update a running MSB-first (bzip2) CRC register with one byte; the register starts at 0xffffffff. */
export function crc32MsbByte(reg: number, byte: number): number {
  return ((reg << 8) ^ (MSB_TABLE[((reg >>> 24) ^ byte) & 0xff] as number)) >>> 0;
}
