/**
 * Benign bodies for the false-positive matrix, built here: JSON APIs, forms,
 * uploads (PNG, JPEG, GIF, PDF, ZIP, DOCX, CSV), protobuf and msgpack
 * messages, prose that mentions the markers, HTML5/XHTML/SVG 1.1 doctypes,
 * internal DTDs with ELEMENT/ATTLIST only, YAML configs with CloudFormation
 * and standard tags, plain /wEP ViewState, Json.NET and JSON-LD type keys
 * naming application types, PHP serialized arrays without objects, and
 * seeded random bytes with `ac ed 00 05`, `80 02`, `80 04 95` and `04 08`
 * planted in them. None of these may alarm, in any carrier that makes sense.
 */
import zlib from 'node:zlib';
import { crc32 } from '../../../src/engine/containers/crc32.js';
import { buildZip } from '../containers/zipwriter.js';
import { fixture as dotnetFixture } from '../dotnet/helpers.js';
import { prng } from '../pickle/helpers.js';
import type { Body } from './carriers.js';

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const td = Buffer.concat([latin1(type), data]);
  return Buffer.concat([u32be(data.length), td, u32be(crc32(td))]);
}

/** A real 16x16 RGB PNG (filter 0 scanlines, zlib IDAT, CRCs). */
export function png(seed = 7): Buffer {
  const w = 16;
  const h = 16;
  const ihdr = Buffer.concat([u32be(w), u32be(h), Buffer.from([8, 2, 0, 0, 0])]);
  const pixels = prng(seed, h * w * 3);
  const rows: Buffer[] = [];
  for (let y = 0; y < h; y++) rows.push(Buffer.concat([Buffer.from([0]), pixels.subarray(y * w * 3, (y + 1) * w * 3)]));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), pngChunk('IEND', new Uint8Array(0))]);
}

