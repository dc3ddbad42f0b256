/**
 * The XML view: walks an XML layer once (views/xml-text.ts) to enforce
 * `limits.maxXmlDepth` and to hand the engine the element text an XML parser
 * gives the application where comments, PIs or CDATA sections split it
 * (`<x>rO0AB<!-- -->XNy...</x>` reaches the app as one string). Each such run
 * becomes a child value layer `xml:/root/x` (not a decode level: it is a
 * reading of the same bytes, like a JSON string value).
 *
 * Depth: a layer declared as XML is refused (DW-LIMIT-VIEW, limit
 * `maxXmlDepth`, 413) at the first start tag deeper than the limit, as a
 * parser building the tree would already have recursed. A sniffed layer (no
 * XML media type) is refused only when its tags balance: HTML with unclosed
 * `<br>` or `<p>` is not a deep XML document.
 */
import { walkXml } from '../views/xml-text.js';
import type { Inspection } from './inspection.js';
import type { LayerTask } from './layer.js';

/** Joined text shorter than this holds nothing a decoder or signature could use. */
const MIN_TEXT = 8;
/** Runs that get a layer of their own; later ones share one layer (`xml:*`), separated by `|`. */
const MAX_TEXT_LAYERS = 64;
const SEPARATOR = 0x7c;
const CHUNK = 65536;

export function inspectXml(insp: Inspection, task: LayerTask, declared: boolean): boolean {
  const maxDepth = insp.policy.limits.maxXmlDepth;
  const children: LayerTask[] = [];
  // Runs past MAX_TEXT_LAYERS, copied into chunks (no buffer per run); joined into one layer at the end.
  const rest: Buffer[] = [];
  let chunk = Buffer.allocUnsafe(0);
  let used = 0;
  let restBytes = 0;
  const child = (bytes: Uint8Array, label: string): LayerTask => ({
    bytes,
    location: `${task.location}>${label}`,
    depth: task.depth,
    views: task.views + 1,
    isValue: true,
    ...(task.param !== undefined ? { param: task.param } : {}),
    producedBy: 'xml',
  });

  const r = walkXml(task.bytes, { maxDepth, stopAtLimit: declared, minText: MIN_TEXT }, (run) => {
    if (children.length < MAX_TEXT_LAYERS) {
      const text = Buffer.allocUnsafe(run.length);
      run.copyTo(text, 0);
      children.push(child(text, `xml:${run.path()}`));
      return;
    }
    if (used + run.length + 1 > chunk.length) {
      if (used > 0) rest.push(chunk.subarray(0, used));
      chunk = Buffer.allocUnsafe(Math.max(run.length + 1, CHUNK));
      used = 0;
    }
    used += run.copyTo(chunk, used);
    chunk[used++] = SEPARATOR;
    restBytes += run.length + 1;
  });
  if (used > 0) rest.push(chunk.subarray(0, used));
  if (restBytes > 0) children.push(child(rest.length === 1 ? rest[0]! : Buffer.concat(rest, restBytes), 'xml:*'));
  const tooDeep = r.tooDeepAt >= 0 && (declared || r.balanced);
  if (tooDeep) {
    insp.refusal(task, 'DW-LIMIT-VIEW', 'limit', `XML elements nested deeper than maxXmlDepth (${maxDepth})`, r.tooDeepAt, 'maxXmlDepth');
  }
  for (const c of children) insp.add(c);
  return !tooDeep;
}
