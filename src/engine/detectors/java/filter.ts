/**
 * JEP 290 (`jdk.serialFilter`) pattern filters, applied to a parsed stream.
 *
 * Syntax as in java.io.ObjectInputFilter.Config.createFilter: patterns
 * separated by `;`; `pkg.Class` exact, `pkg.*` one package, `pkg.**` a
 * package and its subpackages, `prefix*` any name with that prefix, `!pat`
 * rejects; limits `maxdepth=`, `maxrefs=`, `maxarray=`, `maxbytes=`. The first
 * matching pattern decides. Arrays are judged by their element class (all
 * dimensions stripped); primitive arrays pass.
 *
 * Differences from the JDK, on purpose:
 * - A class no pattern matches is REJECTED. The JDK returns UNDECIDED (and
 *   then allows); a WAF allow-list has to be closed.
 * - Every class descriptor, superclass, proxy interface and enum type named
 *   in the stream is checked, also classes the server may not have (the JDK
 *   only filters classes it resolved). Field type descriptors are not checked.
 * - Whitespace around patterns is ignored (the JDK keeps it as part of the
 *   pattern); `module/pattern` and `*` inside a pattern are refused.
 * - maxrefs compares against every object read (the JDK's totalObjectRefs).
 * - Nested streams (inside byte[] or block data) are checked with the same filter.
 */
import { allReports } from './stream.js';
import { JAVA_FILTERED_ROLES, type JavaClassRef, type JavaStreamReport } from './report.js';

export type JavaPatternKind = 'exact' | 'package' | 'subpackages' | 'prefix';

export interface JavaFilterPattern {
  /** The pattern as written (trimmed). */
  readonly text: string;
  readonly kind: JavaPatternKind;
  /** Class name (exact), package with trailing dot (package, subpackages), or prefix. */
  readonly value: string;
  readonly negate: boolean;
}

export interface JavaFilterLimits {
  readonly maxDepth?: number;
  readonly maxRefs?: number;
  readonly maxArray?: number;
  readonly maxBytes?: number;
}

export interface JavaFilterDecision {
  readonly allowed: boolean;
  /** Why, e.g. `rejected by !*`, `no pattern matches`, `maxdepth exceeded: 12 > 10`. */
  readonly reason: string;
  /** The class the decision is about (absent for limits and for an allowed stream). */
  readonly className?: string;
  /** Offset of the class name in its buffer (for nested streams: of the nested stream). */
  readonly offset?: number;
  /** The limit that was exceeded (`maxdepth` ...). */
  readonly limit?: string;
}

export type JavaMatch = { readonly result: 'allowed' | 'rejected'; readonly pattern: JavaFilterPattern } | { readonly result: 'unmatched' };

export interface JavaClassFilter {
  readonly spec: string;
  readonly patterns: readonly JavaFilterPattern[];
  readonly limits: JavaFilterLimits;
  /** First matching pattern for one class name (array names are reduced to their element). */
  match(className: string): JavaMatch;
  /** The first rejection in the stream (limits first), or `{allowed: true}`. */
  check(report: JavaStreamReport): JavaFilterDecision;
  /** Up to `max` rejections (limits, then classes in stream order, one per class). */
  rejections(report: JavaStreamReport, max?: number): JavaFilterDecision[];
}

