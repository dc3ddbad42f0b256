/**
 * The XML view in the real engine (src/engine/inspect/view-xml.ts):
 * limits.maxXmlDepth (global and per policy) and element text joined across
 * comments/CDATA reaching the detectors, with the same verdict however the
 * body is split into chunks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspect, rulesOf, testEngine } from '../../helpers/engine.js';
import { parseConfig } from '../../../src/config/load.js';
import { compileRouting } from '../../../src/policy/compile.js';
import { JAVA_B64 } from '../../hostile/helpers/payloads.js';
import { buildZip } from '../containers/zipwriter.js';

const XML = 'application/xml';
const SIG = JAVA_B64();
const nested = (n: number, inner = '') => '<a>'.repeat(n) + inner + '</a>'.repeat(n);
const depthFindings = (v: ReturnType<typeof inspect>) => v.findings.filter((f) => f.limit === 'maxXmlDepth');

describe('limits.maxXmlDepth', () => {
  it('default 64: 64 nested elements pass, 65 are refused as DW-LIMIT-VIEW naming maxXmlDepth', () => {
    expect(inspect(nested(64), { contentType: XML }).clean).toBe(true);
    const v = inspect(nested(65), { contentType: XML });
    expect(rulesOf(v)).toEqual(['DW-LIMIT-VIEW']);
    expect(v.findings[0]).toMatchObject({ kind: 'limit', limit: 'maxXmlDepth', location: 'body', offset: 64 * 3 });
  });

  it('applies to +xml types, multipart parts and sniffed documents whose tags balance', () => {
    expect(depthFindings(inspect(nested(65), { contentType: 'application/soap+xml' }))).toHaveLength(1);
    expect(depthFindings(inspect(`<?xml version="1.0"?>${nested(100)}`))).toHaveLength(1);
    const mp = `--b\r\nContent-Disposition: form-data; name="doc"; filename="d.xml"\r\nContent-Type: text/xml\r\n\r\n${nested(65)}\r\n--b--\r\n`;
    expect(depthFindings(inspect(mp, { contentType: 'multipart/form-data; boundary=b' }))).toHaveLength(1);
  });

  it('HTML with unclosed void tags is not a deep XML document', () => {
    const html = `<html><body><p>${'line<br>'.repeat(200)}</p></body></html>`;
    expect(inspect(html).clean).toBe(true);
    expect(inspect(html, { contentType: 'text/html' }).clean).toBe(true);
  });

  it('a policy can raise or lower it', () => {
    const { config } = parseConfig('policies:\n  deep: { limits: { maxXmlDepth: 200 } }\n  flat: { limits: { maxXmlDepth: 4 } }\n', 'p.yaml');
    const policies = compileRouting(config).policies;
    const run = (policy: string, body: string) => {
      const tx = testEngine().begin({ method: 'POST', target: '/x', rawHeaders: ['Host', 'h', 'Content-Type', XML] }, policies.get(policy)!);
      tx.write(Buffer.from(body));
      return tx.end().findings.filter((f) => f.limit === 'maxXmlDepth');
    };
    expect(run('deep', nested(200))).toEqual([]);
    expect(run('deep', nested(201))).toHaveLength(1);
    expect(run('flat', nested(5))).toHaveLength(1);
    expect(run('default', nested(65))).toHaveLength(1);
  });
});

describe('element text joined across comments and CDATA', () => {
  it.each([
    ['comment', `<x>${SIG.slice(0, 20)}<!-- -->${SIG.slice(20)}</x>`],
    ['CDATA', `<x><![CDATA[${SIG.slice(0, 20)}]]>${SIG.slice(20)}</x>`],
    ['processing instruction', `<x>${SIG.slice(0, 33)}<?pi x?>${SIG.slice(33)}</x>`],
    ['several comments', `<r><x>${SIG.slice(0, 5)}<!--a-->${SIG.slice(5, 40)}<!--b-->${SIG.slice(40)}</x></r>`],
  ])('SIG split by a %s is detected in the text the parser returns', (_n, xml) => {
    const v = inspect(xml, { contentType: XML });
    expect(rulesOf(v)).toContain('DW-JAVA-002');
    expect(v.findings.some((f) => f.location.startsWith('body>xml:/'))).toBe(true);
  });

  it('past 64 split runs the rest share one layer, still inspected', () => {
    const filler = Array.from({ length: 100 }, (_, i) => `<v>value${i}<!---->more${i}</v>`).join('');
    const v = inspect(`<r>${filler}<x>${SIG.slice(0, 20)}<!-- -->${SIG.slice(20)}</x></r>`, { contentType: XML });
    expect(v.findings.some((f) => f.rule === 'DW-JAVA-002' && f.location.startsWith('body>xml:*'))).toBe(true);
  });
});

describe('benign XML stays clean', () => {
  const SOAP = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://example.org/stock">
  <soap:Header><!-- routing --><m:Trans soap:mustUnderstand="1">234</m:Trans></soap:Header>
  <soap:Body><m:GetStockPrice><m:StockName>IBM<!-- ticker --> Corp</m:StockName><m:Note><![CDATA[a < b && c > d]]> and more text</m:Note></m:GetStockPrice></soap:Body>
</soap:Envelope>`;
  const SAML = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_8e8dc5f6" Version="2.0" IssueInstant="2024-01-01T00:00:00Z"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">https://idp.example.org</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:Reference URI="#_8e8dc5f6"><ds:DigestValue>q8QQKUm4Ud/4O6fOm8a2XG3e1ts=</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ==</ds:SignatureValue></ds:Signature></samlp:Response>`;
  const SVG = `<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><style><![CDATA[ rect { fill: red } ]]></style><!-- a box --><g><g><rect width="1" height="1" data-x="a>b"/></g></g><text>Hello<!-- --> world, <![CDATA[x < y]]> done</text></svg>`;

  it.each([
    ['SOAP', SOAP, XML],
    ['SAML', SAML, XML],
    ['SVG', SVG, 'image/svg+xml'],
  ])('%s', (_n, doc, ct) => {
    expect(inspect(doc, { contentType: ct }).findings).toEqual([]);
    expect(inspect(doc).findings).toEqual([]);
  });

  it('XLSX/DOCX-shaped zip parts', () => {
    const zip = buildZip([
      { name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>' },
      { name: 'xl/worksheets/sheet1.xml', data: `<?xml version="1.0"?><worksheet><sheetData>${'<row><c r="A1"><v>1</v></c></row>'.repeat(200)}</sheetData></worksheet>`, method: 8 },
      { name: 'word/document.xml', data: `<w:document xmlns:w="urn:w"><w:body>${nested(20, '<w:p><w:r><w:t>text<!-- c --> more text</w:t></w:r></w:p>')}</w:body></w:document>`, method: 8 },
    ]);
    expect(inspect(zip, { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }).findings).toEqual([]);
  });
});

describe('chunk-split invariance', () => {
  const bodies = [
    `<r><x>${SIG.slice(0, 20)}<!-- -->${SIG.slice(20)}</x></r>`,
    `<x><![CDATA[${SIG.slice(0, 20)}]]>${SIG.slice(20)}</x>`,
    nested(65),
    nested(64, 'text<!---->more'),
  ];
  it('any chunk split gives the same findings as one write', () => {
    fc.assert(
      fc.property(fc.constantFrom(...bodies), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }), (body, chunks) => {
        const whole = inspect(body, { contentType: XML });
        const split = inspect(body, { contentType: XML, chunks });
        expect(split.findings.map((f) => `${f.rule}@${f.location}:${f.offset}`).sort()).toEqual(whole.findings.map((f) => `${f.rule}@${f.location}:${f.offset}`).sort());
      }),
      { numRuns: 100 },
    );
  });
});

describe('escaped XML carried as text', () => {
  it('an escaped document inside a SOAP body does not add its depth to the envelope (the charref reading is not a document)', () => {
    const inner = '&lt;a&gt;'.repeat(62) + 'x' + '&lt;/a&gt;'.repeat(62);
    const soap = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:Put xmlns:m="urn:m"><m:doc>${inner}</m:doc></m:Put></soap:Body></soap:Envelope>`;
    expect(inspect(soap, { contentType: XML }).findings).toEqual([]);
  });
});