/** A baseline JFIF JPEG shape: markers and tables, then byte-stuffed entropy-coded data. */
export function jpeg(seed = 11): Buffer {
  const seg = (marker: number, data: Uint8Array) => Buffer.concat([Buffer.from([0xff, marker]), Buffer.from([((data.length + 2) >> 8) & 0xff, (data.length + 2) & 0xff]), data]);
  const app0 = latin1('JFIF\0\x01\x01\x00\x00\x48\x00\x48\x00\x00');
  const dqt = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: 64 }, (_, i) => 1 + (i % 50)))]);
  const sof = Buffer.from([8, 0, 16, 0, 16, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  const dht = Buffer.concat([Buffer.from([0x00]), Buffer.from([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])]);
  const sos = Buffer.from([3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0]);
  const raw = prng(seed, 3000);
  // Plant look-alikes in the entropy data, then byte-stuff every 0xFF as the format requires.
  Buffer.from('aced0005737200', 'hex').copy(raw, 500);
  Buffer.from('80049563', 'hex').copy(raw, 1500);
  const stuffed: number[] = [];
  for (const x of raw) {
    stuffed.push(x);
    if (x === 0xff) stuffed.push(0);
  }
  return Buffer.concat([Buffer.from([0xff, 0xd8]), seg(0xe0, app0), seg(0xdb, dqt), seg(0xc0, sof), seg(0xc4, dht), seg(0xda, sos), Buffer.from(stuffed), Buffer.from([0xff, 0xd9])]);
}

export function gif(): Buffer {
  return Buffer.concat([latin1('GIF89a\x02\x00\x02\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x02\x00\x02\x00\x00\x02\x02D\x01\x00;')]);
}

/** A small PDF with a FlateDecode content stream and a correct xref table. */
export function pdf(): Buffer {
  const content = zlib.deflateSync(enc('BT /F1 12 Tf 72 720 Td (Quarterly report: pickle and jar sales, see serialization appendix.) Tj ET'));
  const objs = [
    enc('<< /Type /Catalog /Pages 2 0 R >>'),
    enc('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    enc('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>'),
    Buffer.concat([enc(`<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n`), content, enc('\nendstream')]),
    enc('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
  ];
  const parts: Buffer[] = [latin1('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')];
  let off = parts[0]!.length;
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(off);
    const b = Buffer.concat([enc(`${i + 1} 0 obj\n`), o, enc('\nendobj\n')]);
    parts.push(b);
    off += b.length;
  });
  let xref = `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) xref += `${String(o).padStart(10, '0')} 00000 n \n`;
  parts.push(enc(`${xref}trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${off}\n%%EOF\n`));
  return Buffer.concat(parts);
}

export function zipArchive(): Uint8Array {
  return buildZip([
    { name: 'report/summary.txt', data: 'Totals by region. The java and pickle teams shipped on time.\n', method: 8 },
    { name: 'report/data.csv', data: 'id,name,amount\n1,widget,9.99\n2,gadget,19.50\n', method: 8 },
    { name: 'report/logo.png', data: png(3), method: 0 },
  ]);
}

export function docx(): Uint8Array {
  const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
  return buildZip([
    { name: '[Content_Types].xml', data: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>', method: 8 },
    { name: '_rels/.rels', data: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>', method: 8 },
    { name: 'word/document.xml', data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="${W}"><w:body><w:p><w:r><w:t>Minutes: the ObjectInputStream review and the $type discussion.</w:t></w:r></w:p></w:body></w:document>`, method: 8 },
  ]);
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** A protobuf message: strings, varints, a double, bytes with planted look-alikes, a nested message. */
export function protobuf(): Buffer {
  const str = (field: number, s: string) => {
    const b = enc(s);
    return Buffer.from([...varint((field << 3) | 2), ...varint(b.length), ...b]);
  };
  const bytesField = (field: number, b: Uint8Array) => Buffer.from([...varint((field << 3) | 2), ...varint(b.length), ...b]);
  const blob = prng(5, 96);
  Buffer.from('aced0005', 'hex').copy(blob, 10);
  Buffer.from('8002', 'hex').copy(blob, 40);
  const dbl = Buffer.alloc(8);
  dbl.writeDoubleLE(81.666);
  const nested = Buffer.concat([str(1, 'system'), Buffer.from([...varint((2 << 3) | 0), ...varint(300)])]);
  return Buffer.concat([str(1, 'Customer pickle jar quick order'), Buffer.from([...varint((2 << 3) | 0), ...varint(1700000000)]), Buffer.from([(3 << 3) | 1]), dbl, bytesField(4, blob), bytesField(5, nested)]);
}

/** A msgpack map with str, int64, float64, bin (look-alikes planted) and array values. */
export function msgpack(): Buffer {
  const s = (x: string) => {
    const b = enc(x);
    return Buffer.concat([Buffer.from([0xa0 | b.length]), b]);
  };
  const raw = prng(9, 62);
  Buffer.from('80049563', 'hex').copy(raw, 3);
  Buffer.from('04086f', 'hex').copy(raw, 30);
  const i64 = Buffer.alloc(9);
  i64[0] = 0xd3;
  i64.writeBigInt64BE(1039965786n, 1);
  const f64 = Buffer.alloc(9);
  f64[0] = 0xcb;
  f64.writeDoubleBE(0.7523);
  return Buffer.concat([Buffer.from([0x86]), s('id'), i64, s('name'), s('Олег'), s('tags'), Buffer.from([0x92]), s('object'), s('pickle'), s('score'), f64, s('raw'), Buffer.from([0xc4, raw.length]), raw, s('ok'), Buffer.from([0xc3])]);
}

/** Seeded random bytes with every binary magic planted, none followed by a valid stream. */
export function lookalikeBytes(seed = 21): Buffer {
  const b = prng(seed, 4096);
  const plant = (hexs: string, at: number) => Buffer.from(hexs, 'hex').copy(b, at);
  plant('aced0005', 100);
  plant('aced000573', 700);
  plant('8002', 1200);
  plant('80049563', 1800);
  plant('0408', 2300);
  plant('0001000000ffffffff01000000', 2900);
  plant('ff0132', 3500);
  return b;
}

const MSCORLIB = 'mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089';

