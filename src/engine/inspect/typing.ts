/**
 * Judging polymorphic-typing shapes found in JSON: a type key naming a class,
 * the keys of a fastJSON `$types` map, or a Jackson default-typing wrapper
 * array. Java class names are judged by the Java class list, .NET type names
 * by the .NET type list; application types (`com.example.OrderDto`,
 * `Contoso.Api.CustomerDto, Contoso.Api`) pass.
 */
import type { AttackFamily, Severity } from '../types.js';
import type { JsonTypeShape } from '../views/json-types.js';
import { isJavaClassName, javaGadgetClass } from '../detectors/java/classes.js';
import { dotnetGadgetType } from '../detectors/dotnet/types.js';

export interface TypingFinding {
  readonly rule: string;
  readonly family: AttackFamily;
  readonly message: string;
  readonly severity: Severity;
}

const JAVA_TYPE_KEYS = new Set(['@type', '@class', '@c']);

/** Names longer than this are truncated by the watcher; the judges cap their own input too. */
const MAX_NAME = 4096;

export function judgeShape(shape: JsonTypeShape): TypingFinding | null {
  const name = shape.className;
  if (name === undefined || name.length === 0 || name.length > MAX_NAME) return null;
  switch (shape.kind) {
    case 'type-key':
      if (JAVA_TYPE_KEYS.has(shape.key ?? '')) {
        const g = javaGadgetClass(name);
        return g ? { rule: 'DW-JSONPOLY-001', family: 'jsonpoly', severity: 'critical', message: `JSON ${shape.key} names a dangerous Java class ${shorten(name)} (${g.reason})` } : null;
      }
      return dotnet(shape.key ?? '$type', name);
    case 'types-map-key':
      return dotnet('$types', name);
    case 'wrapper-array': {
      if (!isJavaClassName(name)) return null;
      const g = javaGadgetClass(name);
      return g ? { rule: 'DW-JSONPOLY-002', family: 'jsonpoly', severity: 'critical', message: `Jackson default-typing array instantiates ${shorten(name)} (${g.reason})` } : null;
    }
    default:
      return null;
  }
}

function dotnet(key: string, name: string): TypingFinding | null {
  const g = dotnetGadgetType(name);
  return g ? { rule: 'DW-DOTNET-004', family: 'dotnet', severity: 'critical', message: `JSON ${key} names a dangerous .NET type ${shorten(name)} (${g.reason})` } : null;
}

function shorten(s: string): string {
  return s.length > 96 ? s.slice(0, 96) + '…' : s;
}
