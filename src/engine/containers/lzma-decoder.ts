/**
 * The LZMA decoding state machine (literals, matches, rep matches, length and
 * distance coders), shared by the LZMA "alone" format, LZMA2 chunks (xz) and
 * the 7z LZMA coders. It decodes into an OutBuf that doubles as dictionary,
 * stops at a caller-given output position, and never throws: problems are
 * returned as DecodeError values.
 */
import type { OutBuf } from './outbuf.js';
import { PROB_INIT, type RangeDecoder } from './rangecoder.js';
import { BUDGET_LIMIT } from './limits.js';
import { stop, type DecodeError } from './result.js';

export interface LzmaProps {
  readonly lc: number;
  readonly lp: number;
  readonly pb: number;
}

/** Decode the lc/lp/pb properties byte; undefined when invalid or lc + lp > 4 (liblzma's rule). */
export function decodePropsByte(b: number): LzmaProps | undefined {
  if (b < 0 || b >= 9 * 5 * 5) return undefined;
  const lc = b % 9;
  const rest = Math.floor(b / 9);
  const lp = rest % 5;
  const pb = Math.floor(rest / 5);
  if (lc + lp > 4) return undefined;
  return { lc, lp, pb };
}

const STATES = 12;
const IS_MATCH = 0;
const IS_REP = IS_MATCH + STATES * 16;
const IS_REP_G0 = IS_REP + STATES;
const IS_REP_G1 = IS_REP_G0 + STATES;
const IS_REP_G2 = IS_REP_G1 + STATES;
const IS_REP0_LONG = IS_REP_G2 + STATES;
const POS_SLOT = IS_REP0_LONG + STATES * 16;
const SPEC_POS = POS_SLOT + 4 * 64;
const ALIGN = SPEC_POS + 114;
const LEN_CODER_SIZE = 2 + 16 * 8 + 16 * 8 + 256;
const LEN = ALIGN + 16;
const REP_LEN = LEN + LEN_CODER_SIZE;
const LITERAL = REP_LEN + LEN_CODER_SIZE;
const END_POS_MODEL_INDEX = 14;
const MATCH_MIN_LEN = 2;

/** What `decode` reached: the requested output end, or an end-of-stream marker. */
export type LzmaStop = 'filled' | 'end-marker';

export class LzmaDecoder {
  private probs = new Uint16Array(0);
  private lc = 3;
  private lp = 0;
  private pbMask = 3;
  private state = 0;
  private rep0 = 0;
  private rep1 = 0;
  private rep2 = 0;
  private rep3 = 0;
  /** Output position of the last dictionary reset. */
  private dictStart = 0;

  /** Polled every 64 Ki decoded symbols; true stops decoding with a 'limit' error. */
  interrupt: (() => boolean) | undefined;

  constructor(private readonly out: OutBuf) {}

  /** Forget the dictionary: later matches may only reach bytes written after this point. */
  resetDictionary(): void {
    this.dictStart = this.out.pos;
  }

  /** Install new lc/lp/pb properties (the caller resets the state afterwards). */
  setProps(p: LzmaProps): void {
    this.lc = p.lc;
    this.lp = p.lp;
    this.pbMask = (1 << p.pb) - 1;
    const size = LITERAL + (0x300 << (p.lc + p.lp));
    if (this.probs.length !== size) this.probs = new Uint16Array(size);
  }

  /** Reset probabilities, state and rep distances. */
  resetState(): void {
    this.probs.fill(PROB_INIT);
    this.state = 0;
    this.rep0 = this.rep1 = this.rep2 = this.rep3 = 0;
  }

  private length(rc: RangeDecoder, base: number, posState: number): number {
    const p = this.probs;
    if (rc.bit(p, base) === 0) return rc.tree(p, base + 2 + posState * 8, 3);
    if (rc.bit(p, base + 1) === 0) return 8 + rc.tree(p, base + 2 + 128 + posState * 8, 3);
    return 16 + rc.tree(p, base + 2 + 256, 8);
  }

  private distance(rc: RangeDecoder, len0: number): number {
    const p = this.probs;
    const lenState = len0 < 3 ? len0 : 3;
    const slot = rc.tree(p, POS_SLOT + lenState * 64, 6);
    if (slot < 4) return slot;
    const direct = (slot >>> 1) - 1;
    let dist = (2 | (slot & 1)) * 2 ** direct;
    if (slot < END_POS_MODEL_INDEX) return dist + rc.reverseTree(p, SPEC_POS + dist - slot - 1, direct);
    dist += rc.direct(direct - 4) * 16;
    return dist + rc.reverseTree(p, ALIGN, 4);
  }

