// Request bodies for the throughput benchmark (run.mjs) and the engine
// micro-benchmark (engine.mjs): text-heavy JSON of an exact size (the peer
// baseline's shape), pseudo-random binary, multipart uploads, gzip bodies,
// XML and base64-heavy JSON. Everything is generated from fixed seeds.
import { gzipSync } from 'node:zlib';
import { randomBytesSeeded, wordSource } from './prng.mjs';

const KiB = 1024;
const MiB = 1024 * 1024;

/**
 * `{"posts":[{id,author,title,body(~230 chars)}…],"pad":"…"}` of exactly
 * `size` bytes (the peer baseline's json1k/json64k shape: 13 / ~917 leaves).
 */
export function jsonPosts(size, seed = 1) {
  const w = wordSource(seed);
  const posts = [];
  let used = '{"posts":[],"pad":""}'.length;
  for (let id = 1; ; id++) {
    const post = JSON.stringify({ id, author: `${w.word()} ${w.word()}`, title: w.words(6), body: fitWords(w, 230) });
    const add = post.length + (posts.length > 0 ? 1 : 0);
    if (used + add > size) break;
    posts.push(post);
    used += add;
  }
  const pad = 'x'.repeat(size - used);
  const out = Buffer.from(`{"posts":[${posts.join(',')}],"pad":"${pad}"}`, 'utf8');
  if (out.length !== size) throw new Error(`jsonPosts: built ${out.length} bytes, wanted ${size}`);
  return out;
}

function fitWords(w, chars) {
  let s = '';
  while (s.length < chars) s += (s ? ' ' : '') + w.word();
  return s.slice(0, chars);
}

/** A multipart/form-data upload: one text field and one file part. */
export function multipartUpload(file, filename = 'data.bin', boundary = '----deserwallbench7d9f1c2a') {
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nnightly export\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  return { body: Buffer.concat([Buffer.from(head), file, Buffer.from(tail)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

const COMMON = { 'User-Agent': 'deserwall-bench/1', Accept: '*/*' };

/**
 * The six proxy workloads. Each: name, label, method, path, headers, body
 * (Buffer or null) and bodyBytes (what the upstream must receive).
 */
export function workloads() {
  const json1k = jsonPosts(KiB, 1);
  const json64k = jsonPosts(64 * KiB, 2);
  const bin1m = randomBytesSeeded(MiB, 3);
  const mp = multipartUpload(randomBytesSeeded(MiB, 4));
  const gz = gzipSync(json64k, { level: 6 });
  const list = [
    { name: 'get', label: 'GET', method: 'GET', path: '/bench?x=1', headers: { ...COMMON }, body: null },
    { name: 'json1k', label: 'POST 1 KiB JSON', method: 'POST', path: '/api/posts', headers: { ...COMMON, 'Content-Type': 'application/json' }, body: json1k },
    { name: 'json64k', label: 'POST 64 KiB JSON', method: 'POST', path: '/api/posts', headers: { ...COMMON, 'Content-Type': 'application/json' }, body: json64k },
    { name: 'bin1m', label: 'POST 1 MiB binary', method: 'POST', path: '/upload', headers: { ...COMMON, 'Content-Type': 'application/octet-stream' }, body: bin1m },
    { name: 'multipart1m', label: 'multipart 1 MiB file', method: 'POST', path: '/upload/form', headers: { ...COMMON, 'Content-Type': mp.contentType }, body: mp.body },
    { name: 'gzip64k', label: 'gzip 64 KiB JSON', method: 'POST', path: '/api/posts', headers: { ...COMMON, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body: gz },
  ];
  return list.map((w) => ({ ...w, bodyBytes: w.body ? w.body.length : 0 }));
}

export function workloadByName(name) {
  const w = workloads().find((x) => x.name === name);
  if (!w) throw new Error(`unknown workload ${name}`);
  return w;
}

// ---------------------------------------------------------------------------
// Engine micro-benchmark bodies (about `size` bytes each).

/** JSON of text-heavy records, about `size` bytes; `leafChars` sets the record string length (fewer, longer leaves when large). */
export function jsonRecords(size, { seed = 11, leafChars = 230 } = {}) {
  const w = wordSource(seed);
  const parts = [];
  let used = 14;
  for (let id = 1; used < size; id++) {
    const rec = JSON.stringify({ id, author: `${w.word()} ${w.word()}`, title: w.words(6), body: fitWords(w, leafChars), tags: [w.word(), w.word()], score: id % 97 });
    parts.push(rec);
    used += rec.length + 1;
  }
  return Buffer.from(`{"records":[${parts.join(',')}]}`);
}

/** JSON whose leaves are tiny numbers and short strings: about `size` bytes with many leaves. */
export function jsonManyLeaves(size, seed = 12) {
  const w = wordSource(seed);
  const parts = [];
  let used = 12;
  for (let i = 0; used < size; i++) {
    const rec = `[${i % 1000},"${w.word()}",${w.int(100)},true]`;
    parts.push(rec);
    used += rec.length + 1;
  }
  return Buffer.from(`{"rows":[${parts.join(',')}]}`);
}

/** JSON of records that carry base64 attachments (`chunk` random bytes each), about `size` bytes. */
export function jsonBase64(size, { seed = 13, chunk = 6 * KiB } = {}) {
  const parts = [];
  let used = 16;
  for (let id = 1; used < size; id++) {
    const data = randomBytesSeeded(chunk, seed * 1000 + id).toString('base64');
    const rec = `{"id":${id},"name":"scan-${id}.png","mime":"image/png","data":"${data}"}`;
    parts.push(rec);
    used += rec.length + 1;
  }
  return Buffer.from(`{"documents":[${parts.join(',')}]}`);
}

/** A benign XML catalog of about `size` bytes (prolog, no DOCTYPE). */
export function xmlCatalog(size, seed = 14) {
  const w = wordSource(seed);
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<catalog>\n'];
  let used = parts[0].length + 11;
  for (let id = 1; used < size; id++) {
    const item =
      `  <book id="bk${id}" lang="en"><author>${w.word()}, ${w.word()}</author><title>${w.words(5)}</title>` +
      `<genre>${w.word()}</genre><price>${(id % 50) + 0.95}</price><publish_date>2024-0${(id % 9) + 1}-1${id % 10}</publish_date>` +
      `<description>${fitWords(w, 200)} &amp; more</description></book>\n`;
    parts.push(item);
    used += item.length;
  }
  parts.push('</catalog>\n');
  return Buffer.from(parts.join(''));
}

export { KiB, MiB };
