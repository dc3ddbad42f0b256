/** Text helpers for finding messages: printable ASCII, capped, never raw request bytes. */

/** Printable ASCII only (others as \uXXXX), capped at `max` characters; for class and method names. */
export function escapeForMessage(s: string, max: number): string {
  let out = '';
  for (let i = 0; i < s.length && out.length < max; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x20 && c < 0x7f ? s[i] : `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return s.length > max ? `${out}...` : out;
}
