/** Evasions of detection-anchors §5.3 / checklist 73-87 that a byte matcher must survive. */
import { describe, expect, it } from 'vitest';
import { rulesOf, run } from './harness.js';

describe('whitespace variety (checklist 81)', () => {
  const ws = [' ', '\t', '\r\n', '\n\n\t  ', '\r', '\t\r\n \t'];
  for (const s of ws) {
    it(`separator ${JSON.stringify(s)}`, () => {
      const doc = `<?xml version="1.0"?>${s}<!DOCTYPE${s}foo${s}[${s}<!ENTITY${s}xxe${s}SYSTEM${s}"file:///etc/passwd"${s}>${s}]${s}>${s}<foo>&xxe;</foo>`;
      expect(rulesOf(doc)).toEqual(['DW-XML-001']);
    });
  }
  it('parameter entity with % separated by several whitespace characters', () => {
    expect(rulesOf(`<!DOCTYPE a [<!ENTITY\n%\t\r\nremote\nSYSTEM\n'http://h/x'>\n%remote;]><a/>`)).toEqual(
      expect.arrayContaining(['DW-XML-001', 'DW-XML-003']),
    );
  });
  it('no space between the name and the subset bracket', () => {
    expect(rulesOf(`<!DOCTYPE a[<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>`)).toEqual(['DW-XML-001']);
  });
});

describe('comments and PIs in the internal subset (checklist 82)', () => {
  it('declarations separated by comments and PIs', () => {
    const doc = `<!DOCTYPE a [<!-- a ] > comment --><?pi ]> ?><!ELEMENT a ANY><!-- <!ENTITY hidden "x"> --><!ENTITY x SYSTEM "file:///etc/passwd"><?x?>]><a>&x;</a>`;
    expect(rulesOf(doc)).toEqual(['DW-XML-001']);
  });
  it('a commented-out declaration is not reported', () => {
    expect(rulesOf(`<!DOCTYPE a [<!-- <!ENTITY x SYSTEM "file:///etc/passwd"> -->]><a/>`)).toEqual([]);
  });
  it('a bogus DOCTYPE in a comment before the real one does not hide it', () => {
    const doc = `<!-- <!DOCTYPE z SYSTEM " --><!DOCTYPE y [<!ENTITY e SYSTEM "file:///etc/passwd">]><y>&e;</y>`;
    expect(rulesOf(doc)).toContain('DW-XML-001');
  });
});

describe('quote styles and keyword spelling (checklist 75)', () => {
  it('single and double quotes, mixed', () => {
    expect(rulesOf(`<!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><a>&x;</a>`)).toEqual(['DW-XML-001']);
    expect(rulesOf(`<!DOCTYPE a [<!ENTITY x PUBLIC '-//"q"//EN' "http://h/'x'">]><a>&x;</a>`)).toEqual(['DW-XML-001']);
  });
  it('literals that contain the other quote and the closing bracket', () => {
    expect(rulesOf(`<!DOCTYPE a [<!ENTITY y "]>'"><!ENTITY x SYSTEM "file:///e]>">]><a>&x;</a>`)).toEqual(['DW-XML-001']);
  });
  it('lower-case keywords (lenient parsers, case-insensitive matchers)', () => {
    expect(rulesOf(`<!doctype a [<!entity x system "file:///etc/passwd">]><a>&x;</a>`)).toEqual(['DW-XML-001']);
  });
  it('entity names with any NameChar', () => {
    expect(rulesOf(`<!DOCTYPE a [<!ENTITY x.y-z_1:\u00e9 SYSTEM "file:///etc/passwd">]><a/>`)).toEqual(['DW-XML-001']);
  });
});

