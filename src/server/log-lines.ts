/**
 * The two kinds of request log lines: one access line per request, and one
 * line per finding (rule, family, location, offset, escaped excerpt, action).
 * The path is logged without its query string (queries can carry secrets).
 */
import { escapeText } from '../observe/escape.js';
import type { Decision } from '../policy/decide.js';
import type { Runtime } from './runtime.js';

export interface AccessRecord {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly status: number;
  readonly verdict: string;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly durationMs: number;
  readonly rule?: string;
  readonly error?: string;
}

export function logAccess(rt: Runtime, r: AccessRecord): void {
  if (!rt.config.logging.access) return;
  const q = r.path.indexOf('?');
  rt.logger.info({
    type: 'access',
    requestId: r.id,
    method: r.method,
    path: q === -1 ? cap(r.path) : cap(r.path.slice(0, q)),
    route: r.route,
    status: r.status,
    verdict: r.verdict,
    bytesIn: r.bytesIn,
    bytesOut: r.bytesOut,
    durationMs: Math.round(r.durationMs * 1000) / 1000,
    ...(r.rule ? { rule: r.rule } : {}),
    ...(r.error ? { error: r.error } : {}),
  });
}

export function logDecision(rt: Runtime, requestId: string, policy: string, decision: Decision): void {
  const excerpts = rt.config.logging.excerpts;
  for (const d of decision.findings) {
    const f = d.finding;
    rt.logger.warn({
      type: 'finding',
      requestId,
      action: d.action,
      rule: f.rule,
      family: f.family,
      kind: f.kind,
      severity: f.severity,
      policy,
      location: f.location,
      offset: f.offset,
      message: f.message,
      ...(excerpts ? { excerpt: f.excerpt } : {}),
      ...(f.limit ? { limit: f.limit } : {}),
      ...(d.reason ? { exclusion: d.reason } : {}),
    });
  }
}

/** Paths are attacker data: escape controls, quotes and non-ASCII, cap the length. */
function cap(s: string): string {
  return escapeText(s, 512);
}
