/**
 * Turns a ViewState walk into DW-DOTNET-003 findings: a Token_BinarySerialized
 * blob (ASP.NET passes it to BinaryFormatter), or a Token_Type / type
 * reference naming a gadget. Runs only when `FF 01` starts the layer.
 */
import type { DetectorContext, TriggerHit } from '../detector.js';
import { nrbfLooksReal, parseNrbf } from './nrbf.js';
import { NRBF_HEADER, NRBF_HEADER_LENGTH } from './nrbf-format.js';
import { DOTNET_RULES, DOTNET_SEVERITY } from './rules.js';
import { describeGadget, dotnetGadgetType } from './types.js';
import { parseViewState } from './viewstate.js';

/** Blob findings per layer. */
export const VIEWSTATE_MAX_BLOB_FINDINGS = 4;

function firstGadget(blob: Uint8Array): string | null {
  const r = parseNrbf(blob, 0);
  for (const n of r.typeNames) {
    if (n.kind === 'method-name') continue;
    const v = dotnetGadgetType(n.name, DOTNET_RULES.viewstate);
    if (v) return describeGadget(v);
  }
  return null;
}

/** Record type 0 and version 1.0 (RootId/HeaderId may be anything). */
function hasNrbfHeader(blob: Uint8Array): boolean {
  if (blob.length < NRBF_HEADER_LENGTH || blob[0] !== 0) return false;
  for (let i = 9; i < NRBF_HEADER_LENGTH; i++) if (blob[i] !== NRBF_HEADER[i]) return false;
  return true;
}

export function inspectViewStateLayer(bytes: Uint8Array, hits: readonly TriggerHit[], ctx: DetectorContext): void {
  if (!hits.some((h) => h.offset === 0)) return;
  const vs = parseViewState(bytes, 0);
  let reported = 0;
  for (const blob of vs.blobs) {
    if (reported >= VIEWSTATE_MAX_BLOB_FINDINGS) break;
    // BinaryFormatter throws on anything that does not start with a
    // SerializationHeaderRecord, so only such blobs are payloads (random
    // bytes that start FF 01 32 are not).
    if (!hasNrbfHeader(blob.bytes)) continue;
    const nrbf = parseNrbf(blob.bytes, 0);
    const gadget = nrbfLooksReal(nrbf) ? firstGadget(blob.bytes) : null;
    ctx.report({
      rule: DOTNET_RULES.viewstate,
      severity: DOTNET_SEVERITY['DW-DOTNET-003'],
      offset: blob.tokenOffset,
      length: 32,
      message:
        `ViewState embeds a BinaryFormatter payload (Token_BinarySerialized, ${blob.length} bytes)` +
        (gadget ? ` that instantiates ${gadget}` : ''),
    });
    reported++;
  }
  const seen = new Set<string>();
  for (const t of vs.typeNames) {
    const v = dotnetGadgetType(t.name, DOTNET_RULES.viewstate);
    if (!v || seen.has(v.gadget)) continue;
    seen.add(v.gadget);
    ctx.report({
      rule: DOTNET_RULES.viewstate,
      severity: DOTNET_SEVERITY['DW-DOTNET-003'],
      offset: t.offset,
      length: 64,
      message: `ViewState references ${describeGadget(v)}`,
    });
  }
}
