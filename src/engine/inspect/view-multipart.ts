/**
 * The multipart/form-data view: a strict parser splits the body into parts;
 * each part (its decoded bytes when it declares base64 or quoted-printable
 * transfer encoding) becomes a child layer with its own media type and file
 * name, so a pickle in a file part or XML in a field is inspected like a body.
 * Each part's raw range is a span, so what the body's own scan finds inside a
 * part is attributed to it (`multipart:name`) as the part layer's findings are.
 * Ambiguous multipart (see src/engine/views/multipart.ts) is refused.
 */
import { MultipartParser, multipartFromContentType } from '../views/multipart.js';
import { ruleForViewError } from '../views/errors.js';
import type { PartInfo } from '../views/multipart.js';
import type { Inspection } from './inspection.js';
import type { LayerTask } from './layer.js';
import type { Span } from './views.js';
import { viewLimitKey } from '../limit-keys.js';

/** Returns the parts' spans when the body parsed; null (with a refusal recorded) otherwise. */
export function inspectMultipart(insp: Inspection, task: LayerTask): Span[] | null {
  const limits = insp.policy.limits;
  const parts: LayerTask[] = [];
  const spans: Span[] = [];
  let current: PartInfo | null = null;
  let data: Uint8Array[] = [];
  let size = 0;
  const parser = multipartFromContentType(
    task.contentTypeHeader ?? '',
    {
      onPartBegin(part) {
        current = part;
        data = [];
        size = 0;
      },
      onPartData(chunk) {
        data.push(Buffer.from(chunk));
        size += chunk.length;
      },
      onPartEnd(bodyEnd) {
        const p = current!;
        const label = p.filename !== undefined ? `multipart[${clip(p.name)}:${clip(p.filename)}]` : `multipart[${clip(p.name)}]`;
        spans.push({ start: p.offset, end: bodyEnd, param: `multipart:${p.name}`, label });
        parts.push({
          bytes: data.length === 1 ? data[0]! : Buffer.concat(data, size),
          location: `${task.location}>${label}${p.encoded ? `>${p.transferEncoding}` : ''}`,
          depth: task.depth + (p.encoded ? 1 : 0),
          views: task.views + 1,
          isValue: p.filename === undefined,
          param: `multipart:${p.name}`,
          ...(p.contentType !== undefined ? { contentType: p.contentType } : {}),
          ...(p.filename !== undefined ? { filename: p.filename } : {}),
          ...(p.charset !== undefined ? { charset: p.charset } : {}),
        });
        current = null;
        data = [];
      },
    },
    {
      maxParts: limits.maxMultipartParts,
      maxHeaderBytes: limits.maxPartHeaderBytes,
      maxFieldBytes: limits.maxBodyBytes,
    },
  );
  if (!(parser instanceof MultipartParser)) {
    const e = parser.error;
    insp.refusal(task, ruleForViewError(e), e.kind === 'limit' ? 'limit' : e.kind === 'unsupported' ? 'unsupported' : 'malformed', `multipart body refused: ${e.message}`, e.offset, e.limit ? viewLimitKey('multipart', e.limit) : undefined);
    return null;
  }
  parser.write(task.bytes);
  const result = parser.end();
  if (!result.ok) {
    const e = result.error;
    insp.refusal(task, ruleForViewError(e), e.kind === 'limit' ? 'limit' : e.kind === 'unsupported' ? 'unsupported' : 'malformed', `multipart body refused: ${e.message}`, e.offset, e.limit ? viewLimitKey('multipart', e.limit) : undefined);
    return null;
  }
  for (const p of parts) insp.add(p);
  return spans;
}

function clip(s: string): string {
  return s.length > 48 ? s.slice(0, 48) + '…' : s;
}
