/**
 * Compiles the allow-list settings of a policy's families into the objects the
 * detectors consult (`ctx.settings(family)`). Each family with an allow-list
 * mode registers its compiler here.
 */
import type { AttackFamily } from '../engine/types.js';
import type { FamilyAction } from '../engine/detectors/detector.js';

export interface RawFamilySettings {
  readonly allow?: readonly string[];
  readonly filter?: string;
}

type SettingsCompiler = (raw: RawFamilySettings) => unknown;

const compilers = new Map<AttackFamily, SettingsCompiler>();

/** Register how a family's allow-list settings are compiled. */
export function registerSettingsCompiler(family: AttackFamily, compile: SettingsCompiler): void {
  compilers.set(family, compile);
}

export function compileFamilySettings(
  actions: Readonly<Record<AttackFamily, FamilyAction>>,
  raw: ReadonlyMap<AttackFamily, RawFamilySettings>,
): ReadonlyMap<AttackFamily, unknown> {
  const out = new Map<AttackFamily, unknown>();
  for (const [family, settings] of raw) {
    if (actions[family] !== 'allowlist') continue;
    const compile = compilers.get(family);
    out.set(family, compile ? compile(settings) : settings);
  }
  return out;
}
