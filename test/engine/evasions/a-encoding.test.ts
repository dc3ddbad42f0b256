/**
 * Evasion checklist A (detection-anchors.md, items 1-14): encodings and
 * transports that apply to every family, through the real engine. The
 * carrier matrix (test/engine/carriers) runs all families through these
 * wrappers; here each item gets its own focused test, named with its number.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { payload } from '../carriers/payloads.js';
import { runRequest } from '../carriers/run.js';
import { ebcdic037 } from '../carriers/encodings.js';
import { attackFamilies, b64, blocked, enc, FORM, inspect, JSON_CT, rules, withLimits } from './harness.js';

const cc6 = payload('java-cc6').bytes;
const nrbf = payload('dotnet-nrbf-tcd').bytes;
const p4 = payload('pickle-p4-reduce').bytes;
const p2 = payload('pickle-p2-reduce').bytes;
const xxe = payload('xxe-system-entity').bytes;

describe('A. encoding and transport', () => {
  it('E1: base64 at byte offsets 1 and 2 (payload not at the start of the decoded buffer)', () => {
    for (const prefix of ['', 'x', 'xy', 'xyz', 'hello']) {
      const body = Buffer.concat([enc(prefix), cc6]);
      // In a JSON field, after unrelated base64 text, and inside a longer token.
      expect(rules(JSON.stringify({ state: b64(body) }), { contentType: JSON_CT }), prefix).toContain('DW-JAVA-002');
      expect(rules(`token=v1.${b64(body)}.sig`, { contentType: 'text/plain' }), prefix).toContain('DW-JAVA-002');
      expect(rules(JSON.stringify({ s: b64(Buffer.concat([enc(prefix), nrbf])) }), { contentType: JSON_CT }), prefix).toContain('DW-DOTNET-002');
      expect(rules(JSON.stringify({ s: b64(Buffer.concat([enc(prefix), p4])) }), { contentType: JSON_CT }), prefix).toContain('DW-PICKLE-001');
    }
  });

  it('E2: base64url, missing padding, MIME lines every 76 characters, whitespace inside', () => {
    const s = b64(cc6);
    const variants = {
      url: Buffer.from(cc6).toString('base64url'),
      unpadded: s.replace(/=+$/, ''),
      mime: s.replace(/(.{76})/g, '$1\r\n'),
      lf64: s.replace(/(.{64})/g, '$1\n'),
      spaces: s.replace(/(.{64})/g, '$1 '),
      tabs: s.replace(/(.{4})/g, '$1\t'),
    };
    for (const [name, text] of Object.entries(variants)) {
      expect(rules(text, { contentType: 'text/plain' }), name).toContain('DW-JAVA-002');
      expect(rules(`data=${encodeURIComponent(text)}`, { contentType: FORM }), name).toContain('DW-JAVA-002');
    }
  });

  it('E3: hex-encoded binary in parameters (aced0005..., 80049563...), any case, with separators', () => {
    const hex = Buffer.from(cc6).toString('hex');
    expect(hex.startsWith('aced0005')).toBe(true);
    expect(rules(`data=${hex}`, { contentType: FORM })).toContain('DW-JAVA-002');
    expect(rules(`data=${hex.toUpperCase()}`, { contentType: FORM })).toContain('DW-JAVA-002');
    expect(rules(Buffer.from(p4).toString('hex'), { location: 'query' })).toContain('DW-PICKLE-001');
    expect(Buffer.from(p4).toString('hex').startsWith('80049')).toBe(true);
    expect(rules(Array.from(cc6, (x) => x.toString(16).padStart(2, '0')).join(' '), { contentType: 'text/plain' })).toContain('DW-JAVA-002');
    expect(rules(Array.from(cc6, (x) => x.toString(16).padStart(2, '0')).join(':'), { contentType: 'text/plain' })).toContain('DW-JAVA-002');
  });

  it('E4: double encoding: base64 of base64, hex of base64, URL-encoded base64', () => {
    expect(rules(b64(enc(b64(p2))), { contentType: 'text/plain' })).toContain('DW-PICKLE-001');
    expect(rules(Buffer.from(b64(p2)).toString('hex'), { contentType: 'text/plain' })).toContain('DW-PICKLE-001');
    expect(rules(`d=${encodeURIComponent(b64(cc6))}`, { contentType: FORM })).toContain('DW-JAVA-002');
    expect(rules(encodeURIComponent(encodeURIComponent(b64(cc6))), { location: 'query' })).toContain('DW-JAVA-002');
  });

  it('E5: gzip and zlib wrappers inside a field (H4sI..., eJ...)', () => {
    const gz = b64(zlib.gzipSync(cc6));
    const zl = b64(zlib.deflateSync(cc6));
    expect(gz.startsWith('H4sI')).toBe(true);
    expect(zl.startsWith('eJ')).toBe(true);
    expect(rules(`viewState=${encodeURIComponent(gz)}`, { contentType: FORM })).toContain('DW-JAVA-002');
    expect(rules(`viewState=${encodeURIComponent(zl)}`, { contentType: FORM })).toContain('DW-JAVA-002');
    expect(rules(JSON.stringify({ blob: b64(zlib.deflateRawSync(p2)) }), { contentType: JSON_CT })).toContain('DW-PICKLE-001');
  });

  it('E6: Content-Encoding gzip, deflate and br on the request body are decoded, not refused or waved through', () => {
    expect(rules(zlib.gzipSync(p4), { contentEncoding: 'gzip' })).toContain('DW-PICKLE-001');
    expect(rules(zlib.deflateSync(p4), { contentEncoding: 'deflate' })).toContain('DW-PICKLE-001');
    expect(rules(zlib.brotliCompressSync(p4), { contentEncoding: 'br' })).toContain('DW-PICKLE-001');
    expect(rules(zlib.gzipSync(xxe), { contentType: 'application/xml', contentEncoding: 'gzip' })).toContain('DW-XML-001');
    // Raw deflate under `deflate` (what ASP.NET Core reads) is decoded too.
    expect(rules(zlib.deflateRawSync(p4), { contentEncoding: 'deflate' })).toContain('DW-PICKLE-001');
    // Stacked and unknown codings are refused (415), never forwarded uninspected; so are bytes that are no deflate stream.
    expect(rules(zlib.gzipSync(zlib.gzipSync(p4)), { contentEncoding: 'gzip, gzip' })).toContain('DW-PROTOCOL-106');
    expect(rules(p4, { contentEncoding: 'compress' })).toContain('DW-PROTOCOL-106');
    expect(rules(p4, { contentEncoding: 'deflate' })).toContain('DW-PROTOCOL-107');
  });

  it('E7: a Content-Type the WAF does not parse (text/plain, octet-stream, custom +json, none, a lie)', () => {
    for (const ct of ['text/plain', 'application/octet-stream', 'application/x-custom', 'image/png', undefined]) {
      expect(rules(xxe, ct ? { contentType: ct } : {}), String(ct)).toContain('DW-XML-001');
      expect(rules(payload('jsonpoly-fastjson-type').bytes, ct ? { contentType: ct } : {}), String(ct)).toContain('DW-JSONPOLY-001');
    }
    expect(rules(payload('jsonpoly-jackson-array').bytes, { contentType: 'application/vnd.api+json' })).toContain('DW-JSONPOLY-002');
  });

  it('E8: charsets declared as UTF-16, UTF-32 or IBM037 in the header or the XML declaration', () => {
    const doc = Buffer.from(xxe).toString('utf8').replace(/^<\?xml[^>]*>\n/, '');
    expect(rules(Buffer.from(doc, 'utf16le'), { contentType: 'application/xml; charset=utf-16le' })).toContain('DW-XML-001');
    const utf32 = Buffer.alloc(doc.length * 4);
    for (let i = 0; i < doc.length; i++) utf32.writeUInt32BE(doc.charCodeAt(i), i * 4);
    expect(rules(utf32, { contentType: 'application/xml; charset=utf-32' })).toContain('DW-XML-001');
    const ebcdic = ebcdic037(doc);
    expect(rules(ebcdic, { contentType: 'application/xml; charset=ibm037' })).toContain('DW-XML-001');
    // JSON, forms and text must be UTF-8 (or ASCII/Latin-1): other charsets are refused with 415.
    expect(rules(Buffer.from(JSON.stringify({ a: 1 }), 'utf16le'), { contentType: 'application/json; charset=utf-16' })).toContain('DW-PROTOCOL-105');
  });

  it('E9: a payload behind megabytes of padding is still inspected; past a limit the request is refused, not forwarded', () => {
    const padding = Buffer.alloc(3 * 1024 * 1024, 0x41);
    expect(rules(Buffer.concat([padding, p4]), { contentType: 'application/octet-stream' })).toContain('DW-PICKLE-001');
    const json = Buffer.concat([enc('{"pad":"'), padding, enc(`","d":"${b64(cc6)}"}`)]);
    expect(rules(json, { contentType: JSON_CT })).toContain('DW-JAVA-002');
    // A decompression that outgrows the decoded-bytes limit is a 413 finding.
    const bomb = zlib.gzipSync(Buffer.alloc(2 * 1024 * 1024));
    const f = withLimits('      maxDecodedBytes: 1048576', bomb, [['Content-Encoding', 'gzip']]);
    expect(f.some((x) => x.kind === 'limit')).toBe(true);
  });

  it('E10: a payload in a multipart file part (not a field)', () => {
    const body = Buffer.concat([enc('--b\r\nContent-Disposition: form-data; name="model"; filename="model.pkl"\r\nContent-Type: application/octet-stream\r\n\r\n'), p4, enc('\r\n--b--\r\n')]);
    const v = inspect(body, { contentType: 'multipart/form-data; boundary=b' });
    // Found in the raw body and, with the part's name, in the part's own layer.
    expect(v.findings.some((f) => f.rule === 'DW-PICKLE-001' && f.location.includes('multipart[model:model.pkl]'))).toBe(true);
  });

  it('E11: multipart parts with Content-Transfer-Encoding base64 or quoted-printable are decoded', () => {
    const qp = Array.from(p2, (x) => (x >= 0x21 && x <= 0x7e && x !== 0x3d ? String.fromCharCode(x) : '=' + x.toString(16).toUpperCase().padStart(2, '0'))).join('');
    for (const [cte, data] of [['base64', b64(p2)], ['quoted-printable', qp]] as const) {
      const body = enc(`--b\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n${data}\r\n--b--\r\n`);
      const v = inspect(body, { contentType: 'multipart/form-data; boundary=b' });
      expect(v.findings.some((f) => f.rule === 'DW-PICKLE-001' && f.location.includes(`>${cte}`)), cte).toBe(true);
    }
  });

  it('E12: a signature split across chunks (TCP segments, chunked encoding) at every position', () => {
    const whole = rules(p2, { contentType: 'application/octet-stream' });
    expect(whole).toContain('DW-PICKLE-001');
    for (let cut = 1; cut < 24; cut++) {
      expect(rules(p2, { contentType: 'application/octet-stream', chunks: [cut, 1] }), `cut ${cut}`).toEqual(whole);
    }
    expect(rules(p2, { chunks: [1] })).toEqual(rules(p2));
    const b64body = enc(b64(cc6));
    expect(rules(b64body, { chunks: [1, 2, 3] })).toEqual(rules(b64body));
  });

  it('E13: duplicate parameters and duplicate JSON keys (first-wins vs last-wins)', () => {
    expect(rules(`data=hello&data=${encodeURIComponent(b64(cc6))}`, { contentType: FORM })).toContain('DW-JAVA-002');
    expect(rules(`data=${encodeURIComponent(b64(cc6))}&data=hello`, { contentType: FORM })).toContain('DW-JAVA-002');
    const r = runRequest({ method: 'GET', target: `/api?d=1&d=${encodeURIComponent(b64(cc6))}`, headers: [], body: new Uint8Array(0) });
    expect(r.rules).toContain('DW-JAVA-002');
    // Duplicate keys are refused outright (parsers disagree on which one counts); the payload is named too.
    const dup = `{"d":"hello","d":"${b64(cc6)}"}`;
    expect(rules(dup, { contentType: JSON_CT })).toEqual(expect.arrayContaining(['DW-PROTOCOL-102', 'DW-JAVA-002']));
  });

  it('E14: JSON \\uXXXX escapes (and fastjson \\xXX) in keys and values', () => {
    expect(rules('{"\\u0040type":"com.sun.rowset.JdbcRowSetImpl","dataSourceName":"ldap://a/b","autoCommit":true}', { contentType: JSON_CT })).toContain('DW-JSONPOLY-001');
    expect(rules('{"@type":"\\u0063om.sun.rowset.JdbcRowSetImpl","dataSourceName":"ldap://a/b"}', { contentType: JSON_CT })).toContain('DW-JSONPOLY-001');
    expect(rules('{"\\u0024type":"System.Windows.Data.ObjectDataProvider, PresentationFramework"}', { contentType: JSON_CT })).toContain('DW-DOTNET-004');
    expect(rules('{"rce":"\\u005f$$ND_FUNC$$_function(){require(\'child_process\').exec(\'id\')}()"}', { contentType: JSON_CT })).toContain('DW-NODE-001');
    // fastjson's lenient \x escapes are not JSON: declared as JSON they are refused, undeclared they are read leniently.
    const fastjson = '{"\\x40type":"com.sun.rowset.JdbcRowSetImpl","dataSourceName":"ldap://a/b","autoCommit":true}';
    expect(blocked(fastjson, { contentType: JSON_CT })).toBe(true);
    expect(attackFamilies(fastjson, { contentType: 'text/plain' })).toContain('jsonpoly');
  });
});
