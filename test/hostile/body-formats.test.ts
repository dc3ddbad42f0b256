/**
 * Matrix group B (robustness.md): body formats and WAFFLED-class parsing
 * discrepancies, as raw bytes through the built proxy to a recording
 * upstream. Every ambiguous body is refused with an exact status and not one
 * byte of it reaches the upstream; SIG (a real Java serialization stream, raw
 * or base64) is blocked in every carrier.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, req, chunked } from '../helpers/raw.js';
import { H, expectForwarded, expectRefused, linesFor, post, startPair, type Pair } from './helpers/harness.js';
import { JAVA, JAVA_B64, JAVA_RULES, YAML_SIG, multipart } from './helpers/payloads.js';
import { memoryOf } from './helpers/proc.js';

let pair: Pair;
beforeAll(async () => {
  pair = await startPair('logging: { level: info }');
});
afterAll(async () => {
  await pair?.stop();
});

const SIG = JAVA_B64();
const JSON_CT = 'Content-Type: application/json';
const FORM_CT = 'Content-Type: application/x-www-form-urlencoded';
/** Refused as malformed (400) or as an attack (403): either way fail closed; the malformed check usually fires first. */
const REFUSED = [400, 403];

describe('B1: JSON with SIG and no (or a look-alike) Content-Type', () => {
  // deserwall does not require a Content-Type (no 415 for a missing one): it sniffs JSON and scans
  // the raw bytes whatever the type says, so SIG is blocked (403) instead of refused (415).
  it('B1: no Content-Type → 403 by the raw-byte scan and the sniffed JSON view', async () => {
    await expectRefused(pair, post('/json', [], `{"field1":"${SIG}"}`), 403, { rules: JAVA_RULES });
  });
  it.each(['ContentType: application/json', 'Cntent-Type: application/json', 'Content_-Type: application/json'])('B1/W2/W7: look-alike header %s → 400', async (line) => {
    await expectRefused(pair, post('/json', [line], `{"field1":"${SIG}"}`), 400, { code: 'DW_ERR_BAD_HEADER' });
  });
  it('B1: a benign JSON body without Content-Type is forwarded byte for byte (no 415 by design)', async () => {
    await expectForwarded(pair, post('/json', [], '{"field1":"hello"}'), '{"field1":"hello"}');
  });
});

describe('B2: raw NUL inside JSON (WAFFLED W3)', () => {
  it.each([
    ['NUL in a key', '{"f\x00ield1":"x"}'],
    ['NUL before the colon', '{"field1"\x00:"x"}'],
    ['NUL in a value', '{"field1":"a\x00b"}'],
  ])('B2: %s → 400', async (_n, body) => {
    await expectRefused(pair, post('/json', [JSON_CT], body), 400, { rules: ['DW-PROTOCOL-102'] });
  });
  it('B2: the same with SIG as the value is refused too', async () => {
    await expectRefused(pair, post('/json', [JSON_CT], `{"f\x00ield1":"${SIG}"}`), REFUSED);
    await expectRefused(pair, post('/json', [JSON_CT], `{"field1"\x00:"${SIG}"}`), REFUSED);
  });
});

describe('B3: JSON interoperability (duplicates, BOM, comments, trailing data, surrogates)', () => {
  it.each([
    ['duplicate key', '{"a":"benign","a":"other"}'],
    ['duplicate after unescaping', '{"a":1,"\\u0061":"other"}'],
    ['BOM', '\ufeff{"a":1}'],
    ['line comment', '{"a":1} // c'],
    ['block comment', '{"a":/* c */1}'],
    ['trailing data', '{"a":1} {"b":2}'],
    ['lone surrogate', '{"a":"\\ud800"}'],
    ['escaped NUL', '{"a":"\\u0000"}'],
  ])('B3: %s → 400', async (_n, text) => {
    await expectRefused(pair, post('/json', [JSON_CT], Buffer.from(text, 'utf8')), 400, { rules: ['DW-PROTOCOL-102'] });
  });
  it('B3: SIG in either position of a duplicate key is refused', async () => {
    await expectRefused(pair, post('/json', [JSON_CT], `{"a":"benign","a":"${SIG}"}`), REFUSED);
    await expectRefused(pair, post('/json', [JSON_CT], `{"a":"${SIG}","\\u0061":"benign"}`), REFUSED);
  });
});

