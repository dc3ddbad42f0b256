#!/usr/bin/env node
// Soak test (robustness matrix D7, with a D8-style latency comparison): a
// bounded mix of benign, attack, malformed, client-aborted and
// upstream-failing requests against the BUILT proxy (`node dist/cli.js serve`)
// in front of a fast upstream process, both on 127.0.0.1. While it runs, the
// proxy's RSS, file descriptors, JS heap and active handles are sampled
// (/proc/<pid>/status, /proc/<pid>/fd, the admin /metrics); at the end it
// reports their growth after warm-up and writes
// load-tests/results/soak-<date>.json.
//
//   npm run build && node load-tests/soak/soak.mjs [--requests 200000] [--concurrency 32]
//        [--sample-ms 1000] [--warmup 0.1] [--baseline 5000] [--deadline-s 1800] [--out DIR]
//
// The loop is bounded by --requests and by --deadline-s; every request has a
// 10 s timeout; everything targets loopback only.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { Pool, request } from 'undici';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const { values: opt } = parseArgs({
  options: {
    requests: { type: 'string', default: process.env.SOAK_REQUESTS ?? '200000' },
    concurrency: { type: 'string', default: '32' },
    'sample-ms': { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '0.1' },
    baseline: { type: 'string', default: '5000' },
    'deadline-s': { type: 'string', default: '1800' },
    out: { type: 'string', default: join(ROOT, 'load-tests', 'results') },
  },
});
const TOTAL = Number(opt.requests);
const CONCURRENCY = Number(opt.concurrency);
const SAMPLE_MS = Number(opt['sample-ms']);
const WARMUP = Number(opt.warmup);
const BASELINE = Number(opt.baseline);
const DEADLINE = Date.now() + Number(opt['deadline-s']) * 1000;
const TIMEOUT_MS = 10_000;

if (!existsSync(CLI)) {
  console.error('dist/cli.js not found: run `npm run build` first');
  process.exit(2);
}

// ------------------------------------------------------------------ payloads
const { loadSignatures } = await import(join(ROOT, 'dist', 'engine', 'signatures.js'));
const rules = loadSignatures();
const sample = (id, i = 0) => Buffer.from(rules.find((r) => r.id === id).samples.match[i].bytes);
const JAVA = sample('DW-JAVA-002', 0);
const PICKLE = sample('DW-PICKLE-001', 3);
const XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>';
const YAML_SIG = 'job:\n  run: !!python/object/apply:os.system ["id"]\n';
const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike'.split(' ');
let seq = 0;
const text = (n) => {
  let s = '';
  while (s.length < n) s += words[(seq++ * 7) % words.length] + ' ';
  return s.slice(0, n);
};
const benignJson = () => Buffer.from(JSON.stringify({ id: seq++, name: text(20), tags: [text(8), text(8)], note: text(200 + (seq % 1800)) }));

