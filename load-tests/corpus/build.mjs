// Builds the project's own replay corpus for attack replay under load
// (load-tests/bench/replay-load.mjs): attack and benign HTTP requests with the
// verdict each must get, generated from what the repository already holds:
//   - every `match` (block) and `nomatch` (pass) sample of signatures/*.yaml,
//     sent where the sample says (body, query, cookie; its content type; its policy's route);
//   - the generated payload fixtures in test/fixtures (pickle, Java, .NET, YAML,
//     XML encodings, real-client multipart/form/JSON bodies), labelled as the
//     engine tests label them, wrapped in carriers (raw, gzip Content-Encoding,
//     multipart file part, base64 in a JSON field, base64 in a form field);
//   - everyday benign traffic (GETs, JSON APIs, forms, XML, text, 64 KiB-1 MiB binaries).
// Routes follow config/examples/ml-and-rpc.yaml: /ml/ = ml-upload, /rpc/ = java-rpc,
// anything else = default. Nothing is downloaded; the same repository gives the
// same corpus. Run directly, it prints counts; with --manifest FILE it also
// writes the index (ids, labels, targets, sizes, SHA-256; no bodies).
//
//   node load-tests/corpus/build.mjs [--manifest FILE]   (needs dist/: npx tsc -p tsconfig.json)
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { jsonPosts, multipartUpload, xmlCatalog } from '../bench/lib/bodies.mjs';
import { randomBytesSeeded } from '../bench/lib/prng.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (p) => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', p), 'utf8'));
const b64 = (s) => Buffer.from(s, 'base64');

const ROUTE = { default: '/api/v1/items', 'ml-upload': '/ml/models/upload', 'java-rpc': '/rpc/invoke' };
const UA = 'deserwall-replay/1';

/** Pickle fixtures the engine tests treat as benign data or ML checkpoints (test/engine/pickle/benign.test.ts). */
const PICKLE_DATA = ['data_p0', 'data_p1', 'data_p2', 'data_p3', 'data_p4', 'data_p5', 'data_p5_bytearray', 'data_p4_large_frames'];
const PICKLE_ML = ['torch_statedict_p2', 'torch_statedict_p4', 'torch_statedict_min_p2', 'numpy_array_p3', 'numpy_array_p4'];
/** Pickle attacks: __reduce__ payloads and the bypass fixtures the tests expect DW-PICKLE-001/003/004 on. */
const PICKLE_ATTACK = (name) => /^(reduce_|p\d+_|torch_statedict_evil)/.test(name) && !['p1_memo_reverse'].includes(name);
/** Java streams the JEP 290 RPC filter accepts but which carry a nested gadget: their verdict is the engine's choice, not a label. */
const JAVA_AMBIGUOUS = new Set(['nested-bytearray-gadget', 'nested-blockdata-gadget']);
/**
 * Streams the JDK accepted with fixtures' jdkFilter (which also lists java.lang.Object and Map$Entry) but
 * the example config's RPC filter (fixtures' rpcFilter) rejects: test/engine/java/filter.test.ts lists them as rejects.
 */
const JAVA_RPC_REJECTS = new Set(['array-objects']);
/** .NET payloads whose name says they are benign; all others are gadgets. */
const DOTNET_BENIGN = new Set(['nrbf_benign_app', 'nrbf_methodcall_benign', 'viewstate_benign']);

class Corpus {
  constructor() {
    this.items = [];
  }

  /** Adds one request. `expect`: 'block' (refused before the upstream) or 'pass' (forwarded intact). */
  add({ family, carrier, expect, source, method = 'POST', policy = 'default', query = '', headers = {}, body = null, note }) {
    const id = this.items.length;
    const target = ROUTE[policy] + (query ? `?${query}` : '');
    this.items.push({
      id,
      rid: `dwc-${id}`,
      family,
      carrier,
      expect,
      source,
      policy,
      method,
      target,
      headers: { 'User-Agent': UA, ...headers },
      body,
      ...(note ? { note } : {}),
    });
  }

  /** The same payload in the five body carriers (raw, gzip, multipart file, JSON base64, form base64). */
  carriers(p, { family, expect, source, policy = 'default', contentType = 'application/octet-stream', text = false, only = null }) {
    const want = (c) => !only || only.includes(c);
    if (want('raw')) this.add({ family, carrier: 'raw', expect, source, policy, headers: { 'Content-Type': contentType }, body: p });
    if (want('gzip')) this.add({ family, carrier: 'gzip-ce', expect, source, policy, headers: { 'Content-Type': contentType, 'Content-Encoding': 'gzip' }, body: gzipSync(p) });
    if (want('multipart')) {
      const mp = multipartUpload(p, `payload.${text ? 'txt' : 'bin'}`, `----dwreplay${source.length}x${p.length}`);
      this.add({ family, carrier: 'multipart-file', expect, source, policy, headers: { 'Content-Type': mp.contentType }, body: mp.body });
    }
    if (want('json')) {
      const field = text ? JSON.stringify({ name: 'upload', content: p.toString('utf8') }) : JSON.stringify({ name: 'upload', data: p.toString('base64') });
      this.add({ family, carrier: text ? 'json-string' : 'json-base64', expect, source, policy, headers: { 'Content-Type': 'application/json' }, body: Buffer.from(field) });
    }
    if (want('form')) {
      const v = text ? p.toString('utf8') : p.toString('base64');
      this.add({ family, carrier: text ? 'form-field' : 'form-base64', expect, source, policy, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from(`name=upload&data=${encodeURIComponent(v)}`) });
    }
  }
}

