/**
 * Pickle allow-lists: exact (module, name) pairs a pickle may import in allow-list mode, compiled
 * from `module:name` (canonical) or `module.name` (split at the last dot) entries, and the shipped
 * default ML list (signatures/allowlists/pickle-ml.yaml).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { isDottedIdentifier } from './text.js';

export interface PickleAllowlist {
  /** Exact match of an import's (module, name) after the Python 2 mapping. */
  isAllowed(module: string, name: string): boolean;
  readonly size: number;
  /** Entries that could not be understood (the config loader should refuse them). */
  readonly errors: readonly string[];
}

const IDENT_SEGMENT = (s: string): boolean => isDottedIdentifier(s) && !s.includes('.');

/** Compile allow-list entries. `module:Outer.inner` keeps a qualname; `a.b.c` means module a.b, name c. */
export function compilePickleAllowlist(entries: readonly string[]): PickleAllowlist {
  const set = new Set<string>();
  const errors: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    const colon = entry.indexOf(':');
    let module: string;
    let name: string;
    if (colon >= 0) {
      module = entry.slice(0, colon);
      name = entry.slice(colon + 1);
    } else {
      const dot = entry.lastIndexOf('.');
      module = dot < 0 ? '' : entry.slice(0, dot);
      name = dot < 0 ? entry : entry.slice(dot + 1);
    }
    if (!isDottedIdentifier(module) || !isDottedIdentifier(name) || (colon < 0 && !IDENT_SEGMENT(name))) {
      errors.push(`invalid pickle allow-list entry: ${JSON.stringify(raw.slice(0, 200))}`);
      continue;
    }
    set.add(`${module}\n${name}`);
  }
  return {
    isAllowed: (module: string, name: string): boolean => set.has(`${module}\n${name}`),
    size: set.size,
    errors,
  };
}

/** Location of the default ML allow-list, relative to this module (src/ or dist/ engine/detectors/pickle/). */
export const DEFAULT_PICKLE_ALLOWLIST_URL = new URL('../../../../signatures/allowlists/pickle-ml.yaml', import.meta.url);

/** Entries of the shipped default ML allow-list (`globals:` in pickle-ml.yaml). Throws if the file is unusable. */
export function loadDefaultPickleAllowlist(): string[] {
  const doc: unknown = parse(readFileSync(DEFAULT_PICKLE_ALLOWLIST_URL, 'utf8'));
  const globals = (doc as { globals?: unknown } | null)?.globals;
  if (!Array.isArray(globals) || !globals.every((g): g is string => typeof g === 'string')) {
    throw new Error('pickle-ml.yaml: `globals` must be a list of strings');
  }
  return globals;
}

let cachedDefault: PickleAllowlist | undefined;

/** The default ML allow-list, compiled once. */
export function defaultPickleAllowlist(): PickleAllowlist {
  cachedDefault ??= compilePickleAllowlist(loadDefaultPickleAllowlist());
  return cachedDefault;
}
