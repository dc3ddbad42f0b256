/**
 * Test helper: run the real engine (all detectors, all signatures) on a body
 * or a head value, under one of the built-in test policies.
 */
import { parseConfig } from '../../src/config/load.js';
import { compileRouting } from '../../src/policy/compile.js';
import { createEngine } from '../../src/engine/create.js';
import type { Engine } from '../../src/engine/api.js';
import type { CompiledPolicy } from '../../src/policy/types.js';
import type { Verdict, Finding } from '../../src/engine/types.js';

let engine: Engine | null = null;
const policies = new Map<string, CompiledPolicy>();

/** The policies the replay kit's convention uses, as in config/examples/ml-and-rpc.yaml. */
export const TEST_CONFIG = `
policies:
  default: {}
  ml-upload:
    families:
      pickle: { action: allowlist, allow: ['@ml-default'] }
  java-rpc:
    families:
      java: { action: allowlist, filter: "java.lang.String;java.lang.Integer;java.lang.Number;java.util.HashMap;java.util.ArrayList;java.util.Date;com.example.rpc.dto.*;!*" }
`;

export function testEngine(): Engine {
  engine ??= createEngine();
  return engine;
}

export function testPolicy(name = 'default'): CompiledPolicy {
  if (policies.size === 0) {
    const { config } = parseConfig(TEST_CONFIG, 'test-config.yaml');
    for (const [k, v] of compileRouting(config).policies) policies.set(k, v);
  }
  const p = policies.get(name);
  if (!p) throw new Error(`no test policy ${name}`);
  return p;
}

export interface InspectOptions {
  contentType?: string;
  contentEncoding?: string;
  location?: 'body' | 'query' | 'cookie' | 'header';
  policy?: string;
  /** Split the body into these chunk sizes (cycled). */
  chunks?: number[];
  path?: string;
  method?: string;
}

export function inspect(bytes: Uint8Array | string, o: InspectOptions = {}): Verdict {
  const body = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
  const headers: string[] = ['Host', 'example.test'];
  let target = o.path ?? '/api/test';
  const where = o.location ?? 'body';
  if (where === 'query') target += `?data=${encodeURIComponent(body.toString('latin1'))}`;
  if (where === 'cookie') headers.push('Cookie', `session=${encodeURIComponent(body.toString('latin1'))}`);
  if (where === 'header') headers.push('X-Data', body.toString('latin1'));
  if (o.contentType) headers.push('Content-Type', o.contentType);
  if (o.contentEncoding) headers.push('Content-Encoding', o.contentEncoding);
  const tx = testEngine().begin({ method: o.method ?? 'POST', target, rawHeaders: headers }, testPolicy(o.policy));
  if (where === 'body' && body.length > 0) {
    if (o.chunks && o.chunks.length > 0) {
      let off = 0;
      let k = 0;
      while (off < body.length) {
        const n = Math.max(1, o.chunks[k++ % o.chunks.length]!);
        tx.write(body.subarray(off, off + n));
        off += n;
      }
    } else tx.write(body);
  }
  const v = tx.end();
  const findings: Finding[] = [...tx.headFindings, ...v.findings];
  return { clean: findings.length === 0, findings, inspectedBytes: v.inspectedBytes };
}

export function rulesOf(v: Verdict): string[] {
  return [...new Set(v.findings.map((f) => f.rule))].sort();
}
