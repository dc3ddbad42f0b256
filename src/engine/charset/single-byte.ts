/**
 * Single-byte and table-driven charsets to UTF-8: ISO-8859-1 / US-ASCII
 * (byte = code point), windows-1252 (0x80-0x9F differ), the EBCDIC code pages
 * (IBM037/500/1047 tables) and, through Node's TextDecoder (full ICU), any
 * other ASCII-compatible charset it knows.
 */
import { IBM037_TABLE, IBM1047_TABLE, IBM500_TABLE } from './ebcdic-tables.js';
import { textDecoderFor } from './labels.js';
import { type DecodeResult, REPLACEMENT_CHAR, Utf8Sink, sinkCapacity } from './utf8-sink.js';

/** windows-1252 code points for bytes 0x80-0x9F (the five undefined bytes map to C1 controls, as in WHATWG). */
const CP1252_HIGH = Uint16Array.from([
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
]);

export const EBCDIC_TABLES: Readonly<Record<string, Uint8Array>> = {
  ibm037: IBM037_TABLE,
  ibm500: IBM500_TABLE,
  ibm1047: IBM1047_TABLE,
};

/** ISO-8859-1: every byte is its own code point. */
export function decodeLatin1(bytes: Uint8Array, maxOut: number, start = 0): DecodeResult {
  return decodeTable(bytes, LATIN1_TABLE, maxOut, start);
}

const LATIN1_TABLE = Uint8Array.from({ length: 256 }, (_, k) => k);

export function decodeWindows1252(bytes: Uint8Array, maxOut: number, start = 0): DecodeResult {
  const sink = new Utf8Sink(sinkCapacity(bytes.length - start, 3, maxOut));
  const out = sink.buf;
  const cap = out.length;
  let i = start;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80 && sink.len < cap) {
      out[sink.len++] = b;
      i++;
      continue;
    }
    const cp = b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80]! : b;
    if (!sink.push(cp)) break;
    i++;
  }
  return { out: sink.result(), errors: 0, firstError: -1, truncated: sink.full, consumed: i };
}

/** A 256-entry byte -> code point table (the EBCDIC code pages). */
export function decodeTable(bytes: Uint8Array, table: Uint8Array, maxOut: number, start = 0): DecodeResult {
  const sink = new Utf8Sink(sinkCapacity(bytes.length - start, 2, maxOut));
  const out = sink.buf;
  const cap = out.length;
  let i = start;
  while (i < bytes.length) {
    const cp = table[bytes[i]!]!;
    if (cp < 0x80 && sink.len < cap) out[sink.len++] = cp;
    else if (!sink.push(cp)) break;
    i++;
  }
  return { out: sink.result(), errors: 0, firstError: -1, truncated: sink.full, consumed: i };
}

/**
 * Any other charset TextDecoder knows (WHATWG name or label). At most
 * `maxOut` input bytes are decoded (each yields at least one output byte),
 * and the output is cut at a character boundary at `maxOut`. Every U+FFFD in
 * the output counts as an error (an approximation: GB18030 can encode U+FFFD).
 * Returns null when TextDecoder does not know the label.
 */
export function decodeWithTextDecoder(
  bytes: Uint8Array,
  label: string,
  maxOut: number,
  start = 0,
): DecodeResult | null {
  const dec = textDecoderFor(label);
  if (!dec) return null;
  const end = Math.min(bytes.length, start + Math.max(0, maxOut));
  // When the input is cut, decode in streaming mode so a character split at the cut is dropped, not replaced;
  // the final flush resets the shared decoder.
  const cut = end < bytes.length;
  const text = dec.decode(bytes.subarray(start, end), { stream: cut });
  if (cut) dec.decode();
  let errors = 0;
  let from = 0;
  for (let k = 0; k < bytes.length; k++) {
    const at = text.indexOf(String.fromCharCode(REPLACEMENT_CHAR), from);
    if (at < 0) break;
    errors++;
    from = at + 1;
  }
  let out: Uint8Array = Buffer.from(text, 'utf8');
  let truncated = end < bytes.length;
  if (out.length > maxOut) {
    let cut = Math.max(0, maxOut);
    while (cut > 0 && (out[cut]! & 0xc0) === 0x80) cut--;
    out = out.subarray(0, cut);
    truncated = true;
  }
  return { out, errors, firstError: errors > 0 ? start : -1, truncated, consumed: end };
}
