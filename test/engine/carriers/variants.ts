/**
 * Neighbours of the replay kit's carriers: what a held-out corpus or an
 * attacker could do next with the same idea (whitespace inside base64,
 * separated hex, payloads at base64 offsets 1 and 2, JSON keys, JSON `\/`
 * escapes, UTF-16/32 and charsets named only by the HTTP header, raw deflate
 * in fields (SAML redirect binding), path segments, query and form names,
 * triple nesting, tar.gz uploads ...). Same shape as carriers.ts.
 */
import zlib from 'node:zlib';
import { textForm, type Body, type Carrier, type Req } from './carriers.js';
import { b64, ebcdic037, hex, pct, utf16be, utf16le, withDeclaration } from './encodings.js';

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');
const post = (body: Uint8Array, ct: string | null, extra: [string, string][] = [], target = '/api/v1/import'): Req => ({
  method: 'POST',
  target,
  headers: [...(ct !== null ? ([['Content-Type', ct]] as [string, string][]) : []), ...extra],
  body,
});
const get = (target: string, headers: [string, string][] = []): Req => ({ method: 'GET', target, headers, body: new Uint8Array(0) });
const JSON_CT = 'application/json';
const FORM = 'application/x-www-form-urlencoded';
const isXml = (b: Body): boolean => b.xml === true;
const isText = (b: Body): boolean => !b.binary;
const noDecl = (s: string): string => (s.startsWith('<?xml') ? s.slice(s.indexOf('?>') + 2).replace(/^\s+/, '') : s);

/** Insert `sep` after every `every` characters. */
function grouped(s: string, every: number, sep: string): string {
  let out = '';
  for (let i = 0; i < s.length; i += every) out += (i > 0 ? sep : '') + s.slice(i, i + every);
  return out;
}

/** Hex pairs joined by `sep`, each with an optional prefix. */
const hexPairs = (b: Uint8Array, sep: string, prefix = ''): string => Array.from(b, (x) => prefix + x.toString(16).padStart(2, '0')).join(sep);

function tarGz(name: string, data: Uint8Array): Buffer {
  const h = Buffer.alloc(512);
  h.write(name);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\x0000', 257, 'latin1');
  let sum = 0;
  for (const x of h) sum += x;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return zlib.gzipSync(Buffer.concat([h, data, pad, Buffer.alloc(1024)]));
}

