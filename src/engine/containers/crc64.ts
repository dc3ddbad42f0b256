/**
 * Table-driven CRC-64 (ECMA-182, reflected, polynomial 0xC96C5795D7870F42)
 * as used by xz integrity checks, computed on two 32-bit halves.
 */

const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;
const T_HI = new Uint32Array(256);
const T_LO = new Uint32Array(256);

for (let n = 0; n < 256; n++) {
  let hi = 0;
  let lo = n;
  for (let k = 0; k < 8; k++) {
    const lsb = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (lsb) {
      lo = (lo ^ POLY_LO) >>> 0;
      hi = (hi ^ POLY_HI) >>> 0;
    }
  }
  T_HI[n] = hi;
  T_LO[n] = lo;
}

/** CRC-64 of `data[start, end)`, as 8 little-endian bytes (the order xz stores it). */
export function crc64(data: Uint8Array, start = 0, end = data.length): Uint8Array {
  let hi = 0xffffffff;
  let lo = 0xffffffff;
  const e = Math.min(end, data.length);
  for (let i = Math.max(0, start); i < e; i++) {
    const idx = (lo ^ (data[i] as number)) & 0xff;
    const nlo = (lo >>> 8) | (hi << 24);
    const nhi = hi >>> 8;
    lo = (nlo ^ (T_LO[idx] as number)) >>> 0;
    hi = (nhi ^ (T_HI[idx] as number)) >>> 0;
  }
  hi = ~hi >>> 0;
  lo = ~lo >>> 0;
  const out = new Uint8Array(8);
  for (let i = 0; i < 4; i++) {
    out[i] = (lo >>> (8 * i)) & 0xff;
    out[4 + i] = (hi >>> (8 * i)) & 0xff;
  }
  return out;
}