function fromSignatures(c, rules) {
  for (const r of rules) {
    for (const [kind, expect] of [
      ['match', 'block'],
      ['nomatch', 'pass'],
    ]) {
      r.samples[kind].forEach((s, i) => {
        const bytes = Buffer.from(s.bytes);
        const source = `signatures/${r.file.split('/').pop()} ${r.id} ${kind}[${i}]`;
        const policy = s.policy ?? 'default';
        const base = { family: r.family, expect, source, policy, note: s.note };
        if (s.location === 'query') c.add({ ...base, carrier: 'query', method: 'GET', query: `data=${encodeURIComponent(bytes.toString('latin1'))}` });
        else if (s.location === 'cookie') c.add({ ...base, carrier: 'cookie', method: 'GET', headers: { Cookie: `session=${encodeURIComponent(bytes.toString('latin1'))}` } });
        else if (s.location === 'header') c.add({ ...base, carrier: 'header', method: 'GET', headers: { 'X-Data': bytes.toString('latin1') } });
        else c.add({ ...base, carrier: 'sample-body', headers: s.contentType ? { 'Content-Type': s.contentType } : {}, body: bytes });
      });
    }
  }
}

function fromFixtures(c) {
  const pickles = fixture('pickle/fixtures.json');
  for (const [name, v] of Object.entries(pickles)) {
    const p = b64(v.b64);
    const source = `test/fixtures/pickle ${name}`;
    if (PICKLE_DATA.includes(name)) {
      c.carriers(p, { family: 'pickle', expect: 'pass', source, policy: 'ml-upload', only: ['raw', 'gzip', 'multipart'] });
      c.carriers(p, { family: 'pickle', expect: 'pass', source, only: ['raw'] });
    } else if (PICKLE_ML.includes(name)) {
      c.carriers(p, { family: 'pickle', expect: 'pass', source, policy: 'ml-upload', only: ['raw', 'gzip', 'multipart'] });
      // The default policy refuses any pickle global (DW-PICKLE-002): blocked by design, not an attack.
      c.carriers(p, { family: 'pickle', expect: 'block', source: `${source} (default policy)`, only: ['raw'] });
    } else if (name === 'prose_cos_system') {
      c.carriers(p, { family: 'pickle', expect: 'pass', source, contentType: 'text/plain', text: true, only: ['raw', 'json'] });
    } else if (PICKLE_ATTACK(name)) {
      c.carriers(p, { family: 'pickle', expect: 'block', source });
      c.carriers(p, { family: 'pickle', expect: 'block', source, policy: 'ml-upload', only: ['raw', 'multipart'] });
    }
  }

  const java = fixture('java/streams.json').streams;
  for (const [name, v] of Object.entries(java)) {
    if (JAVA_AMBIGUOUS.has(name)) continue;
    const p = b64(v.b64);
    const source = `test/fixtures/java ${name}`;
    const ct = 'application/x-java-serialized-object';
    // Default routes deny every Java stream (DW-JAVA-001), whatever it holds.
    c.carriers(p, { family: 'java', expect: 'block', source, contentType: ct, only: v.jdkRpcFilter === 'rejected' ? null : ['raw', 'json'] });
    const rpcAccepts = v.jdkRpcFilter === 'accepted' && !JAVA_RPC_REJECTS.has(name);
    c.carriers(p, { family: 'java', expect: rpcAccepts ? 'pass' : 'block', source: `${source} (java-rpc filter ${rpcAccepts ? 'accepts' : 'rejects'})`, policy: 'java-rpc', contentType: ct, only: ['raw', 'gzip'] });
  }

  const dotnet = fixture('dotnet/payloads.json');
  for (const [name, v] of Object.entries(dotnet)) {
    if (DOTNET_BENIGN.has(name)) continue;
    const p = b64(v.b64);
    const source = `test/fixtures/dotnet ${name}`;
    if (name.startsWith('viewstate_')) {
      c.add({ family: 'dotnet', carrier: 'form-viewstate', expect: 'block', source, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from(`__VIEWSTATE=${encodeURIComponent(p.toString('base64'))}&__VIEWSTATEGENERATOR=CA0B0334&btnSubmit=Go`) });
    } else c.carriers(p, { family: 'dotnet', expect: 'block', source });
  }

  for (const k of fixture('yaml/tags.json').cases) {
    const p = Buffer.from(k.yaml, 'utf8');
    const source = `test/fixtures/yaml ${k.name}`;
    const expect = k.rules.length > 0 ? 'block' : 'pass';
    c.carriers(p, { family: 'yaml', expect, source, contentType: 'application/x-yaml', text: true, only: expect === 'block' ? ['raw', 'gzip', 'multipart', 'json'] : ['raw', 'gzip'] });
  }

  for (const x of fixture('xml/encoded.json')) {
    const p = b64(x.b64);
    const benign = x.name.startsWith('benign-');
    c.carriers(p, { family: 'xml', expect: benign ? 'pass' : 'block', source: `test/fixtures/xml ${x.name}`, contentType: 'application/xml', only: ['raw', 'gzip'] });
  }

  for (const v of fixture('views/bodies.json')) {
    c.add({ family: 'benign', carrier: 'raw', expect: 'pass', source: `test/fixtures/views ${v.id}`, headers: { 'Content-Type': v.contentType }, body: b64(v.b64) });
  }
}

