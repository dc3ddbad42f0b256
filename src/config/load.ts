/**
 * Reads a YAML config file, applies command-line and environment overrides,
 * fills defaults and validates everything against the schema. Every problem
 * is reported with file, line, column and key path; all problems are listed,
 * not just the first.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, isMap, isSeq, isPair, isScalar, type Document, type Node } from 'yaml';
import { ConfigError, ConfigReadError, type ConfigProblem } from '../errors.js';
import { ConfigSchema, type Config } from './schema.js';
import { checkSemantics } from './semantics.js';

/** A value set outside the file (flag or environment variable) and where it came from. */
export interface Override {
  readonly path: readonly string[];
  readonly value: unknown;
  /** e.g. `--listen` or `DESERWALL_LISTEN` */
  readonly source: string;
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, coerceTypes: false });
const validate = ajv.compile(ConfigSchema);

export interface LoadedConfig {
  readonly config: Config;
  /** Absolute or relative path as given, `<defaults>` when no file was used. */
  readonly file: string;
}

/** Load and validate a config file (or only defaults when `file` is undefined). */
export function loadConfig(file: string | undefined, overrides: readonly Override[] = []): LoadedConfig {
  let text = '';
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigReadError(file, err);
    }
  }
  return parseConfig(text, file ?? '<defaults>', overrides);
}

/** Validate config text; `file` is only used in messages. */
export function parseConfig(text: string, file: string, overrides: readonly Override[] = []): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const problems: ConfigProblem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = lineCounter.linePos(e.pos[0]);
    problems.push({ file, line: pos.line, column: pos.col, path: '', message: `YAML: ${e.message.split('\n')[0]}` });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new ConfigError([{ file, line: 1, column: 1, path: '', message: `YAML: ${(err as Error).message}` }]);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError([{ file, line: 1, column: 1, path: '', message: 'the config must be a YAML mapping' }]);
  }
  const sources = new Map<string, string>();
  for (const o of overrides) {
    setPath(data as Record<string, unknown>, o.path, o.value);
    sources.set('/' + o.path.join('/'), o.source);
  }

  const valid = validate(data);
  if (!valid) {
    for (const e of simplify(validate.errors ?? [])) {
      problems.push(locate(doc, lineCounter, file, e, sources));
    }
  }
  const config = data as Config;
  for (const p of semanticsOf(config, valid, file === '<defaults>' ? undefined : dirname(resolve(file)))) {
    problems.push(locateMessage(doc, lineCounter, file, p.path, p.message, sources));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { config, file };
}

/** Semantic checks also run on an invalid config, so that every problem is listed at once. */
function semanticsOf(config: Config, valid: boolean, baseDir: string | undefined) {
  try {
    return checkSemantics(config, baseDir);
  } catch (err) {
    if (valid) throw err;
    return [];
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur: Record<string, unknown> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = cur[key];
    if (typeof next !== 'object' || next === null) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

interface SimpleError {
  readonly path: string;
  readonly message: string;
  /** True when the problem is the key itself (unknown key) rather than its value. */
  readonly atKey: boolean;
}

/** Turn ajv's raw errors into one readable message per problem. */
function simplify(errors: readonly ErrorObject[]): SimpleError[] {
  const out: SimpleError[] = [];
  const unionPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const constsByPath = new Map<string, unknown[]>();
  for (const e of errors) {
    if (e.keyword === 'const' && unionPaths.has(e.instancePath)) {
      const list = constsByPath.get(e.instancePath) ?? [];
      list.push((e.params as { allowedValue: unknown }).allowedValue);
      constsByPath.set(e.instancePath, list);
    }
  }
  for (const e of errors) {
    if (unionPaths.has(e.instancePath) && e.keyword !== 'anyOf' && e.keyword !== 'additionalProperties') continue;
    if (e.keyword === 'anyOf') {
      const consts = constsByPath.get(e.instancePath);
      const message = consts && consts.length > 0 ? `must be one of: ${consts.map((c) => JSON.stringify(c)).join(', ')}${unionHasNonConst(errors, e.instancePath) ? ' (or the other documented form)' : ''}` : 'has none of the allowed forms (see docs/config.md)';
      out.push({ path: e.instancePath, message, atKey: false });
    } else if (e.keyword === 'additionalProperties') {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      out.push({ path: `${e.instancePath}/${escapePointer(key)}`, message: `unknown key "${key}"`, atKey: true });
    } else {
      out.push({ path: e.instancePath, message: e.message ?? e.keyword, atKey: false });
    }
  }
  const seen = new Set<string>();
  return out.filter((e) => {
    const k = `${e.path}\0${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function unionHasNonConst(errors: readonly ErrorObject[], path: string): boolean {
  return errors.some((e) => e.instancePath === path && e.keyword !== 'const' && e.keyword !== 'anyOf');
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

function locate(doc: Document, lc: LineCounter, file: string, e: SimpleError, sources: Map<string, string>): ConfigProblem {
  return locateMessage(doc, lc, file, e.path, e.message, sources, e.atKey);
}

function locateMessage(doc: Document, lc: LineCounter, file: string, path: string, message: string, sources: Map<string, string>, atKey = false): ConfigProblem {
  for (const [p, source] of sources) {
    if (path === p || path.startsWith(p + '/')) return { file: source, line: 0, column: 0, path, message };
  }
  const segments = path === '' ? [] : path.slice(1).split('/').map(unescapePointer);
  const offset = findOffset(doc, segments, atKey);
  const pos = lc.linePos(offset);
  return { file, line: pos.line, column: pos.col, path, message };
}

/** Offset of the deepest existing node along `segments` (the key itself when `atKey`). */
function findOffset(doc: Document, segments: readonly string[], atKey: boolean): number {
  let node: unknown = doc.contents;
  let best = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === seg);
      if (!pair) return best;
      const keyNode = pair.key as Node | null;
      if (last && atKey && keyNode?.range) return keyNode.range[0];
      const value = pair.value as Node | null;
      best = value?.range?.[0] ?? keyNode?.range?.[0] ?? best;
      node = value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (!item) return best;
      best = item.range?.[0] ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}
