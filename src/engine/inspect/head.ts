/**
 * The request head as layers: the path (and its long segments), every query
 * parameter (name and value), every cookie value and every header value except a short list of
 * framing headers the proxy validates itself. Splitting is deliberately
 * tolerant here (every plausible value is inspected); the decoders then
 * percent-decode, base64-decode ... each value like any other layer.
 *
 * For speed, all values are copied once into one buffer, separated by a byte
 * no signature contains (the automaton returns to its start state on it), and
 * scanned in a single automaton pass. Only values that need more than that —
 * a match, an escape to decode, a base64/hex run, JSON — become layers; an
 * ordinary User-Agent or Accept header costs one pass over its bytes.
 *
 * Headers not inspected (validated by the framing checks instead):
 * Host, Content-Length, Transfer-Encoding, Connection, Keep-Alive, TE,
 * Upgrade, Content-Encoding, Content-Type, Cookie (inspected per cookie).
 */
import type { RequestHead } from '../api.js';
import type { CompiledEngine } from '../compiled.js';
import { findRuns } from '../decode/runs.js';
import type { Hit, LayerTask } from './layer.js';

export const UNINSPECTED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'te',
  'upgrade',
  'content-encoding',
  'content-type',
  'cookie',
]);

/** Values shorter than this cannot carry a payload of any family. */
const MIN_VALUE = 4;
/** Path segments shorter than this are inspected as part of the path only. */
const MIN_SEGMENT = 16;
/** Most path segments inspected on their own. */
const MAX_SEGMENTS = 16;

interface HeadValue {
  readonly text: string;
  readonly location: string;
  readonly param: string;
  /** Query values: `+` is a space and percent-escapes are the norm. */
  readonly form: boolean;
}

/** The values of the head that are inspected, in order. */
export function headValues(head: RequestHead): HeadValue[] {
  const out: HeadValue[] = [];
  const target = head.target;
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  if (path.length >= MIN_VALUE) out.push({ text: path, location: 'path', param: 'path', form: false });
  // Long path segments on their own too: `/restore/<base64url>` decodes on its own grid, and the
  // segment (not the whole path) is what a route parameter hands the application.
  const segments = path.split('/');
  if (segments.length >= 2) {
    let n = 0;
    for (let i = 0; i < segments.length && n < MAX_SEGMENTS; i++) {
      const seg = segments[i]!;
      if (seg.length < MIN_SEGMENT) continue;
      out.push({ text: seg, location: `path-segment:${i}`, param: 'path', form: false });
      n++;
    }
  }
  if (q !== -1) {
    for (const [name, val] of splitPairs(target.slice(q + 1), '&')) {
      if (name.length >= MIN_VALUE) out.push({ text: name, location: `query-name:${clip(name)}`, param: `query:${name}`, form: true });
      if (val.length >= MIN_VALUE) out.push({ text: val, location: `query:${clip(name)}`, param: `query:${name}`, form: true });
    }
  }
  const raw = head.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const v = raw[i + 1]!;
    if (name === 'cookie') {
      for (const [cname, cval] of splitPairs(v, ';')) {
        if (cval.length >= MIN_VALUE) out.push({ text: cval, location: `cookie:${clip(cname)}`, param: `cookie:${cname}`, form: false });
      }
      continue;
    }
    if (UNINSPECTED_HEADERS.has(name) || v.length < MIN_VALUE) continue;
    out.push({ text: v, location: `header:${name}`, param: `header:${name}`, form: false });
  }
  return out;
}

/** Layers for the head values that need inspecting beyond the single automaton pass. */
export function headLayers(head: RequestHead, engine: CompiledEngine): LayerTask[] {
  const values = headValues(head);
  if (values.length === 0) return [];
  const sep = engine.separator;
  // One buffer for all values (header and target strings are latin1 in Node: one char per wire byte).
  const joined = values.map((v) => v.text).join(String.fromCharCode(sep));
  const buf = Buffer.from(joined, 'latin1');
  const hits: Hit[] = [];
  engine.ac.scan(buf, (id, start) => {
    hits.push({ id, start });
  });
  hits.sort((a, b) => a.start - b.start);
  const out: LayerTask[] = [];
  let off = 0;
  let h = 0;
  for (const v of values) {
    const start = off;
    const end = off + v.text.length;
    off = end + 1;
    let own: Hit[] | null = null;
    while (h < hits.length && hits[h]!.start < end) {
      const hit = hits[h++]!;
      if (hit.start >= start) (own ??= []).push({ id: hit.id, start: hit.start - start });
    }
    const bytes = buf.subarray(start, end);
    if (own === null && !needsLayer(bytes)) continue;
    out.push({
      bytes,
      location: v.location,
      depth: 0,
      views: 0,
      isValue: true,
      param: v.param,
      hits: own ?? [],
      ...(v.form ? { producedBy: 'form' } : {}),
    });
  }
  return out;
}

/** A value without automaton matches still needs a layer when a decoder or a view could find something in it. */
function needsLayer(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    // % escapes, backslash escapes, character references, and JSON/array starts.
    if (c === 0x25 || c === 0x5c || c === 0x26 || c === 0x7b || c === 0x5b) return true;
  }
  return b.length >= 16 && findRuns(b).length > 0;
}

/** Split `a=1&b=2` (or cookies `a=1; b=2`) into trimmed pairs; a part without `=` is a name with an empty value. */
export function splitPairs(s: string, sep: string): [string, string][] {
  const out: [string, string][] = [];
  let start = 0;
  while (start <= s.length) {
    let end = s.indexOf(sep, start);
    if (end === -1) end = s.length;
    const part = s.slice(start, end).trim();
    if (part.length > 0) {
      const eq = part.indexOf('=');
      out.push(eq === -1 ? [part, ''] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
    }
    start = end + 1;
  }
  return out;
}

function clip(name: string): string {
  return name.length > 64 ? name.slice(0, 64) + '…' : name;
}
