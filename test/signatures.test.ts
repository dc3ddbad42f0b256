/**
 * Every rule in signatures/*.yaml is exercised with its own samples through
 * the whole engine: `match` samples must produce a finding with the rule's id,
 * `nomatch` samples must be clean (no finding at all).
 */
import { describe, expect, it } from 'vitest';
import { loadSignatures } from '../src/engine/signatures.js';
import { inspect, rulesOf } from './helpers/engine.js';

const rules = loadSignatures();

describe('signatures', () => {
  it('every rule has a description, and attack rules have at least one match sample', () => {
    for (const r of rules) {
      expect(r.description.length, r.id).toBeGreaterThan(10);
      if (r.kind === 'attack') expect(r.samples.match.length, `${r.id} needs match samples`).toBeGreaterThan(0);
    }
  });

  for (const r of rules) {
    describe(r.id, () => {
      it('is documented with its family, severity and kind', () => {
        expect(r.family).toBeTruthy();
        expect(['critical', 'high', 'medium', 'low']).toContain(r.severity);
        expect(r.file).toMatch(/\.yaml$/);
      });
      r.samples.match.forEach((s, i) => {
        it(`matches sample ${i}${s.note ? ` (${s.note})` : ''}`, () => {
          const v = inspect(s.bytes, { ...(s.contentType ? { contentType: s.contentType } : {}), location: s.location, ...(s.policy ? { policy: s.policy } : {}) });
          expect(rulesOf(v), JSON.stringify(v.findings.map((f) => [f.rule, f.location, f.message]))).toContain(r.id);
        });
      });
      r.samples.nomatch.forEach((s, i) => {
        it(`stays clean on sample ${i}${s.note ? ` (${s.note})` : ''}`, () => {
          const v = inspect(s.bytes, { ...(s.contentType ? { contentType: s.contentType } : {}), location: s.location, ...(s.policy ? { policy: s.policy } : {}) });
          expect(v.findings.map((f) => `${f.rule} ${f.location} ${f.message}`)).toEqual([]);
        });
      });
    });
  }
});
