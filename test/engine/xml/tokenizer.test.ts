/** Unit tests of the DOCTYPE scanner and the DTD tokenizer (shapes, literals, comments, PIs, conditional sections, limits). */
import { describe, expect, it } from 'vitest';
import { scanDoctype } from '../../../src/engine/detectors/xml/doctype-scan.js';
import { scanDtd } from '../../../src/engine/detectors/xml/dtd-scan.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const text = (u: Uint8Array | undefined): string | undefined => (u ? Buffer.from(u).toString('latin1') : undefined);

describe('scanDoctype', () => {
  it('reads name, SYSTEM id and an internal subset with every kind of declaration', () => {
    const src = b(
      `<!DOCTYPE\r\n\t note SYSTEM 'n.dtd' [\n <!-- c ] > --> <?pi ] > ?>\n <!ELEMENT note (#PCDATA)>\n` +
        ` <!ATTLIST note a CDATA "x > ] y">\n <!NOTATION gif SYSTEM "image/gif">\n <!ENTITY e "v">\n]  >rest`,
    );
    const d = scanDoctype(src, 0);
    expect(d.valid).toBe(true);
    expect(d.terminated).toBe(true);
    expect(d.name).toBe('note');
    expect(d.external?.keyword).toBe('SYSTEM');
    expect(text(d.external?.systemId)).toBe('n.dtd');
    expect(d.subset?.declarations).toBe(3);
    expect(d.subset?.entities.map((e) => e.name)).toEqual(['e']);
    expect(d.subset?.malformed).toBe(0);
    expect(src.subarray(d.end).toString()).toBe('rest');
  });

  it('reads PUBLIC with and without a system literal', () => {
    const d = scanDoctype(b('<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN">'), 0);
    expect(d.valid && d.terminated).toBe(true);
    expect(text(d.external?.publicId)).toBe('-//W3C//DTD HTML 4.01//EN');
    expect(d.external?.systemId).toBeUndefined();
    const e = scanDoctype(b(`<!doctype x public 'p'\n'http://h/x.dtd'>`), 0);
    expect(text(e.external?.systemId)).toBe('http://h/x.dtd');
  });

  it('says not-a-doctype for prose that mentions the keyword', () => {
    expect(scanDoctype(b('<!DOCTYPE declarations entirely, and XXE'), 0).valid).toBe(false);
    expect(scanDoctype(b('<!DOCTYPE> x'), 0).valid).toBe(false);
    expect(scanDoctype(b('<!DOCTYPE x SYSTEM is bad'), 0).valid).toBe(false);
  });

  it('reports unterminated subsets and literals', () => {
    const d = scanDoctype(b('<!DOCTYPE x [ <!ENTITY a "b">'), 0);
    expect(d.valid).toBe(true);
    expect(d.terminated).toBe(false);
    expect(d.malformed).toMatch(/unterminated internal subset/);
    expect(scanDoctype(b('<!DOCTYPE x SYSTEM "abc'), 0).malformed).toMatch(/unterminated literal/);
    const lit = scanDoctype(b('<!DOCTYPE x [ <!ENTITY a "b> ]>'), 0);
    expect(lit.terminated).toBe(false);
    expect(lit.subset?.malformed).toBeGreaterThan(0);
  });
});

describe('scanDtd', () => {
  it('records parameter entities, PE references and external ids', () => {
    const s = scanDtd(
      b(`<!ENTITY % a SYSTEM "http://x/a.dtd"> %a; <!ENTITY\tb PUBLIC 'p' "s"> <!ENTITY % c '<!ENTITY d "e">'> tail`),
      0,
      'fragment',
    );
    expect(s.stop).toBe('content');
    expect(s.entities.map((e) => [e.name, e.parameter, e.external?.keyword ?? 'internal'])).toEqual([
      ['a', true, 'SYSTEM'],
      ['b', false, 'PUBLIC'],
      ['c', true, 'internal'],
    ]);
    expect(s.peRefs).toBe(1);
    expect(text(s.entities[2]!.value)).toBe('<!ENTITY d "e">');
  });

  it('walks conditional sections and closes them', () => {
    const s = scanDtd(b(`<![INCLUDE[ <!ENTITY a SYSTEM "f"> ]]> <![ %p; [ <!ENTITY b "c"> ]]>`), 0, 'fragment');
    expect(s.conditionalSections).toBe(2);
    expect(s.entities.map((e) => e.name)).toEqual(['a', 'b']);
    expect(s.peRefs).toBe(1);
  });

  it('keeps going after junk in a subset and stops at the closing bracket', () => {
    const src = b(`junk <root> <!ENTITY a SYSTEM "f"> ]>`);
    const s = scanDtd(src, 0, 'subset');
    expect(s.stop).toBe('closed');
    expect(s.malformed).toBeGreaterThan(0);
    expect(s.entities[0]?.external?.keyword).toBe('SYSTEM');
  });

  it('stops at maxItems', () => {
    const src = b('<!-- -->'.repeat(100));
    const s = scanDtd(src, 0, 'fragment', { maxItems: 10, maxEntities: 10, maxNameBytes: 16, maxConditionalDepth: 2 });
    expect(s.stop).toBe('limit');
  });
});
