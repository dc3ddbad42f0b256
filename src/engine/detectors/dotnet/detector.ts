/**
 * The .NET structural detectors the engine registers:
 *  - `nrbf`: BinaryFormatter streams (DW-DOTNET-001/002), triggered by the
 *    SerializationHeaderRecord in any layer;
 *  - `viewstate`: ObjectStateFormatter state (DW-DOTNET-003), triggered by
 *    `FF 01` at offset 0 of a (decoded) layer;
 *  - `dotnet-text`: Json.NET/JavaScriptSerializer/fastJSON type keys,
 *    SoapFormatter/NetDataContractSerializer/XmlSerializer and XAML
 *    payloads (DW-DOTNET-004/005/006).
 */
import type { DetectorContext, LayerInfo, StructuralDetector, TriggerHit } from '../detector.js';
import { NRBF_TRIGGERS } from './anchors.js';
import { inspectNrbfLayer } from './nrbf-inspect.js';
import { DOTNET_SEVERITY } from './rules.js';
import { DOTNET_TEXT_TRIGGERS, scanDotnetText } from './text.js';
import { VIEWSTATE_MARKER } from './viewstate.js';
import { inspectViewStateLayer } from './viewstate-inspect.js';

export { NRBF_B64_ANCHORS, VIEWSTATE_B64_ANCHORS } from './anchors.js';
export { DOTNET_RULES } from './rules.js';
export { dotnetGadgetType } from './types.js';

export const nrbfDetector: StructuralDetector = {
  name: 'nrbf',
  family: 'dotnet',
  triggers: NRBF_TRIGGERS.map((t) => t.bytes),
  inspect(bytes: Uint8Array, hits: readonly TriggerHit[], _layer: LayerInfo, ctx: DetectorContext): void {
    inspectNrbfLayer(bytes, hits, ctx);
  },
};

export const viewstateDetector: StructuralDetector = {
  name: 'viewstate',
  family: 'dotnet',
  triggers: [VIEWSTATE_MARKER],
  inspect(bytes: Uint8Array, hits: readonly TriggerHit[], _layer: LayerInfo, ctx: DetectorContext): void {
    inspectViewStateLayer(bytes, hits, ctx);
  },
};

export const dotnetTextDetector: StructuralDetector = {
  name: 'dotnet-text',
  family: 'dotnet',
  triggers: DOTNET_TEXT_TRIGGERS,
  caseInsensitive: true,
  inspect(bytes: Uint8Array, _hits: readonly TriggerHit[], _layer: LayerInfo, ctx: DetectorContext): void {
    for (const f of scanDotnetText(bytes)) {
      ctx.report({
        rule: f.rule,
        severity: DOTNET_SEVERITY[f.rule],
        offset: f.offset,
        length: f.length,
        message: f.message,
      });
    }
  },
};

/** All .NET detectors, for registration. */
export const DOTNET_DETECTORS: readonly StructuralDetector[] = [nrbfDetector, viewstateDetector, dotnetTextDetector];