describe('B4: deep JSON', () => {
  // deserwall answers nesting over limits.maxJsonDepth (64) as a limit: 413, not 400.
  it('B4: 65 levels → 413 naming the JSON depth limit', async () => {
    const body = '['.repeat(65) + ']'.repeat(65);
    await expectRefused(pair, post('/json', [JSON_CT], body), 413, { limit: /depth/i });
  });
  it('B4: 10^6 levels (2 MB) → 413, no RangeError, proxy memory peak grows by far less than a parsed tree', async () => {
    const before = memoryOf(pair.proxy.child.pid!);
    const body = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    await expectRefused(pair, post('/json', [JSON_CT], body), 413, { limit: /depth/i });
    const after = memoryOf(pair.proxy.child.pid!);
    expect(after.hwm - before.hwm).toBeLessThan(32 * 1024 * 1024);
    expect(pair.proxy.stderr.join('')).not.toMatch(/RangeError|Maximum call stack/);
  });
});

describe('B5-B6: charsets', () => {
  it('B5: duplicate charset parameter (utf-8 then utf-7) → 400', async () => {
    await expectRefused(pair, post('/json', ['Content-Type: application/json; charset=utf-8; charset=utf-7'], '{"email":"+ACcAbwByACcAMQAnAC0ALQ"}'), 400, { rules: ['DW-PROTOCOL-101'] });
  });
  it('B6: urlencoded charset=ibm037 with an EBCDIC body → 415', async () => {
    const ebcdic = Buffer.from([0x81, 0x7e, 0x82]); // "a=b" in IBM037
    await expectRefused(pair, post('/form', ['Content-Type: application/x-www-form-urlencoded; charset=ibm037'], ebcdic), 415, { rules: ['DW-PROTOCOL-105'] });
  });
  it('B6: JSON charset=utf-16le → 415', async () => {
    await expectRefused(pair, post('/json', ['Content-Type: application/json; charset=utf-16le'], Buffer.from('{"a":1}', 'utf16le')), 415, { rules: ['DW-PROTOCOL-105'] });
  });
  it('B6: multipart part 1 charset=utf-7 (with a UTF-7 SIG), part 2 charset=utf-8 → 415 (every part checked)', async () => {
    const utf7 = '+ACEAIQ-python/object/apply:os.system +AFsAIg-id+ACIAXQ-';
    const body = multipart('b0undary', [
      { headers: ['Content-Disposition: form-data; name="a"', 'Content-Type: text/plain; charset=utf-7'], body: utf7 },
      { headers: ['Content-Disposition: form-data; name="b"', 'Content-Type: text/plain; charset=utf-8'], body: 'fine' },
    ]);
    await expectRefused(pair, post('/mp', ['Content-Type: multipart/form-data; boundary=b0undary'], body), 415, { rules: ['DW-PROTOCOL-105'] });
  });
});

