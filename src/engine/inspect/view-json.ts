/**
 * The JSON view: a strict streaming tokenizer walks the layer; strings (keys
 * and values) with escapes become child value layers (their unescaped bytes
 * differ from the raw text), plain values become spans when something was
 * matched inside.
 * Polymorphic-typing shapes (type keys, `$types` maps, Jackson wrapper arrays)
 * are reported by the JsonTypeWatcher on parsed keys, so escaped spellings
 * (`"\u0040type"`) count, and judged here (typing.ts).
 *
 * A layer declared as JSON (by its media type) that is not strict JSON is
 * refused; a sniffed one is simply not treated as JSON.
 */
import { JsonTokenizer, type JsonHandlers, type JsonPointer, type JsonStringRaw } from '../views/json.js';
import { JsonTypeWatcher, type JsonTypeShape } from '../views/json-types.js';
import { ruleForViewError } from '../views/errors.js';
import type { Inspection } from './inspection.js';
import type { Hit, LayerTask } from './layer.js';
import type { TextRun } from '../decode/runs.js';
import { anyIn, interestingStarts, type Range, type Span } from './views.js';
import { judgeShape } from './typing.js';
import { viewLimitKey } from '../limit-keys.js';

/** Strings shorter than this, without escapes, hold nothing a decoder could use. */
const SHORT = 4;

/**
 * Returns the spans of plain strings, or null when the layer is not strict JSON. The raw ranges of
 * strings that became child layers are appended to `covered` (in document order).
 */
export function inspectJson(insp: Inspection, task: LayerTask, hits: readonly Hit[], runs: readonly TextRun[], declared: boolean, covered: Range[] = []): Span[] | null {
  const bytes = task.bytes;
  const starts = interestingStarts(hits, runs);
  const spans: Span[] = [];
  const children: LayerTask[] = [];
  const shapes: JsonTypeShape[] = [];
  const limits = insp.policy.limits;

  /** A key or value with escapes: its unescaped bytes become a child layer, its raw range is covered. */
  const unescaped = (bytes: Buffer, kind: 'json' | 'json-key', ptr: string, raw: JsonStringRaw) => {
    children.push({
      bytes,
      location: `${task.location}>${kind}:${ptr || '/'}`,
      depth: task.depth,
      views: task.views + 1,
      isValue: true,
      param: `json:${ptr}`,
      producedBy: 'json',
    });
    covered.push({ start: raw.start, end: raw.end });
  };
  const strings = {
    // Keys are strings too: an application may read a key as a document. Escaped keys become
    // child layers like escaped values (plain ones are covered by the layer's own scan).
    onKey(parent: JsonPointer, key: string, raw: JsonStringRaw) {
      if (!raw.hadEscapes || key.length < SHORT) return;
      unescaped(Buffer.from(key, 'utf8'), 'json-key', parent.toString(), raw);
    },
    onStringBytes(pointer: JsonPointer, buf: Uint8Array, s: number, e: number, raw: JsonStringRaw) {
      if (raw.hadEscapes) {
        if (e - s < SHORT) return;
        unescaped(Buffer.from(buf.subarray(s, e)), 'json', pointer.toString(), raw);
      } else if (raw.end - raw.start >= SHORT && anyIn(starts, raw.start, raw.end)) {
        const ptr = pointer.toString();
        spans.push({ start: raw.start, end: raw.end, param: `json:${ptr}`, label: `json:${ptr || '/'}` });
      }
    },
  };
  const watcher = new JsonTypeWatcher((shape) => shapes.push(shape));
  const w = watcher.handlers;
  // Composed by hand (no rest-argument wrappers): this runs for every string of every JSON body.
  const handlers: JsonHandlers = {
    onOpen: w.onOpen!,
    onClose: w.onClose!,
    onKey(parent, key, raw) {
      w.onKey!(parent, key, raw);
      strings.onKey(parent, key, raw);
    },
    onNumber: w.onNumber!,
    onLiteral: w.onLiteral!,
    onStringBytes(pointer, buf, s, e, raw) {
      w.onStringBytes!(pointer, buf, s, e, raw);
      strings.onStringBytes(pointer, buf, s, e, raw);
    },
  };
  const tokenizer = new JsonTokenizer(handlers, {
    maxDepth: limits.maxJsonDepth,
    maxKeys: limits.maxJsonKeys,
    maxValues: Math.max(limits.maxJsonKeys * 4, 1000),
    maxStringBytes: Math.max(limits.maxBodyBytes, 1),
    maxKeyBytes: 4096,
  });
  tokenizer.write(bytes);
  const result = tokenizer.end();

  if (!result.ok) {
    if (declared) {
      const e = result.error;
      insp.refusal(task, ruleForViewError(e), e.kind === 'limit' ? 'limit' : e.kind === 'unsupported' ? 'unsupported' : 'malformed', `body declared as JSON is not strict JSON: ${e.message}`, e.offset, e.limit ? viewLimitKey('json', e.limit) : undefined);
    }
    // Not JSON after all (or refused): a failed parse is not trusted as a view; the raw layer and the
    // lenient text detectors still look at it.
    return null;
  }
  for (const shape of shapes) {
    const f = judgeShape(shape);
    if (!f) continue;
    const name = shape.className ?? '';
    insp.reportIn(task, f.family, { rule: f.rule, offset: shape.offset, length: name.length + 2, message: f.message, severity: f.severity }, { start: shape.offset, end: shape.offset + name.length + 2, param: `json:${shape.pointer}`, label: `json:${shape.pointer || '/'}` });
  }
  for (const c of children) insp.add(c);
  spans.sort((a, b) => a.start - b.start);
  covered.sort((a, b) => a.start - b.start);
  return spans;
}
