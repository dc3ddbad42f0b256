/**
 * Raw deflate (RFC 1951) has no magic number, yet applications put it in
 * fields: SAML's HTTP-Redirect binding (`SAMLRequest` = base64 of raw-deflated
 * XML), PHP `gzdeflate`/`gzinflate`, Java `Inflater(nowrap)`, .NET
 * `DeflateStream`. A layer that a base64 or hex decoder produced and that
 * starts with no format we know is tried as raw deflate; only a stream that
 * inflates cleanly to the end of the layer (no error, nothing left over) is
 * handed back as a nested layer. Nothing is ever reported from a failed try,
 * and a cheap probe of the first block (deflate-probe.ts) keeps most random
 * bytes away from zlib.
 */
import type { DetectorContext, LayerInfo } from '../detectors/detector.js';
import { decompress } from './compression.js';
import { nest } from './findings.js';
import { plausibleDeflate } from './deflate-probe.js';
import type { ContainerLimits } from './handlers.js';

/** Shorter streams cannot inflate to anything worth inspecting. */
const MIN_INPUT = 8;
const MIN_OUTPUT = 8;

/** Is the layer the output of a base64 or hex decoder (its last location step)? */
function decodedFromText(layer: LayerInfo): boolean {
  const step = layer.location.slice(layer.location.lastIndexOf('>') + 1);
  return step.startsWith('base64@') || step.startsWith('hex@');
}

export function tryRawDeflate(bytes: Uint8Array, layer: LayerInfo, ctx: DetectorContext, limits: ContainerLimits): void {
  if (bytes.length < MIN_INPUT || !decodedFromText(layer)) return;
  if (!plausibleDeflate(bytes)) return;
  const r = decompress('deflate', bytes, { ...limits.stream, interrupt: () => ctx.exhausted() });
  if (r.error || (r.warnings && r.warnings.length > 0) || r.output.length < MIN_OUTPUT) return;
  nest(ctx, r.output, 'deflate', undefined);
}
