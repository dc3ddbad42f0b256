/**
 * The compact form of a request event that the dashboard keeps and that
 * cluster workers send to the primary over IPC: escaped, length-capped
 * strings only, at most MAX_FINDINGS findings. readCompact() checks one
 * received over IPC field by field (it is re-capped, never trusted).
 */
import { escapeText } from '../escape.js';
import type { RequestEvent } from '../events.js';
import { printable } from '../audit/printable.js';

export const MAX_FINDINGS = 8;

export type CompactVerdict = 'forwarded' | 'logged' | 'blocked' | 'refused' | 'upstream-error' | 'client-abort' | 'other';
const VERDICTS: ReadonlySet<string> = new Set(['forwarded', 'logged', 'blocked', 'refused', 'upstream-error', 'client-abort', 'other']);

export interface CompactFinding {
  readonly rule: string;
  readonly family: string;
  readonly action: string;
  readonly location: string;
  readonly offset: number;
  readonly excerpt: string;
  readonly message: string;
}

export interface CompactEvent {
  readonly t: number;
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly policy: string;
  readonly mode: string;
  readonly verdict: CompactVerdict;
  readonly status: number;
  readonly ms: number;
  readonly findings: readonly CompactFinding[];
  /** Findings the request had in all (more than `findings` holds when capped). */
  readonly findingCount: number;
}

export function compactEvent(e: RequestEvent): CompactEvent {
  const findings: CompactFinding[] = [];
  for (let i = 0; i < e.findings.length && i < MAX_FINDINGS; i++) {
    const { finding: f, action } = e.findings[i]!;
    findings.push(compactFinding(f.rule, f.family, action, f.location, f.offset, f.excerpt, f.message));
  }
  return {
    t: e.time,
    id: escapeText(e.requestId, 64),
    method: escapeText(e.method, 16),
    path: escapeText(e.path, 256),
    route: printable(e.route, 64),
    policy: printable(e.policy, 64),
    mode: printable(e.mode, 8),
    verdict: VERDICTS.has(e.verdict) ? (e.verdict as CompactVerdict) : 'other',
    status: e.status,
    ms: Math.round(e.durationMs * 1000) / 1000,
    findings,
    findingCount: e.findings.length,
  };
}

function compactFinding(rule: string, family: string, action: string, location: string, offset: number, excerpt: string, message: string): CompactFinding {
  return {
    rule: printable(rule, 64),
    family: printable(family, 32),
    action: printable(action, 16),
    location: printable(location, 160),
    offset: Number.isFinite(offset) ? offset : -1,
    excerpt: printable(excerpt, 300),
    message: printable(message, 200),
  };
}

/** A compact event received over IPC, checked and re-capped; null when malformed. */
export function readCompact(v: unknown): CompactEvent | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const str = (k: string, max: number): string | null => (typeof o[k] === 'string' ? printable(o[k] as string, max) : null);
  const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  const t = num(o.t);
  const status = num(o.status);
  const ms = num(o.ms);
  const count = num(o.findingCount);
  const id = str('id', 64);
  const method = str('method', 16);
  const path = str('path', 256);
  const route = str('route', 64);
  const policy = str('policy', 64);
  const mode = str('mode', 8);
  const verdict = typeof o.verdict === 'string' && VERDICTS.has(o.verdict) ? (o.verdict as CompactVerdict) : null;
  if (t === null || status === null || ms === null || count === null || id === null || method === null || path === null || route === null || policy === null || mode === null || verdict === null) return null;
  if (!Array.isArray(o.findings)) return null;
  const findings: CompactFinding[] = [];
  for (let i = 0; i < o.findings.length && i < MAX_FINDINGS; i++) {
    const f = o.findings[i] as Record<string, unknown> | null;
    if (typeof f !== 'object' || f === null) return null;
    const s = (k: string): string => (typeof f[k] === 'string' ? (f[k] as string) : '');
    findings.push(compactFinding(s('rule'), s('family'), s('action'), s('location'), num(f.offset) ?? -1, s('excerpt'), s('message')));
  }
  return { t, id, method, path, route, policy, mode, verdict, status, ms, findings, findingCount: Math.max(count, findings.length) };
}