const b = (id: string, bytes: Uint8Array, contentType: string, filename: string, extra: Partial<Body> = {}): Body => ({ id, bytes, binary: true, contentType, filename, ...extra });
const t = (id: string, s: string, contentType: string, filename: string, extra: Partial<Body> = {}): Body => ({ id, bytes: enc(s), binary: false, contentType, filename, ...extra });

export const BENIGN: readonly Body[] = [
  t('json-api-order', '{"order_id":"ORD-1042","items":[{"sku":"A-1","qty":2,"price":9.99}],"customer":{"name":"Jamal","email":"jamal@example.com"},"notes":"leave at the door"}', 'application/json', 'order.json', { json: true }),
  t('json-api-unicode', '{"name":"Inés \\u674e\\u96f7","city":"Kraków","emoji":"\\ud83d\\ude00","text":"Łukasz – “quoted” ✓"}', 'application/json', 'user.json', { json: true }),
  t('json-api-metrics', JSON.stringify({ metrics: Array.from({ length: 40 }, (_, i) => ({ ts: 1700000000 + 60 * i, v: Math.round(((i * 37) % 100) * 1000) / 1000 })) }), 'application/json', 'metrics.json', { json: true }),
  t('json-base64-image', JSON.stringify({ name: 'avatar.png', data: png(1).toString('base64'), thumb: `data:image/png;base64,${png(2).toString('base64')}` }), 'application/json', 'avatar.json', { json: true }),
  t('graphql-typename', '{"data":{"user":{"__typename":"User","id":"1","roles":[{"__typename":"Role","name":"admin"}]}}}', 'application/json', 'gql.json', { json: true }),
  t('jsonld-schema-type', '{"@context":"https://schema.org","@type":"Product","name":"Pickle jar","offers":{"@type":"Offer","price":"4.99"}}', 'application/ld+json', 'product.jsonld', { json: true }),
  t('jsonnet-app-type', `{"$type":"Contoso.Api.Dto.CustomerDto, Contoso.Api","Id":5,"Tags":{"$type":"System.Collections.Generic.List\`1[[System.String, ${MSCORLIB}]], ${MSCORLIB}","$values":["a","b"]}}`, 'application/json', 'customer.json', { json: true }),
  t('form-login', 'username=carol&password=p%40ss+word%21&remember=on', 'application/x-www-form-urlencoded', 'login.txt'),
  t('form-comment', 'comment=Great+post%21+I+use+%3Ccode%3Epickle.loads%3C%2Fcode%3E+only+on+trusted+data+%26+never+on+cookies.&post=42', 'application/x-www-form-urlencoded', 'comment.txt'),
  t('form-nested-keys', 'user%5Bname%5D=Ana&user%5Btags%5D%5B%5D=java&user%5Btags%5D%5B%5D=dotnet&filter%5Btype%5D=object', 'application/x-www-form-urlencoded', 'form.txt'),
  t('form-viewstate-wep', `__EVENTTARGET=&__VIEWSTATE=${encodeURIComponent(dotnetFixture('viewstate_benign').toString('base64'))}&__VIEWSTATEGENERATOR=CA0B0334&ctl00%24txtName=Dmitri`, 'application/x-www-form-urlencoded', 'postback.txt'),
  t('form-jsf-server-state', 'j_id1=j_id1&j_id1%3Aname=Jamal&javax.faces.ViewState=-1911049122634950542%3A-4450389715463444254', 'application/x-www-form-urlencoded', 'jsf.txt'),
  t('php-array-noobjects', 'a:3:{s:4:"cart";a:2:{i:0;s:5:"apple";i:1;s:6:"system";}s:5:"total";i:927;s:6:"coupon";N;}', 'text/plain', 'cart.txt'),
  t('prose-mentions', 'Serialization notes: Java streams start with aced0005 (base64 rO0AB...), ysoserial chains such as CommonsCollections abuse ObjectInputStream; Python pickle REDUCE opcodes call os.system; Json.NET $type and fastjson @type keys name classes; PyYAML !!python/object tags run code; PHP O:8:"stdClass" objects and node-serialize _$$ND_FUNC$$_ markers too. Filter with JEP 290.', 'text/plain', 'notes.txt'),
  t('html5-page', '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Jar admin</title></head><body><h1>Orders</h1><p>The <code>&lt;!ENTITY&gt;</code> syntax is disabled.</p></body></html>\n', 'text/html', 'page.html'),
  t('xhtml-public-doctype', '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body><p>hi</p></body></html>\n', 'application/xhtml+xml', 'page.xhtml', { xml: true }),
  t('svg11-public-doctype', '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100"><circle cx="50" cy="50" r="21" fill="#635321"/><text x="10" y="20">Pickle quick.</text></svg>\n', 'image/svg+xml', 'logo.svg', { xml: true }),
  t('xml-internal-dtd-elements', '<?xml version="1.0"?>\n<!DOCTYPE note [\n  <!ELEMENT note (to,from,body)>\n  <!ELEMENT to (#PCDATA)>\n  <!ELEMENT from (#PCDATA)>\n  <!ELEMENT body (#PCDATA)>\n  <!ATTLIST note priority (low|high) "low">\n]>\n<note priority="high"><to>Alice</to><from>Олег</from><body>Serial report list.</body></note>\n', 'application/xml', 'note.xml', { xml: true }),
  t('xml-soap-no-dtd', '<?xml version="1.0"?>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetOrder xmlns="urn:shop"><Id>42</Id><Type>System.Object</Type></GetOrder></soap:Body></soap:Envelope>\n', 'text/xml', 'soap.xml', { xml: true }),
  t('xml-atom-feed', '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><entry><title>On SYSTEM identifiers &amp; ENTITY declarations</title><id>urn:uuid:1</id><updated>2024-05-01T00:00:00Z</updated></entry></feed>\n', 'application/atom+xml', 'feed.atom', { xml: true }),
  t('yaml-cloudformation', "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub '${AWS::StackName}-data'\n      Tags: !If [IsProd, [{Key: env, Value: prod}], !Ref AWS::NoValue]\nOutputs:\n  Arn:\n    Value: !GetAtt Bucket.Arn\n  Name:\n    Value: !Ref Bucket\n  Joined: !Join ['', [!Ref Bucket, !Select [0, !Split ['-', 'a-b']]]]\n", 'application/x-yaml', 'stack.yml'),
  t('yaml-std-tags', "version: !!str 3\nport: !!int '8080'\nratio: !!float 1e3\nlogo: !!binary |\n  R0lGODlhDAAMAIQAAP//9/X17unp5WZmZgAAAOfn515eXvPz7Y6OjuDg4J+fn5\nwhen: !!timestamp 2024-05-01T10:00:00Z\nset: !!set {a, b}\nomap: !!omap [a: 1, b: 2]\n", 'application/yaml', 'config.yaml'),
  t('yaml-k8s', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pickle-api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: "registry.example/api:1.2"\n          command: ["python", "-m", "api"]\n', 'application/yaml', 'deploy.yaml'),
  t('csv-upload', 'id,class,type,object\n1,java.lang.String,object,serial\n2,System.Object,$type,@type\n3,"rO0AB is base64","80 02","pickle"\n', 'text/csv', 'export.csv'),
  b('png-upload', png(), 'image/png', 'photo.png'),
  b('jpeg-upload', jpeg(), 'image/jpeg', 'photo.jpg'),
  b('gif-upload', gif(), 'image/gif', 'pixel.gif'),
  b('pdf-upload', pdf(), 'application/pdf', 'report.pdf'),
  b('zip-upload', zipArchive(), 'application/zip', 'report.zip'),
  b('docx-upload', docx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'minutes.docx'),
  b('protobuf-message', protobuf(), 'application/x-protobuf', 'msg.bin'),
  b('msgpack-message', msgpack(), 'application/msgpack', 'msg.mpk'),
  b('random-lookalikes', lookalikeBytes(), 'application/octet-stream', 'blob.bin'),
];