describe('character references building declarations (checklist 83)', () => {
  it('&#x3C;!ENTITY ... &#x53;YSTEM inside a parameter entity value', () => {
    const doc = `<!DOCTYPE r [<!ENTITY % a "&#x3C;!ENTITY x &#x53;YSTEM 'file:///etc/passwd'>"> %a;]><r>&x;</r>`;
    const r = run(doc);
    expect(r.rules).toEqual(new Set(['DW-XML-001', 'DW-XML-003']));
    expect(r.findings.find((f) => f.rule === 'DW-XML-001')!.message).toMatch(/built inside an entity value/);
  });
  it('decimal references and doubly-encoded references two levels deep', () => {
    const doc = `<!DOCTYPE r [<!ENTITY % a "&#60;!ENTITY &#37; b '&#38;#60;!ENTITY c SYSTEM &#38;#34;file:///etc/passwd&#38;#34;>'>"> %a; %b;]><r>&c;</r>`;
    expect(rulesOf(doc)).toEqual(expect.arrayContaining(['DW-XML-001', 'DW-XML-003']));
  });
  it('&#x25; in a general entity value building a PE reference', () => {
    expect(rulesOf(`<!DOCTYPE r [<!ENTITY g "&#x25;p;">]><r>&g;</r>`)).toEqual(['DW-XML-003', 'DW-XML-004']);
  });
  it('the whole DOCTYPE written with character references in a text layer (engine decodes &#)', () => {
    const hidden = `&#60;!DOCTYPE a [&#60;!ENTITY x SYSTEM "file:///etc/passwd"&#62;]&#62;`;
    const r = run(`{"note":"${hidden}"}`);
    expect(r.rules).toEqual(new Set(['DW-XML-001']));
    expect(r.findings[0]!.location).toBe('body>charref');
  });
});

describe('external DTD without ENTITY (checklist 74) and XInclude without DOCTYPE (84)', () => {
  it('DOCTYPE SYSTEM only', () => {
    expect(rulesOf(`<!DOCTYPE x SYSTEM "//x/x"> <x>a</x>`)).toEqual(['DW-XML-002']);
  });
  it('XInclude namespace URI in different case and with spaces around =', () => {
    expect(rulesOf(`<r xmlns:q  =  "http://www.w3.org/2001/xinclude"><q:include href="file:///etc/passwd"/></r>`)).toEqual([
      'DW-XML-005',
    ]);
  });
});

describe('malformed DOCTYPE (DW-XML-006)', () => {
  it('unterminated internal subset', () => {
    const r = run(`<?xml version="1.0"?><!DOCTYPE a [ <!ELEMENT a ANY>`);
    expect([...r.rules]).toEqual(['DW-XML-006']);
    expect(r.findings[0]!.kind).toBe('malformed');
  });
  it('two DOCTYPEs (counter-reset trick)', () => {
    const doc = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><!DOCTYPE a [<!ENTITY d "e">]><a/>`;
    const r = run(doc);
    expect([...r.rules]).toEqual(['DW-XML-006']);
    expect(r.findings[0]!.offset).toBe(doc.lastIndexOf('<!DOCTYPE'));
  });
  it('a DOCTYPE nested in the internal subset', () => {
    expect(rulesOf(`<!DOCTYPE a [<!DOCTYPE b SYSTEM "x">]><a/>`)).toEqual(['DW-XML-006']);
  });
  it('element markup in the internal subset', () => {
    expect(rulesOf(`<!DOCTYPE a [ <b>text</b> ]><a/>`)).toEqual(['DW-XML-006']);
  });
});

describe('XML 1.1 line ends as separators (NEL, LINE SEPARATOR)', () => {
  it('NEL and U+2028 between DOCTYPE and ENTITY tokens', () => {
    const doc = `<?xml version="1.1"?>\n<!DOCTYPE\u0085a\u2028[<!ENTITY\u0085x\u2028SYSTEM\u0085"file:///etc/passwd">]><a>&x;</a>`;
    expect(rulesOf(doc)).toEqual(['DW-XML-001']);
  });
  it('the same in EBCDIC (NL 0x15 decodes to a line feed)', async () => {
    const { IBM037_TABLE } = await import('../../../src/engine/charset/ebcdic-tables.js');
    const inverse = new Map<number, number>();
    IBM037_TABLE.forEach((cp, byte) => {
      if (!inverse.has(cp)) inverse.set(cp, byte);
    });
    const text = `<?xml version="1.0" encoding="IBM037"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>`;
    const bytes = Buffer.from([...text].map((c) => (c === ' ' ? 0x15 : inverse.get(c.charCodeAt(0))!)));
    expect(rulesOf(bytes)).toEqual(['DW-XML-001']);
  });
});
