/**
 * Decodes XML/HTML character references (`&#NN;`, `&#xHH;`) and the five
 * predefined XML entities (`&lt; &gt; &amp; &quot; &apos;`) to UTF-8, in one
 * linear byte pass (a native `indexOf` skips inputs without `&`). Returns null when the bytes contain no
 * decodable reference, so the engine can skip the nested layer cheaply.
 * Output is never longer than the input (every reference is at least as long
 * as its UTF-8 encoding), so one allocation suffices. Invalid references
 * (no digits, zero, surrogates, above U+10FFFF) are copied unchanged.
 */

export interface CharRefOptions {
  /** Also decode the five predefined entities (default true). */
  readonly named?: boolean;
  /** Require the closing `;` of numeric references as XML does (default false: HTML-style leniency). */
  readonly requireSemicolon?: boolean;
}

export interface CharRefDecode {
  readonly out: Uint8Array;
  /** References decoded. */
  readonly refs: number;
}

const AMP = 0x26;
const HASH = 0x23;
const SEMI = 0x3b;

/** name bytes after '&' (including ';') -> code point */
const NAMED: readonly (readonly [Uint8Array, number])[] = [
  [Buffer.from('lt;', 'latin1'), 0x3c],
  [Buffer.from('gt;', 'latin1'), 0x3e],
  [Buffer.from('amp;', 'latin1'), 0x26],
  [Buffer.from('quot;', 'latin1'), 0x22],
  [Buffer.from('apos;', 'latin1'), 0x27],
];

export function decodeCharRefs(bytes: Uint8Array, options?: CharRefOptions): Uint8Array | null {
  const r = decodeCharRefsDetailed(bytes, options);
  return r ? r.out : null;
}

export function decodeCharRefsDetailed(bytes: Uint8Array, options?: CharRefOptions): CharRefDecode | null {
  const named = options?.named !== false;
  const strict = options?.requireSemicolon === true;
  const n = bytes.length;
  // Fast exit: no '&' at all (native search).
  let i = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(AMP);
  if (i < 0) return null;
  let out: Buffer | null = null;
  let w = 0;
  let refs = 0;
  for (; i < n; i++) {
    if (bytes[i] !== AMP) {
      if (out !== null) out[w++] = bytes[i]!;
      continue;
    }
    let cp = -1;
    let end = i + 1;
    if (bytes[i + 1] === HASH) {
      let j = i + 2;
      const hex = bytes[j] === 0x78 || bytes[j] === 0x58;
      if (hex) j++;
      const digitsStart = j;
      let value = 0;
      for (; j < n; j++) {
        const d = digitValue(bytes[j]!, hex);
        if (d < 0) break;
        if (value <= 0x10ffff) value = value * (hex ? 16 : 10) + d;
      }
      const hasSemi = bytes[j] === SEMI;
      if (j > digitsStart && (hasSemi || !strict) && value > 0 && value <= 0x10ffff && (value < 0xd800 || value > 0xdfff)) {
        cp = value;
        end = hasSemi ? j + 1 : j;
      }
    } else if (named) {
      for (const [name, code] of NAMED) {
        if (startsWith(bytes, i + 1, name)) {
          cp = code;
          end = i + 1 + name.length;
          break;
        }
      }
    }
    if (cp < 0) {
      if (out !== null) out[w++] = AMP;
      continue;
    }
    if (out === null) {
      out = Buffer.allocUnsafe(n);
      out.set(bytes.subarray(0, i), 0);
      w = i;
    }
    w = writeUtf8(out, w, cp);
    refs++;
    i = end - 1;
  }
  if (out === null) return null;
  return { out: out.subarray(0, w), refs };
}

function digitValue(c: number, hex: boolean): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (!hex) return -1;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function startsWith(src: Uint8Array, at: number, lit: Uint8Array): boolean {
  if (at + lit.length > src.length) return false;
  for (let k = 0; k < lit.length; k++) if (src[at + k] !== lit[k]) return false;
  return true;
}

function writeUtf8(out: Uint8Array, w: number, cp: number): number {
  if (cp < 0x80) {
    out[w++] = cp;
  } else if (cp < 0x800) {
    out[w++] = 0xc0 | (cp >> 6);
    out[w++] = 0x80 | (cp & 0x3f);
  } else if (cp < 0x10000) {
    out[w++] = 0xe0 | (cp >> 12);
    out[w++] = 0x80 | ((cp >> 6) & 0x3f);
    out[w++] = 0x80 | (cp & 0x3f);
  } else {
    out[w++] = 0xf0 | (cp >> 18);
    out[w++] = 0x80 | ((cp >> 12) & 0x3f);
    out[w++] = 0x80 | ((cp >> 6) & 0x3f);
    out[w++] = 0x80 | (cp & 0x3f);
  }
  return w;
}
