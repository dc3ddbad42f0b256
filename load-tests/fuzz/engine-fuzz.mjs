#!/usr/bin/env node
// Long-running fuzzer of the whole inspection engine (robustness matrix D1/D2),
// run against the BUILT engine in dist/ without a test runner so it can do
// 10^6 inputs: mutated seeds (every rule sample in signatures/*.yaml and the
// real-client bodies in test/fixtures/views) under random content types,
// codings and chunkings. It checks that no input throws, none reports an
// engine fault (DW-ENGINE-001), none exceeds a hang guard, and that every
// Nth input gives identical findings whole and split at random cuts.
// Failing inputs are saved next to the results for replay.
//
//   node load-tests/fuzz/engine-fuzz.mjs [--iterations 1000000] [--seconds 900] [--seed N]
//        [--split-every 20] [--out load-tests/results]
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    iterations: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '900' },
    seed: { type: 'string', default: String(Date.now() % 2147483647) },
    'split-every': { type: 'string', default: '20' },
    out: { type: 'string', default: join(ROOT, 'load-tests', 'results') },
  },
});
const ITER = Number(opt.iterations);
const DEADLINE = Date.now() + Number(opt.seconds) * 1000;
const SEED = Number(opt.seed);
const SPLIT_EVERY = Number(opt['split-every']);
const HANG_GUARD_MS = 2000;

const dist = (p) => import(join(ROOT, 'dist', p));
const { parseConfig } = await dist('config/load.js');
const { compileRouting } = await dist('policy/compile.js');
const { createEngine } = await dist('engine/create.js');
const { loadSignatures } = await dist('engine/signatures.js');
const { config } = parseConfig('{}\n', 'fuzz.yaml');
const engine = createEngine(config);
const policy = compileRouting(config).fallback.policy;

// Seeds.
const seeds = [];
for (const r of loadSignatures()) {
  for (const s of [...r.samples.match, ...r.samples.nomatch]) if (s.location === 'body') seeds.push({ bytes: Buffer.from(s.bytes), ct: s.contentType });
}
for (const f of JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'views', 'bodies.json'), 'utf8'))) seeds.push({ bytes: Buffer.from(f.b64, 'base64'), ct: f.contentType });

// Deterministic PRNG (xorshift32).
let state = SEED >>> 0 || 1;
const rnd = () => {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 4294967296;
};
const int = (n) => Math.floor(rnd() * n);
const pick = (a) => a[int(a.length)];

const TOKENS = ['%', '%2', '%25', '+', '&', '=', ';', '\\u00', '&#x', '<!DOCTYPE a [<!ENTITY e SYSTEM "x">]>', ']]>', '--', '\r\n', '\r\n\r\n', '"', '{', '[', ':', '\x00', 'rO0AB', '\xac\xed\x00\x05', '\x80\x04\x95', '!!python/object/apply:', 'O:8:"stdClass"', '\x04\x08o:', '\x1f\x8b\x08\x00', 'PK\x03\x04', '$type', '@type', '__proto__', '_$$ND_FUNC$$_', '\x00\x01\x00\x00\x00\xff\xff\xff\xff', 'AAEAAAD/////', 'H4sI', '\xef\xbb\xbf', '\xff\xfe', 'Content-Disposition: form-data; name="a"\r\n\r\n'].map((t) => Buffer.from(t, 'latin1'));
const CTS = [undefined, 'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=bnd', 'application/xml', 'application/octet-stream', 'text/plain', 'application/x-yaml', 'application/zip', 'text/xml; charset=utf-16'];

