/**
 * A miniature engine for the container tests: finds trigger literals with
 * indexOf, runs the container detectors on a layer, records findings, and
 * scans nested layers recursively (depth-limited) like the real engine does.
 */
import type { DetectorContext, FamilyAction, LayerInfo, ReportedFinding, StructuralDetector, TriggerHit } from '../../../src/engine/detectors/detector.js';
import type { AttackFamily } from '../../../src/engine/types.js';
import { containerDetectors } from '../../../src/engine/containers/detector.js';

export interface SeenLayer {
  readonly location: string;
  readonly bytes: Uint8Array;
  readonly filename?: string;
  readonly depth: number;
}

export interface SeenFinding extends ReportedFinding {
  readonly location: string;
}

export interface RunResult {
  readonly layers: SeenLayer[];
  readonly findings: SeenFinding[];
  /** Rule ids of all findings. */
  readonly rules: string[];
  /** True when some layer's bytes equal `needle` exactly. */
  has(needle: Uint8Array): boolean;
}

export interface RunOptions {
  readonly filename?: string;
  readonly contentType?: string;
  readonly isValue?: boolean;
  /** 'ml' makes ctx.action('pickle') answer 'allowlist' (an ML upload route). */
  readonly policy?: 'default' | 'ml';
  readonly detectors?: readonly StructuralDetector[];
  readonly maxDepth?: number;
}

function findHits(bytes: Uint8Array, d: StructuralDetector): TriggerHit[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hits: TriggerHit[] = [];
  d.triggers.forEach((t, i) => {
    const lit = typeof t === 'string' ? Buffer.from(t, 'latin1') : Buffer.from(t);
    for (let p = buf.indexOf(lit); p >= 0; p = buf.indexOf(lit, p + 1)) hits.push({ trigger: i, offset: p });
  });
  return hits.sort((a, b) => a.offset - b.offset);
}

export function run(body: Uint8Array, opts: RunOptions = {}): RunResult {
  const detectors = opts.detectors ?? containerDetectors;
  const maxDepth = opts.maxDepth ?? 6;
  const layers: SeenLayer[] = [];
  const findings: SeenFinding[] = [];
  const queue: { bytes: Uint8Array; info: LayerInfo }[] = [
    {
      bytes: body,
      info: { location: 'body', depth: 0, isValue: opts.isValue ?? false, ...(opts.filename ? { filename: opts.filename } : {}), ...(opts.contentType ? { contentType: opts.contentType } : {}) },
    },
  ];
  for (let guard = 0; queue.length > 0 && guard < 10_000; guard++) {
    const { bytes, info } = queue.shift() as { bytes: Uint8Array; info: LayerInfo };
    layers.push({ location: info.location, bytes, depth: info.depth, ...(info.filename ? { filename: info.filename } : {}) });
    const ctx: DetectorContext = {
      report: (f) => findings.push({ ...f, location: info.location }),
      nested: (b, label, o) => {
        if (info.depth + 1 > maxDepth) return;
        queue.push({ bytes: b, info: { location: `${info.location}>${label}`, depth: info.depth + 1, isValue: o?.isValue ?? false, ...(o?.filename ? { filename: o.filename } : {}), ...(o?.contentType ? { contentType: o.contentType } : {}) } });
      },
      action: (family: AttackFamily): FamilyAction => (family === 'pickle' && opts.policy === 'ml' ? 'allowlist' : 'block'),
      settings: () => undefined,
      exhausted: () => false,
    };
    for (const d of detectors) {
      const hits = findHits(bytes, d);
      if (d.triggers.length > 0 && hits.length === 0) continue;
      d.inspect(bytes, hits, info, ctx);
    }
  }
  return {
    layers,
    findings,
    rules: findings.map((f) => f.rule),
    has: (needle) => layers.some((l) => Buffer.from(l.bytes).equals(Buffer.from(needle))),
  };
}

/** Load a fixture from test/fixtures/containers/fixtures.json. */
import { readFileSync } from 'node:fs';
const FIXTURES = JSON.parse(readFileSync(new URL('../../fixtures/containers/fixtures.json', import.meta.url), 'utf8')) as Record<string, { b64: string; sha256?: string; size?: number }>;

export function fixture(name: string): Buffer {
  const f = FIXTURES[name];
  if (!f) throw new Error(`no fixture ${name}`);
  return Buffer.from(f.b64, 'base64');
}

export function fixtureMeta(name: string): { sha256?: string; size?: number } {
  const f = FIXTURES[name];
  if (!f) throw new Error(`no fixture ${name}`);
  return f;
}

export function fixtureNames(prefix: string): string[] {
  return Object.keys(FIXTURES).filter((k) => k.startsWith(prefix));
}
