/**
 * Pickles too short for the base64 run finder (runs start at 16 characters):
 * `EXT1 n; REDUCE` and friends are 8-11 bytes, 12-15 characters of base64.
 * A pickle's PROTO opcode (0x80, protocol 2-5) encodes as `gA` at a token
 * start, so one native indexOf finds every candidate; only whole tokens
 * (not inside a longer word) of whole base64 quanta that decode to a PROTO
 * header are returned. Linear: one native search, O(1) work per `gA`.
 */
const NEEDLE = Buffer.from('gA', 'latin1');

const B64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') B64[c.charCodeAt(0)] = 1;

/** Shortest token worth decoding (6 bytes: PROTO, an opcode, REDUCE-sized tail). */
const MIN_TOKEN = 8;
/** The run finder takes over from here (alphabet characters, padding not counted). */
const MAX_TOKEN = 16;

export interface ShortToken {
  readonly start: number;
  readonly end: number;
  readonly decoded: Buffer;
}

export function findShortPickles(bytes: Uint8Array): ShortToken[] {
  const out: ShortToken[] = [];
  let from = 0;
  for (;;) {
    const g = Buffer.prototype.indexOf.call(bytes, NEEDLE, from) as number;
    if (g === -1 || g + MIN_TOKEN > bytes.length) break;
    from = g + 1;
    if (g > 0 && B64[bytes[g - 1]!] === 1) continue;
    let e = g;
    while (e < bytes.length && e - g <= MAX_TOKEN && B64[bytes[e]!] === 1) e++;
    let pad = e;
    while (pad < bytes.length && pad - e < 2 && bytes[pad] === 0x3d) pad++;
    const len = pad - g;
    // Whole quanta, or unpadded (base64url usually drops the `=`): 2 or 3 characters over.
    const whole = len % 4 === 0 || (pad === e && len % 4 >= 2);
    if (len < MIN_TOKEN || e - g >= MAX_TOKEN || !whole || (pad < bytes.length && B64[bytes[pad]!] === 1)) continue;
    const decoded = Buffer.from(Buffer.from(bytes.buffer, bytes.byteOffset + g, len).toString('latin1'), hasUrlSafe(bytes, g, pad) ? 'base64url' : 'base64');
    if (decoded.length >= 6 && decoded[0] === 0x80 && decoded[1]! >= 2 && decoded[1]! <= 5) out.push({ start: g, end: pad, decoded });
    from = pad;
  }
  return out;
}

function hasUrlSafe(bytes: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (bytes[i] === 0x2d || bytes[i] === 0x5f) return true;
  return false;
}
