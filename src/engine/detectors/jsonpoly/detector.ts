/**
 * fastjson / Jackson polymorphic typing in JSON-like text: `@type`, `@class`
 * and `@c` keys naming a dangerous Java class, and Jackson default-typing
 * wrapper arrays `["fqcn", {...}]`, in any of fastjson's lenient spellings
 * (quotes, comments, whitespace). Strict JSON is also judged structurally by
 * the JSON view; this detector covers text that is not strict JSON (fastjson
 * accepts it) and JSON inside other formats.
 *
 * Rules: DW-JSONPOLY-001 (type key), DW-JSONPOLY-002 (wrapper array).
 */
import type { StructuralDetector } from '../detector.js';
import { isJavaClassName, javaGadgetClass } from '../java/classes.js';
import { valueAfterKey, wrapperArrayAt } from './lenient.js';

const KEY_TRIGGERS = ['@type', '@class', '@c"', "@c'"];
const ARRAY_TRIGGERS = ['["', "['", '[ "', "[ '"];

export const jsonPolyDetector: StructuralDetector = {
  name: 'jsonpoly',
  family: 'jsonpoly',
  triggers: [...KEY_TRIGGERS, ...ARRAY_TRIGGERS],
  inspect(bytes, hits, _layer, ctx) {
    for (const h of hits) {
      if (ctx.exhausted()) return;
      if (h.trigger < KEY_TRIGGERS.length) {
        const lit = KEY_TRIGGERS[h.trigger]!;
        // `@c"`/`@c'` triggers include the closing quote; `@type`/`@class` may be followed by one.
        const afterKey = h.offset + (lit.endsWith('"') || lit.endsWith("'") ? lit.length - 1 : lit.length);
        const v = valueAfterKey(bytes, afterKey);
        if (!v) continue;
        const g = javaGadgetClass(v.text);
        if (g) {
          ctx.report({ rule: 'DW-JSONPOLY-001', offset: h.offset, length: v.offset + v.text.length - h.offset, message: `${lit.replace(/["']/g, '')} names a dangerous Java class ${clip(v.text)} (${g.reason})`, severity: 'critical' });
        }
      } else {
        const w = wrapperArrayAt(bytes, h.offset);
        if (!w || !isJavaClassName(w.text)) continue;
        const g = javaGadgetClass(w.text);
        if (g) {
          ctx.report({ rule: 'DW-JSONPOLY-002', offset: h.offset, length: w.text.length + 4, message: `Jackson default-typing array instantiates ${clip(w.text)} (${g.reason})`, severity: 'critical' });
        }
      }
    }
  },
};

function clip(s: string): string {
  return s.length > 96 ? s.slice(0, 96) + '…' : s;
}
