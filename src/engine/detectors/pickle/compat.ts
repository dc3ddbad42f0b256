/**
 * The Python 2 name mapping `find_class` applies when the pickle protocol is < 3 (fix_imports is on
 * by default): `__builtin__.eval` loads `builtins.eval`, `commands.getoutput` loads
 * `subprocess.getoutput` (P33).
 */
import { PY2_IMPORT_MAPPING, PY2_NAME_MAPPING } from './compat-data.js';

export interface MappedName {
  readonly module: string;
  readonly name: string;
  readonly mapped: boolean;
}

export function mapPy2Name(module: string, name: string): MappedName {
  const pair = PY2_NAME_MAPPING.get(`${module}\n${name}`);
  if (pair !== undefined) return { module: pair[0], name: pair[1], mapped: true };
  const m = PY2_IMPORT_MAPPING.get(module);
  if (m !== undefined) return { module: m, name, mapped: true };
  return { module, name, mapped: false };
}

/** The mapping as `find_class` applies it: only below protocol 3. */
export function resolveImportName(module: string, name: string, protocol: number): MappedName {
  return protocol < 3 ? mapPy2Name(module, name) : { module, name, mapped: false };
}
