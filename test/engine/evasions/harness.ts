/**
 * Helpers for the evasion-checklist tests: run a body through the real engine
 * under one of the test policies (test/helpers/engine.ts), or under a policy
 * compiled from a small YAML snippet (custom limits), and name the rules.
 */
import { parseConfig } from '../../../src/config/load.js';
import { compileRouting } from '../../../src/policy/compile.js';
import type { Finding } from '../../../src/engine/types.js';
import { inspect, testEngine, type InspectOptions } from '../../helpers/engine.js';

export { inspect };

/** Sorted distinct rule ids of the engine's verdict. */
export function rules(body: Uint8Array | string, o: InspectOptions = {}): string[] {
  return [...new Set(inspect(body, o).findings.map((f) => f.rule))].sort();
}

/** The verdict blocks (any finding: attack or refusal). */
export function blocked(body: Uint8Array | string, o: InspectOptions = {}): boolean {
  return !inspect(body, o).clean;
}

/** Families of the attack findings (refusals left out). */
export function attackFamilies(body: Uint8Array | string, o: InspectOptions = {}): string[] {
  return [...new Set(inspect(body, o).findings.filter((f) => f.kind === 'attack').map((f) => f.family))].sort();
}

/** Model upload route (pickle allow-list). */
export const ML: InspectOptions = { policy: 'ml-upload', path: '/ml/upload', contentType: 'application/octet-stream' };
/** Java RPC route (JEP 290 allow-list). */
export const RPC: InspectOptions = { policy: 'java-rpc', path: '/rpc/call', contentType: 'application/x-java-serialized-object' };
export const FORM = 'application/x-www-form-urlencoded';
export const JSON_CT = 'application/json';

export const enc = (s: string): Buffer => Buffer.from(s, 'utf8');
export const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
export const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

/** Run a body under a default policy with the given `limits:` YAML (indented under the policy). */
export function withLimits(limitsYaml: string, body: Uint8Array, headers: [string, string][] = []): Finding[] {
  const { config } = parseConfig(`policies:\n  default:\n    limits:\n${limitsYaml}\n`, 'limits.yaml');
  const policy = compileRouting(config).policies.get('default')!;
  const raw = ['Host', 'app.example', ...headers.flat()];
  const tx = testEngine().begin({ method: 'POST', target: '/api/import', rawHeaders: raw }, policy);
  tx.write(body);
  const v = tx.end();
  return [...tx.headFindings, ...v.findings];
}
