/**
 * The application/x-www-form-urlencoded view: a strict parser splits the body
 * into fields (every value of a repeated name is inspected: parameter
 * pollution does not hide anything). Fields whose bytes change when decoded
 * (`%XX`, `+`) become child value layers; the others are spans of the body,
 * which the body's own scan already covers. Invalid escapes, raw `;`
 * separators and NUL bytes are refused: applications read them differently.
 */
import { UrlencodedParser, FIELD_FLAGS } from '../views/urlencoded.js';
import { ruleForViewError } from '../views/errors.js';
import type { ViewError } from '../views/errors.js';
import type { Inspection } from './inspection.js';
import type { Hit, LayerTask } from './layer.js';
import type { TextRun } from '../decode/runs.js';
import type { Range, Span } from './views.js';
import { viewLimitKey } from '../limit-keys.js';

const CHANGED = FIELD_FLAGS.PERCENT | FIELD_FLAGS.PLUS;

/**
 * Returns the spans of plain fields, or null (with a refusal recorded) when the body is not a valid
 * form. The raw ranges of values that became child layers are appended to `covered` (in order).
 */
export function inspectForm(insp: Inspection, task: LayerTask, _hits: readonly Hit[], _runs: readonly TextRun[], covered: Range[] = []): Span[] | null {
  const spans: Span[] = [];
  const children: LayerTask[] = [];
  const limits = insp.policy.limits;
  let failed: ViewError | undefined;
  const parser = new UrlencodedParser(
    {
      onField(nameBytes, value, info) {
        const name = Buffer.from(nameBytes.buffer, nameBytes.byteOffset, nameBytes.length).toString('latin1');
        const label = `form:${name.length > 64 ? name.slice(0, 64) + '…' : name}`;
        if (info.flags & CHANGED) {
          // The raw value starts after the field's first `=` (a raw name never contains one).
          const bytes = task.bytes;
          const end = info.offset + info.rawLength;
          let eq = info.offset;
          while (eq < end && bytes[eq] !== 0x3d) eq++;
          if (value.length >= 4) {
            children.push({ bytes: Buffer.from(value), location: `${task.location}>${label}`, depth: task.depth, views: task.views + 1, isValue: true, param: `form:${name}`, producedBy: 'form' });
            if (eq < end) covered.push({ start: eq + 1, end });
          }
          // The name too, when decoding changed it (`%XX` or `+`) and it is not the value again.
          if (nameBytes.length >= 4 && changed(bytes, info.offset, eq, nameBytes.length) && !Buffer.from(nameBytes).equals(Buffer.from(value))) {
            children.push({ bytes: Buffer.from(nameBytes), location: `${task.location}>form-name:${label.slice(5)}`, depth: task.depth, views: task.views + 1, isValue: true, param: `form:${name}`, producedBy: 'form' });
            covered.push({ start: info.offset, end: eq });
          }
        } else {
          spans.push({ start: info.offset, end: info.offset + info.rawLength, param: `form:${name}`, label });
        }
      },
      onError(e) {
        failed = e;
      },
    },
    { semicolon: 'reject', maxFields: limits.maxFormParams, maxFieldBytes: Math.max(limits.maxBodyBytes, 1) },
  );
  parser.write(task.bytes);
  const result = parser.end();
  const error = failed ?? (result.ok ? undefined : result.error);
  if (error) {
    insp.refusal(task, ruleForViewError(error), error.kind === 'limit' ? 'limit' : error.kind === 'unsupported' ? 'unsupported' : 'malformed', `urlencoded body refused: ${error.message}`, error.offset, error.limit ? viewLimitKey('form', error.limit) : undefined);
    // Fields delivered before the error are still inspected, so the finding names the payload too.
    for (const c of children) insp.add(c);
    return null;
  }
  for (const c of children) insp.add(c);
  covered.sort((a, b) => a.start - b.start);
  return spans;
}

/** Raw bytes [start, end) differ from their decoding of length `decodedLength` (escapes shrink, `+` is a space). */
function changed(bytes: Uint8Array, start: number, end: number, decodedLength: number): boolean {
  if (end - start !== decodedLength) return true;
  for (let i = start; i < end; i++) if (bytes[i] === 0x2b) return true;
  return false;
}