  /**
   * Decode until the output reaches `outEnd` (absolute OutBuf position) or an
   * end marker is read. `exact` says `outEnd` is the true end of the data (a
   * match running past it is corrupt) rather than a cap (then it is a limit).
   * Input problems (truncation, bad distances) come back as DecodeError;
   * offsets are range-decoder input positions.
   */
  decode(rc: RangeDecoder, outEnd: number, exact: boolean): LzmaStop | DecodeError {
    const p = this.probs;
    const out = this.out;
    const lc = this.lc;
    const lpMask = (1 << this.lp) - 1;
    const pbMask = this.pbMask;
    const dictStart = this.dictStart;
    let state = this.state;
    let rep0 = this.rep0;
    let result: LzmaStop | DecodeError = 'filled';
    let tick = 0;
    while (out.pos < outEnd) {
      if ((++tick & 0xffff) === 0 && this.interrupt?.()) {
        result = stop('limit', 'inspection budget exhausted while decoding', rc.pos, BUDGET_LIMIT);
        break;
      }
      if (rc.overrun) {
        result = stop('truncated', 'compressed data ends inside the LZMA stream', rc.pos);
        break;
      }
      const filled = out.pos - dictStart;
      const posState = filled & pbMask;
      if (rc.bit(p, IS_MATCH + (state << 4) + posState) === 0) {
        const prev = filled > 0 ? out.back(0) : 0;
        const base = LITERAL + 0x300 * (((filled & lpMask) << lc) + (prev >>> (8 - lc)));
        let sym = 1;
        if (state < 7) {
          while (sym < 0x100) sym = (sym << 1) | rc.bit(p, base + sym);
        } else {
          let matchByte = rep0 < filled ? out.back(rep0) : 0;
          while (sym < 0x100) {
            const matchBit = (matchByte >>> 7) & 1;
            matchByte = (matchByte << 1) & 0xff;
            const b = rc.bit(p, base + 0x100 + (matchBit << 8) + sym);
            sym = (sym << 1) | b;
            if (b !== matchBit) break;
          }
          while (sym < 0x100) sym = (sym << 1) | rc.bit(p, base + sym);
        }
        if (!out.push(sym - 0x100)) {
          result = stop('limit', 'decompressed output reached its cap', rc.pos, 'containers.maxOutputBytes');
          break;
        }
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let len0: number;
      if (rc.bit(p, IS_REP + state) === 0) {
        len0 = this.length(rc, LEN, posState);
        state = state < 7 ? 7 : 10;
        const dist = this.distance(rc, len0);
        if (dist === 0xffffffff) {
          result = rc.overrun ? stop('truncated', 'compressed data ends inside the LZMA stream', rc.pos) : 'end-marker';
          break;
        }
        this.rep3 = this.rep2;
        this.rep2 = this.rep1;
        this.rep1 = rep0;
        rep0 = dist;
      } else {
        if (filled === 0) {
          result = stop('malformed', 'LZMA repeat match before any output', rc.pos);
          break;
        }
        if (rc.bit(p, IS_REP_G0 + state) === 0) {
          if (rc.bit(p, IS_REP0_LONG + (state << 4) + posState) === 0) {
            state = state < 7 ? 9 : 11;
            if (rep0 >= filled) {
              result = stop('malformed', 'LZMA distance reaches before the dictionary', rc.pos);
              break;
            }
            if (!out.push(out.back(rep0))) {
              result = stop('limit', 'decompressed output reached its cap', rc.pos, 'containers.maxOutputBytes');
              break;
            }
            continue;
          }
        } else {
          let dist: number;
          if (rc.bit(p, IS_REP_G1 + state) === 0) {
            dist = this.rep1;
          } else {
            if (rc.bit(p, IS_REP_G2 + state) === 0) {
              dist = this.rep2;
            } else {
              dist = this.rep3;
              this.rep3 = this.rep2;
            }
            this.rep2 = this.rep1;
          }
          this.rep1 = rep0;
          rep0 = dist;
        }
        len0 = this.length(rc, REP_LEN, posState);
        state = state < 7 ? 8 : 11;
      }
      if (rc.overrun) {
        result = stop('truncated', 'compressed data ends inside the LZMA stream', rc.pos);
        break;
      }
      if (rep0 >= out.pos - dictStart) {
        result = stop('malformed', 'LZMA distance reaches before the dictionary', rc.pos);
        break;
      }
      const len = len0 + MATCH_MIN_LEN;
      if (out.pos + len > outEnd) {
        result = exact
          ? stop('malformed', 'LZMA match runs past the declared end of the data', rc.pos)
          : stop('limit', 'decompressed output reached its cap', rc.pos, 'containers.maxOutputBytes');
        break;
      }
      if (out.copyMatch(rep0, len) !== len) {
        result = stop('limit', 'decompressed output reached its cap', rc.pos, 'containers.maxOutputBytes');
        break;
      }
    }
    this.state = state;
    this.rep0 = rep0;
    if (result === 'filled' && rc.overrun) return stop('truncated', 'compressed data ends inside the LZMA stream', rc.pos);
    return result;
  }
}
