/**
 * `xxeDetector`: the structural detector for XXE and hostile XML (DW-XML-001
 * .. 006). Triggers on `<!DOCTYPE`, `<!ENTITY`, the XInclude and XSLT
 * namespace URIs and `schemaLocation` (ASCII case-insensitive) and hands the
 * layer to `analyzeXmlLayer`. Encodings are not its business: xmlEncodingDetector
 * hands transcoded UTF-8 back to the engine as a nested layer that this
 * detector then sees.
 */
import type { StructuralDetector } from '../detector.js';
import { XXE_TRIGGERS, analyzeXmlLayer } from './analyze.js';
import { DEFAULT_XXE_LIMITS, type XxeLimits } from './rules.js';

export function createXxeDetector(limits: XxeLimits = DEFAULT_XXE_LIMITS): StructuralDetector {
  return {
    name: 'xxe',
    family: 'xml',
    triggers: XXE_TRIGGERS,
    caseInsensitive: true,
    inspect(bytes, hits, _layer, ctx) {
      for (const f of analyzeXmlLayer(bytes, hits, limits, () => ctx.exhausted())) ctx.report(f);
    },
  };
}

export const xxeDetector: StructuralDetector = createXxeDetector();