/** kind → weight, expected status (null: aborted, no status), builder. */
const KINDS = [
  { kind: 'benign-json', weight: 30, expect: 200, http: () => ({ method: 'POST', path: '/api/items', headers: { 'content-type': 'application/json' }, body: benignJson() }) },
  { kind: 'benign-form', weight: 8, expect: 200, http: () => ({ method: 'POST', path: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(`user=alice&pass=${encodeURIComponent(text(12))}&note=${encodeURIComponent(text(300))}`) }) },
  {
    kind: 'benign-multipart', weight: 5, expect: 200,
    http: () => ({ method: 'POST', path: '/upload', headers: { 'content-type': 'multipart/form-data; boundary=soakbnd' }, body: Buffer.concat([Buffer.from('--soakbnd\r\nContent-Disposition: form-data; name="title"\r\n\r\nreport\r\n--soakbnd\r\nContent-Disposition: form-data; name="file"; filename="r.txt"\r\nContent-Type: text/plain\r\n\r\n'), Buffer.from(text(4000)), Buffer.from('\r\n--soakbnd--\r\n')]) }),
  },
  { kind: 'benign-binary', weight: 5, expect: 200, http: () => ({ method: 'POST', path: '/blob', headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(8192) }) },
  { kind: 'benign-gzip', weight: 3, expect: 200, http: () => ({ method: 'POST', path: '/api/items', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(benignJson()) }) },
  { kind: 'benign-get', weight: 4, expect: 200, http: () => ({ method: 'GET', path: `/search?q=${encodeURIComponent(text(30))}&page=${seq % 10}`, headers: {}, body: null }) },
  { kind: 'attack-java-json', weight: 10, expect: 403, http: () => ({ method: 'POST', path: '/api/items', headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ id: seq++, data: JAVA.toString('base64') })) }) },
  { kind: 'attack-pickle', weight: 5, expect: 403, http: () => ({ method: 'POST', path: '/blob', headers: { 'content-type': 'application/octet-stream' }, body: PICKLE }) },
  { kind: 'attack-xxe', weight: 4, expect: 403, http: () => ({ method: 'POST', path: '/xml', headers: { 'content-type': 'application/xml' }, body: Buffer.from(XXE) }) },
  { kind: 'attack-yaml', weight: 3, expect: 403, http: () => ({ method: 'POST', path: '/yaml', headers: { 'content-type': 'application/x-yaml' }, body: Buffer.from(YAML_SIG) }) },
  { kind: 'attack-cookie', weight: 3, expect: 403, http: () => ({ method: 'GET', path: '/home', headers: { cookie: `session=abc; prefs=${JAVA.toString('base64')}` }, body: null }) },
  { kind: 'malformed-json', weight: 4, expect: 400, http: () => ({ method: 'POST', path: '/api/items', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"a":1,"a":2}') }) },
  { kind: 'malformed-framing', weight: 5, expect: 400, raw: () => Buffer.from(`POST /x HTTP/1.1\r\nHost: soak\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`) },
  { kind: 'malformed-lookalike', weight: 2, expect: 400, raw: () => Buffer.from(`POST /x HTTP/1.1\r\nHost: soak\r\nContent_-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`) },
  { kind: 'client-abort-body', weight: 4, expect: null, abort: () => Buffer.from(`POST /upload HTTP/1.1\r\nHost: soak\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n${text(3000)}`) },
  { kind: 'client-abort-after-send', weight: 2, expect: null, abort: () => Buffer.from(`POST /api/items HTTP/1.1\r\nHost: soak\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`) },
  { kind: 'upstream-fail', weight: 3, expect: 502, http: () => ({ method: 'POST', path: '/fail', headers: { 'content-type': 'text/plain', 'x-soak': 'reset' }, body: Buffer.from('x') }) },
];
const WEIGHTS = [];
for (const k of KINDS) for (let i = 0; i < k.weight; i++) WEIGHTS.push(k);

// ------------------------------------------------------------------ processes
const upstream = fork(join(ROOT, 'load-tests', 'soak', 'upstream.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [{ port: upPort }] = await once(upstream, 'message');
const dir = mkdtempSync(join(tmpdir(), 'dw-soak-'));
const cfg = join(dir, 'soak.yaml');
writeFileSync(cfg, `upstream: http://127.0.0.1:${upPort}\nlogging: { level: warn, access: false }\nadmin: { dashboard: false }\n`);
const proxy = spawn(process.execPath, [CLI, 'serve', '--config', cfg, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
let logLines = 0;
let logBytes = 0;
const started = await new Promise((resolve, reject) => {
  let buf = '';
  proxy.stdout.setEncoding('utf8').on('data', (d) => {
    logBytes += d.length;
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      logLines++;
      if (line.includes('"deserwall listening"')) resolve(JSON.parse(line));
    }
  });
  proxy.stderr.setEncoding('utf8').on('data', (d) => process.stderr.write(d));
  proxy.once('exit', (code) => reject(new Error(`proxy exited early (${code})`)));
});
const PORT = Number(String(started.listen).split(':').pop());
const ADMIN = Number(String(started.admin).split(':').pop());
const PID = proxy.pid;

// ------------------------------------------------------------------ sampling
const fds = () => readdirSync(`/proc/${PID}/fd`).length;
function status() {
  const s = readFileSync(`/proc/${PID}/status`, 'utf8');
  const kb = (k) => Number((new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s) ?? [0, 0])[1]) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}
async function metrics() {
  try {
    const r = await request(`http://127.0.0.1:${ADMIN}/metrics`, { headersTimeout: 5000, bodyTimeout: 5000, reset: true });
    const t = await r.body.text();
    const m = (name) => Number((new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(t) ?? [0, NaN])[1]);
    return { heapUsed: m('deserwall_process_nodejs_heap_size_used_bytes'), handles: m('deserwall_process_nodejs_active_handles_total'), inFlight: m('deserwall_requests_in_flight') };
  } catch {
    return { heapUsed: NaN, handles: NaN, inFlight: NaN };
  }
}
const samples = [];
let done = 0;
const t0 = Date.now();
async function takeSample() {
  samples.push({ t: Date.now() - t0, done, fds: fds(), ...status(), ...(await metrics()) });
}
const baselineFds = fds();
await takeSample();
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    await new Promise((r) => setTimeout(r, SAMPLE_MS));
    if (sampling) await takeSample();
  }
})();

