/**
 * Finds runs of base64 (standard and URL-safe alphabets, MIME line breaks
 * allowed inside) and hex text in a layer, without looking at every byte:
 * any run of at least MIN bytes covers one of the positions sampled every
 * MIN bytes, so only samples that hit the alphabet are expanded. Random binary
 * is skipped at a fraction of a per-byte loop's cost.
 */

/** Shortest run considered: anything shorter cannot hold a serialized object worth decoding. */
export const MIN_RUN = 16;

/** 1 = base64 alphabet (both variants) , 2 = line break allowed inside a run, 0 = other. */
const B64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') B64[c.charCodeAt(0)] = 1;
B64[0x0d] = 2;
B64[0x0a] = 2;

const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

const UPPER = 1;
const LOWER = 2;
const DIGIT = 4;
const CLASS = new Uint8Array(256);
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = UPPER;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = LOWER;
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = DIGIT;

export interface TextRun {
  readonly start: number;
  /** End offset (exclusive), trailing `=` padding included. */
  readonly end: number;
  /** Every non-line-break byte is a hex digit and there are at least MIN_RUN of them. */
  readonly hex: boolean;
  /** Contains CR/LF (MIME-wrapped base64). */
  readonly wrapped: boolean;
}


export function findRuns(bytes: Uint8Array, from = 0, to = bytes.length): TextRun[] {
  const runs: TextRun[] = [];
  let p = from + MIN_RUN - 1;
  while (p < to) {
    if (B64[bytes[p]!] !== 1) {
      p += MIN_RUN;
      continue;
    }
    // Expand around the sample.
    let s = p;
    while (s > from && B64[bytes[s - 1]!] !== 0) s--;
    let e = p + 1;
    while (e < to && B64[bytes[e]!] !== 0) e++;
    // Line breaks only join alphabet runs; trim them at both ends.
    while (s < e && B64[bytes[s]!] === 2) s++;
    while (e > s && B64[bytes[e - 1]!] === 2) e--;
    let pad = e;
    while (pad < to && pad - e < 2 && bytes[pad] === 0x3d) pad++;
    if (e - s >= MIN_RUN) {
      // Classify: hex needs both digits and letters (pure digit runs are numbers: timestamps,
      // floats, ids); base64 needs at least two of upper case, lower case and digits (pure
      // lower-case runs are words, pure digits are numbers).
      let hex = true;
      let wrapped = false;
      let hexDigits = 0;
      let classes = 0;
      for (let i = s; i < e; i++) {
        const b = bytes[i]!;
        if (B64[b] === 2) {
          wrapped = true;
          continue;
        }
        if (HEX[b] !== 1) hex = false;
        else hexDigits++;
        classes |= CLASS[b]!;
      }
      const isHex = hex && hexDigits >= MIN_RUN && (classes & DIGIT) !== 0 && (classes & (UPPER | LOWER)) !== 0;
      const mixed = (classes & UPPER ? 1 : 0) + (classes & LOWER ? 1 : 0) + (classes & DIGIT ? 1 : 0) >= 2;
      if (isHex || (!hex && mixed)) runs.push({ start: s, end: pad, hex: isHex, wrapped });
    }
    p = Math.max(pad, p + 1) + MIN_RUN - 1;
  }
  return runs;
}
