/**
 * The `allowlist` policy mode for the .NET family: a BinaryFormatter stream
 * is accepted only when every type it names is on the policy's allow-list
 * (`ctx.settings('dotnet').allow`: full type names, or `Namespace.*`).
 * Primitive/basic mscorlib types are always allowed.
 */
import type { DetectorContext } from '../detector.js';
import { normalizeTypeName, splitTypeName } from './typename.js';

export interface DotnetAllowSettings {
  readonly allow?: readonly string[];
}

const BASIC_TYPES = [
  'System.String', 'System.Boolean', 'System.Byte', 'System.SByte', 'System.Char', 'System.Decimal',
  'System.Double', 'System.Single', 'System.Int16', 'System.Int32', 'System.Int64', 'System.UInt16',
  'System.UInt32', 'System.UInt64', 'System.DateTime', 'System.TimeSpan', 'System.Guid', 'System.Object',
].map((t) => normalizeTypeName(t));

/** Decides whether one type name is allowed. */
export interface TypeAllowance {
  /** On the list, exactly or through a `Namespace.*` entry. */
  allows(typeName: string): boolean;
  /** Named exactly: the only way a known gadget type can be allowed. */
  allowsExactly(typeName: string): boolean;
}

/** The allow-list when the policy puts the family in `allowlist` mode, else null. */
export function dotnetAllowance(ctx: DetectorContext): TypeAllowance | null {
  if (ctx.action('dotnet') !== 'allowlist') return null;
  const settings = ctx.settings<DotnetAllowSettings>('dotnet');
  const exact = new Set<string>(BASIC_TYPES);
  const prefixes: string[] = [];
  for (const entry of settings?.allow ?? []) {
    const trimmed = entry.trim();
    if (trimmed.endsWith('.*')) prefixes.push(trimmed.slice(0, -1).toLowerCase());
    else exact.add(normalizeTypeName(trimmed));
  }
  // the outer type only: generic arguments are judged as names of their own
  const outer = (typeName: string): string => normalizeTypeName(splitTypeName(typeName).types[0] ?? '');
  return {
    allowsExactly: (typeName) => exact.has(outer(typeName)),
    allows: (typeName) => {
      const norm = outer(typeName);
      if (exact.has(norm)) return true;
      for (const p of prefixes) if (norm.startsWith(p)) return true;
      return false;
    },
  };
}
