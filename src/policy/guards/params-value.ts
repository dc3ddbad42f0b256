/**
 * The query string and urlencoded form bodies as the objects their schemas
 * describe: `{name: "value"}`, a repeated name becomes an array of its values
 * in order (`?a=1&a=2` → `{a: ["1", "2"]}`). Names and values are the decoded
 * UTF-8 text. Query strings are read like the engine reads them (tolerant:
 * invalid escapes stay literal); form bodies strictly, as the engine's form
 * view does (invalid escapes, NUL, raw `;` refuse the body).
 */
import { parseQuery } from '../../engine/views/query.js';
import { UrlencodedParser } from '../../engine/views/urlencoded.js';

export type ParamsObject = Record<string, string | string[]>;
export type ParsedParams = { ok: true; value: ParamsObject } | { ok: false; message: string };

function add(obj: ParamsObject, name: string, value: string): void {
  const prev = obj[name];
  if (prev === undefined) obj[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else obj[name] = [prev, value];
}

export function queryObject(rawQuery: string, maxFields: number): ParsedParams {
  const r = parseQuery(rawQuery, { maxFields });
  if (r.error) return { ok: false, message: r.error.message };
  const obj = Object.create(null) as ParamsObject;
  for (const f of r.fields) add(obj, f.nameText, f.valueText);
  return { ok: true, value: obj };
}

export function formObject(body: Uint8Array, maxFields: number, maxFieldBytes: number): ParsedParams {
  const obj = Object.create(null) as ParamsObject;
  let failed: string | undefined;
  const text = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
  const p = new UrlencodedParser(
    {
      onField(name, value) {
        add(obj, text(name), text(value));
      },
      onError(e) {
        failed = e.message;
      },
    },
    { semicolon: 'reject', maxFields, maxFieldBytes },
  );
  p.write(body);
  const r = p.end();
  if (failed !== undefined) return { ok: false, message: failed };
  if (!r.ok) return { ok: false, message: r.error.message };
  return { ok: true, value: obj };
}