// ------------------------------------------------------------------ clients
const pool = new Pool(`http://127.0.0.1:${PORT}`, { connections: CONCURRENCY, pipelining: 1, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS, keepAliveTimeout: 4000 });
const stats = new Map(KINDS.map((k) => [k.kind, { sent: 0, ok: 0, unexpected: {}, errors: 0 }]));
const cleanLatency = { baseline: [], mixed: [] };

async function sendHttp(spec) {
  const r = await pool.request({ method: spec.method, path: spec.path, headers: { host: 'soak.test', ...spec.headers }, body: spec.body ?? undefined });
  await r.body.dump();
  return r.statusCode;
}

/** Raw bytes on a fresh connection; resolves with the first status (or null on close without one). */
function sendRaw(bytes, abort) {
  return new Promise((resolve) => {
    const s = connect(PORT, '127.0.0.1');
    let out = '';
    const finish = (v) => {
      clearTimeout(timer);
      s.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish('timeout'), TIMEOUT_MS);
    s.on('error', () => finish(null));
    s.on('close', () => finish(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ? Number(/^HTTP\/1\.1 (\d{3})/.exec(out)[1]) : null));
    s.on('data', (d) => {
      out += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(out);
      if (m && out.includes('\r\n\r\n')) finish(Number(m[1]));
    });
    s.on('connect', () => {
      s.write(bytes);
      if (abort) finish(null);
    });
  });
}

async function one(k, phase) {
  const st = stats.get(k.kind);
  st.sent++;
  const start = process.hrtime.bigint();
  let code;
  try {
    if (k.http) code = await sendHttp(k.http());
    else if (k.raw) code = await sendRaw(k.raw(), false);
    else code = await sendRaw(k.abort(), true);
  } catch {
    st.errors++;
    return;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (k.kind.startsWith('benign') && code === 200) (phase === 'baseline' ? cleanLatency.baseline : cleanLatency.mixed).push(ms);
  if (code === k.expect || (k.expect === null && (code === null || code >= 400))) st.ok++;
  else st.unexpected[String(code)] = (st.unexpected[String(code)] ?? 0) + 1;
}

// Phase 1: clean-only baseline (latency reference for the D8 comparison).
let next = 0;
const benign = KINDS.find((k) => k.kind === 'benign-json');
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (next < BASELINE && Date.now() < DEADLINE) {
    next++;
    await one(benign, 'baseline');
  }
}));
// Phase 2: the hostile mix.
next = 0;
let warmupSample = null;
await Promise.all(Array.from({ length: CONCURRENCY }, async (_, w) => {
  let i = w;
  while (next < TOTAL && Date.now() < DEADLINE) {
    next++;
    await one(WEIGHTS[(i * 2654435761) % WEIGHTS.length], 'mixed');
    i += CONCURRENCY;
    done++;
    if (warmupSample === null && done >= TOTAL * WARMUP) warmupSample = samples.length;
  }
}));
const elapsedS = (Date.now() - t0) / 1000;
await pool.close();