export const VARIANTS: readonly Carrier[] = [
  { id: 'b64-spaces-64', build: (b) => post(enc(grouped(b64(b.bytes), 64, ' ')), 'text/plain') },
  { id: 'b64-tabs-4', build: (b) => post(enc(grouped(b64(b.bytes), 4, '\t')), 'text/plain') },
  { id: 'b64-indented-yaml', build: (b) => post(enc(`kind: blob\ndata: |\n  ${grouped(b64(b.bytes), 60, '\n  ')}\n`), 'application/yaml') },
  { id: 'b64-offset1', build: (b) => post(enc(JSON.stringify({ d: b64(Buffer.concat([enc('x'), b.bytes])) })), JSON_CT) },
  { id: 'b64-offset2', build: (b) => post(enc(JSON.stringify({ d: b64(Buffer.concat([enc('xy'), b.bytes])) })), JSON_CT) },
  { id: 'b64-after-text', build: (b) => post(enc(`token=v1.${b64(b.bytes)}`), 'text/plain') },
  { id: 'hex-upper', build: (b) => post(enc(hex(b.bytes).toUpperCase()), 'text/plain') },
  { id: 'hex-spaced', build: (b) => post(enc(hexPairs(b.bytes, ' ')), 'text/plain') },
  { id: 'hex-colon', build: (b) => post(enc(hexPairs(b.bytes, ':')), 'text/plain') },
  { id: 'hex-c-array', build: (b) => post(enc(`{${hexPairs(b.bytes, ', ', '0x')}}`), 'text/plain') },
  { id: 'hex-backslash-x', build: (b) => post(enc(hexPairs(b.bytes, '', '\\x')), 'text/plain') },
  { id: 'hex-in-json', build: (b) => post(enc(JSON.stringify({ d: hex(b.bytes) })), JSON_CT) },
  { id: 'json-key', build: (b) => post(enc(JSON.stringify({ [textForm(b)]: 1 })), JSON_CT) },
  { id: 'json-slash-escaped', build: (b) => post(enc(JSON.stringify({ d: textForm(b) }).replaceAll('/', '\\/')), JSON_CT) },
  { id: 'json-utf8-bom', build: (b) => post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), enc(JSON.stringify({ d: textForm(b) }))]), JSON_CT) },
  { id: 'json-dup-keys', build: (b) => post(enc(`{"data":"hello","data":${JSON.stringify(textForm(b))}}`), JSON_CT) },
  { id: 'text-utf16le-bom', applies: isText, build: (b) => post(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(textForm(b))]), b.contentType) },
  { id: 'text-utf16be-bom', applies: isText, build: (b) => post(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(textForm(b))]), b.contentType) },
  { id: 'json-utf16le-nobom', applies: (b) => b.json === true, build: (b) => post(utf16le(textForm(b)), JSON_CT) },
  { id: 'xml-http-charset-utf16', applies: isXml, build: (b) => post(utf16le(noDecl(textForm(b))), 'application/xml; charset=utf-16le') },
  { id: 'xml-http-charset-ibm037', applies: (b) => isXml(b) && [...textForm(b)].every((ch) => ch.charCodeAt(0) < 0x100), build: (b) => post(ebcdic037(noDecl(textForm(b))), 'application/xml; charset=ibm037') },
  {
    id: 'xml-utf32le',
    applies: isXml,
    build: (b) => {
      const s = withDeclaration(textForm(b), 'UTF-32');
      const out = Buffer.alloc(4 + s.length * 4);
      out.writeUInt32LE(0xfeff, 0);
      for (let i = 0; i < s.length; i++) out.writeUInt32LE(s.charCodeAt(i), 4 + i * 4);
      return post(out, 'application/xml');
    },
  },
  { id: 'xml-in-json-uescaped', applies: isXml, build: (b) => post(enc(JSON.stringify({ d: textForm(b) }).replaceAll('<', '\\u003c').replaceAll('>', '\\u003e')), JSON_CT) },
  { id: 'xml-entities-in-form', applies: isXml, build: (b) => post(enc('d=' + pct(textForm(b).replaceAll('<', '&lt;').replaceAll('>', '&gt;'))), FORM) },
  { id: 'multipart-upper-ctype', build: (b) => post(Buffer.concat([enc('--AbC\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'), b.bytes, enc('\r\n--AbC--\r\n')]), 'MULTIPART/FORM-DATA; BOUNDARY=AbC') },
  { id: 'multipart-b64-gzip-field', build: (b) => post(Buffer.concat([enc('--q\r\nContent-Disposition: form-data; name="f"\r\n\r\n'), enc(b64(zlib.gzipSync(b.bytes))), enc('\r\n--q--\r\n')]), 'multipart/form-data; boundary=q') },
  { id: 'zlib-b64-field', build: (b) => post(enc('d=' + pct(b64(zlib.deflateSync(b.bytes)))), FORM) },
  { id: 'deflate-raw-b64-field', build: (b) => post(enc('d=' + pct(b64(zlib.deflateRawSync(b.bytes)))), FORM) },
  { id: 'saml-redirect-query', build: (b) => get(`/sso/acs?SAMLRequest=${pct(b64(zlib.deflateRawSync(b.bytes)))}&RelayState=%2Fhome`) },
  { id: 'gzip-body-no-ce', build: (b) => post(zlib.gzipSync(b.bytes), 'application/octet-stream') },
  { id: 'gzip-b64url-query', build: (b) => get('/x?d=' + Buffer.from(zlib.gzipSync(b.bytes)).toString('base64url')) },
  { id: 'b64-b64-b64', build: (b) => post(enc(b64(enc(b64(enc(b64(b.bytes)))))), 'text/plain') },
  { id: 'hex-b64-gzip', build: (b) => post(enc(hex(enc(b64(zlib.gzipSync(b.bytes))))), 'text/plain') },
  { id: 'leading-junk', build: (b) => post(Buffer.concat([Buffer.from('JUNKJUNK\x00\x01', 'latin1'), b.bytes]), 'application/octet-stream') },
  { id: 'trailing-junk', build: (b) => post(Buffer.concat([b.bytes, Buffer.from('\x00\xff garbage trailer \x01\x02', 'latin1')]), 'application/octet-stream') },
  { id: 'b64url-cookie', build: (b) => ({ ...post(enc('{}'), JSON_CT), headers: [['Content-Type', JSON_CT], ['Cookie', `s=${Buffer.from(b.bytes).toString('base64url')}`]] }) },
  { id: 'b64url-header', build: (b) => ({ ...post(enc('{}'), JSON_CT), headers: [['Content-Type', JSON_CT], ['X-State', Buffer.from(b.bytes).toString('base64url')]] }) },
  { id: 'path-segment', build: (b) => get('/api/restore/' + Buffer.from(b.bytes).toString('base64url')) },
  { id: 'query-name', build: (b) => get('/x?' + pct(textForm(b)) + '=1') },
  { id: 'form-name', build: (b) => post(enc(pct(textForm(b)) + '=1'), FORM) },
  { id: 'tar-gz-upload', build: (b) => post(tarGz(b.filename, b.bytes), 'application/gzip') },
];

/**
 * Variants the engine refuses instead of detecting (a 4xx all the same), and why:
 * strict JSON refuses UTF-16 without a BOM, a UTF-8 BOM and duplicate keys; these cells hold a
 * payload the text detectors do not see in the raw bytes (UTF-16 shape, or a value decoded away).
 */
export const VARIANT_REFUSALS: Readonly<Record<string, string>> = {
  'json-utf16le-nobom': 'DW-PROTOCOL-102',
  'json-utf8-bom': 'DW-PROTOCOL-102',
  'json-dup-keys': 'DW-PROTOCOL-102',
};
