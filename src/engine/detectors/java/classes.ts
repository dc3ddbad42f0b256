/**
 * The Java class judge shared by every detector that sees Java class names
 * (binary streams here; Jackson/fastjson JSON, SnakeYAML tags, XMLDecoder and
 * XStream XML elsewhere): `javaGadgetClass(name)` says whether a class is a
 * known deserialization gadget or otherwise dangerous to instantiate, after
 * undoing the wrapper forms fastjson accepts (`Lx;`, `LLx;;`, `[x`, `[Lx;`)
 * and JVM slashes. `isJavaClassName(s)` tests the fully-qualified-name shape.
 *
 * The list itself is data: signatures/lists/java-gadgets.yaml, read once at
 * module load (a missing or malformed list is a deployment error and throws).
 * Names are matched with Map lookups and bounded loops, never RegExp.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface JavaGadgetVerdict {
  /** The rule id a Java stream finding uses for gadget classes. */
  readonly rule: 'DW-JAVA-002';
  /** Group id from the list (`commons-collections`, `jndi`, `process` ...). */
  readonly group: string;
  /** One-line reason, safe to put in a finding message. */
  readonly reason: string;
  /** The normalised class name that was judged. */
  readonly name: string;
}

export interface JavaGadgetOptions {
  /**
   * `stream` skips groups that only mean something in typed JSON/YAML/XML
   * (e.g. java.lang.Class, which fastjson abuses but every Class[] field
   * names in a binary stream). Default `any`.
   */
  readonly context?: 'stream' | 'any';
}

interface Group {
  readonly id: string;
  readonly reason: string;
  readonly textOnly: boolean;
}

interface GadgetIndex {
  readonly exact: Map<string, Group>;
  /** Prefixes ending with '.', looked up per package level. */
  readonly packagePrefixes: Map<string, Group>;
  /** Other prefixes, tested with startsWith. */
  readonly rawPrefixes: readonly (readonly [string, Group])[];
  readonly suffixes: readonly (readonly [string, Group])[];
}

/** Longest raw input judged; longer strings are not class names. */
export const MAX_JAVA_CLASS_NAME_INPUT = 1024;
/** Longest normalised class name accepted by isJavaClassName. */
export const MAX_JAVA_CLASS_NAME = 512;
/** Groups that are noise inside binary streams (see JavaGadgetOptions.context). */
const TEXT_ONLY_GROUPS = new Set(['fastjson-bypass']);

const LIST_URL = new URL('../../../../signatures/lists/java-gadgets.yaml', import.meta.url);

let index: GadgetIndex | null = null;

function getIndex(): GadgetIndex {
  if (index === null) index = buildIndex(readFileSync(LIST_URL, 'utf8'), LIST_URL.pathname);
  return index;
}

/** Build the lookup tables from the YAML text of a gadget list (exported for tests). */
export function buildIndex(text: string, source = 'java-gadgets.yaml'): GadgetIndex {
  const doc = parse(text) as unknown;
  const groups = isRecord(doc) ? doc['groups'] : undefined;
  if (!Array.isArray(groups)) throw new Error(`${source}: "groups" must be a list`);
  const exact = new Map<string, Group>();
  const packagePrefixes = new Map<string, Group>();
  const rawPrefixes: [string, Group][] = [];
  const suffixes: [string, Group][] = [];
  for (const g of groups as unknown[]) {
    if (!isRecord(g) || typeof g['id'] !== 'string' || typeof g['reason'] !== 'string') {
      throw new Error(`${source}: every group needs an "id" and a "reason"`);
    }
    const group: Group = { id: g['id'], reason: g['reason'], textOnly: TEXT_ONLY_GROUPS.has(g['id']) };
    for (const name of strings(g['exact'], source, group.id)) if (!exact.has(name)) exact.set(name, group);
    for (const p of strings(g['prefix'], source, group.id)) {
      if (p.endsWith('.')) {
        if (!packagePrefixes.has(p)) packagePrefixes.set(p, group);
      } else rawPrefixes.push([p, group]);
    }
    for (const s of strings(g['suffix'], source, group.id)) suffixes.push([s, group]);
  }
  return { exact, packagePrefixes, rawPrefixes, suffixes };
}

