/**
 * Structured views of a layer, chosen by its media type (or sniffed): JSON,
 * application/x-www-form-urlencoded, multipart/form-data and XML (depth
 * limit and element text joined across comments/CDATA); plus the reading
 * in a declared non-ASCII charset (view-charset.ts). Each view
 * splits the layer into child layers with a parameter name (for exclusions)
 * and reports a malformed-input finding when the layer declares a format it
 * does not follow (strict where parsers disagree).
 *
 * Values that are byte-for-byte equal to the layer's own bytes (JSON strings
 * without escapes, form values without escapes) are not copied into child
 * layers: the parent's scan already covers them. They are recorded as spans
 * only when a match or a text run lies inside, so that findings there carry
 * the right parameter and location.
 */
import type { Inspection } from './inspection.js';
import type { Hit, LayerTask } from './layer.js';
import type { TextRun } from '../decode/runs.js';
import { inspectJson } from './view-json.js';
import { inspectForm } from './view-form.js';
import { inspectMultipart } from './view-multipart.js';
import { inspectDeclaredCharset } from './view-charset.js';
import { inspectXml } from './view-xml.js';
import { NAME_START } from '../views/xml-markup.js';

export interface Span {
  readonly start: number;
  readonly end: number;
  /** Exclusion parameter, e.g. `json:/profile/bio` or `form:comment`. */
  readonly param: string;
  /** Appended to the layer location for findings inside the span. */
  readonly label: string;
}

export type ViewKind = 'json' | 'form' | 'multipart' | 'xml' | null;

/** A byte range of the layer. */
export interface Range {
  readonly start: number;
  readonly end: number;
}

/** What the view step did with a layer. */
export interface ViewOutcome {
  readonly kind: ViewKind;
  /** The layer parsed as that view (false: not applicable, or refused). */
  readonly ok: boolean;
  readonly spans: readonly Span[];
  /**
   * Raw ranges of values that became child layers because decoding changed them (JSON strings with
   * escapes, form values with `%XX`/`+`), sorted. The child holds the whole decoded value; a base64
   * or hex run found in the raw text there is only a piece of it (cut at an escape), so the decoders
   * leave it to the child instead of judging a truncated fragment.
   */
  readonly covered?: readonly Range[];
}

const NO_VIEW: ViewOutcome = { kind: null, ok: false, spans: [] };

const JSON_TYPES = new Set(['application/json', 'text/json', 'application/javascript', 'text/javascript']);
const XML_TYPES = new Set(['application/xml', 'text/xml']);
/**
 * Whole-layer decoders that turn escaped text into markup (`&lt;a&gt;` into `<a>`): their output is
 * not a document an XML parser reads (an escaped document in a SOAP body would add its depth to the
 * envelope's). The XML view of the layer they came from already joined the element text, and these
 * decoders run on that text too.
 */
const REREAD = new Set(['charref', 'unescape', 'percent']);

/** Which view a layer gets, and whether its media type declared it (declared views refuse malformed input). */
export function viewFor(task: LayerTask): { kind: ViewKind; declared: boolean } {
  const ct = task.contentType;
  if (ct !== undefined) {
    if (JSON_TYPES.has(ct) || ct.endsWith('+json')) return { kind: 'json', declared: true };
    if (ct === 'application/x-www-form-urlencoded') return { kind: 'form', declared: true };
    if (ct === 'multipart/form-data') return { kind: 'multipart', declared: true };
    if (XML_TYPES.has(ct) || ct.endsWith('+xml')) return { kind: 'xml', declared: true };
  }
  if (sniffJson(task.bytes)) return { kind: 'json', declared: false };
  if (!REREAD.has(task.producedBy ?? '') && sniffXml(task.bytes)) return { kind: 'xml', declared: false };
  return { kind: null, declared: false };
}

export function applyViews(insp: Inspection, task: LayerTask, hits: readonly Hit[], runs: readonly TextRun[]): ViewOutcome {
  inspectDeclaredCharset(insp, task);
  const { kind, declared } = viewFor(task);
  switch (kind) {
    case 'json': {
      const covered: Range[] = [];
      const spans = inspectJson(insp, task, hits, runs, declared, covered);
      return spans === null ? { kind, ok: false, spans: [] } : { kind, ok: true, spans, covered };
    }
    case 'form': {
      const covered: Range[] = [];
      const spans = inspectForm(insp, task, hits, runs, covered);
      return spans === null ? { kind, ok: false, spans: [] } : { kind, ok: true, spans, covered };
    }
    case 'multipart': {
      const spans = inspectMultipart(insp, task);
      return spans === null ? { kind, ok: false, spans: [] } : { kind, ok: true, spans };
    }
    case 'xml':
      return { kind, ok: inspectXml(insp, task, declared), spans: [] };
    default:
      return NO_VIEW;
  }
}

/** First non-space byte is `{` or `[` and the last one is the matching closer. */
export function sniffJson(b: Uint8Array): boolean {
  let i = 0;
  while (i < b.length && isWs(b[i]!)) i++;
  let j = b.length - 1;
  while (j > i && isWs(b[j]!)) j--;
  if (j <= i) return false;
  return (b[i] === 0x7b && b[j] === 0x7d) || (b[i] === 0x5b && b[j] === 0x5d);
}

/**
 * First non-space byte (after a UTF-8 BOM) opens markup (`<?`, `<!` or a start tag) and the last one
 * is `>`. HTML passes too; the XML view only refuses depth on a sniffed layer whose tags balance.
 */
export function sniffXml(b: Uint8Array): boolean {
  let i = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  while (i < b.length && isWs(b[i]!)) i++;
  let j = b.length - 1;
  while (j > i && isWs(b[j]!)) j--;
  if (j <= i + 1 || b[i] !== 0x3c || b[j] !== 0x3e) return false;
  const c = b[i + 1]!;
  return c === 0x3f || c === 0x21 || NAME_START[c] === 1;
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** The range of sorted, disjoint `ranges` containing `offset`, if any (binary search). */
export function rangeAt(ranges: readonly Range[] | undefined, offset: number): Range | undefined {
  if (!ranges) return undefined;
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (offset < r.start) hi = mid - 1;
    else if (offset >= r.end) lo = mid + 1;
    else return r;
  }
  return undefined;
}

/** True when some hit start or run start lies in [start, end). `starts` is sorted. */
export function anyIn(starts: readonly number[], start: number, end: number): boolean {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < starts.length && starts[lo]! < end;
}

/** Sorted start offsets of hits and runs. */
export function interestingStarts(hits: readonly Hit[], runs: readonly TextRun[]): number[] {
  const out: number[] = new Array(hits.length + runs.length);
  let k = 0;
  for (const h of hits) out[k++] = h.start;
  for (const r of runs) out[k++] = r.start;
  return out.sort((a, b) => a - b);
}
