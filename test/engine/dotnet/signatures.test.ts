/** signatures/dotnet.yaml documents every rule id and its samples behave as stated under the .NET detectors. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DOTNET_RULES } from '../../../src/engine/detectors/dotnet/rules.js';
import { scanAll } from './helpers.js';

interface YamlSample {
  text?: string;
  b64?: string;
  contentType?: string;
  note?: string;
}
interface YamlRule {
  id: string;
  matcher: { structural?: string };
  samples: { match?: YamlSample[]; nomatch?: YamlSample[] };
}

const file = fileURLToPath(new URL('../../../signatures/dotnet.yaml', import.meta.url));
const doc = parse(readFileSync(file, 'utf8')) as { family: string; rules: YamlRule[] };

/** The layers the engine would produce for a sample (only the decodings these samples need). */
function layers(s: YamlSample): Buffer[] {
  const body = s.text !== undefined ? Buffer.from(s.text, 'utf8') : Buffer.from(s.b64 ?? '', 'base64');
  const out = [body];
  const b64 = (v: string): void => {
    if (v.startsWith('/wE') || v.startsWith('AAEAAAD')) out.push(Buffer.from(v, 'base64'));
  };
  if (s.contentType === 'application/x-www-form-urlencoded') {
    for (const [, v] of new URLSearchParams(body.toString('utf8'))) b64(v);
  }
  if (s.contentType === 'application/json') {
    try {
      const walk = (o: unknown): void => {
        if (typeof o === 'string') b64(o);
        else if (o && typeof o === 'object') for (const v of Object.values(o)) walk(v);
      };
      walk(JSON.parse(body.toString('utf8')));
    } catch {
      // single-quoted JSON is not JSON.parse-able; the raw layer is enough
    }
  }
  return out;
}

describe('signatures/dotnet.yaml', () => {
  it('documents every rule id with a structural matcher and match samples', () => {
    expect(doc.family).toBe('dotnet');
    expect(doc.rules.map((r) => r.id).sort()).toEqual(Object.values(DOTNET_RULES).sort());
    for (const r of doc.rules) {
      expect(['nrbf', 'viewstate', 'dotnet-text']).toContain(r.matcher.structural);
      expect(r.samples.match?.length ?? 0).toBeGreaterThan(0);
    }
  });

  for (const r of doc.rules) {
    for (const s of r.samples.match ?? []) {
      it(`${r.id} matches: ${s.note ?? ''}`, () => {
        const found = layers(s).flatMap((l) => scanAll(l));
        expect(found.map((f) => f.rule)).toContain(r.id);
      });
    }
    for (const s of r.samples.nomatch ?? []) {
      it(`${r.id} stays clean: ${s.note ?? ''}`, () => {
        expect(layers(s).flatMap((l) => scanAll(l))).toEqual([]);
      });
    }
  }
});
