/**
 * Carriers: how a payload is wrapped on the wire, one function each, after
 * the replay kit's carrier list (../shared/eval/README.md) plus a few
 * neighbours of it. A carrier turns a body (attack payload or benign
 * document) into a request head, body bytes and a chunk split; framing-level
 * carriers (chunked, tcp-split) are the chunk splits the engine is fed with.
 * Binary bodies travel as base64 wherever the position needs text (fields,
 * cookies, headers, query), as the corpus and real clients do.
 */
import zlib from 'node:zlib';
import { buildZip } from '../containers/zipwriter.js';
import type { Payload } from './payloads.js';
import { b64, b64Lines, b64url, ebcdic037, hex, jsonUescaped, pct, pctAll, quotedPrintable, utf16be, utf16le, utf7, withDeclaration } from './encodings.js';

/** What a carrier wraps: an attack payload or a benign document. */
/** What a carrier needs of a payload (see Payload in payloads.ts). */
export type Body = Omit<Payload, 'family'>;

export interface Req {
  readonly method: string;
  readonly target: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array;
  /** Chunk sizes the body is written in (cycled); one write when absent. */
  readonly chunks?: readonly number[];
}

export interface Carrier {
  readonly id: string;
  /** Carriers that only make sense for some bodies (XML charsets for XML documents). */
  readonly applies?: (b: Body) => boolean;
  readonly build: (b: Body) => Req;
}

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');
const FORM = 'application/x-www-form-urlencoded';
const JSON_CT = 'application/json';

/** The body as text: binary as base64, text as itself. */
export const textForm = (b: Body): string => (b.binary ? b64(b.bytes) : Buffer.from(b.bytes).toString('utf8'));

const post = (body: Uint8Array, contentType: string | null, extra: [string, string][] = [], target = '/api/v1/import', chunks?: number[]): Req => ({
  method: 'POST',
  target,
  headers: [...(contentType !== null ? ([['Content-Type', contentType]] as [string, string][]) : []), ...extra],
  body,
  ...(chunks ? { chunks } : {}),
});

const headOnly = (target: string, headers: [string, string][]): Req => ({
  method: 'POST',
  target,
  headers: [['Content-Type', JSON_CT], ...headers],
  body: enc('{"op":"refresh"}'),
});

/** A value that fits a header line: single-line printable text as is, anything else base64. */
function headerValue(b: Body): string {
  if (b.binary) return b64(b.bytes);
  const s = Buffer.from(b.bytes).toString('latin1');
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return b64(b.bytes);
  }
  return s;
}

/** A cookie value: base64 for binary, percent-encoded text otherwise (as browsers' document.cookie users do). */
const cookieValue = (b: Body): string => (b.binary ? b64(b.bytes) : pct(textForm(b)));

const cookie = (v: string): [string, string] => ['Cookie', `theme=dark; state=${v}; lang=en`];

function mislabel(b: Body): string {
  if (b.xml) return 'text/csv';
  if (b.json) return 'application/xml';
  if (b.binary) return 'image/jpeg';
  return 'application/pdf';
}

function multipart(boundary: string, parts: { headers: string[]; data: Uint8Array | string }[], eol = '\r\n', preamble = ''): Buffer {
  const out: Buffer[] = [];
  if (preamble) out.push(enc(preamble + eol));
  for (const p of parts) {
    out.push(enc(`--${boundary}${eol}${p.headers.join(eol)}${eol}${eol}`));
    out.push(typeof p.data === 'string' ? enc(p.data) : Buffer.from(p.data));
    out.push(enc(eol));
  }
  out.push(enc(`--${boundary}--${eol}`));
  return Buffer.concat(out);
}

const descField = { headers: ['Content-Disposition: form-data; name="description"'], data: 'nightly export' };

function filePart(b: Body, extra: string[] = [], disposition?: string): { headers: string[]; data: Uint8Array } {
  return {
    headers: [disposition ?? `Content-Disposition: form-data; name="upload"; filename="${b.filename}"`, `Content-Type: ${b.contentType}`, ...extra],
    data: b.bytes,
  };
}