// Idle: let keep-alive and pooled connections expire, then check fds against the baseline.
const idleDeadline = Date.now() + 15_000;
while (fds() > baselineFds && Date.now() < idleDeadline) await new Promise((r) => setTimeout(r, 250));
sampling = false;
await sampler;
await takeSample();
const idle = samples.at(-1);

// ------------------------------------------------------------------ report
const after = samples.slice(warmupSample ?? 1);
const min = (xs) => Math.min(...xs.filter((x) => Number.isFinite(x)));
const tail = after.slice(Math.floor(after.length * 0.8));
const head = after.slice(0, Math.max(1, Math.ceil(after.length * 0.2)));
function slopePer100k(key) {
  const pts = after.filter((s) => Number.isFinite(s[key]));
  if (pts.length < 2) return NaN;
  const n = pts.length;
  const mx = pts.reduce((a, s) => a + s.done, 0) / n;
  const my = pts.reduce((a, s) => a + s[key], 0) / n;
  const num = pts.reduce((a, s) => a + (s.done - mx) * (s[key] - my), 0);
  const den = pts.reduce((a, s) => a + (s.done - mx) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 100_000;
}
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] * 1000) / 1000 : NaN;
};
const MB = (b) => Math.round((b / (1024 * 1024)) * 100) / 100;
const upCount = await new Promise((resolve) => {
  upstream.once('message', (m) => resolve(m.count));
  upstream.send('count');
});
const result = {
  date: new Date().toISOString(),
  node: process.version,
  requests: { planned: TOTAL, done, baseline: BASELINE, concurrency: CONCURRENCY, elapsedS, perSecond: Math.round(done / elapsedS) },
  byKind: Object.fromEntries(stats),
  upstreamRequests: upCount,
  logs: { lines: logLines, bytes: logBytes },
  memory: {
    rssAtWarmupMB: MB(head[0]?.rss ?? NaN),
    rssEndMB: MB(tail.at(-1)?.rss ?? NaN),
    rssGrowthAfterWarmupMB: MB((tail.at(-1)?.rss ?? 0) - (head[0]?.rss ?? 0)),
    rssSlopeMBPer100k: MB(slopePer100k('rss')),
    rssPeakMB: MB(idle.hwm),
    heapMinFirstFifthMB: MB(min(head.map((s) => s.heapUsed))),
    heapMinLastFifthMB: MB(min(tail.map((s) => s.heapUsed))),
    heapSlopeMBPer100k: MB(slopePer100k('heapUsed')),
  },
  handles: { fdsBaseline: baselineFds, fdsMax: Math.max(...samples.map((s) => s.fds)), fdsAfterIdle: idle.fds, activeHandlesAfterIdle: idle.handles },
  cleanLatencyMs: {
    baseline: { n: cleanLatency.baseline.length, p50: pct(cleanLatency.baseline, 0.5), p99: pct(cleanLatency.baseline, 0.99) },
    underHostileMix: { n: cleanLatency.mixed.length, p50: pct(cleanLatency.mixed, 0.5), p99: pct(cleanLatency.mixed, 0.99) },
  },
  samples,
};

proxy.kill('SIGTERM');
const [exitCode] = await once(proxy, 'exit');
result.proxyExitCode = exitCode;
upstream.send('close');
await once(upstream, 'exit');

mkdirSync(opt.out, { recursive: true });
const file = join(opt.out, `soak-${result.date.slice(0, 10)}.json`);
writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
const { samples: _omit, ...summary } = result;
console.log(JSON.stringify(summary, null, 2));
console.log(`written ${file}`);
const unexpected = [...stats.values()].reduce((a, s) => a + s.sent - s.ok, 0);
process.exitCode = exitCode === 0 && unexpected === 0 && done === TOTAL ? 0 : 1;