describe('B7-B12: multipart ambiguity', () => {
  const part = (name = 'field1', value = 'value'): { headers: string[]; body: string } => ({ headers: [`Content-Disposition: form-data; name="${name}"`], body: value });
  const mp = (ct: string, body: Buffer | string) => post('/mp', [`Content-Type: ${ct}`], body);

  it('B7: RFC 2231 boundary continuation with a leading TAB → 400', async () => {
    await expectRefused(pair, mp('\tmultipart/form-data; boundary*0=re;boundary*1=al', multipart('real', [part('field1', SIG)])), REFUSED);
    await expectRefused(pair, mp('multipart/form-data; boundary*0=re;boundary*1=al', multipart('real', [part()])), 400, { rules: ['DW-PROTOCOL-101'] });
  });
  it('B7: two boundary parameters → 400', async () => {
    await expectRefused(pair, mp('multipart/form-data; boundary=0000; boundary=1111', multipart('0000', [part()])), 400, { rules: ['DW-PROTOCOL-101'] });
  });
  it('B8: boundary of 71 characters → 400', async () => {
    const b = 'b'.repeat(71);
    await expectRefused(pair, mp(`multipart/form-data; boundary=${b}`, multipart(b, [part()])), 400);
  });
  it('B8: boundary of 252 bytes → 400', async () => {
    const b = 'x'.repeat(252);
    await expectRefused(pair, mp(`multipart/form-data; boundary=${b}`, multipart(b, [part()])), 400);
  });
  it.each([
    ['two Content-Disposition', ['Content-Disposition: form-data; name="a"', 'Content-Disposition: form-data; name="b"']],
    ['name twice', ['Content-Disposition: form-data; name="a"; name="b"']],
    ['filename and disagreeing filename*', ['Content-Disposition: form-data; name="a"; filename="safe.txt"; filename*=UTF-8\'\'evil.php']],
  ])('B9: %s → 400', async (_n, headers) => {
    await expectRefused(pair, mp('multipart/form-data; boundary=bnd', multipart('bnd', [{ headers, body: 'x' }])), 400, { rules: ['DW-PROTOCOL-103'] });
  });
  it.each([
    ['header folding', Buffer.from('--bnd\r\nContent-Disposition: form-data;\r\n name="a"\r\n\r\nx\r\n--bnd--\r\n', 'latin1')],
    ['LF-only lines', Buffer.from('--bnd\nContent-Disposition: form-data; name="a"\n\nx\n--bnd--\n', 'latin1')],
    ['a CR-only line', Buffer.from('--bnd\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r--bnd--\r\n', 'latin1')],
    ['NUL in a part header name', Buffer.from('--bnd\r\nContent-Disposition: form-data; name="a"\r\nconten\x00-extra: something\r\n\r\nx\r\n--bnd--\r\n', 'latin1')],
    ['NUL in the name value', Buffer.from('--bnd\r\nContent-Disposition: form-data; name="field1\x00"\r\n\r\nx\r\n--bnd--\r\n', 'latin1')],
    ['part-header line ended by NUL LF', Buffer.from('--bnd\r\nContent-Disposition: form-data; name="a"\x00\n\r\nx\r\n--bnd--\r\n', 'latin1')],
  ])('B10: %s → 400', async (_n, body) => {
    await expectRefused(pair, mp('multipart/form-data; boundary=bnd', body), 400, { rules: ['DW-PROTOCOL-103'] });
  });
  // The matrix reads the first one as filename=safe.txt; deserwall refuses the decoy assignment inside
  // a quoted parameter instead (stricter: parsers disagree on it, multer#72).
  it('B11: a filename= decoy inside another quoted parameter → 400 (refused rather than read as safe.txt)', async () => {
    const headers = ['Content-Disposition: form-data; name="upload"; note="x; filename=evil.exe "; filename="safe.txt"'];
    await expectRefused(pair, mp('multipart/form-data; boundary=bnd', multipart('bnd', [{ headers, body: 'x' }])), 400, { rules: ['DW-PROTOCOL-103'] });
  });
  it('B11: filename="a.jpg".html → 400', async () => {
    const headers = ['Content-Disposition: form-data; name="upload"; filename="a.jpg".html'];
    await expectRefused(pair, mp('multipart/form-data; boundary=bnd', multipart('bnd', [{ headers, body: 'x' }])), 400, { rules: ['DW-PROTOCOL-103'] });
  });
  it.each([
    ['data before the first boundary', Buffer.concat([Buffer.from('preamble\r\n'), multipart('bnd', [part()])])],
    ['data after the close delimiter', Buffer.concat([multipart('bnd', [part()]), Buffer.from('epilogue')])],
    ['no close delimiter', multipart('bnd', [part()], false)],
    ['nested multipart/mixed', multipart('bnd', [{ headers: ['Content-Disposition: form-data; name="a"', 'Content-Type: multipart/mixed; boundary=inner'], body: '--inner\r\n\r\nx\r\n--inner--' }])],
  ])('B12: %s → 400', async (_n, body) => {
    await expectRefused(pair, mp('multipart/form-data; boundary=bnd', body), 400, { rules: ['DW-PROTOCOL-103'] });
  });
  it.each([
    ['base64', JAVA().toString('base64').replace(/(.{76})/g, '$1\r\n')],
    ['quoted-printable', [...JAVA()].map((b) => '=' + b.toString(16).toUpperCase().padStart(2, '0')).join('').replace(/(.{72})/g, '$1=\r\n')],
  ])('B12: Content-Transfer-Encoding %s wrapping SIG is decoded and blocked (403)', async (cte, encoded) => {
    const body = multipart('bnd', [{ headers: ['Content-Disposition: form-data; name="f"; filename="x.bin"', 'Content-Type: application/octet-stream', `Content-Transfer-Encoding: ${cte}`], body: encoded }]);
    await expectRefused(pair, mp('multipart/form-data; boundary=bnd', body), 403, { rules: JAVA_RULES });
  });
});

