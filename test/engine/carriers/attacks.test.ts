/**
 * Every payload family in every carrier, through the real engine: one test
 * per carrier × payload cell (test/engine/carriers/payloads.ts ×
 * carriers.ts and variants.ts). A cell passes when the request is refused
 * (a 4xx-kind finding counts as blocked) and, except where a carrier is
 * refused by design, when a detector names the attack. Each cell is also run
 * in a second chunk split: the verdict (the set of rule ids) must not depend
 * on how the body arrives.
 */
import { describe, expect, it } from 'vitest';
import { ATTACKS } from './payloads.js';
import { CARRIERS, type Carrier } from './carriers.js';
import { VARIANTS, VARIANT_REFUSALS } from './variants.js';
import { describeOutcome, runRequest } from './run.js';

/** Carriers the engine refuses outright, whatever they carry. */
const CARRIER_REFUSALS: Readonly<Record<string, string>> = {
  ...VARIANT_REFUSALS,
};

function matrix(title: string, carriers: readonly Carrier[]): void {
  describe(title, () => {
    for (const c of carriers) {
      describe(c.id, () => {
        for (const p of ATTACKS) {
          if (c.applies && !c.applies(p)) continue;
          it(`${p.id} is blocked`, () => {
            const req = c.build(p);
            const o = runRequest(req);
            const why = `${p.id} via ${c.id}: ${describeOutcome(o)}`;
            expect(o.findings.length, why).toBeGreaterThan(0);
            if (!o.detected) {
              expect(CARRIER_REFUSALS[c.id], `${why} (refused, not detected)`).toBeDefined();
              expect(o.rules, why).toContain(CARRIER_REFUSALS[c.id]);
            }
            if (req.body.length > 1) {
              const split = runRequest(req, 'default', [5, 1, 3]);
              expect(split.rules, `${why}: chunk split changed the verdict`).toEqual(o.rules);
            }
          });
        }
      });
    }
  });
}

matrix('replay-kit carriers', CARRIERS);
matrix('neighbouring carriers', VARIANTS);

describe('the matrix itself', () => {
  it('covers every family with several payloads and every carrier of the replay kit', () => {
    const families = new Set(ATTACKS.map((p) => p.family));
    expect([...families].sort()).toEqual(['dotnet', 'java', 'jsonpoly', 'node', 'php', 'pickle', 'ruby', 'xxe', 'yaml']);
    const ids = new Set(CARRIERS.map((c) => c.id));
    const kit = ['raw', 'raw-misleading-ctype', 'raw-mislabeled', 'raw-no-ctype', 'raw-upper-ctype', 'base64', 'base64-lines', 'base64url', 'hex', 'urlenc', 'double-urlenc', 'form-field', 'form-field-repeated', 'json-field', 'json-field-uescape', 'json-field-deep', 'query', 'query-double-urlenc', 'cookie', 'cookie-urlenc', 'header', 'gzip-ce', 'deflate-ce', 'deflate-raw-ce', 'nested-gzip-gzip-ce', 'gzip-ce-chunked', 'chunked-split', 'chunked-tiny', 'chunked-ext', 'tcp-split', 'multipart', 'multipart-b64cte', 'multipart-qp', 'multipart-filename-star', 'multipart-lf', 'multipart-mixed', 'nested-b64-gzip', 'nested-hex-gzip', 'nested-b64-b64', 'nested-json-b64-gzip', 'nested-zip', 'xml-utf16le', 'xml-utf16be', 'xml-utf16le-nobom', 'xml-utf16be-nobom', 'xml-utf7', 'xml-ebcdic'];
    expect(kit.filter((k) => !ids.has(k))).toEqual([]);
  });

  it('every payload is really an attack: the raw body alone is detected with its family', () => {
    const familyOf = { pickle: 'pickle', java: 'java', dotnet: 'dotnet', xxe: 'xml', yaml: 'yaml', php: 'php', ruby: 'ruby', node: 'node', jsonpoly: 'jsonpoly' } as const;
    const raw = CARRIERS.find((c) => c.id === 'raw')!;
    for (const p of ATTACKS) {
      const o = runRequest(raw.build(p));
      const fams = new Set(o.findings.filter((f) => f.kind === 'attack').map((f) => f.family));
      // YAML gadgets naming Java or Ruby classes are reported by the YAML family.
      expect(fams.has(familyOf[p.family]), `${p.id}: ${describeOutcome(o)}`).toBe(true);
    }
  });
});
