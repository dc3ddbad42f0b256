/**
 * signatures/pickle.yaml: every rule id the detector reports is documented there, and every sample
 * behaves as documented when run through findPickles + judgePickleRuns (policy `ml-upload` ->
 * allow-list mode with the default ML list; anything else -> deny mode). The engine-wide sample test
 * (test/signatures.test.ts) runs the same samples through the whole engine.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PICKLE_RULES } from '../../../src/engine/detectors/pickle/policy.js';
import { judge } from './helpers.js';

interface Sample {
  b64?: string;
  text?: string;
  hex?: string;
  policy?: string;
  note?: string;
}
interface Rule {
  id: string;
  severity: string;
  matcher: { structural?: string };
  samples: { match?: Sample[]; nomatch?: Sample[] };
}

const doc = parse(readFileSync(new URL('../../../signatures/pickle.yaml', import.meta.url), 'utf8')) as {
  family: string;
  rules: Rule[];
};

function sampleBytes(s: Sample): Buffer {
  if (s.b64 !== undefined) return Buffer.from(s.b64, 'base64');
  if (s.hex !== undefined) return Buffer.from(s.hex, 'hex');
  return Buffer.from(s.text ?? '', 'utf8');
}

const modeOf = (s: Sample) => (s.policy === 'ml-upload' ? 'allowlist' : 'deny');

describe('signatures/pickle.yaml', () => {
  it('documents exactly the rule ids the detector reports, all with the pickle matcher', () => {
    expect(doc.family).toBe('pickle');
    expect(doc.rules.map((r) => r.id).sort()).toEqual(Object.values(PICKLE_RULES).sort());
    for (const r of doc.rules) {
      expect(r.matcher.structural).toBe('pickle');
      expect((r.samples.match ?? []).length, r.id).toBeGreaterThanOrEqual(3);
    }
  });

  for (const rule of doc.rules) {
    it(`${rule.id}: match samples report it`, () => {
      for (const s of rule.samples.match ?? []) {
        const found = judge(sampleBytes(s), modeOf(s));
        expect(found.map((f) => f.rule), s.note).toContain(rule.id);
        const f = found.find((x) => x.rule === rule.id);
        expect(f?.severity, s.note).toBe(rule.severity);
      }
    });
    it(`${rule.id}: nomatch samples are clean`, () => {
      for (const s of rule.samples.nomatch ?? []) {
        expect(judge(sampleBytes(s), modeOf(s)), s.note).toEqual([]);
      }
    });
  }
});