describe('B13-B15: content-type confusion and urlencoded', () => {
  it('B13: a multipart body carrying SIG sent as urlencoded is refused', async () => {
    const body = multipart('bnd', [{ headers: ['Content-Disposition: form-data; name="a"'], body: SIG }]);
    await expectRefused(pair, post('/form', [FORM_CT], body), REFUSED);
  });
  it('B13: an urlencoded body carrying SIG sent as multipart is refused', async () => {
    await expectRefused(pair, post('/mp', ['Content-Type: multipart/form-data; boundary=bnd'], `a=${encodeURIComponent(SIG)}`), REFUSED);
  });
  it.each([
    ['a=ok&a=SIG (parameter pollution)', `a=ok&a=${encodeURIComponent(SIG)}`],
    ['a[]=ok&a[]=SIG', `a%5B%5D=ok&a%5B%5D=${encodeURIComponent(SIG)}`],
  ])('B14: %s → 403', async (_n, body) => {
    await expectRefused(pair, post('/form', [FORM_CT], body), 403, { rules: JAVA_RULES });
  });
  it('B14: the same parameter benign in the query and SIG in the body, and the reverse → 403 both', async () => {
    await expectRefused(pair, post('/form?a=ok', [FORM_CT], `a=${encodeURIComponent(SIG)}`), 403, { rules: JAVA_RULES });
    await expectRefused(pair, post(`/form?a=${encodeURIComponent(SIG)}`, [FORM_CT], 'a=ok'), 403, { rules: JAVA_RULES });
  });
  it('B14: SIG split in two halves, one in the query string and one in the body (an app joining repeated parameters) → 403', async () => {
    const half = Math.floor(SIG.length / 2);
    await expectRefused(pair, post(`/form?a=${encodeURIComponent(SIG.slice(0, half))}`, [FORM_CT], `a=${encodeURIComponent(SIG.slice(half))}`), 403, { rules: JAVA_RULES });
  });
  it.each([
    ['%zz', 'a=%zz'],
    ['%u0041', 'a=%u0041'],
    ['%00', 'a=b%00c'],
    ['; separator', 'a=1;b=2'],
  ])('B15: %s → 400', async (_n, body) => {
    await expectRefused(pair, post('/form', [FORM_CT], body), 400, { rules: ['DW-PROTOCOL-104'] });
  });
  // A limit, not malformed input: deserwall answers 413 for limits.maxFormParams (the matrix lists 400).
  it('B15: 1,001 parameters (maxFormParams 1000, compared with >=) → 413 naming the limit', async () => {
    const body = Array.from({ length: 1001 }, (_, i) => `p${i}=v`).join('&');
    await expectRefused(pair, post('/form', [FORM_CT], body), 413, { limit: 'maxFormParams' });
  });
  it('B15: exactly 1,000 parameters are forwarded', async () => {
    const body = Array.from({ length: 1000 }, (_, i) => `p${i}=v`).join('&');
    await expectForwarded(pair, post('/form', [FORM_CT], body), body);
  });
});

