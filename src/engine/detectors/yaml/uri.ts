/**
 * Tag URI helpers: the bytes YAML allows in a tag (PyYAML `scan_tag_uri`,
 * libyaml `yaml_parser_scan_tag_uri`) and `%HH` escape decoding, which
 * every YAML loader applies to tags (`!!python/%6Fbject/apply:` is
 * `!!python/object/apply:`).
 */

/** Tag characters read at most. */
export const MAX_TAG_CHARS = 1024;

const URI_CHARS = new Uint8Array(256);
for (const c of "-;/?:@&=+$,_.!~*'()[]%") URI_CHARS[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) URI_CHARS[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) URI_CHARS[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) URI_CHARS[c] = 1;

/** True for bytes allowed in a tag URI (ASCII; `%HH` carries the rest). */
export function isUriByte(c: number): boolean {
  return URI_CHARS[c] === 1;
}

/** True for bytes allowed in a tag handle between `!` and `!` (`[0-9A-Za-z_-]`). */
export function isHandleByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Decodes `%HH` escapes (as bytes, rendered latin1); malformed escapes stay as written. */
export function decodeUriEscapes(s: string): string {
  if (s.indexOf('%') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < s.length) {
      const h = hex(s.charCodeAt(i + 1));
      const l = hex(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        out += String.fromCharCode(h * 16 + l);
        i += 2;
        continue;
      }
    }
    out += s[i] ?? '';
  }
  return out;
}

/** Reads URI bytes from `p` (at most MAX_TAG_CHARS); returns the end offset. */
export function uriEnd(b: Uint8Array, p: number, stopAt = -1): number {
  let e = p;
  const max = Math.min(b.length, p + MAX_TAG_CHARS);
  while (e < max && isUriByte(b[e] ?? 0) && b[e] !== stopAt) e++;
  return e;
}

/** Latin1 text of `b[start, end)` (for short, already bounded ranges). */
export function text(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, Math.max(0, end - start)).toString('latin1');
}