function everyday(c) {
  const e = (carrier, o) => c.add({ family: 'benign', carrier, expect: 'pass', source: 'generated', ...o });
  e('get', { method: 'GET', query: 'page=2&sort=name&q=blue%20shoes' });
  e('get', { method: 'GET', query: 'filter=%7B%22a%22%3A1%7D&lang=en', headers: { Cookie: 'session=3f9a1c77e0b24d1e; theme=dark', Accept: 'application/json' } });
  e('raw', { headers: { 'Content-Type': 'application/json' }, body: jsonPosts(1024, 31) });
  e('raw', { headers: { 'Content-Type': 'application/json' }, body: jsonPosts(64 * 1024, 32) });
  e('gzip-ce', { headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body: gzipSync(jsonPosts(64 * 1024, 33)) });
  e('raw', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from('user=alice&email=alice%40example.com&comment=Looks+good+to+me%21&tags=a&tags=b') });
  e('raw', { headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: Buffer.from('Meeting notes: ship the release on Friday; café at 10.\n'.repeat(40)) });
  e('raw', { headers: { 'Content-Type': 'application/xml' }, body: xmlCatalog(16 * 1024) });
  e('raw', { headers: { 'Content-Type': 'application/octet-stream' }, body: randomBytesSeeded(64 * 1024, 34) });
  e('raw', { headers: { 'Content-Type': 'application/octet-stream' }, body: randomBytesSeeded(1024 * 1024, 35) });
  const mp = multipartUpload(randomBytesSeeded(1024 * 1024, 36), 'photo.jpg');
  e('multipart-file', { headers: { 'Content-Type': mp.contentType }, body: mp.body });
  e('raw', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{"id":7,"done":true,"title":"water the plants"}') });
  e('raw', { method: 'DELETE', query: 'id=7' });
}

/** Builds the corpus. `rules` = loadSignatures() from dist (passed in so callers control loading). */
export function buildCorpus(rules) {
  const c = new Corpus();
  fromSignatures(c, rules);
  fromFixtures(c);
  everyday(c);
  for (const it of c.items) {
    it.sha256 = createHash('sha256').update(it.body ?? Buffer.alloc(0)).digest('hex');
    it.bytes = it.body ? it.body.length : 0;
    if (it.headers.Cookie !== undefined) it.cookie = it.headers.Cookie;
  }
  return c.items;
}

export async function loadRules() {
  const { loadSignatures } = await import(join(ROOT, 'dist', 'engine', 'signatures.js'));
  return loadSignatures();
}

/** Counts per family x expectation. */
export function counts(items) {
  const by = {};
  for (const it of items) {
    const k = `${it.family}`;
    by[k] ??= { block: 0, pass: 0 };
    by[k][it.expect]++;
  }
  return by;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const items = buildCorpus(await loadRules());
  const manifest = {
    note: 'Generated by load-tests/corpus/build.mjs from signatures/*.yaml samples and test/fixtures; bodies are rebuilt on every run.',
    items: items.map(({ body, headers, ...rest }) => ({ ...rest, headers: Object.keys(headers) })),
  };
  const at = process.argv.indexOf('--manifest');
  if (at !== -1 && process.argv[at + 1]) writeFileSync(process.argv[at + 1], JSON.stringify(manifest) + '\n');
  console.log(`${items.length} requests: ${items.filter((i) => i.expect === 'block').length} to block, ${items.filter((i) => i.expect === 'pass').length} to pass`);
  console.table(counts(items));
}
