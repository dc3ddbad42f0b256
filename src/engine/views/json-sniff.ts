/**
 * `looksLikeJson`: does the start of a body look like a JSON object or array?
 *
 * Used to pick the JSON view for bodies whose Content-Type says something
 * else (or nothing): WAFFLED-style content-type confusion. Only the first
 * bytes are examined (bounded by `maxScan`). A UTF-8 BOM is skipped so that
 * such a body is still treated as JSON (and then refused by the tokenizer).
 */

export const DEFAULT_SNIFF_BYTES = 512;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isValueStart(c: number): boolean {
  return c === 0x22 || c === 0x7b || c === 0x5b || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e;
}

export function looksLikeJson(firstBytes: Uint8Array, maxScan: number = DEFAULT_SNIFF_BYTES): boolean {
  const n = Math.min(firstBytes.length, maxScan);
  let i = 0;
  if (n >= 3 && firstBytes[0] === 0xef && firstBytes[1] === 0xbb && firstBytes[2] === 0xbf) i = 3;
  while (i < n && isWs(firstBytes[i] as number)) i++;
  if (i >= n) return false;
  const open = firstBytes[i] as number;
  if (open !== 0x7b && open !== 0x5b) return false;
  i++;
  while (i < n && isWs(firstBytes[i] as number)) i++;
  if (i >= n) return true; // only the opening bracket is visible
  const c = firstBytes[i] as number;
  if (open === 0x7b) return c === 0x22 || c === 0x7d;
  return c === 0x5d || isValueStart(c);
}
