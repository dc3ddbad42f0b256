/**
 * Runs every sample of signatures/xml.yaml through the XML detectors (the
 * miniature engine of harness.ts): each `match` sample must produce its rule,
 * each `nomatch` sample must produce no XML finding at all.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from './harness.js';

interface Sample {
  readonly text?: string;
  readonly b64?: string;
  readonly hex?: string;
  readonly contentType?: string;
  readonly note?: string;
}
interface Rule {
  readonly id: string;
  readonly severity: string;
  readonly matcher: { readonly structural?: string };
  readonly samples: { readonly match: Sample[]; readonly nomatch: Sample[] };
}

const doc = parse(readFileSync(new URL('../../../signatures/xml.yaml', import.meta.url), 'utf8')) as {
  family: string;
  rules: Rule[];
};

const bytesOf = (s: Sample): Buffer =>
  s.text !== undefined ? Buffer.from(s.text, 'utf8') : s.b64 !== undefined ? Buffer.from(s.b64, 'base64') : Buffer.from(s.hex ?? '', 'hex');

describe('signatures/xml.yaml', () => {
  it('declares the xml family and rules DW-XML-001..008 once each', () => {
    expect(doc.family).toBe('xml');
    expect(doc.rules.map((r) => r.id)).toEqual(['001', '002', '003', '004', '005', '006', '007', '008'].map((n) => `DW-XML-${n}`));
  });
  for (const rule of doc.rules) {
    rule.samples.match.forEach((s, i) => {
      it(`${rule.id} match #${i + 1}${s.note ? ` (${s.note})` : ''}`, () => {
        const r = run(bytesOf(s), s.contentType ? { layer: { contentType: s.contentType } } : {});
        const f = r.findings.find((x) => x.rule === rule.id);
        expect(f, JSON.stringify(r.findings)).toBeDefined();
        expect(f!.severity).toBe(rule.severity);
      });
    });
    rule.samples.nomatch.forEach((s, i) => {
      it(`${rule.id} nomatch #${i + 1}${s.note ? ` (${s.note})` : ''}`, () => {
        expect(run(bytesOf(s)).findings).toEqual([]);
      });
    });
  }
});
