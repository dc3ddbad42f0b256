/**
 * Loads the rule data in signatures/*.yaml: every rule's id, family,
 * severity, description, references, matcher and samples. Byte-literal rules
 * and RE2 rules are compiled here; structural rules only document the ids a
 * structural detector reports. Loading fails loudly (file and rule id) on any
 * malformed rule, so a bad signature file never silently disables detection.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse } from 'yaml';
import RE2 from 're2';
import type { Family, FindingKind, Severity } from './types.js';

export interface Sample {
  readonly bytes: Uint8Array;
  readonly note?: string;
  readonly contentType?: string;
  readonly location: 'body' | 'query' | 'cookie' | 'header';
  readonly policy?: string;
}

export interface ByteMatcher {
  readonly type: 'bytes';
  readonly literals: readonly Uint8Array[];
  readonly caseInsensitive: boolean;
}

export interface Re2Matcher {
  readonly type: 're2';
  readonly pattern: RE2;
  readonly source: string;
  readonly anchors: readonly Uint8Array[];
  readonly window: number;
}

export interface StructuralMatcher {
  readonly type: 'structural';
  readonly detector: string;
}

export interface Rule {
  readonly id: string;
  readonly family: Family;
  readonly severity: Severity;
  readonly kind: FindingKind;
  readonly description: string;
  readonly references: readonly string[];
  readonly matcher: ByteMatcher | Re2Matcher | StructuralMatcher;
  readonly samples: { readonly match: readonly Sample[]; readonly nomatch: readonly Sample[] };
  readonly file: string;
}

const SEVERITIES = new Set(['critical', 'high', 'medium', 'low']);
const KINDS = new Set(['attack', 'malformed', 'unsupported', 'limit', 'error']);
const FAMILIES = new Set(['pickle', 'java', 'dotnet', 'xml', 'yaml', 'php', 'ruby', 'node', 'jsonpoly', 'protocol', 'limit', 'policy']);

export class SignatureError extends Error {
  constructor(file: string, where: string, message: string) {
    super(`${file}: ${where}: ${message}`);
    this.name = 'SignatureError';
  }
}

export function signaturesDir(): string {
  return fileURLToPath(new URL('../../signatures/', import.meta.url));
}

/** Load every `*.yaml` directly under the signatures directory. */
export function loadSignatures(dir = signaturesDir()): Rule[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const rules: Rule[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    for (const r of parseSignatureFile(join(dir, f), readFileSync(join(dir, f), 'utf8'))) {
      const prev = seen.get(r.id);
      if (prev !== undefined) throw new SignatureError(f, r.id, `duplicate rule id (also in ${prev})`);
      seen.set(r.id, f);
      rules.push(r);
    }
  }
  return rules;
}

export function parseSignatureFile(file: string, text: string): Rule[] {
  const doc = parse(text, { maxAliasCount: 0 }) as unknown;
  if (!isObj(doc)) throw new SignatureError(file, '/', 'must be a mapping with "family" and "rules"');
  const family = doc.family;
  if (typeof family !== 'string' || !FAMILIES.has(family)) throw new SignatureError(file, 'family', `unknown family ${String(family)}`);
  if (!Array.isArray(doc.rules)) throw new SignatureError(file, 'rules', 'must be a list');
  return doc.rules.map((raw: unknown, i: number) => parseRule(file, family as Family, raw, i));
}

function parseRule(file: string, fileFamily: Family, raw: unknown, i: number): Rule {
  const where = `rules[${i}]`;
  if (!isObj(raw)) throw new SignatureError(file, where, 'must be a mapping');
  const id = raw.id;
  if (typeof id !== 'string' || !/^DW-[A-Z0-9]+-[A-Z0-9-]+$/.test(id)) throw new SignatureError(file, where, `bad id ${String(id)}`);
  const at = `${where} ${id}`;
  const family = (typeof raw.family === 'string' ? raw.family : fileFamily) as Family;
  if (!FAMILIES.has(family)) throw new SignatureError(file, at, `unknown family ${family}`);
  const severity = raw.severity;
  if (typeof severity !== 'string' || !SEVERITIES.has(severity)) throw new SignatureError(file, at, 'severity must be critical, high, medium or low');
  const kind = raw.kind ?? 'attack';
  if (typeof kind !== 'string' || !KINDS.has(kind)) throw new SignatureError(file, at, 'kind must be attack, malformed, unsupported or limit');
  if (typeof raw.description !== 'string' || raw.description.length < 10) throw new SignatureError(file, at, 'needs a description');
  const references = Array.isArray(raw.references) ? raw.references.map(String) : [];
  const matcher = parseMatcher(file, at, raw.matcher);
  const samples = isObj(raw.samples) ? raw.samples : {};
  return {
    id,
    family,
    severity: severity as Severity,
    kind: kind as FindingKind,
    description: raw.description,
    references,
    matcher,
    samples: {
      match: parseSamples(file, `${at} samples.match`, samples.match),
      nomatch: parseSamples(file, `${at} samples.nomatch`, samples.nomatch),
    },
    file,
  };
}

