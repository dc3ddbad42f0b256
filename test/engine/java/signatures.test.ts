/** signatures/java.yaml: every rule documented, samples checked against the Java detectors. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { javaStreamDetector, javaTextDetector } from '../../../src/engine/detectors/java/detector.js';
import { compileJavaFilter } from '../../../src/engine/detectors/java/filter.js';
import { RPC_FILTER, runDetector } from './helpers.js';

interface Sample {
  text?: string;
  b64?: string;
  hex?: string;
  policy?: string;
  note?: string;
}
interface Rule {
  id: string;
  severity: string;
  description: string;
  references: string[];
  matcher: { structural: string };
  samples: { match: Sample[]; nomatch?: Sample[] };
}

const doc = parse(readFileSync(new URL('../../../signatures/java.yaml', import.meta.url), 'utf8')) as { family: string; rules: Rule[] };
const rpc = compileJavaFilter(RPC_FILTER);

function bytesOf(s: Sample): Buffer {
  if (s.text !== undefined) return Buffer.from(s.text, 'utf8');
  if (s.b64 !== undefined) return Buffer.from(s.b64, 'base64');
  return Buffer.from(s.hex ?? '', 'hex');
}

/** Both Java detectors on one sample, the way the default and java-rpc policies would run them. */
function findings(s: Sample) {
  const allowlist = s.policy === 'java-rpc';
  const b = bytesOf(s);
  return [
    ...runDetector(javaStreamDetector, b, allowlist ? 'allowlist' : 'block', allowlist ? rpc : undefined),
    ...runDetector(javaTextDetector, b, allowlist ? 'allowlist' : 'block', allowlist ? rpc : undefined),
  ];
}

describe('signatures/java.yaml', () => {
  it('is well formed and uses our detectors', () => {
    expect(doc.family).toBe('java');
    const ids = doc.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of doc.rules) {
      expect(r.id).toMatch(/^DW-JAVA-\d{3}$/);
      expect(['java-stream', 'java-text']).toContain(r.matcher.structural);
      expect(r.samples.match.length).toBeGreaterThan(0);
      expect(r.references.length).toBeGreaterThan(0);
    }
  });

  for (const r of doc.rules) {
    it(`${r.id}: match samples produce it, nomatch samples are clean`, () => {
      for (const s of r.samples.match) expect(findings(s).map((f) => f.rule), s.note ?? s.text ?? '').toContain(r.id);
      for (const s of r.samples.nomatch ?? []) expect(findings(s), s.note ?? s.text ?? '').toEqual([]);
    });
  }

  it('documents every rule id the detectors can report', () => {
    const src = ['judge.ts', 'text.ts', 'detector.ts']
      .map((f) => readFileSync(new URL(`../../../src/engine/detectors/java/${f}`, import.meta.url), 'utf8'))
      .join('\n');
    const used = new Set(src.match(/DW-JAVA-\d{3}/g));
    expect([...used].sort()).toEqual(doc.rules.map((r) => r.id).sort());
  });
});
