/**
 * The decoders the engine stacks on a layer, each producing a child layer
 * that is inspected like any other (up to maxDecodeDepth): base64 and hex runs
 * (with alignment-safe realignment when an anchor sits off the run's quantum
 * grid), percent-encoding, backslash escapes and XML/HTML character
 * references. Decoding never trusts the layer's declared type: a lying
 * Content-Type does not switch a decoder off.
 */
import { decodeBackslashEscapes, decodeBase64, decodeHex, decodePercent, indexOfByte } from '../decode/text-decoders.js';
import type { TextRun } from '../decode/runs.js';
import { decodeCharRefs } from '../charset/char-refs.js';
import type { Inspection } from './inspection.js';
import { spanAt } from './inspection.js';
import type { Hit, LayerTask } from './layer.js';
import type { Span, ViewOutcome } from './views.js';
import { isTextLike } from '../decode/text-like.js';

/** Decoded output shorter than this cannot hold a payload; skip the layer. */
const MIN_DECODED = 8;

export function applyDecoders(insp: Inspection, task: LayerTask, runs: readonly TextRun[], anchorHits: readonly Hit[], spans: readonly Span[], view: ViewOutcome): void {
  const bytes = task.bytes;
  const roles = insp.engine.roles;

  // Base64 / hex runs.
  let a = 0;
  for (const run of runs) {
    const span = spanAt(spans, run.start);
    const child = (decoded: Uint8Array, label: string) => {
      if (decoded.length < MIN_DECODED) return true;
      return insp.addDecoded(span ? { ...task, param: span.param, location: `${task.location}>${span.label}` } : task, decoded, label, { producedBy: label.startsWith('hex') ? 'hex' : 'base64' });
    };
    if (run.hex) {
      if (!child(decodeHex(bytes, run.start, run.end), `hex@${run.start - (span?.start ?? 0)}`)) return;
      continue;
    }
    if (!child(decodeBase64(bytes, run.start, run.end), `base64@${run.start - (span?.start ?? 0)}`)) return;
    // Anchors inside this run that do not sit on its quantum grid: decode again from their grid.
    while (a < anchorHits.length && anchorHits[a]!.start < run.start) a++;
    const realigned = new Set<number>();
    for (let k = a; k < anchorHits.length && anchorHits[k]!.start < run.end; k++) {
      const h = anchorHits[k]!;
      const role = roles[h.id]!;
      if (role.role !== 'anchor') continue;
      const gridStart = h.start - role.anchor.charPhase;
      const shift = (((gridStart - run.start) % 4) + 4) % 4;
      if (shift === 0 || realigned.has(shift)) continue;
      realigned.add(shift);
      if (!child(decodeBase64(bytes, run.start + shift, run.end), `base64@${run.start + shift - (span?.start ?? 0)}`)) return;
    }
  }

  // The whole-layer text decoders below only make sense on text: binary layers (images, archives,
  // random data) contain stray `%41`, `\x41` or `&#1;` by chance, and decoding them would only copy
  // the layer again and again.
  if (!isTextLike(bytes)) return;

  // Percent-encoding (also a second time: double encoding).
  if (indexOfByte(bytes, 0x25, 0) !== -1 && view.kind !== 'form') {
    const decoded = decodePercent(bytes, task.producedBy === 'form');
    if (decoded && decoded.length >= MIN_DECODED && !insp.addDecoded(task, decoded, 'percent', { producedBy: 'percent' })) return;
  }

  // Backslash escapes (JSON \u, fastjson \x) in text that is not strict JSON.
  if (!(view.kind === 'json' && view.ok) && indexOfByte(bytes, 0x5c, 0) !== -1) {
    const decoded = decodeBackslashEscapes(bytes);
    if (decoded && decoded.length >= MIN_DECODED && !insp.addDecoded(task, decoded, 'unescape', { producedBy: 'unescape' })) return;
  }

  // XML/HTML character references.
  if (indexOfByte(bytes, 0x26, 0) !== -1) {
    const decoded = decodeCharRefs(bytes);
    if (decoded && decoded.length >= MIN_DECODED) insp.addDecoded(task, decoded, 'charref', { producedBy: 'charref' });
  }
}