const gzip = (x: Uint8Array): Buffer => zlib.gzipSync(x);

const deep = (value: string, levels: number): string => {
  let s = JSON.stringify({ data: value, kind: 'blob' });
  for (let i = levels; i > 0; i--) s = i % 2 ? `{"n${i}":${s},"ok":true}` : `[1,${s}]`;
  return s;
};

export const CARRIERS: readonly Carrier[] = [
  // Raw bodies and their Content-Type variants.
  { id: 'raw', build: (b) => post(b.bytes, b.contentType) },
  { id: 'raw-misleading-ctype', build: (b) => post(b.bytes, 'text/plain') },
  { id: 'raw-mislabeled', build: (b) => post(b.bytes, mislabel(b)) },
  { id: 'raw-no-ctype', build: (b) => post(b.bytes, null) },
  { id: 'raw-upper-ctype', build: (b) => post(b.bytes, b.contentType.toUpperCase()) },
  // Text encodings of the whole body.
  { id: 'base64', build: (b) => post(enc(b64(b.bytes)), 'application/base64') },
  { id: 'base64-lines', build: (b) => post(enc(b64Lines(b.bytes)), 'text/plain') },
  { id: 'base64url', build: (b) => post(enc(b64url(b.bytes)), 'application/octet-stream') },
  { id: 'hex', build: (b) => post(enc(hex(b.bytes)), 'text/plain') },
  // Form fields.
  { id: 'urlenc', build: (b) => post(enc(`state=${pctAll(b.bytes)}`), FORM) },
  { id: 'double-urlenc', build: (b) => post(enc(`state=${pct(pctAll(b.bytes))}`), FORM) },
  { id: 'form-field', build: (b) => post(enc(`user=alice&remember=1&data=${pct(textForm(b))}&page=2`), FORM) },
  { id: 'form-field-repeated', build: (b) => post(enc(`data=hello&page=1&data=${pct(textForm(b))}&data=bye`), FORM) },
  // JSON fields.
  { id: 'json-field', build: (b) => post(enc(JSON.stringify({ id: 1042, type: 'import', data: textForm(b) })), JSON_CT) },
  { id: 'json-field-uescape', build: (b) => post(enc(`{"id":1042,"data":${jsonUescaped(textForm(b))}}`), JSON_CT) },
  { id: 'json-field-base64', build: (b) => post(enc(JSON.stringify({ id: 1042, data: b64(b.bytes) })), JSON_CT) },
  { id: 'json-field-deep', build: (b) => post(enc(deep(textForm(b), 14)), JSON_CT) },
  // Request head.
  { id: 'query', build: (b) => headOnly(`/api/v1/objects?v=2&data=${pct(textForm(b))}`, []) },
  { id: 'query-urlenc', build: (b) => headOnly(`/api/v1/objects?v=2&data=${pctAll(b.bytes)}`, []) },
  { id: 'query-double-urlenc', build: (b) => headOnly(`/api/v1/objects?v=2&data=${pct(pct(textForm(b)))}`, []) },
  { id: 'cookie', build: (b) => headOnly('/api/v1/sync', [cookie(cookieValue(b))]) },
  { id: 'cookie-urlenc', build: (b) => headOnly('/api/v1/sync', [cookie(pctAll(b.bytes))]) },
  { id: 'cookie-urlenc-b64', build: (b) => headOnly('/api/v1/sync', [cookie(pctAll(b64(b.bytes)))]) },
  { id: 'header', build: (b) => headOnly('/api/v1/jobs', [['X-Serialized-State', headerValue(b)]]) },
  // Content-Encoding.
  { id: 'gzip-ce', build: (b) => post(gzip(b.bytes), b.contentType, [['Content-Encoding', 'gzip']]) },
  { id: 'deflate-ce', build: (b) => post(zlib.deflateSync(b.bytes), b.contentType, [['Content-Encoding', 'deflate']]) },
  { id: 'deflate-raw-ce', build: (b) => post(zlib.deflateRawSync(b.bytes), b.contentType, [['Content-Encoding', 'deflate']]) },
  { id: 'br-ce', build: (b) => post(zlib.brotliCompressSync(b.bytes), b.contentType, [['Content-Encoding', 'br']]) },
  { id: 'nested-gzip-gzip-ce', build: (b) => post(gzip(gzip(b.bytes)), b.contentType, [['Content-Encoding', 'gzip']]) },
  { id: 'stacked-gzip-gzip-ce', build: (b) => post(gzip(gzip(b.bytes)), b.contentType, [['Content-Encoding', 'gzip, gzip']]) },
  { id: 'gzip-ce-chunked', build: (b) => post(gzip(b.bytes), b.contentType, [['Content-Encoding', 'gzip']], undefined, [1, 2, 3]) },
  // Framing: the engine sees the de-chunked body in pieces.
  { id: 'chunked-split', build: (b) => post(b.bytes, b.contentType, [], undefined, [9, 7, 5]) },
  { id: 'chunked-tiny', build: (b) => post(b.bytes, b.contentType, [], undefined, [1, 2, 3]) },
  { id: 'chunked-ext', build: (b) => post(b.bytes, b.contentType, [], undefined, [16, 1]) },
  { id: 'tcp-split', build: (b) => post(b.bytes, b.contentType, [], undefined, [13, 4, 2]) },
  // Multipart.
  {
    id: 'multipart',
    build: (b) => post(multipart('----WebKitFormBoundarylwXYLF09t1Zzi4bI', [descField, filePart(b)]), 'multipart/form-data; boundary="----WebKitFormBoundarylwXYLF09t1Zzi4bI"'),
  },
  {
    id: 'multipart-field',
    build: (b) => post(multipart('=_Part_75_928044373', [descField, { headers: ['Content-Disposition: form-data; name="state"'], data: textForm(b) }]), 'multipart/form-data; boundary="=_Part_75_928044373"'),
  },
  {
    id: 'multipart-b64cte',
    build: (b) => post(multipart('b64bound', [descField, { ...filePart(b, ['Content-Transfer-Encoding: base64']), data: enc(b64Lines(b.bytes)) }]), 'multipart/form-data; boundary=b64bound'),
  },
  {
    id: 'multipart-qp',
    build: (b) => post(multipart('qpbound', [descField, { ...filePart(b, ['Content-Transfer-Encoding: quoted-printable']), data: enc(quotedPrintable(b.bytes)) }]), 'multipart/form-data; boundary=qpbound'),
  },
  {
    id: 'multipart-filename-star',
    build: (b) => post(multipart('starbound', [filePart(b, [], `Content-Disposition: form-data; name="upload"; filename*=UTF-8''${encodeURIComponent(b.filename)}`)]), 'multipart/form-data; boundary=starbound'),
  },
  {
    id: 'multipart-lf',
    build: (b) => post(multipart('lfbound', [descField, filePart(b)], '\n', 'This is a multi-part message in MIME format.'), 'multipart/form-data; boundary=lfbound'),
  },
  {
    id: 'multipart-mixed',
    build: (b) => {
      const inner = multipart('innerbound', [{ headers: [`Content-Disposition: file; filename="${b.filename}"`, `Content-Type: ${b.contentType}`], data: b.bytes }]);
      return post(multipart('outerbound', [descField, { headers: ['Content-Disposition: form-data; name="files"', 'Content-Type: multipart/mixed; boundary=innerbound'], data: inner }]), 'multipart/form-data; boundary=outerbound');
    },
  },
  {
    id: 'multipart-mixed-top',
    build: (b) => post(multipart('mixbound', [{ headers: ['Content-Type: text/plain'], data: 'see attachment' }, { headers: [`Content-Type: ${b.contentType}`, `Content-Disposition: attachment; filename="${b.filename}"`], data: b.bytes }]), 'multipart/mixed; boundary=mixbound'),
  },
  // Nested encodings inside fields.
  { id: 'nested-b64-gzip', build: (b) => post(enc(JSON.stringify({ id: 1042, data: b64(gzip(b.bytes)) })), JSON_CT) },
  { id: 'nested-hex-gzip', build: (b) => post(enc(`data=${hex(gzip(b.bytes))}&page=2`), FORM) },
  { id: 'nested-b64-b64', build: (b) => post(enc(JSON.stringify({ id: 1042, data: b64(enc(b64(b.bytes))) })), JSON_CT) },
  { id: 'nested-json-b64-gzip', build: (b) => post(enc(JSON.stringify({ id: 1042, data: b64(gzip(enc(JSON.stringify({ user: 'alice', state: textForm(b) })))) })), JSON_CT) },
  { id: 'nested-zip', build: (b) => post(buildZip([{ name: 'readme.txt', data: 'hello', method: 8 }, { name: `payload/${b.filename}`, data: b.bytes, method: 8 }]), 'application/zip') },
  {
    id: 'nested-zip-multipart',
    build: (b) => post(multipart('zipbound', [descField, { headers: ['Content-Disposition: form-data; name="upload"; filename="bundle.zip"', 'Content-Type: application/zip'], data: buildZip([{ name: b.filename, data: b.bytes, method: 8 }]) }]), 'multipart/form-data; boundary=zipbound'),
  },
  // XML charsets (XML documents only).
  ...xmlCharsetCarriers(),
];

