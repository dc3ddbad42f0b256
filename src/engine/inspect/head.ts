/**
 * The request head as layers: the path (and its long segments), every query
 * parameter (name and value), every cookie value and every header value except a short list of
 * framing headers the proxy validates itself. Splitting is deliberately
 * tolerant here (every plausible value is inspected); the decoders then
 * percent-decode, base64-decode ... each value like any other layer.
 *
 * Headers not inspected (validated by the framing checks instead):
 * Host, Content-Length, Transfer-Encoding, Connection, Keep-Alive, TE,
 * Upgrade, Content-Encoding, Content-Type, Cookie (inspected per cookie).
 */
import type { RequestHead } from '../api.js';
import type { LayerTask } from './layer.js';

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

export function headLayers(head: RequestHead): LayerTask[] {
  const out: LayerTask[] = [];
  const target = head.target;
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  if (path.length >= MIN_VALUE) out.push(value(path, 'path', 'path'));
  // Long path segments on their own too: `/restore/<base64url>` decodes on its own grid, and the
  // segment (not the whole path) is what a route parameter hands the application.
  const segments = path.split('/');
  if (segments.length >= 2) {
    let n = 0;
    for (let i = 0; i < segments.length && n < MAX_SEGMENTS; i++) {
      const seg = segments[i]!;
      if (seg.length < MIN_SEGMENT) continue;
      out.push(value(seg, `path-segment:${i}`, 'path'));
      n++;
    }
  }
  if (q !== -1) {
    for (const [name, val] of splitPairs(target.slice(q + 1), '&')) {
      if (name.length >= MIN_VALUE) out.push(value(name, `query-name:${clip(name)}`, `query:${name}`));
      if (val.length >= MIN_VALUE) out.push(value(val, `query:${clip(name)}`, `query:${name}`, 'form'));
    }
  }
  const raw = head.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const v = raw[i + 1]!;
    if (name === 'cookie') {
      for (const [cname, cval] of splitPairs(v, ';')) {
        if (cval.length >= MIN_VALUE) out.push(value(cval, `cookie:${clip(cname)}`, `cookie:${cname}`));
      }
      continue;
    }
    if (UNINSPECTED_HEADERS.has(name) || v.length < MIN_VALUE) continue;
    out.push(value(v, `header:${name}`, `header:${name}`));
  }
  return out;
}

function value(text: string, location: string, param: string, producedBy?: string): LayerTask {
  return {
    // Header and target strings are latin1 (one char per wire byte) in Node.
    bytes: Buffer.from(text, 'latin1'),
    location,
    depth: 0,
    views: 0,
    isValue: true,
    param,
    ...(producedBy ? { producedBy } : {}),
  };
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
