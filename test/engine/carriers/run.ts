/**
 * Runs a carrier-built request through the real engine (all detectors, all
 * signatures, the test policies of test/helpers/engine.ts): head at begin(),
 * the body written in the carrier's chunk split, verdict at end().
 */
import { testEngine, testPolicy } from '../../helpers/engine.js';
import type { Finding } from '../../../src/engine/types.js';
import type { Req } from './carriers.js';

export interface Outcome {
  readonly findings: readonly Finding[];
  /** Sorted distinct rule ids. */
  readonly rules: readonly string[];
  /** At least one finding of kind `attack` (a detection, not only a refusal). */
  readonly detected: boolean;
}

export function runRequest(r: Req, policy = 'default', chunks?: readonly number[]): Outcome {
  const rawHeaders: string[] = ['Host', 'app.example'];
  for (const [k, v] of r.headers) rawHeaders.push(k, v);
  const tx = testEngine().begin({ method: r.method, target: r.target, rawHeaders }, testPolicy(policy));
  const split = chunks ?? r.chunks;
  const body = r.body;
  if (body.length > 0) {
    if (split && split.length > 0) {
      let off = 0;
      let k = 0;
      while (off < body.length) {
        const n = Math.max(1, split[k++ % split.length]!);
        tx.write(body.subarray(off, off + n));
        off += n;
      }
    } else tx.write(body);
  }
  const v = tx.end();
  const findings = [...tx.headFindings, ...v.findings];
  return { findings, rules: [...new Set(findings.map((f) => f.rule))].sort(), detected: findings.some((f) => f.kind === 'attack') };
}

/** A one-line description of an outcome for assertion messages. */
export function describeOutcome(o: Outcome): string {
  if (o.findings.length === 0) return 'clean';
  return o.findings
    .slice(0, 6)
    .map((f) => `${f.rule}@${f.location}: ${f.message}`)
    .join(' | ');
}
