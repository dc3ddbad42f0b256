/** Encoded XML reaches the XXE detector through xmlEncodingDetector's nested layer (checklist 77-80). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bom16be, bom16le, run, utf16be, utf16le } from './harness.js';

interface Encoded {
  readonly name: string;
  readonly encoding: string;
  readonly b64: string;
}
const FIXTURES: Encoded[] = JSON.parse(readFileSync(new URL('../../fixtures/xml/encoded.json', import.meta.url), 'utf8'));

const XXE = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';

describe('generated fixtures (Python codecs, JDK IBM1047)', () => {
  for (const f of FIXTURES) {
    it(f.name, () => {
      const r = run(Buffer.from(f.b64, 'base64'));
      if (f.name.startsWith('benign')) {
        expect(r.findings).toEqual([]);
        return;
      }
      const hit = r.findings.find((x) => x.rule === 'DW-XML-001');
      expect(hit).toBeDefined();
      expect(r.findings.filter((x) => x.rule === 'DW-XML-007')).toEqual([]);
      const ascii = f.encoding === 'windows-1252' || f.encoding === 'iso-8859-1' || f.name === 'utf-7-python';
      expect(hit!.location).toBe(ascii ? 'body' : `body>charset:${f.encoding}`);
    });
  }
});

describe('UTF-16 and UTF-32 built in the test', () => {
  it('UTF-16LE/BE with BOM and a UTF-16 declaration', () => {
    for (const enc of [bom16le, bom16be]) {
      const r = run(enc(`<?xml version="1.0" encoding="UTF-16"?>\n${XXE}`));
      expect([...r.rules]).toEqual(['DW-XML-001']);
    }
  });
  it('UTF-16 without BOM, starting with whitespace then the DOCTYPE', () => {
    expect([...run(utf16le(`\r\n  ${XXE}`)).rules]).toEqual(['DW-XML-001']);
    expect([...run(utf16be(`\n${XXE}`)).rules]).toEqual(['DW-XML-001']);
  });
  it('UTF-16 element-first document with XInclude', () => {
    const doc = `<a xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd" parse="text"/></a>`;
    expect([...run(utf16le(doc)).rules]).toEqual(['DW-XML-005']);
  });
  it('unusual UCS-4 byte orders 2143 and 3412', () => {
    const be = Buffer.from(XXE, 'utf16le').swap16(); // 2-byte BE units
    const ucs4be = Buffer.alloc(be.length * 2);
    for (let i = 0; i < be.length / 2; i++) {
      ucs4be[i * 4 + 2] = be[i * 2]!;
      ucs4be[i * 4 + 3] = be[i * 2 + 1]!;
    }
    const o2143 = Buffer.alloc(ucs4be.length);
    const o3412 = Buffer.alloc(ucs4be.length);
    for (let i = 0; i < ucs4be.length; i += 4) {
      const [a, b, c, d] = [ucs4be[i]!, ucs4be[i + 1]!, ucs4be[i + 2]!, ucs4be[i + 3]!];
      o2143.set([b, a, d, c], i);
      o3412.set([c, d, a, b], i);
    }
    expect(run(o2143).findings.find((f) => f.rule === 'DW-XML-001')?.location).toBe('body>charset:utf-32-2143');
    expect(run(o3412).findings.find((f) => f.rule === 'DW-XML-001')?.location).toBe('body>charset:utf-32-3412');
  });
});

describe('UTF-7 (checklist 79)', () => {
  it('declared UTF-7 with +ADwAIQ-DOCTYPE', () => {
    const doc =
      '<?xml version="1.0" encoding="UTF-7"?>\n+ADwAIQ-DOCTYPE foo +AFs +ADwAIQ-ENTITY xxe SYSTEM +ACI-file:///etc/passwd+ACI +AD4AXQA+-\n+ADw-foo+AD4AJg-xxe+ADsAPA-/foo+AD4-';
    const r = run(doc);
    expect(r.findings.find((f) => f.rule === 'DW-XML-001')?.location).toBe('body>charset:utf-7');
  });
  it('UTF-7 payload without a declaration (+ADw- smuggling)', () => {
    const doc = '+ADw-!DOCTYPE a +AFsAPA-!ENTITY x SYSTEM +ACI-http://h/x+ACIAPgBd-+AD4-';
    expect(run(doc).findings.find((f) => f.rule === 'DW-XML-001')?.location).toBe('body>charset:utf-7');
  });
  it('UTF-7 byte order mark', () => {
    const doc = '+/v8-+ADw-!DOCTYPE a SYSTEM +ACI-http://h/x.dtd+ACIAPg-';
    expect(run(doc).findings.find((f) => f.rule === 'DW-XML-002')?.location).toBe('body>charset:utf-7');
  });
});

describe('EBCDIC (IBM037) built from the transcoder table', () => {
  it('<?xml ... encoding="IBM037"?> with an XXE', async () => {
    const { IBM037_TABLE } = await import('../../../src/engine/charset/ebcdic-tables.js');
    const inverse = new Map<number, number>();
    IBM037_TABLE.forEach((cp, byte) => {
      if (!inverse.has(cp)) inverse.set(cp, byte);
    });
    const text = `<?xml version="1.0" encoding="ebcdic-cp-us"?>\n${XXE}`;
    const bytes = Buffer.from([...text].map((c) => inverse.get(c.charCodeAt(0))!));
    expect(run(bytes).findings.find((f) => f.rule === 'DW-XML-001')?.location).toBe('body>charset:ibm037');
  });
});

describe('contradictory and undecodable encodings (DW-XML-007, checklist 80)', () => {
  it('UTF-16 declared on a UTF-8 body', () => {
    const r = run(`<?xml version="1.0" encoding="UTF-16"?><a>ok</a>`);
    expect([...r.rules]).toEqual(['DW-XML-007']);
    expect(r.findings[0]!.kind).toBe('malformed');
  });
  it('UTF-16LE BOM with a UTF-8 declaration (and the XXE is still seen)', () => {
    const r = run(bom16le(`<?xml version="1.0" encoding="UTF-8"?>${XXE}`));
    expect(r.rules).toEqual(new Set(['DW-XML-007', 'DW-XML-001']));
  });
  it('UTF-16BE BOM with a UTF-16LE declaration', () => {
    expect([...run(bom16be(`<?xml version="1.0" encoding="UTF-16LE"?><a/>`)).rules]).toEqual(['DW-XML-007']);
  });
  it('UTF-8 BOM with a UTF-16 declaration', () => {
    const doc = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`<?xml version="1.0" encoding="UTF-16"?><a/>`)]);
    expect([...run(doc).rules]).toEqual(['DW-XML-007']);
  });
  it('EBCDIC declared on an ASCII body, the rest really in EBCDIC (mixed-encoding trick)', async () => {
    const { IBM037_TABLE } = await import('../../../src/engine/charset/ebcdic-tables.js');
    const inverse = new Map<number, number>();
    IBM037_TABLE.forEach((cp, byte) => {
      if (!inverse.has(cp)) inverse.set(cp, byte);
    });
    const rest = Buffer.from([...XXE].map((c) => inverse.get(c.charCodeAt(0))!));
    const r = run(Buffer.concat([Buffer.from('<?xml version="1.0" encoding="IBM037"?>'), rest]));
    expect(r.rules).toEqual(new Set(['DW-XML-007', 'DW-XML-001']));
    expect(r.findings.find((f) => f.rule === 'DW-XML-001')!.location).toBe('body>charset:ibm037');
  });
  it('an unknown declared charset is kind unsupported', () => {
    const r = run(`<?xml version="1.0" encoding="x-made-up-charset"?><a/>`);
    expect(r.findings.map((f) => [f.rule, f.kind])).toEqual([['DW-XML-007', 'unsupported']]);
  });
  it('a lone surrogate in UTF-16 is undecodable', () => {
    const doc = Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le('<a>'), Buffer.from([0x00, 0xd8]), utf16le('</a>')]);
    const r = run(doc);
    expect(r.findings.map((f) => [f.rule, f.offset])).toEqual([['DW-XML-007', 8]]);
  });
  it('declared encodings that agree are clean', () => {
    expect(run(bom16le(`<?xml version="1.0" encoding="utf-16"?><a/>`)).findings).toEqual([]);
    expect(run(utf16be(`<?xml version='1.0' encoding='ISO-10646-UCS-2'?><a/>`)).findings).toEqual([]);
    expect(run(`<?xml version="1.0" encoding="windows-1250"?><a>\xe8</a>`).findings).toEqual([]);
    expect(run(`<?xml version="1.0" encoding="Shift_JIS"?><a/>`).findings).toEqual([]);
  });
  it('output beyond the transcoding limit is DW-XML-008', async () => {
    const { createXmlEncodingDetector, xxeDetector } = await import('../../../src/engine/detectors/xml/index.js');
    const det = createXmlEncodingDetector({ maxOut: 64 });
    const r = run(bom16le(`<a>${'x'.repeat(200)}</a>`), { detectors: [det, xxeDetector] });
    expect(r.findings.map((f) => [f.rule, f.kind, f.limit])).toEqual([['DW-XML-008', 'limit', 'xml.maxTranscodeBytes']]);
  });
});

describe('non-markup UTF-16 layers are transcoded but not refused', () => {
  it('a UTF-16LE CSV export with an odd trailing byte', () => {
    const csv = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name;qty\r\nA;1\r\n', 'utf16le'), Buffer.from([0x41])]);
    const r = run(csv);
    expect(r.findings).toEqual([]);
    expect(r.layers.map((l) => l.location)).toContain('body>charset:utf-16le');
  });
  it('a binary that starts with the UTF-16 shape of "<A"', () => {
    const bin = Buffer.concat([Buffer.from([0x3c, 0x00, 0x41, 0x00]), Buffer.from([0x00, 0xd8, 0x00, 0xd8, 0x01])]);
    expect(run(bin).findings).toEqual([]);
  });
});

describe('declarations that are not refused', () => {
  it('a .NET-style string with encoding="utf-16" inside a JSON value', () => {
    const r = run(`<?xml version="1.0" encoding="utf-16"?><Order><Id>5</Id></Order>`, {
      layer: { isValue: true, location: 'body>json:/xml' },
    });
    expect(r.findings).toEqual([]);
  });
  it('a UTF-16 document with character references (the engine decodes &# on the transcoded layer)', () => {
    const r = run(bom16le(`<?xml version="1.0" encoding="UTF-16"?><p>caf&#233;&#160;</p>`));
    expect(r.layers.map((l) => l.location)).toContain('body>charset:utf-16le>charref');
    expect(r.findings).toEqual([]);
  });
  it('a UTF-7 declaration in a value is still transcoded', () => {
    const r = run('<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE a SYSTEM +ACI-http://h/a.dtd+ACIAPg-', {
      layer: { isValue: true, location: 'body>form:xml' },
    });
    expect(r.findings.map((f) => [f.rule, f.location])).toEqual([['DW-XML-002', 'body>form:xml>charset:utf-7']]);
  });
});