/**
 * Judge one class name from any carrier. Returns null for classes that are
 * not known to be dangerous (and for strings that are not class names).
 */
export function javaGadgetClass(name: string, options?: JavaGadgetOptions): JavaGadgetVerdict | null {
  const n = normalizeJavaClassName(name);
  if (n === null) return null;
  const g = lookup(getIndex(), n);
  if (g === null) return null;
  if (g.textOnly && options?.context === 'stream') return null;
  return { rule: 'DW-JAVA-002', group: g.id, reason: g.reason, name: n };
}

/**
 * Undo fastjson/JVM wrapper forms: leading `[`, `L...;` (repeatedly, for
 * `LL...;;`), slashes to dots; trims ASCII whitespace. Null when empty or
 * longer than MAX_JAVA_CLASS_NAME_INPUT.
 */
export function normalizeJavaClassName(raw: string): string | null {
  if (raw.length === 0 || raw.length > MAX_JAVA_CLASS_NAME_INPUT) return null;
  let s = trimAscii(raw);
  // Each round removes at least one character, so this ends within s.length rounds.
  for (let round = 0; round < MAX_JAVA_CLASS_NAME_INPUT; round++) {
    let i = 0;
    while (i < s.length && s.charCodeAt(i) === 0x5b) i++;
    if (i > 0) {
      s = s.slice(i);
      continue;
    }
    if (s.length >= 3 && s.charCodeAt(0) === 0x4c && s.charCodeAt(s.length - 1) === 0x3b) {
      s = s.slice(1, -1);
      continue;
    }
    break;
  }
  if (s.includes('/')) s = s.split('/').join('.');
  return s.length === 0 ? null : s;
}

/**
 * True when `s` has the shape of a fully-qualified Java class name (at least
 * one package dot, identifier segments, `$` inner classes), also in the
 * wrapper forms normalizeJavaClassName undoes.
 */
export function isJavaClassName(s: string): boolean {
  const n = normalizeJavaClassName(s);
  if (n === null || n.length > MAX_JAVA_CLASS_NAME) return false;
  let dots = 0;
  let segStart = true;
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if (c === 0x2e) {
      if (segStart) return false;
      dots++;
      segStart = true;
      continue;
    }
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24 || c >= 0xc0;
    const digit = c >= 0x30 && c <= 0x39;
    if (segStart ? !letter : !(letter || digit)) return false;
    segStart = false;
  }
  return !segStart && dots > 0;
}

function lookup(ix: GadgetIndex, n: string): Group | null {
  const hit = ix.exact.get(n);
  if (hit !== undefined) return hit;
  const dollar = n.indexOf('$');
  const outer = dollar > 0 ? n.slice(0, dollar) : null;
  if (outer !== null) {
    const o = ix.exact.get(outer);
    if (o !== undefined) return o;
  }
  for (let i = n.indexOf('.'); i >= 0; i = n.indexOf('.', i + 1)) {
    const p = ix.packagePrefixes.get(n.slice(0, i + 1));
    if (p !== undefined) return p;
  }
  for (const [p, g] of ix.rawPrefixes) if (n.startsWith(p)) return g;
  // Suffix families (`*DataSource` ...) only for qualified names: `myDataSource` is a CSS class, not a gadget.
  if (n.indexOf('.') < 0) return null;
  const simple = simpleName(n);
  const outerSimple = outer !== null ? simpleName(outer) : null;
  for (const [s, g] of ix.suffixes) {
    if (simple.endsWith(s) || (outerSimple !== null && outerSimple.endsWith(s))) return g;
  }
  return null;
}

function simpleName(n: string): string {
  const cut = Math.max(n.lastIndexOf('.'), n.lastIndexOf('$'));
  return cut >= 0 ? n.slice(cut + 1) : n;
}

function trimAscii(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: unknown, source: string, id: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length > 0)) {
    throw new Error(`${source}: group ${id}: exact/prefix/suffix must be lists of non-empty strings`);
  }
  return v as string[];
}

// Load eagerly so that a broken list fails at startup, not on the first request.
getIndex();
