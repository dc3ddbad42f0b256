/**
 * Making engine-produced text (excerpts, locations, messages, rule ids) safe
 * to show: printable ASCII is kept as is (so an excerpt's own `\xNN` escapes
 * survive unchanged), anything else becomes `\xNN` / `\uNNNN`, and the length
 * is capped. Shared by the audit log and the dashboard. Attacker-controlled
 * raw strings (paths, header values) use escapeText from ../escape.js instead,
 * which also escapes quotes and backslashes.
 */

const HEX = '0123456789abcdef';

export function printable(text: string, max: number): string {
  let out = '';
  const n = Math.min(text.length, max);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) out += text[i];
    else if (c === 0x2026) out += '…';
    else if (c < 0x100) out += '\\x' + HEX[c >> 4]! + HEX[c & 15]!;
    else out += '\\u' + c.toString(16).padStart(4, '0');
  }
  if (text.length > n) out += '…';
  return out;
}
