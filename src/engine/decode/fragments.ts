/**
 * Is a base64/hex run only a fragment of a longer one that a text decoder
 * will restore? In `data=rO0ABXNy%2BAB...` the run finder stops at `%2B`;
 * the percent-decoded child layer holds the whole run, while decoding the
 * raw piece yields a truncated object (a broken zip, a Java stream cut after
 * a class descriptor) that detectors rightly refuse. A run counts as a
 * fragment when an escape the layer's decoders will decode sits right
 * against it and stands for a character of the run's alphabet: `%XX` (and
 * double-encoded `%25XX`), `\xXX`, `\uXXXX`, `\/`, `&#NN;` / `&#xHH;`. An escaped `=` after a run is
 * padding, not a continuation: the run is whole.
 */

/** Which whole-layer text decoders will produce a child of this layer. */
export interface EscapeDecoders {
  readonly percent: boolean;
  readonly backslash: boolean;
  readonly charref: boolean;
}

const HEXVAL = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEXVAL[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEXVAL[0x41 + i] = 10 + i;
  HEXVAL[0x61 + i] = 10 + i;
}

/** Characters that continue a base64 (either alphabet) or hex run. */
const RUN_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') RUN_CHAR[c.charCodeAt(0)] = 1;

/** Longest escape looked at (`&#x0002B;` and `\u002B` are shorter). */
const MAX_ESCAPE = 10;

export function isEscapedFragment(bytes: Uint8Array, start: number, end: number, hex: boolean, on: EscapeDecoders): boolean {
  if (!on.percent && !on.backslash && !on.charref) return false;
  const continues = (c: number) => c >= 0 && c < 128 && (hex ? HEXVAL[c]! >= 0 : RUN_CHAR[c] === 1);
  // A run that ends with padding is complete whatever follows.
  if (end > start && bytes[end - 1] !== 0x3d && continues(escapeAt(bytes, end, on))) return true;
  return continues(escapeEndingAt(bytes, start, on));
}

function hexN(bytes: Uint8Array, at: number, n: number): number {
  if (at + n > bytes.length) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const h = HEXVAL[bytes[at + i]!]!;
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

/** The character an escape starting at `p` decodes to, or -1. */
function escapeAt(bytes: Uint8Array, p: number, on: EscapeDecoders): number {
  if (p >= bytes.length) return -1;
  const c = bytes[p]!;
  if (c === 0x25 && on.percent) {
    const v = hexN(bytes, p + 1, 2);
    // `%252B`: a double-encoded escape stands for what its second decoding gives.
    return v === 0x25 && hexN(bytes, p + 3, 2) >= 0 ? hexN(bytes, p + 3, 2) : v;
  }
  if (c === 0x5c && on.backslash && p + 1 < bytes.length) {
    const n = bytes[p + 1]!;
    if (n === 0x2f) return 0x2f;
    if (n === 0x75) return hexN(bytes, p + 2, 4);
    if (n === 0x78) return hexN(bytes, p + 2, 2);
    return -1;
  }
  if (c === 0x26 && on.charref && bytes[p + 1] === 0x23) return charRefAt(bytes, p);
  return -1;
}

/** `&#NN;` or `&#xHH;` starting at `p` (bounded), or -1. */
function charRefAt(bytes: Uint8Array, p: number): number {
  let i = p + 2;
  const hexForm = bytes[i] === 0x78 || bytes[i] === 0x58;
  if (hexForm) i++;
  let v = 0;
  let digits = 0;
  for (; i < bytes.length && i - p < MAX_ESCAPE; i++) {
    const b = bytes[i]!;
    if (b === 0x3b) return digits > 0 ? v : -1;
    const d = hexForm ? HEXVAL[b]! : b >= 0x30 && b <= 0x39 ? b - 0x30 : -1;
    if (d < 0) return -1;
    v = v * (hexForm ? 16 : 10) + d;
    digits++;
  }
  return -1;
}

/** The character an escape that ends right before `s` decodes to, or -1. */
function escapeEndingAt(bytes: Uint8Array, s: number, on: EscapeDecoders): number {
  if (on.percent && s >= 3 && bytes[s - 3] === 0x25) {
    const v = hexN(bytes, s - 2, 2);
    if (v >= 0) return v;
  }
  if (on.percent && s >= 3 && hexN(bytes, s - 2, 2) >= 0 && bytes[s - 3] === 0x35 && bytes[s - 4] === 0x32 && bytes[s - 5] === 0x25) {
    return hexN(bytes, s - 2, 2);
  }
  if (on.backslash) {
    if (s >= 2 && bytes[s - 2] === 0x5c && bytes[s - 1] === 0x2f) return 0x2f;
    if (s >= 6 && bytes[s - 6] === 0x5c && bytes[s - 5] === 0x75) {
      const v = hexN(bytes, s - 4, 4);
      if (v >= 0) return v;
    }
    if (s >= 4 && bytes[s - 4] === 0x5c && bytes[s - 3] === 0x78) {
      const v = hexN(bytes, s - 2, 2);
      if (v >= 0) return v;
    }
  }
  if (on.charref && s >= 4 && bytes[s - 1] === 0x3b) {
    for (let k = s - 4; k >= 0 && s - k <= MAX_ESCAPE; k--) {
      if (bytes[k] === 0x26 && bytes[k + 1] === 0x23) return charRefAt(bytes, k) >= 0 && charRefEnd(bytes, k) === s ? charRefAt(bytes, k) : -1;
    }
  }
  return -1;
}

function charRefEnd(bytes: Uint8Array, p: number): number {
  for (let i = p + 2; i < bytes.length && i - p < MAX_ESCAPE; i++) if (bytes[i] === 0x3b) return i + 1;
  return -1;
}
