/**
 * JSON for the dashboard API and event stream: JSON.stringify (no raw
 * control characters, one line) with `<`, `>` and `&` written as \u003c,
 * \u003e, \u0026, so request data inside a string can never read as markup,
 * whatever a browser or a proxy makes of the response. No RegExp involved.
 */

export function safeJson(value: unknown): string {
  const s = JSON.stringify(value) ?? 'null';
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x3c && c !== 0x3e && c !== 0x26) continue;
    out += s.slice(from, i) + (c === 0x3c ? '\\u003c' : c === 0x3e ? '\\u003e' : '\\u0026');
    from = i + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}