function xmlCharsetCarriers(): Carrier[] {
  const isXml = (b: Body) => b.xml === true;
  const s = (b: Body) => Buffer.from(b.bytes).toString('utf8');
  const c = (id: string, build: (b: Body) => Uint8Array, ct = 'application/xml', applies = isXml): Carrier => ({ id, applies, build: (b) => post(build(b), ct) });
  // IBM037 has no Cyrillic or CJK: only documents it can spell.
  const ebcdicable = (b: Body) => isXml(b) && [...s(b)].every((ch) => ch.charCodeAt(0) < 0x100);
  return [
    c('xml-utf16le', (b) => Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(withDeclaration(s(b), 'UTF-16'))])),
    c('xml-utf16be', (b) => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(withDeclaration(s(b), 'UTF-16'))])),
    c('xml-utf16le-nobom', (b) => utf16le(withDeclaration(s(b), 'UTF-16LE'))),
    c('xml-utf16be-nobom', (b) => utf16be(withDeclaration(s(b), 'UTF-16BE'))),
    c('xml-utf16le-nodecl', (b) => utf16le(s(b).replace(/^<\?xml[^>]*>\s*/, ''))),
    c('xml-utf7', (b) => utf7(withDeclaration(s(b), 'UTF-7'))),
    c('xml-ebcdic', (b) => ebcdic037(withDeclaration(s(b), 'IBM037')), 'application/xml', ebcdicable),
    c('xml-utf16-in-multipart', (b) => multipart('u16bound', [{ headers: ['Content-Disposition: form-data; name="doc"; filename="doc.xml"', 'Content-Type: application/xml'], data: Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(withDeclaration(s(b), 'UTF-16'))]) }]), 'multipart/form-data; boundary=u16bound'),
    c('xml-utf16-in-json', (b) => enc(JSON.stringify({ doc: b64(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(withDeclaration(s(b), 'UTF-16'))])) })), JSON_CT),
  ];
}

/** Carriers that make sense for benign traffic (and must leave it clean). */
export const BENIGN_CARRIERS: readonly string[] = [
  'raw',
  'raw-no-ctype',
  'gzip-ce',
  'deflate-ce',
  'chunked-tiny',
  'multipart',
  'form-field',
  'json-field',
  'json-field-base64',
  'nested-b64-gzip',
  'query',
  'cookie',
  'header',
];

export function carrier(id: string): Carrier {
  const c = CARRIERS.find((x) => x.id === id);
  if (!c) throw new Error(`no carrier ${id}`);
  return c;
}