export class JavaFilterSyntaxError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid Java class filter: ${problems.join('; ')}`);
    this.name = 'JavaFilterSyntaxError';
  }
}

export type ParsedJavaFilter = { readonly ok: true; readonly filter: JavaClassFilter } | { readonly ok: false; readonly problems: readonly string[] };

const MAX_SPEC_CHARS = 64 * 1024;
const MAX_PATTERNS = 4096;
const LIMIT_KEYS: Readonly<Record<string, keyof JavaFilterLimits>> = {
  maxdepth: 'maxDepth',
  maxrefs: 'maxRefs',
  maxarray: 'maxArray',
  maxbytes: 'maxBytes',
};

/** Parse a filter without throwing (for config validation). */
export function parseJavaFilter(spec: string | readonly string[]): ParsedJavaFilter {
  const text = typeof spec === 'string' ? spec : spec.join(';');
  const problems: string[] = [];
  if (text.length > MAX_SPEC_CHARS) return { ok: false, problems: [`filter longer than ${MAX_SPEC_CHARS} characters`] };
  const patterns: JavaFilterPattern[] = [];
  const limits: Record<string, number> = {};
  for (const raw of text.split(';')) {
    const p = raw.trim();
    if (p.length === 0) continue;
    const eq = p.indexOf('=');
    if (eq >= 0) {
      const key = p.slice(0, eq);
      const field = LIMIT_KEYS[key];
      const value = p.slice(eq + 1);
      if (field === undefined) {
        problems.push(`unknown limit "${key}"`);
      } else if (!isDigits(value)) {
        problems.push(`${key} needs a non-negative integer, not "${value}"`);
      } else {
        limits[field] = Number(value);
      }
      continue;
    }
    const negate = p.startsWith('!');
    const body = negate ? p.slice(1) : p;
    if (body.length === 0) {
      problems.push(`empty pattern "${p}"`);
      continue;
    }
    if (body.includes('/')) {
      problems.push(`module patterns are not supported: "${p}"`);
      continue;
    }
    let kind: JavaPatternKind;
    let value: string;
    if (body.endsWith('.**')) {
      kind = 'subpackages';
      value = body.slice(0, -2);
    } else if (body.endsWith('.*')) {
      kind = 'package';
      value = body.slice(0, -1);
    } else if (body.endsWith('*')) {
      kind = 'prefix';
      value = body.slice(0, -1);
    } else {
      kind = 'exact';
      value = body;
    }
    if ((kind === 'package' || kind === 'subpackages') && value.length < 2) {
      problems.push(`package missing in "${p}"`);
      continue;
    }
    if (value.includes('*')) {
      problems.push(`"*" is only allowed at the end of a pattern: "${p}"`);
      continue;
    }
    if (patterns.length >= MAX_PATTERNS) {
      problems.push(`more than ${MAX_PATTERNS} patterns`);
      break;
    }
    patterns.push({ text: p, kind, value, negate });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, filter: new CompiledFilter(text, patterns, limits as JavaFilterLimits) };
}

/** Compile a JEP 290 filter; throws JavaFilterSyntaxError on a bad spec (config time). */
export function compileJavaFilter(spec: string | readonly string[]): JavaClassFilter {
  const r = parseJavaFilter(spec);
  if (!r.ok) throw new JavaFilterSyntaxError(r.problems);
  return r.filter;
}

/**
 * Compile a policy's Java family settings (`filter` string and/or `allow`
 * patterns, filter first) — the shape `registerSettingsCompiler('java', ...)` expects.
 */
export function compileJavaFilterSettings(raw: { readonly filter?: string; readonly allow?: readonly string[] }): JavaClassFilter {
  const parts: string[] = [];
  if (raw.filter !== undefined) parts.push(raw.filter);
  if (raw.allow !== undefined) parts.push(...raw.allow);
  return compileJavaFilter(parts);
}

/** The class a filter judges for a stream class name: array element, dims stripped. */
export function filterSubject(name: string): { readonly name: string; readonly primitive: boolean } {
  let i = 0;
  while (i < name.length && name.charCodeAt(i) === 0x5b) i++;
  if (i === 0) return { name, primitive: false };
  const rest = name.slice(i);
  if (rest.length === 1) return { name: rest, primitive: true };
  if (rest.charCodeAt(0) === 0x4c && rest.charCodeAt(rest.length - 1) === 0x3b) return { name: rest.slice(1, -1), primitive: false };
  return { name: rest, primitive: false };
}

class CompiledFilter implements JavaClassFilter {
  constructor(
    readonly spec: string,
    readonly patterns: readonly JavaFilterPattern[],
    readonly limits: JavaFilterLimits,
  ) {}

  match(className: string): JavaMatch {
    const subject = filterSubject(className).name;
    for (const p of this.patterns) {
      if (matches(p, subject)) return { result: p.negate ? 'rejected' : 'allowed', pattern: p };
    }
    return { result: 'unmatched' };
  }

  check(report: JavaStreamReport): JavaFilterDecision {
    const r = this.rejections(report, 1);
    return r[0] ?? { allowed: true, reason: 'every class is allowed' };
  }

  rejections(report: JavaStreamReport, max = 8): JavaFilterDecision[] {
    const out: JavaFilterDecision[] = [];
    for (const rep of allReports(report)) {
      if (rep !== report && !rep.valid) continue;
      this.checkLimits(rep, out, max);
      for (const c of rep.classes) {
        if (out.length >= max) return out;
        const d = this.judge(c);
        if (d !== null) out.push(d);
      }
      if (out.length >= max) return out;
    }
    return out;
  }

  private judge(c: JavaClassRef): JavaFilterDecision | null {
    if ((c.roles & JAVA_FILTERED_ROLES) === 0) return null;
    const subject = filterSubject(c.name);
    if (subject.primitive) return null;
    const m = this.match(c.name);
    if (m.result === 'allowed') return null;
    const reason = m.result === 'rejected' ? `rejected by ${m.pattern.text}` : 'no pattern allows it';
    return { allowed: false, reason, className: subject.name, offset: c.offset };
  }

  private checkLimits(rep: JavaStreamReport, out: JavaFilterDecision[], max: number): void {
    const l = this.limits;
    const over = (limit: string, value: number, cap: number | undefined): void => {
      if (cap !== undefined && value > cap && out.length < max) out.push({ allowed: false, reason: `${limit} exceeded: ${value} > ${cap}`, limit });
    };
    over('maxarray', rep.stats.maxArrayLength, l.maxArray);
    over('maxdepth', rep.stats.maxDepth, l.maxDepth);
    over('maxrefs', rep.stats.refs, l.maxRefs);
    over('maxbytes', rep.end - rep.start, l.maxBytes);
  }
}

function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function matches(p: JavaFilterPattern, name: string): boolean {
  switch (p.kind) {
    case 'exact':
      return name === p.value;
    case 'package':
      return name.length > p.value.length && name.startsWith(p.value) && name.indexOf('.', p.value.length) < 0;
    case 'subpackages':
      return name.length > p.value.length && name.startsWith(p.value);
    case 'prefix':
      return name.startsWith(p.value);
  }
}
