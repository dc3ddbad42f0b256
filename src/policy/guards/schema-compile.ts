/**
 * Compiles one route schema (draft 2020-12) with ajv, once per config. Every
 * `pattern` and `patternProperties` key runs on RE2 (ajv's `code.regExp`), so
 * a schema cannot bring a backtracking regex onto request data; a pattern
 * RE2 cannot compile (backreferences, lookaround) is a config problem that
 * names its place in the schema. Formats are the ones in formats.ts; any
 * other is a config problem (ajv strict mode). A schema is read from a JSON
 * or YAML file (relative to the config file) or given inline.
 */
import { readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import RE2 from 're2';
import { parse as parseYaml } from 'yaml';
import { FORMATS } from './formats.js';

/** A compiled schema: a fail-fast validator and one that lists every error (used on small inputs). */
export interface CompiledSchema {
  readonly first: ValidateFunction;
  readonly all: ValidateFunction;
}

/** A problem with a key path relative to the schema's config key (`''` = the key itself). */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

const MAX_SCHEMA_FILE_BYTES = 1024 * 1024;
const MAX_SCHEMA_NODES = 100_000;

const re2Engine = Object.assign((pattern: string, flags: string) => new RE2(pattern, flags), { code: 'require("re2")' });

function newAjv(allErrors: boolean): Ajv2020 {
  const formats: Record<string, { type: 'string'; validate: (s: string) => boolean }> = {};
  for (const [name, validate] of Object.entries(FORMATS)) formats[name] = { type: 'string', validate };
  return new Ajv2020({
    allErrors,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    logger: false,
    validateFormats: true,
    formats,
    unicodeRegExp: true,
    code: { regExp: re2Engine },
  });
}

/** The schema object of a config value: a file path (JSON or YAML) or an inline schema. */
export function loadSchemaSource(ref: unknown, baseDir: string): { schema: Record<string, unknown> } | { problem: SchemaProblem } {
  if (typeof ref !== 'string') {
    if (typeof ref === 'object' && ref !== null && !Array.isArray(ref)) return { schema: ref as Record<string, unknown> };
    return { problem: { path: '', message: 'must be a schema object or the path of a schema file' } };
  }
  const path = isAbsolute(ref) ? ref : resolve(baseDir, ref);
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_SCHEMA_FILE_BYTES) return { problem: { path: '', message: `schema file ${path} is larger than 1 MiB` } };
    text = buf.toString('utf8');
  } catch (err) {
    return { problem: { path: '', message: `cannot read schema file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` } };
  }
  let data: unknown;
  try {
    const ext = extname(path).toLowerCase();
    data = ext === '.yaml' || ext === '.yml' ? parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 }) : JSON.parse(text);
  } catch (err) {
    return { problem: { path: '', message: `schema file ${path} does not parse: ${(err as Error).message.split('\n')[0]}` } };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { problem: { path: '', message: `schema file ${path} must hold a JSON Schema object` } };
  return { schema: data as Record<string, unknown> };
}

/** Keys whose values are data, not schemas: a `pattern` inside them is not a regex. */
const DATA_KEYS = new Set(['const', 'enum', 'examples', 'default']);

/** JSON pointer escaping without RegExp (the segment may be a request key). */
function escapeSegment(s: string): string {
  return s.split('~').join('~0').split('/').join('~1');
}

/** Every pattern in the schema that RE2 refuses, with its JSON pointer inside the schema (iterative walk). */
export function re2Problems(schema: unknown): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const stack: { node: unknown; ptr: string }[] = [{ node: schema, ptr: '' }];
  let visited = 0;
  while (stack.length > 0 && visited++ < MAX_SCHEMA_NODES) {
    const { node, ptr } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      node.forEach((v, i) => stack.push({ node: v, ptr: `${ptr}/${i}` }));
      continue;
    }
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      const p = `${ptr}/${escapeSegment(k)}`;
      if (k === 'pattern' && typeof v === 'string') checkRe2(v, p, problems);
      if (k === 'patternProperties' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
        for (const key of Object.keys(v)) checkRe2(key, `${p}/${escapeSegment(key)}`, problems);
      }
      if (!DATA_KEYS.has(k)) stack.push({ node: v, ptr: p });
    }
  }
  return problems.sort((a, b) => (a.path < b.path ? -1 : 1));
}

function checkRe2(pattern: string, path: string, problems: SchemaProblem[]): void {
  try {
    new RE2(pattern, 'u');
  } catch (err) {
    problems.push({ path, message: `pattern ${JSON.stringify(pattern.slice(0, 80))} is not supported by RE2 (${(err as Error).message}); patterns run on RE2, which has no backreferences or lookaround` });
  }
}

/** Compile a schema object; problems carry paths inside the schema when known. */
export function compileSchema(schema: Record<string, unknown>): { compiled: CompiledSchema } | { problems: SchemaProblem[] } {
  const re2 = re2Problems(schema);
  if (re2.length > 0) return { problems: re2 };
  try {
    // Each schema gets its own ajv instances: two routes may use schemas with the same $id.
    return { compiled: { first: newAjv(false).compile(schema), all: newAjv(true).compile(schema) } };
  } catch (err) {
    return { problems: [{ path: '', message: `schema does not compile: ${(err as Error).message.split('\n')[0]}` }] };
  }
}

export interface SchemaError {
  readonly pointer: string;
  readonly keyword: string;
}

/** Longest pointer reported (pointers contain request keys). */
const MAX_POINTER_CHARS = 256;
/** Most errors reported in one answer. */
export const MAX_REPORTED_ERRORS = 20;

/** ajv errors as pointer + keyword (never the value; a missing or extra property is named in the pointer). */
export function schemaErrors(errors: readonly ErrorObject[] | null | undefined): SchemaError[] {
  const out: SchemaError[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    let pointer = e.instancePath;
    const params = e.params as { missingProperty?: string; additionalProperty?: string; unevaluatedProperty?: string };
    const extra = params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty;
    if (typeof extra === 'string') pointer += `/${escapeSegment(extra)}`;
    if (pointer.length > MAX_POINTER_CHARS) pointer = pointer.slice(0, MAX_POINTER_CHARS) + '…';
    const k = `${pointer}\0${e.keyword}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ pointer, keyword: e.keyword });
    if (out.length >= MAX_REPORTED_ERRORS) break;
  }
  return out;
}
