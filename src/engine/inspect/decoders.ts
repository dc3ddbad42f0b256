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
import { rangeAt, type Span, type ViewOutcome } from './views.js';
import { isTextLike } from '../decode/text-like.js';
import { isEscapedFragment, type EscapeDecoders } from '../decode/fragments.js';
import { decodeSeparatedHex } from '../decode/separated-hex.js';
import { findShortPickles } from '../decode/short-pickle.js';

/** Decoded output shorter than this cannot hold a payload; skip the layer. */
const MIN_DECODED = 8;

export function applyDecoders(insp: Inspection, task: LayerTask, runs: readonly TextRun[], anchorHits: readonly Hit[], spans: readonly Span[], view: ViewOutcome): void {
  const bytes = task.bytes;
  const roles = insp.engine.roles;
  // The whole-layer text decoders below only make sense on text: binary layers (images, archives,
  // random data) contain stray `%41`, `\x41` or `&#1;` by chance, and decoding them would only copy
  // the layer again and again.
  const text = isTextLike(bytes);
  const escapes: EscapeDecoders = {
    percent: text && view.kind !== 'form' && indexOfByte(bytes, 0x25, 0) !== -1,
    backslash: text && !(view.kind === 'json' && view.ok) && indexOfByte(bytes, 0x5c, 0) !== -1,
    charref: text && indexOfByte(bytes, 0x26, 0) !== -1,
  };

  // Base64 / hex runs.
  let a = 0;
  for (const run of runs) {
    // Inside a value the view already decoded into a child layer, or cut short by an escape that a
    // decoder below undoes: the child layer holds the whole run, this piece would be a truncated object.
    if (rangeAt(view.covered, run.start) || isEscapedFragment(bytes, run.start, run.end, run.hex, escapes)) continue;
    const span = spanAt(spans, run.start);
    const child = (decoded: Uint8Array, label: string) => {
      if (decoded.length < MIN_DECODED) return true;
      return insp.addDecoded(span ? { ...task, param: span.param, location: `${task.location}>${span.label}` } : task, decoded, label, { producedBy: label.startsWith('hex') ? 'hex' : 'base64' });
    };
    if (run.hex) {
      const decoded = run.separated ? decodeSeparatedHex(bytes, run.start, run.end) : decodeHex(bytes, run.start, run.end);
      if (!child(decoded, `hex@${run.start - (span?.start ?? 0)}`)) return;
      continue;
    }
    if (!child(decodeBase64(bytes, run.start, run.end), `base64@${run.start - (span?.start ?? 0)}`)) return;
    // Anchors inside this run that do not sit on its quantum grid: decode again from their grid.
    // Quanta count alphabet characters only (line breaks and spaces inside the run do not count).
    while (a < anchorHits.length && anchorHits[a]!.start < run.start) a++;
    const realigned = new Set<number>();
    const grid = new AlphabetCursor(bytes, run.start);
    for (let k = a; k < anchorHits.length && anchorHits[k]!.start < run.end && realigned.size < 3; k++) {
      const h = anchorHits[k]!;
      const role = roles[h.id]!;
      if (role.role !== 'anchor') continue;
      const shift = (((grid.countTo(h.start) - role.anchor.charPhase) % 4) + 4) % 4;
      if (shift === 0 || realigned.has(shift)) continue;
      realigned.add(shift);
      const from = skipAlphabet(bytes, run.start, run.end, shift);
      if (!child(decodeBase64(bytes, from, run.end), `base64@${from - (span?.start ?? 0)}`)) return;
    }
  }

  if (!text) return;

  // Pickles too short for a run (12-15 base64 characters).
  for (const t of findShortPickles(bytes)) {
    if (rangeAt(view.covered, t.start)) continue;
    const span = spanAt(spans, t.start);
    if (!insp.addDecoded(span ? { ...task, param: span.param, location: `${task.location}>${span.label}` } : task, t.decoded, `base64@${t.start - (span?.start ?? 0)}`, { producedBy: 'base64' })) return;
  }

  // Percent-encoding (also a second time: double encoding).
  if (escapes.percent) {
    const decoded = decodePercent(bytes, task.producedBy === 'form');
    if (decoded && decoded.length >= MIN_DECODED && !insp.addDecoded(task, decoded, 'percent', { producedBy: 'percent' })) return;
  }

  // Backslash escapes (JSON \u, fastjson \x) in text that is not strict JSON.
  if (escapes.backslash) {
    const decoded = decodeBackslashEscapes(bytes);
    if (decoded && decoded.length >= MIN_DECODED && !insp.addDecoded(task, decoded, 'unescape', { producedBy: 'unescape' })) return;
  }

  // XML/HTML character references.
  if (escapes.charref) {
    const decoded = decodeCharRefs(bytes);
    if (decoded && decoded.length >= MIN_DECODED) insp.addDecoded(task, decoded, 'charref', { producedBy: 'charref' });
  }
}

const JOINER = new Uint8Array(256);
JOINER[0x0d] = 1;
JOINER[0x0a] = 1;
JOINER[0x20] = 1;
JOINER[0x09] = 1;

/** Counts alphabet characters (not joiners) from a run start to increasing offsets. */
class AlphabetCursor {
  private pos: number;
  private count = 0;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }
  /** Alphabet characters in [start, at); `at` must not decrease between calls. */
  countTo(at: number): number {
    while (this.pos < at) if (JOINER[this.bytes[this.pos++]!] !== 1) this.count++;
    return this.count;
  }
}

/** Offset after skipping `n` alphabet characters from `start` (joiners skipped too). */
function skipAlphabet(bytes: Uint8Array, start: number, end: number, n: number): number {
  let i = start;
  while (i < end && JOINER[bytes[i]!] === 1) i++;
  for (let k = 0; k < n && i < end; k++) {
    i++;
    while (i < end && JOINER[bytes[i]!] === 1) i++;
  }
  return i;
}
