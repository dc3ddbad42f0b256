/**
 * Rule ids of the container detectors and small helpers that turn reader
 * results into findings and nested layers (labels are escaped so a member
 * name cannot forge a location path).
 */
import type { DetectorContext, NestedOptions } from '../detectors/detector.js';
import { configLimitKey } from '../limit-keys.js';

/** A container that cannot be read safely (anomaly): refuse it (400). */
export const RULE_MALFORMED = 'DW-CONTAINER-001';
/** An opaque or unsupported container in a model upload (415). */
export const RULE_OPAQUE = 'DW-CONTAINER-002';
/** A container limit (entries, sizes, ratio) was reached (413). */
export const RULE_LIMIT = 'DW-LIMIT-CONTAINER';

/** At most this many anomaly findings per container (the first ones). */
export const MAX_FINDINGS_PER_CONTAINER = 4;

export function malformed(ctx: DetectorContext, offset: number, message: string): void {
  ctx.report({ rule: RULE_MALFORMED, offset, message: message.slice(0, 200), kind: 'malformed', severity: 'high' });
}

export function limitHit(ctx: DetectorContext, offset: number, limit: string, message: string): void {
  ctx.report({ rule: RULE_LIMIT, offset, message: message.slice(0, 200), kind: 'limit', severity: 'medium', limit: configLimitKey(limit) });
}

export function opaque(ctx: DetectorContext, offset: number, message: string): void {
  ctx.report({ rule: RULE_OPAQUE, offset, message: message.slice(0, 200), kind: 'unsupported', severity: 'high' });
}

/** Report up to MAX_FINDINGS_PER_CONTAINER anomalies, the last one noting how many were left out. */
export function reportAnomalies(ctx: DetectorContext, what: string, list: readonly { reason: string; offset: number }[]): void {
  const shown = list.slice(0, MAX_FINDINGS_PER_CONTAINER);
  shown.forEach((a, i) => {
    const more = i === shown.length - 1 && list.length > shown.length ? ` (+${list.length - shown.length} more)` : '';
    malformed(ctx, a.offset, `${what}: ${a.reason}${more}`);
  });
}

/** `kind[name]` with `]` and `>` escaped so member names cannot fake location syntax. */
export function memberLabel(kind: string, name: string): string {
  return `${kind}[${name.split(']').join('\\x5d').split('>').join('\\x3e')}]`;
}

export function nest(ctx: DetectorContext, bytes: Uint8Array, label: string, filename: string | undefined): void {
  const options: NestedOptions = filename === undefined ? { decoder: true } : { decoder: true, filename };
  ctx.nested(bytes, label, options);
}
