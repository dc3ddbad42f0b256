/**
 * Query-string parsing: the urlencoded grammar in tolerant mode. Invalid
 * escapes (`%zz`, a trailing `%`) and IIS `%uXXXX` are kept literally and
 * flagged (FIELD_FLAGS), NUL and `;` are flagged, never refused here: the
 * policy decides. A limit on the number of fields returns an error together
 * with the fields read before it. Input is the raw query (after `?`, before
 * `#`) as latin1 string or bytes.
 */
import type { ViewError } from './errors.js';
import { FIELD_FLAGS, FORM_DEFAULT_LIMITS, UrlencodedParser, type FormLimits } from './urlencoded.js';

export interface QueryField {
  /** Decoded bytes. */
  readonly name: Uint8Array;
  readonly value: Uint8Array;
  /** UTF-8 decodings (U+FFFD for invalid sequences; see FIELD_FLAGS.NON_UTF8). */
  readonly nameText: string;
  readonly valueText: string;
  /** Character offset of the field in the raw query. */
  readonly offset: number;
  readonly flags: number;
}

export interface QueryResult {
  readonly fields: readonly QueryField[];
  /** OR of all field flags. */
  readonly flags: number;
  readonly error?: ViewError;
}

export function parseQuery(rawQuery: string | Uint8Array, limits: Partial<FormLimits> = {}): QueryResult {
  const bytes = typeof rawQuery === 'string' ? Buffer.from(rawQuery, 'latin1') : rawQuery;
  const fields: QueryField[] = [];
  let all = 0;
  const p = new UrlencodedParser(
    {
      onField(name, value, info) {
        const n = Buffer.from(name);
        const v = Buffer.from(value);
        all |= info.flags;
        fields.push({ name: n, value: v, nameText: n.toString('utf8'), valueText: v.toString('utf8'), offset: info.offset, flags: info.flags });
      },
    },
    {
      tolerant: true,
      allowNul: true,
      maxFields: limits.maxFields ?? FORM_DEFAULT_LIMITS.maxFields,
      maxFieldBytes: limits.maxFieldBytes ?? FORM_DEFAULT_LIMITS.maxFieldBytes,
    },
  );
  p.write(bytes);
  const r = p.end();
  return r.ok ? { fields, flags: all } : { fields, flags: all, error: r.error };
}

export { FIELD_FLAGS };
