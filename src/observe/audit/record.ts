/**
 * One audit record from one request event: which requests get a record, and
 * the record itself (request line, redacted headers, matched rules with
 * location, offset, escaped excerpt and action, verdict, status, policy,
 * route, mode). Every string that came from the request is escaped and
 * capped; secret headers are redacted again here (defence in depth).
 */
import { escapeText } from '../escape.js';
import type { RequestEvent } from '../events.js';
import { printable } from './printable.js';

/** Headers whose values never appear in an audit record. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-auth-token',
  'x-access-token',
  'x-csrf-token',
  'x-xsrf-token',
]);

/** Most findings written per record; the rest are counted in `findingsOmitted`. */
export const MAX_AUDIT_FINDINGS = 64;
const MAX_HEADERS = 100;

export interface AuditFinding {
  readonly rule: string;
  readonly family: string;
  readonly severity: string;
  readonly kind: string;
  readonly action: string;
  readonly location: string;
  readonly offset: number;
  readonly excerpt: string;
  readonly message: string;
  readonly param?: string;
  readonly limit?: string;
}

export interface AuditRecord {
  readonly type: 'audit';
  readonly time: string;
  readonly requestId: string;
  readonly worker?: number;
  readonly request: { readonly method: string; readonly path: string };
  readonly remoteAddress: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly verdict: string;
  readonly status: number;
  readonly policy: string;
  readonly route: string;
  readonly mode: string;
  readonly bytesIn: number;
  readonly durationMs: number;
  /** The DW_ERR_* code of a refused request. */
  readonly error?: string;
  readonly findings: readonly AuditFinding[];
  readonly findingsOmitted?: number;
}

/**
 * A record is written for every request with findings, every blocked one, and every one refused
 * before inspection could finish (framing, limits, route guards: the error code says which).
 */
export function wantsAudit(e: RequestEvent): boolean {
  return e.findings.length > 0 || e.verdict === 'blocked' || e.verdict === 'refused';
}

export function auditRecord(e: RequestEvent, worker: number | null): AuditRecord {
  const findings: AuditFinding[] = [];
  const n = Math.min(e.findings.length, MAX_AUDIT_FINDINGS);
  for (let i = 0; i < n; i++) {
    const { finding: f, action } = e.findings[i]!;
    findings.push({
      rule: printable(f.rule, 64),
      family: printable(f.family, 32),
      severity: printable(f.severity, 16),
      kind: printable(f.kind, 16),
      action: printable(action, 16),
      location: printable(f.location, 256),
      offset: Number.isFinite(f.offset) ? f.offset : -1,
      excerpt: printable(f.excerpt, 512),
      message: printable(f.message, 256),
      ...(f.param !== undefined ? { param: printable(f.param, 128) } : {}),
      ...(f.limit !== undefined ? { limit: printable(f.limit, 64) } : {}),
    });
  }
  const headers: [string, string][] = [];
  for (let i = 0; i < e.headers.length && i < MAX_HEADERS; i++) {
    const [name, value] = e.headers[i]!;
    headers.push([escapeText(name, 64), SECRET_HEADERS.has(name.toLowerCase()) ? '[Redacted]' : escapeText(value, 256)]);
  }
  return {
    type: 'audit',
    time: new Date(e.time).toISOString(),
    requestId: escapeText(e.requestId, 128),
    ...(worker !== null ? { worker } : {}),
    request: { method: escapeText(e.method, 32), path: escapeText(e.path, 512) },
    remoteAddress: escapeText(e.remoteAddress, 64),
    headers,
    verdict: printable(e.verdict, 32),
    status: e.status,
    policy: printable(e.policy, 128),
    route: printable(e.route, 128),
    mode: e.mode,
    bytesIn: e.bytesIn,
    durationMs: Math.round(e.durationMs * 1000) / 1000,
    ...(e.error !== undefined ? { error: printable(e.error, 64) } : {}),
    findings,
    ...(e.findings.length > n ? { findingsOmitted: e.findings.length - n } : {}),
  };
}

/** The record as one JSON line (JSON.stringify escapes every control character). */
export function auditLine(r: AuditRecord): string {
  return JSON.stringify(r);
}
