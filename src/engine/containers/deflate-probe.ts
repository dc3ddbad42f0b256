/**
 * A cheap plausibility check for raw deflate (RFC 1951) before handing a
 * layer to zlib: most random byte strings fail in the first block header.
 * Stored blocks must carry LEN and its complement NLEN; dynamic blocks must
 * declare a complete code-length code (zlib refuses incomplete or
 * over-subscribed ones); fixed-Huffman blocks are decoded to their end
 * (invalid symbols, distance codes 30-31 and distances reaching before the
 * start of the output are errors), and after the final block only zero bytes
 * may follow. A stream that passes is only plausible: zlib still decides.
 * Linear in the input (every step consumes bits).
 */

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

class Bits {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}
  get exhausted(): boolean {
    return this.pos >= this.b.length * 8;
  }
  /** `n` bits, least significant first (extra bits, header fields); -1 past the end. */
  read(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      if (this.exhausted) return -1;
      v |= ((this.b[this.pos >> 3]! >> (this.pos & 7)) & 1) << i;
      this.pos++;
    }
    return v;
  }
  /** Append `n` bits to a Huffman code (most significant first). */
  code(prefix: number, n: number): number {
    let v = prefix;
    for (let i = 0; i < n; i++) {
      const bit = this.read(1);
      if (bit < 0) return -1;
      v = (v << 1) | bit;
    }
    return v;
  }
}

export function plausibleDeflate(b: Uint8Array): boolean {
  if (b.length < 2) return false;
  const bits = new Bits(b);
  let produced = 0;
  // Blocks in order; stored and fixed blocks are walked to their end, a dynamic block is only
  // checked at its start (its tables would need a full inflater): zlib decides from there.
  for (;;) {
    const final = bits.read(1);
    const type = bits.read(2);
    if (final < 0 || type < 0) return false;
    if (type === 0) {
      const at = (bits.pos + 7) >> 3;
      if (at + 4 > b.length || (b[at]! ^ b[at + 2]!) !== 0xff || (b[at + 1]! ^ b[at + 3]!) !== 0xff) return false;
      const len = b[at]! | (b[at + 1]! << 8);
      if (at + 4 + len > b.length) return false;
      bits.pos = (at + 4 + len) * 8;
      produced += len;
    } else if (type === 1) {
      produced = fixedBlock(bits, produced);
      if (produced < 0) return false;
    } else if (type === 2) {
      return completeCodeLengthCode(bits);
    } else return false;
    if (final === 1) return endsHere(b, bits.pos);
  }
}

/** After the final block only zero padding may follow (what the decoder accepts as the end). */
function endsHere(b: Uint8Array, pos: number): boolean {
  for (let i = (pos + 7) >> 3; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** HLIT, HDIST, HCLEN, then the code-length code must be complete (Kraft sum exactly one). */
function completeCodeLengthCode(bits: Bits): boolean {
  const hlit = bits.read(5);
  const hdist = bits.read(5);
  const hclen = bits.read(4);
  if (hlit < 0 || hdist < 0 || hclen < 0 || hlit > 29) return false;
  let sum = 0;
  for (let i = 0; i < hclen + 4; i++) {
    const len = bits.read(3);
    if (len < 0) return false;
    if (len > 0) sum += 1 << (7 - len);
  }
  return sum === 128;
}

/**
 * Decode a fixed-Huffman block to its end-of-block symbol, keeping only the output length (distances
 * may reach into earlier blocks). Returns the output length so far, or -1 when the block is invalid.
 */
function fixedBlock(bits: Bits, produced: number): number {
  let out = produced;
  while (!bits.exhausted) {
    const sym = fixedLiteral(bits);
    if (sym < 0) return -1;
    if (sym < 256) {
      out++;
      continue;
    }
    if (sym === 256) return out;
    if (sym > 285) return -1;
    const extra = bits.read(LEN_EXTRA[sym - 257]!);
    const dcode = bits.code(0, 5);
    if (extra < 0 || dcode < 0 || dcode >= 30) return -1;
    const dextra = bits.read(DIST_EXTRA[dcode]!);
    if (dextra < 0 || DIST_BASE[dcode]! + dextra > out) return -1;
    out += LEN_BASE[sym - 257]! + extra;
  }
  return -1;
}

/** One literal/length symbol of the fixed code (RFC 1951 §3.2.6), or -1 at the end of input. */
function fixedLiteral(bits: Bits): number {
  const c7 = bits.code(0, 7);
  if (c7 < 0) return -1;
  if (c7 <= 0x17) return 256 + c7;
  const c8 = bits.code(c7, 1);
  if (c8 < 0) return -1;
  if (c8 >= 0x30 && c8 <= 0xbf) return c8 - 0x30;
  if (c8 >= 0xc0 && c8 <= 0xc7) return 280 + (c8 - 0xc0);
  const c9 = bits.code(c8, 1);
  if (c9 < 0) return -1;
  return 144 + (c9 - 0x190);
}
