/**
 * Decoding of one bzip2 block: symbol map, Huffman tables and selectors,
 * MTF/RUNA-RUNB decoding, the inverse Burrows-Wheeler transform and the final
 * run-length expansion with the block CRC. Written from the bzip2 format
 * description; iterative, bounded by the block size and the output cap.
 */
import type { BitReader } from './bitreader.js';
import { crc32MsbByte } from './crc32.js';
import type { OutBuf } from './outbuf.js';
import { stop, type DecodeError } from './result.js';

const MAX_GROUPS = 6;
const MAX_ALPHA = 258;
const MAX_CODE_LEN = 20;
const GROUP_SIZE = 50;
/** bzip2 1.0.8 keeps at most this many selectors and ignores the rest. */
const MAX_SELECTORS = 18002;
const MAX_RUN_WEIGHT = 2 * 1024 * 1024;

interface HuffTable {
  readonly minLen: number;
  readonly limit: Int32Array;
  readonly base: Int32Array;
  readonly perm: Int32Array;
}

function buildTable(lengths: Uint8Array, alphaSize: number): HuffTable {
  let minLen = 32;
  let maxLen = 0;
  for (let i = 0; i < alphaSize; i++) {
    const l = lengths[i] as number;
    if (l > maxLen) maxLen = l;
    if (l < minLen) minLen = l;
  }
  const perm = new Int32Array(MAX_ALPHA);
  const base = new Int32Array(MAX_CODE_LEN + 3);
  const limit = new Int32Array(MAX_CODE_LEN + 2).fill(-1);
  let pp = 0;
  for (let len = minLen; len <= maxLen; len++) {
    for (let j = 0; j < alphaSize; j++) if (lengths[j] === len) perm[pp++] = j;
  }
  for (let i = 0; i < alphaSize; i++) base[(lengths[i] as number) + 1]! += 1;
  for (let i = 1; i < base.length; i++) base[i]! += base[i - 1] as number;
  let vec = 0;
  for (let len = minLen; len <= maxLen; len++) {
    vec += (base[len + 1] as number) - (base[len] as number);
    limit[len] = vec - 1;
    vec <<= 1;
  }
  for (let len = minLen + 1; len <= maxLen; len++) {
    base[len] = (((limit[len - 1] as number) + 1) << 1) - (base[len] as number);
  }
  return { minLen, limit, base, perm };
}

/** Scratch memory reused across blocks of one stream. */
export interface BlockScratch {
  tt: Uint32Array;
}

export interface BlockResult {
  /** The block CRC as stored in the stream (for the combined CRC). */
  readonly crc: number;
  readonly error?: DecodeError;
}

/**
 * Decode one block whose 48-bit magic was just read. `maxBlock` is the
 * stream's block size (level × 100,000). Output goes to `out`.
 */