describe('B16-B19: XML and YAML', () => {
  const XML_CT = 'Content-Type: application/xml';
  it('B16: external entity → 403, nothing resolved or forwarded', async () => {
    await expectRefused(pair, post('/xml', [XML_CT], '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'), 403, { rules: ['DW-XML-001', 'DW-XML-002', 'DW-XML-003'] });
  });
  it.each([
    ['comment-split SIG', `<x>${SIG.slice(0, 20)}<!-- -->${SIG.slice(20)}</x>`],
    ['CDATA-split SIG', `<x><![CDATA[${SIG.slice(0, 20)}]]>${SIG.slice(20)}</x>`],
    ['character reference in SIG', `<x>&#x72;${SIG.slice(1)}</x>`],
    ['namespace-prefixed element', `<ns:x xmlns:ns="urn:a">${SIG}</ns:x>`],
    ['stray text under the root', `<root>${SIG}<a>1</a></root>`],
  ])('B17: %s → 403 on the text the application reads', async (_n, xml) => {
    await expectRefused(pair, post('/xml', [XML_CT], xml), 403, { rules: JAVA_RULES });
  });
  it('B17: encoding="UTF-16" declared on a UTF-8 body → 400', async () => {
    await expectRefused(pair, post('/xml', [XML_CT], '<?xml version="1.0" encoding="UTF-16"?><x>1</x>'), [400, 403], { rules: ['DW-XML-007', 'DW-PROTOCOL-105', 'DW-PROTOCOL-101'] });
  });
  it.each([
    ['billion laughs', '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY l0 "ha">' + Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('') + ']><l>&l9;</l>'],
    ['one 50 KB entity × 10,000 references', `<!DOCTYPE d [<!ENTITY big "${'A'.repeat(50_000)}">]><d>${'&big;'.repeat(10_000)}</d>`],
    ['two DOCTYPEs', '<!DOCTYPE a [<!ELEMENT a ANY>]><!DOCTYPE b SYSTEM "http://evil.test/b.dtd"><a/>'],
  ])('B18: %s → 403 before any expansion', async (_n, xml) => {
    const before = memoryOf(pair.proxy.child.pid!);
    await expectRefused(pair, post('/xml', [XML_CT], xml), 403);
    expect(memoryOf(pair.proxy.child.pid!).hwm - before.hwm).toBeLessThan(32 * 1024 * 1024);
  });
  // Character references are not an expansion attack (output is smaller than input); deserwall decodes
  // them within maxDecodedBytes and forwards benign XML byte for byte instead of refusing it.
  it('B18: 10^6 × &#65; (5 MB) is decoded within the budget and forwarded byte for byte', async () => {
    const xml = `<d>${'&#65;'.repeat(1_000_000)}</d>`;
    await expectForwarded(pair, post('/xml', [XML_CT], xml), xml);
  });
  it('B19: !!python/object/apply → 403', async () => {
    await expectRefused(pair, post('/yaml', ['Content-Type: application/x-yaml'], YAML_SIG), 403, { rules: ['DW-YAML-001'] });
  });
  it('B19: 9 levels of YAML alias fan-out (billion laughs) → refused without expanding', async () => {
    const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(',')}]`);
    await expectRefused(pair, post('/yaml', ['Content-Type: application/x-yaml'], lines.join('\n')), [400, 403, 413]);
  });
});

describe('B20: Java serialization raw, base64 in JSON, gzip-compressed', () => {
  it('B20: raw AC ED 00 05 as application/octet-stream → 403', async () => {
    await expectRefused(pair, post('/bin', ['Content-Type: application/octet-stream'], JAVA()), 403, { rules: JAVA_RULES });
  });
  it('B20: base64 rO0AB inside a JSON string → 403', async () => {
    await expectRefused(pair, post('/json', [JSON_CT], `{"data":"${SIG}"}`), 403, { rules: JAVA_RULES });
  });
  it('B20: the same gzip-compressed with Content-Encoding: gzip, chunked → 403', async () => {
    const gz = gzipSync(Buffer.from(`{"data":"${SIG}"}`));
    await expectRefused(pair, req(['POST /json HTTP/1.1', H, JSON_CT, 'Content-Encoding: gzip', 'Transfer-Encoding: chunked'], chunked(gz, [7, 1, 64])), 403, { rules: JAVA_RULES });
  });
  it('B20: raw gzip-compressed stream → 403', async () => {
    await expectRefused(pair, post('/bin', ['Content-Type: application/octet-stream', 'Content-Encoding: gzip'], gzipSync(JAVA())), 403, { rules: JAVA_RULES });
  });
});

describe('process health after group B', () => {
  it('the proxy is alive and no request crashed it', async () => {
    const r = await rawRequest(pair.proxy.port, req(['GET /alive HTTP/1.1', H]));
    expect(r.responses[0]?.status).toBe(200);
    expect(pair.proxy.child.exitCode).toBeNull();
    const lines = await linesFor(pair.proxy, r.responses[0]!.headers['x-request-id']!);
    expect(lines.some((l) => l.type === 'access')).toBe(true);
  });
});
