/**
 * Escaping of attacker-controlled bytes for logs and messages: printable ASCII
 * is kept, everything else (controls, ANSI escapes, bidi marks, non-ASCII
 * bytes, quotes and backslashes) becomes `\xNN`, so a log line stays one line
 * and cannot be forged (CWE-117).
 */

const HEX = '0123456789abcdef';

/** Escape at most `max` bytes of `bytes[start..end)`; a `…` marks truncation. */
export function escapeBytes(bytes: Uint8Array, start = 0, end = bytes.length, max = 64): string {
  const s = Math.max(0, start);
  const e = Math.min(bytes.length, end, s + max);
  let out = '';
  for (let i = s; i < e; i++) {
    const b = bytes[i]!;
    if (b >= 0x20 && b < 0x7f && b !== 0x5c && b !== 0x22) out += String.fromCharCode(b);
    else out += '\\x' + HEX[b >> 4]! + HEX[b & 15]!;
  }
  if (Math.min(bytes.length, end) > e) out += '…';
  return out;
}

/** Escape a JS string the same way (its UTF-16 code units above 0x7e become \uNNNN). */
export function escapeText(text: string, max = 64): string {
  let out = '';
  const n = Math.min(text.length, max);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x5c && c !== 0x22) out += text[i];
    else if (c < 0x100) out += '\\x' + HEX[c >> 4]! + HEX[c & 15]!;
    else out += '\\u' + c.toString(16).padStart(4, '0');
  }
  if (text.length > n) out += '…';
  return out;
}