function parseMatcher(file: string, at: string, m: unknown): Rule['matcher'] {
  if (!isObj(m)) throw new SignatureError(file, at, 'needs a matcher');
  if (typeof m.structural === 'string') return { type: 'structural', detector: m.structural };
  if (Array.isArray(m.bytes)) {
    const literals = m.bytes.map((b: unknown, j: number) => literal(file, `${at} matcher.bytes[${j}]`, b));
    return { type: 'bytes', literals, caseInsensitive: m.caseInsensitive === true };
  }
  if (isObj(m.re2)) {
    const src = m.re2.pattern;
    if (typeof src !== 'string') throw new SignatureError(file, at, 're2.pattern must be a string');
    const unbounded = unboundedQuantifier(src);
    if (unbounded !== null) throw new SignatureError(file, at, `re2.pattern must be bounded (${unbounded}): use {m,n} instead of *, + and {m,}`);
    let pattern: RE2;
    try {
      pattern = new RE2(src, 'u');
    } catch (err) {
      throw new SignatureError(file, at, `re2.pattern does not compile: ${(err as Error).message}`);
    }
    const anchors = Array.isArray(m.re2.anchors) ? m.re2.anchors.map((b: unknown, j: number) => literal(file, `${at} re2.anchors[${j}]`, b)) : [];
    if (anchors.length === 0) throw new SignatureError(file, at, 're2 rules need anchors (literals that start the window)');
    const window = typeof m.re2.window === 'number' ? m.re2.window : 256;
    if (window < 1 || window > 4096) throw new SignatureError(file, at, 're2.window must be 1..4096');
    return { type: 're2', pattern, source: src, anchors, window };
  }
  throw new SignatureError(file, at, 'matcher must be structural, bytes or re2');
}

/** The first unbounded quantifier outside character classes, or null. Windows stay bounded only with bounded patterns. */
export function unboundedQuantifier(src: string): string | null {
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '*' || c === '+') return c;
    else if (c === '{') {
      const close = src.indexOf('}', i);
      if (close !== -1 && /^\{[0-9]+,\}$/.test(src.slice(i, close + 1))) return src.slice(i, close + 1);
    }
  }
  return null;
}

function literal(file: string, at: string, b: unknown): Uint8Array {
  if (typeof b === 'string' && b.length > 0) return Buffer.from(b, 'latin1');
  if (isObj(b) && typeof b.hex === 'string' && /^([0-9a-fA-F]{2})+$/.test(b.hex)) return Buffer.from(b.hex, 'hex');
  throw new SignatureError(file, at, 'literal must be a non-empty string or {hex: "..."}');
}

function parseSamples(file: string, at: string, list: unknown): Sample[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new SignatureError(file, at, 'must be a list');
  return list.map((s: unknown, j: number) => {
    if (!isObj(s)) throw new SignatureError(file, `${at}[${j}]`, 'must be a mapping');
    let bytes: Uint8Array;
    if (typeof s.text === 'string') bytes = Buffer.from(s.text, 'utf8');
    else if (typeof s.b64 === 'string') bytes = Buffer.from(s.b64, 'base64');
    else if (typeof s.hex === 'string') bytes = Buffer.from(s.hex.replace(/\s+/g, ''), 'hex');
    else throw new SignatureError(file, `${at}[${j}]`, 'needs text, b64 or hex');
    const location = (s.location ?? 'body') as Sample['location'];
    if (!['body', 'query', 'cookie', 'header'].includes(location)) throw new SignatureError(file, `${at}[${j}]`, 'location must be body, query, cookie or header');
    return {
      bytes,
      location,
      ...(typeof s.note === 'string' ? { note: s.note } : {}),
      ...(typeof s.contentType === 'string' ? { contentType: s.contentType } : {}),
      ...(typeof s.policy === 'string' ? { policy: s.policy } : {}),
    };
  });
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
