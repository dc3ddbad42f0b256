/**
 * Compiles the allow-list settings of a policy's families into the objects the
 * detectors consult (`ctx.settings(family)`): the pickle (module, name)
 * allow-list and the Java JEP 290 class filter. `validateFamilySettings`
 * reports entries that do not compile, so the config loader can name them.
 */
import type { AttackFamily } from '../engine/types.js';
import type { FamilyAction } from '../engine/detectors/detector.js';
import { compilePickleAllowlist, loadDefaultPickleAllowlist } from '../engine/detectors/pickle/allowlist.js';
import { compileJavaFilterSettings, parseJavaFilter } from '../engine/detectors/java/filter.js';

export interface RawFamilySettings {
  readonly allow?: readonly string[];
  readonly filter?: string;
}

/** `@ml-default` in a pickle allow-list stands for the shipped ML list (signatures/allowlists/pickle-ml.yaml). */
export const PICKLE_ML_DEFAULT = '@ml-default';

function expandPickleEntries(entries: readonly string[]): string[] {
  return entries.flatMap((e) => (e === PICKLE_ML_DEFAULT ? loadDefaultPickleAllowlist() : [e]));
}

const COMPILERS: Partial<Record<AttackFamily, (raw: RawFamilySettings) => unknown>> = {
  pickle: (raw) => compilePickleAllowlist(expandPickleEntries(raw.allow ?? [])),
  java: (raw) => compileJavaFilterSettings(raw),
};

export function compileFamilySettings(
  actions: Readonly<Record<AttackFamily, FamilyAction>>,
  raw: ReadonlyMap<AttackFamily, RawFamilySettings>,
): ReadonlyMap<AttackFamily, unknown> {
  const out = new Map<AttackFamily, unknown>();
  for (const [family, settings] of raw) {
    if (actions[family] !== 'allowlist') continue;
    const compile = COMPILERS[family];
    if (compile) out.set(family, compile(settings));
  }
  return out;
}

/** Problems in a family's allow-list settings, each with the key (relative to the family) it concerns. */
export function validateFamilySettings(family: string, raw: RawFamilySettings): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  if (family === 'pickle') {
    (raw.allow ?? []).forEach((entry, i) => {
      if (entry === PICKLE_ML_DEFAULT) return;
      for (const e of compilePickleAllowlist([entry]).errors) problems.push({ key: `allow/${i}`, message: `${e} (use module:name, e.g. torch._utils:_rebuild_tensor_v2)` });
    });
  } else if (family === 'java') {
    const parts = [...(raw.filter !== undefined ? [raw.filter] : []), ...(raw.allow ?? [])];
    const parsed = parseJavaFilter(parts);
    if (!parsed.ok) for (const p of parsed.problems) problems.push({ key: raw.filter !== undefined ? 'filter' : 'allow', message: `JEP 290 filter: ${p}` });
  }
  return problems;
}