export function decodeBlock(br: BitReader, maxBlock: number, scratch: BlockScratch, out: OutBuf): BlockResult {
  const at = (): number => br.pos;
  const bad = (reason: string): BlockResult => ({ crc: 0, error: stop(br.overrun ? 'truncated' : 'malformed', br.overrun ? 'bzip2 data ends inside a block' : reason, at()) });
  const storedCrc = br.u32();
  if (br.bit() !== 0) return { crc: 0, error: stop('unsupported', 'bzip2 randomised blocks are not supported', at()) };
  const origPtr = br.bits(24);
  const used16 = br.bits(16);
  const seqToUnseq = new Uint8Array(256);
  let inUse = 0;
  for (let i = 0; i < 16; i++) {
    if (used16 & (0x8000 >>> i)) {
      const bits = br.bits(16);
      for (let j = 0; j < 16; j++) if (bits & (0x8000 >>> j)) seqToUnseq[inUse++] = i * 16 + j;
    }
  }
  if (inUse === 0) return bad('bzip2 block uses no symbols');
  const alphaSize = inUse + 2;
  const nGroups = br.bits(3);
  if (nGroups < 2 || nGroups > MAX_GROUPS) return bad('bzip2 block has an invalid number of Huffman tables');
  const nSelectors = br.bits(15);
  if (nSelectors < 1) return bad('bzip2 block has no selectors');
  const kept = Math.min(nSelectors, MAX_SELECTORS);
  const selectors = new Uint8Array(kept);
  const mtfGroups = [0, 1, 2, 3, 4, 5];
  for (let i = 0; i < nSelectors; i++) {
    let j = 0;
    while (br.bit() === 1) {
      j++;
      if (j >= nGroups) return bad('bzip2 selector out of range');
    }
    if (br.overrun) return bad('');
    if (i < kept) {
      const v = mtfGroups[j] as number;
      for (let k = j; k > 0; k--) mtfGroups[k] = mtfGroups[k - 1] as number;
      mtfGroups[0] = v;
      selectors[i] = v;
    }
  }
  const tables: HuffTable[] = [];
  const lengths = new Uint8Array(MAX_ALPHA);
  for (let t = 0; t < nGroups; t++) {
    let curr = br.bits(5);
    for (let i = 0; i < alphaSize; i++) {
      for (let guard = 0; ; guard++) {
        if (curr < 1 || curr > MAX_CODE_LEN || guard > 64 || br.overrun) return bad('bzip2 Huffman code length out of range');
        if (br.bit() === 0) break;
        curr += br.bit() === 0 ? 1 : -1;
      }
      lengths[i] = curr;
    }
    tables.push(buildTable(lengths, alphaSize));
  }
  // MTF + RUNA/RUNB decoding into tt.
  if (scratch.tt.length < maxBlock) scratch.tt = new Uint32Array(maxBlock);
  const tt = scratch.tt;
  const counts = new Int32Array(256);
  const yy = new Uint8Array(256);
  for (let i = 0; i < 256; i++) yy[i] = i;
  const eob = inUse + 1;
  let groupNo = -1;
  let groupLeft = 0;
  let table = tables[0] as HuffTable;
  let nblock = 0;
  const nextSym = (): number => {
    if (groupLeft === 0) {
      groupNo++;
      if (groupNo >= kept) return -1;
      groupLeft = GROUP_SIZE;
      table = tables[selectors[groupNo] as number] as HuffTable;
    }
    groupLeft--;
    const window = br.peek(MAX_CODE_LEN);
    const limit = table.limit;
    let len = table.minLen;
    let code = window >>> (MAX_CODE_LEN - len);
    while (code > (limit[len] as number)) {
      len++;
      if (len > MAX_CODE_LEN) return -1;
      code = window >>> (MAX_CODE_LEN - len);
    }
    br.skip(len);
    const idx = code - (table.base[len] as number);
    if (idx < 0 || idx >= alphaSize) return -1;
    return table.perm[idx] as number;
  };
  let sym = nextSym();
  for (;;) {
    if (sym < 0 || br.overrun) return bad('bzip2 Huffman data is invalid');
    if (sym === eob) break;
    if (sym <= 1) {
      let run = 0;
      let weight = 1;
      do {
        run += sym === 0 ? weight : 2 * weight;
        weight *= 2;
        if (weight >= MAX_RUN_WEIGHT) return bad('bzip2 run is too long');
        sym = nextSym();
        if (sym < 0 || br.overrun) return bad('bzip2 Huffman data is invalid');
      } while (sym <= 1);
      const b = seqToUnseq[yy[0] as number] as number;
      if (nblock + run > maxBlock) return bad('bzip2 block is larger than its declared size');
      counts[b]! += run;
      tt.fill(b, nblock, nblock + run);
      nblock += run;
      continue;
    }
    if (nblock >= maxBlock) return bad('bzip2 block is larger than its declared size');
    const idx = sym - 1;
    const v = yy[idx] as number;
    for (let k = idx; k > 0; k--) yy[k] = yy[k - 1] as number;
    yy[0] = v;
    const b = seqToUnseq[v] as number;
    counts[b]! += 1;
    tt[nblock++] = b;
    sym = nextSym();
  }
  if (origPtr >= nblock) return bad('bzip2 block origin pointer is out of range');
  // Inverse BWT: link each position to its successor.
  const cftab = new Int32Array(256);
  for (let i = 1; i < 256; i++) cftab[i] = (cftab[i - 1] as number) + (counts[i - 1] as number);
  for (let i = 0; i < nblock; i++) {
    const c = (tt[i] as number) & 0xff;
    const dst = cftab[c] as number;
    tt[dst] = ((tt[dst] as number) | (i << 8)) >>> 0;
    cftab[c] = dst + 1;
  }
  // Walk the chain, undo the initial run-length encoding, compute the CRC.
  let tPos = (tt[origPtr] as number) >>> 8;
  let crc = 0xffffffff;
  let last = -1;
  let same = 0;
  for (let k = 0; k < nblock; k++) {
    const word = tt[tPos] as number;
    const ch = word & 0xff;
    tPos = word >>> 8;
    if (same === 4) {
      for (let r = 0; r < ch; r++) {
        if (!out.push(last)) return { crc: 0, error: stop('limit', 'decompressed output reached its cap', at(), 'containers.maxOutputBytes') };
        crc = crc32MsbByte(crc, last);
      }
      same = 0;
      continue;
    }
    if (!out.push(ch)) return { crc: 0, error: stop('limit', 'decompressed output reached its cap', at(), 'containers.maxOutputBytes') };
    crc = crc32MsbByte(crc, ch);
    if (ch === last) same++;
    else {
      last = ch;
      same = 1;
    }
  }
  crc = ~crc >>> 0;
  if (crc !== storedCrc) return { crc: 0, error: stop('malformed', 'bzip2 block CRC mismatch', at()) };
  return { crc: storedCrc };
}
