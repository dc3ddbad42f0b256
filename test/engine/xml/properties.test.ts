/** Property tests: random and mutated XML never throws, findings stay in bounds, work stays linear. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeXmlLayer, XXE_TRIGGERS } from '../../../src/engine/detectors/xml/analyze.js';
import { scanDoctype } from '../../../src/engine/detectors/xml/doctype-scan.js';
import { scanDtd } from '../../../src/engine/detectors/xml/dtd-scan.js';
import { findHits, run, XML_DETECTORS } from './harness.js';
import { xxeDetector } from '../../../src/engine/detectors/xml/index.js';

const SEEDS = [
  '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY % p SYSTEM "http://h/x"> %p; <!ENTITY e "&f;&f;"><!ENTITY f "x">]><a>&e;</a>',
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html/>',
  '<a xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="x"/></a>',
  '<xs:schema><xs:import schemaLocation="http://h/s.xsd"/></xs:schema>',
  '<!ENTITY % a "&#x3C;!ENTITY x SYSTEM \'f\'>"> %a; <![INCLUDE[ <!ENTITY b "c"> ]]>',
  '<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:import href="y"/></xsl:stylesheet>',
];

const TOKENS = [
  '<!DOCTYPE', '<!ENTITY', '<!ELEMENT', '<!ATTLIST', '<!NOTATION', '<!--', '-->', '<?', '?>', '<![', ']]>', '[', ']', '>',
  '<', '%', ';', '&', '&#', '&#x', '"', "'", ' ', '\t', '\n', 'SYSTEM', 'PUBLIC', 'NDATA', 'a', 'file:///x', '%a;',
  '&a;', '&#37;', '&#x3C;', 'XInclude', 'http://www.w3.org/2001/', 'xmlns:x=', 'schemaLocation', '=', 'XSL/Transform',
];

const tokenDoc = fc.array(fc.constantFrom(...TOKENS), { maxLength: 200 }).map((t) => t.join(''));

const mutated = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat())
  .map(([seed, edits, cut]) => {
    const b = Buffer.from(seed, 'latin1');
    for (const [pos, byte] of edits) b[pos % b.length] = byte;
    return b.subarray(0, 1 + (cut % b.length));
  });

function checkBounds(bytes: Uint8Array): void {
  const findings = analyzeXmlLayer(bytes, findHits(bytes, xxeDetector));
  expect(findings.length).toBeLessThanOrEqual(32);
  for (const f of findings) {
    expect(f.offset).toBeGreaterThanOrEqual(0);
    expect(f.offset).toBeLessThanOrEqual(bytes.length);
    expect(f.rule).toMatch(/^DW-XML-00[1-8]$/);
  }
}

describe('xml detector properties', () => {
  it('token soup never throws and findings stay in bounds', () => {
    fc.assert(fc.property(tokenDoc, (doc) => checkBounds(Buffer.from(doc, 'latin1'))), { numRuns: 500 });
  });

  it('mutated payloads never throw', () => {
    fc.assert(fc.property(mutated, (b) => checkBounds(b)), { numRuns: 500 });
  });

  it('random bytes through both detectors (and nested layers) never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (b) => {
        const r = run(b, { detectors: XML_DETECTORS });
        expect(r.layers.length).toBeLessThanOrEqual(64);
      }),
      { numRuns: 300 },
    );
  });

  it('the scanners end within the input', () => {
    fc.assert(
      fc.property(tokenDoc, fc.nat(), (doc, start) => {
        const b = Buffer.from(doc, 'latin1');
        const at = b.length === 0 ? 0 : start % b.length;
        const d = scanDoctype(b, at);
        expect(d.end).toBeLessThanOrEqual(b.length);
        const s = scanDtd(b, at, 'fragment');
        expect(s.end).toBeLessThanOrEqual(b.length);
        expect(s.end).toBeGreaterThanOrEqual(Math.min(at, b.length));
      }),
      { numRuns: 500 },
    );
  });
});

describe('linear work on adversarial repetition', () => {
  const cases: [string, string][] = [
    ['<!DOCTYPE x10^5', '<!DOCTYPE'],
    ['<!DOCTYPE html> x10^5', '<!DOCTYPE html>'],
    ['<!DOCTYPE a [ x10^5', '<!DOCTYPE a ['],
    ['<!DOCTYPE a SYSTEM "x"> x10^5', '<!DOCTYPE a SYSTEM "x">'],
    ['<!DOCTYPE a SYSTEM " x10^5', '<!DOCTYPE a SYSTEM "'],
    ['<!ENTITY x10^5', '<!ENTITY '],
    ['<!ENTITY a "&b;"> x10^5', '<!ENTITY a "&b;">'],
    ['<!DOCTYPE a junk x10^5', '<!DOCTYPE a junk '],
    ['xmlns:x="http://www.w3.org/2001/XInclude" x10^5', ' xmlns:x="http://www.w3.org/2001/XInclude"'],
    ['<x:import schemaLocation= x10^5', '<x:import schemaLocation='],
    [' schemaLocation= (no tag) x10^5', ' schemaLocation='],
    ['xmlns:x="http://www.w3.org/1999/XSL/Transform" x10^5', ' xmlns:x="http://www.w3.org/1999/XSL/Transform"'],
    ['<!DOCTYPE a [<!ENTITY % b "<!ENTITY c \'&#37;d;\'>"> x10^4', '<!DOCTYPE a [<!ENTITY % b "<!ENTITY c \'&#37;d;\'>">'],
  ];
  for (const [name, unit] of cases) {
    it(name, () => {
      const small = Buffer.from(unit.repeat(10_000), 'latin1');
      const big = Buffer.from(unit.repeat(100_000), 'latin1');
      const time = (b: Buffer): number => {
        const hits = findHits(b, xxeDetector);
        const t0 = performance.now();
        analyzeXmlLayer(b, hits);
        return performance.now() - t0;
      };
      time(small);
      const ts = Math.max(time(small), 1);
      const tb = time(big);
      // 10x the input may cost ~10x the time, never ~100x.
      expect(tb).toBeLessThan(Math.max(40 * ts, 300));
    });
  }

  it('more DOCTYPEs than maxDoctypes fail closed with DW-XML-008', () => {
    const b = Buffer.from('<!DOCTYPE h SYSTEM "a">'.repeat(300) + '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 'latin1');
    const f = analyzeXmlLayer(b, findHits(b, xxeDetector));
    expect(f.find((x) => x.rule === 'DW-XML-008')).toMatchObject({ kind: 'limit', limit: 'xml.maxDoctypes' });
  });

  it('trigger literals are the documented ones', () => {
    expect(XXE_TRIGGERS).toContain('<!DOCTYPE');
    expect(XXE_TRIGGERS).toContain('<!ENTITY');
  });
});