function mutate(base) {
  let b = Buffer.from(base);
  const n = int(9);
  for (let i = 0; i < n; i++) {
    const at = int(b.length + 1);
    switch (int(6)) {
      case 0:
        if (b.length) b[at % b.length] = int(256);
        break;
      case 1: {
        const ins = Buffer.alloc(1 + int(16));
        for (let k = 0; k < ins.length; k++) ins[k] = int(256);
        b = Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
        break;
      }
      case 2:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + int(32))]);
        break;
      case 3: {
        const len = 1 + int(64);
        b = Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
        break;
      }
      case 4: {
        const o = pick(seeds).bytes;
        const from = int(o.length + 1);
        b = Buffer.concat([b.subarray(0, at), o.subarray(from, from + 1 + int(256)), b.subarray(at)]);
        break;
      }
      default:
        b = Buffer.concat([b.subarray(0, at), pick(TOKENS), b.subarray(at)]);
    }
  }
  return b.length > 65536 ? b.subarray(0, 65536) : b;
}

function run(body, ct, ce, cuts) {
  const headers = ['Host', 'fuzz.test'];
  if (ct) headers.push('Content-Type', ct);
  if (ce) headers.push('Content-Encoding', ce);
  const tx = engine.begin({ method: 'POST', target: '/fuzz', rawHeaders: headers }, policy);
  let prev = 0;
  for (const c of [...cuts, body.length]) {
    if (c > prev) tx.write(body.subarray(prev, c));
    prev = Math.max(prev, c);
  }
  const v = tx.end();
  return [...tx.headFindings, ...v.findings].map((f) => `${f.rule}|${f.kind}|${f.location}|${f.offset}`);
}

mkdirSync(opt.out, { recursive: true });
const failures = [];
function fail(kind, detail, body, ct, ce) {
  const name = `fuzz-failure-${SEED}-${failures.length}`;
  writeFileSync(join(opt.out, `${name}.bin`), body);
  failures.push({ kind, detail: String(detail).slice(0, 500), file: `${name}.bin`, contentType: ct ?? null, contentEncoding: ce ?? null });
}

const t0 = Date.now();
let i = 0;
let splitChecks = 0;
let maxMs = 0;
let findingsTotal = 0;
for (; i < ITER && Date.now() < DEADLINE && failures.length < 20; i++) {
  const s = pick(seeds);
  let body = mutate(s.bytes);
  const ct = rnd() < 0.5 ? s.ct : pick(CTS);
  let ce;
  if (rnd() < 0.05) {
    body = gzipSync(body);
    ce = 'gzip';
  }
  const start = performance.now();
  let keys;
  try {
    keys = run(body, ct, ce, []);
  } catch (err) {
    fail('throw', err.stack, body, ct, ce);
    continue;
  }
  const ms = performance.now() - start;
  maxMs = Math.max(maxMs, ms);
  findingsTotal += keys.length;
  if (ms > HANG_GUARD_MS) fail('hang', `${ms.toFixed(0)} ms`, body, ct, ce);
  if (keys.some((k) => k.startsWith('DW-ENGINE-001|'))) fail('engine-fault', keys.join(' '), body, ct, ce);
  if (SPLIT_EVERY > 0 && i % SPLIT_EVERY === 0 && body.length > 1) {
    splitChecks++;
    const cuts = [...new Set(Array.from({ length: 1 + int(16) }, () => 1 + int(body.length - 1)))].sort((a, b) => a - b);
    const split = run(body, ct, ce, cuts);
    if (split.join('\n') !== keys.join('\n')) fail('split-variance', `cuts ${cuts.join(',')}: whole [${keys.join(' ')}] split [${split.join(' ')}]`, body, ct, ce);
  }
}
const seconds = (Date.now() - t0) / 1000;
const result = {
  date: new Date().toISOString(),
  node: process.version,
  seed: SEED,
  iterations: i,
  seconds,
  perSecond: Math.round(i / seconds),
  splitChecks,
  maxMsPerInput: Math.round(maxMs),
  findingsTotal,
  heapUsedMB: Math.round(process.memoryUsage().heapUsed / 1048576),
  failures,
};
const file = join(opt.out, `fuzz-engine-${result.date.slice(0, 10)}.json`);
writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
console.log(`written ${file}`);
process.exitCode = failures.length === 0 ? 0 : 1;
