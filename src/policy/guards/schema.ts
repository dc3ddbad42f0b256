/**
 * The schema route guard: validates the query string (before the body is
 * read), and a JSON or urlencoded body (once complete) against the route's
 * compiled JSON Schemas. A failure answers 422 with `errors: [{pointer,
 * keyword}]`, never a value. A body is parsed here only as the engine parses
 * it (same strict tokenizer, same limits, same Content-Encoding decoding), so
 * a body the engine refused never gets validated: its refusal answers. On a
 * route whose body or form has a schema, a body of another media type is
 * refused (415): it would reach the application unvalidated.
 */
import type { RequestHead } from '../../engine/api.js';
import type { LimitsConfig } from '../../config/schema.js';
import { bodyMediaType } from '../../engine/inspect/media-type.js';
import { decodeContentEncoding, parseContentEncoding } from '../../engine/inspect/content-encoding.js';
import type { GuardBody, GuardOutcome, RouteGuard } from './guard.js';
import { rawQueryOf } from './headers.js';
import { engineJsonLimits, parseJsonValue } from './json-value.js';
import { formObject, queryObject } from './params-value.js';
import { schemaErrors, type CompiledSchema } from './schema-compile.js';

export interface SchemaGuardOptions {
  readonly body?: CompiledSchema;
  readonly query?: CompiledSchema;
  readonly form?: CompiledSchema;
  /** The route policy's limits (the engine parses with the same). */
  readonly limits: Readonly<LimitsConfig>;
  /**
   * True when the engine's refusal of an unreadable body (malformed JSON or
   * form, bad Content-Type or Content-Encoding, a view limit) surely blocks
   * on this route (policy onError 'block', no exclusion of DW-PROTOCOL-* or
   * DW-LIMIT-* rules): run before the decision, the guard then leaves the
   * answer to the engine. Otherwise, or once the decision let the body
   * through (`verdictPassed`), it refuses unreadable bodies itself.
   */
  readonly engineRefusesUnreadable: boolean;
}

/** Media types the engine's JSON view treats as declared JSON (src/engine/inspect/views.ts). */
const JSON_TYPES = new Set(['application/json', 'text/json', 'application/javascript', 'text/javascript']);
const FORM_TYPE = 'application/x-www-form-urlencoded';
/** Bodies up to this size get every error listed; larger ones the first (bounded answer work). */
const ALL_ERRORS_MAX_BYTES = 64 * 1024;

type Where = 'body' | 'query' | 'form';

function invalid(where: Where, errors: { pointer: string; keyword: string }[]): GuardOutcome {
  return { refusal: { status: 422, code: 'DW_ERR_SCHEMA_INVALID', reason: 'schema validation failed', details: { in: where, errors } } };
}

function unreadable(where: Where): GuardOutcome {
  return { refusal: { status: 400, code: 'DW_ERR_SCHEMA_UNREADABLE', reason: `${where} could not be read for schema validation`, details: { in: where } } };
}

function validate(schema: CompiledSchema, value: unknown, where: Where, size: number): GuardOutcome {
  try {
    if (schema.first(value)) return null;
    const errors = size <= ALL_ERRORS_MAX_BYTES && !schema.all(value) ? schema.all.errors : schema.first.errors;
    return invalid(where, schemaErrors(errors));
  } catch {
    // A validator that throws (a recursive schema over a very deep value) fails closed.
    return unreadable(where);
  }
}

export function schemaGuard(o: SchemaGuardOptions): RouteGuard {
  const wantsBody = o.body !== undefined || o.form !== undefined;

  return {
    name: 'schema',
    afterVerdict: true,
    checkHead(head: RequestHead): GuardOutcome {
      if (o.query === undefined) return null;
      const raw = rawQueryOf(head.target) ?? '';
      const q = queryObject(raw, o.limits.maxFormParams);
      if (!q.ok) return unreadable('query');
      return validate(o.query, q.value, 'query', raw.length);
    },
    checkBody(head: RequestHead, body: GuardBody): GuardOutcome {
      if (!wantsBody || body.raw.length === 0) return null;
      const engineRefuses = (where: Where): GuardOutcome => (o.engineRefusesUnreadable && body.verdictPassed !== true ? null : unreadable(where));
      const media = bodyMediaType(head.rawHeaders);
      if (media.error) return engineRefuses('body');
      const essence = media.essence;
      const isJson = essence !== undefined && (JSON_TYPES.has(essence) || essence.endsWith('+json'));
      const isForm = essence === FORM_TYPE;
      const schema = isJson ? o.body : isForm ? o.form : undefined;
      if (schema === undefined) {
        return { refusal: { status: 415, code: 'DW_ERR_SCHEMA_MEDIA_TYPE', reason: `this route validates ${[o.body ? 'application/json' : '', o.form ? FORM_TYPE : ''].filter(Boolean).join(' and ')} bodies only` } };
      }
      const where: Where = isJson ? 'body' : 'form';
      const encoding = parseContentEncoding(head.rawHeaders);
      if (encoding.error) return engineRefuses(where);
      let bytes: Uint8Array = body.raw;
      if (encoding.codings.length > 0) {
        const d = decodeContentEncoding(bytes, encoding.codings, o.limits);
        if ('error' in d) return engineRefuses(where);
        bytes = d.bytes;
      }
      if (isJson) {
        const parsed = parseJsonValue(bytes, engineJsonLimits(o.limits));
        if (!parsed.ok) return engineRefuses(where);
        return validate(schema, parsed.value, where, bytes.length);
      }
      const form = formObject(bytes, o.limits.maxFormParams, Math.max(o.limits.maxBodyBytes, 1));
      if (!form.ok) return engineRefuses(where);
      return validate(schema, form.value, where, bytes.length);
    },
  };
}
