/**
 * Request ids: a client's X-Request-Id is reused when it is a short token of
 * safe characters; otherwise a random one is generated.
 */
import { randomBytes } from 'node:crypto';

let pool = Buffer.alloc(0);
let poolOffset = 0;

function random16(): string {
  // Draw from a pooled random buffer: one crypto call per 256 ids.
  if (poolOffset + 8 > pool.length) {
    pool = randomBytes(2048);
    poolOffset = 0;
  }
  const s = pool.toString('hex', poolOffset, poolOffset + 8);
  poolOffset += 8;
  return s;
}

export function requestIdFor(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  if (v !== undefined && v.length > 0 && v.length <= 128 && isSafeToken(v)) return v;
  return random16();
}

function isSafeToken(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x3a;
    if (!ok) return false;
  }
  return true;
}
