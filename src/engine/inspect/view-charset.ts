/**
 * The declared charset of a body or multipart part, when it is not
 * ASCII-compatible (UTF-16, UTF-32, UTF-7, EBCDIC): readers that honour the
 * HTTP charset (JAX-RS entity readers, a TextReader over the request stream)
 * read the bytes in that encoding whatever they look like, and an EBCDIC
 * document without an XML declaration shows no byte pattern the XML encoding
 * detector could sniff. That reading is inspected too, as a child layer
 * `charset:<name>` (which the XML encoding detector does not transcode again).
 * Media types we parse ourselves (JSON, forms, multipart, text/plain) only
 * accept ASCII-compatible charsets and are refused before this point.
 */
import { resolveCharset } from '../charset/labels.js';
import { DEFAULT_MAX_TRANSCODE_BYTES, isTranscodeError, transcodeLenient } from '../charset/transcode.js';
import type { Inspection } from './inspection.js';
import type { LayerTask } from './layer.js';

export function inspectDeclaredCharset(insp: Inspection, task: LayerTask): void {
  if (task.charset === undefined || task.bytes.length === 0) return;
  const cs = resolveCharset(task.charset);
  if (!cs || cs.family === 'utf-8' || cs.family === 'ascii') return;
  const maxOut = Math.min(DEFAULT_MAX_TRANSCODE_BYTES, Math.max(insp.policy.limits.maxDecodedBytes, 1));
  const r = transcodeLenient(task.bytes, cs.name, maxOut);
  if (isTranscodeError(r) || r.out.length === 0) return;
  insp.addDecoded(task, r.out, `charset:${cs.name}`, { producedBy: 'charset', ...(task.contentType !== undefined ? { contentType: task.contentType } : {}) });
}
