/**
 * Text fallback for JSON type keys: Json.NET `$type`, JavaScriptSerializer /
 * DataContractJsonSerializer `__type`, fastJSON `$types` maps, in any quoting
 * (double, single, JSON-escaped `\"` inside another JSON string, unquoted
 * keys), with comments and whitespace between key, colon and value, and
 * `\u0024type`-style escaped keys. The value (or every `$types` key) goes to
 * the .NET type judge. The JSON view also judges parsed keys itself.
 */
import { ciNeedle, CiScanner, type TextDoc } from './bytes.js';
import { DOTNET_RULES } from './rules.js';
import { jsonUnescape, quoteAt, readQuoted, skipSpaceAndComments, TEXT_MAX_VALUE } from './text-scan.js';
import type { TextFinding } from './text-finding.js';
import { describeGadget, dotnetGadgetType } from './types.js';

/** Key spellings searched for (lower-case; matched ignoring ASCII case). */
const KEY_MARKERS = ['$type', '__type', '\\u0024type', '\\u005f\\u005ftype', '_\\u005ftype', '\\u005f_type'].map(ciNeedle);

export const JSON_TYPE_MAX_KEYS = 256;
export const JSON_TYPES_MAX_ENTRIES = 64;

/** Skip the closing quote of a key (any style) if present. */
function skipKeyClose(buf: Buffer, pos: number): number {
  const q = quoteAt(buf, pos);
  return q ? pos + q.length : pos;
}

/** Judge one quoted JSON string value at `pos`; returns the offset after it. */
function judgeValue(buf: Buffer, pos: number, end: number, keyAt: number, out: TextFinding[], seen: Set<string>): number {
  const v = readQuoted(buf, pos, end, true);
  if (!v) return pos;
  const value = jsonUnescape(buf.toString('utf8', v.start, v.stop));
  const verdict = dotnetGadgetType(value, DOTNET_RULES.jsonTypeKey);
  if (verdict && !seen.has(verdict.gadget)) {
    seen.add(verdict.gadget);
    out.push({
      rule: DOTNET_RULES.jsonTypeKey,
      offset: keyAt,
      length: Math.min(64, v.next - keyAt),
      message: `JSON type key names ${describeGadget(verdict)}`,
    });
  }
  return v.next;
}

/** Scan the layer for JSON type keys naming gadgets; findings go to `out`. */
export function scanJsonTypeKeys(doc: TextDoc, out: TextFinding[]): void {
  const { buf, end } = doc;
  const seen = new Set<string>();
  let budget = JSON_TYPE_MAX_KEYS;
  for (const marker of KEY_MARKERS) {
    let pos = 0;
    const scanner = new CiScanner(buf, marker, 0, end);
    while (budget > 0) {
      scanner.seek(pos);
      const hit = scanner.next();
      if (hit < 0) break;
      budget--;
      pos = hit + marker.bytes.length;
      let p = pos;
      let map = false;
      if ((buf[p] ?? 0) === 0x73 || buf[p] === 0x53) {
        map = true; // `$types`
        p++;
      }
      p = skipKeyClose(buf, p);
      p = skipSpaceAndComments(buf, p, end);
      if (buf[p] !== 0x3a) continue; // not a key: `$typeName`, `__typename`, prose
      p = skipSpaceAndComments(buf, p + 1, end);
      if (!map) {
        judgeValue(buf, p, end, hit, out, seen);
        continue;
      }
      if (buf[p] !== 0x7b) continue;
      p++;
      // fastJSON `$types`: { "<assembly-qualified type>": "1", ... } - judge every key
      for (let i = 0; i < JSON_TYPES_MAX_ENTRIES && p < end; i++) {
        p = skipSpaceAndComments(buf, p, end);
        if (buf[p] === 0x7d) break;
        const next = judgeValue(buf, p, end, hit, out, seen);
        if (next === p) break;
        p = skipSpaceAndComments(buf, next, end);
        if (buf[p] !== 0x3a) break;
        p = skipSpaceAndComments(buf, p + 1, end);
        const val = readQuoted(buf, p, end, true);
        if (val) p = val.next;
        else {
          const stopAt = Math.min(end, p + TEXT_MAX_VALUE);
          while (p < stopAt && buf[p] !== 0x2c && buf[p] !== 0x7d) p++;
        }
        p = skipSpaceAndComments(buf, p, end);
        if (buf[p] === 0x2c) p++;
      }
    }
  }
}
