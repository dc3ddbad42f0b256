// Engine micro-benchmark: MB/s per core of the inspection engine alone (the
// compiled dist/ engine, no HTTP), on ~10 MiB benign bodies fed in 64 KiB
// chunks: random binary, JSON records, base64-heavy JSON, a large model
// pickle under the ml-upload policy, XML. Then three scaling series: cost vs
// body bytes, vs number of JSON leaves at equal bytes, vs number of rules.
// The process pins itself to one CPU; MB/s = body bytes / CPU seconds of
// this process (10^6 bytes per MB). Writes load-tests/results/engine-<date>.md/.json.
//
//   node load-tests/bench/engine.mjs [--iterations 5] [--warmup 2] [--size-mib 10] [--quick] [--out DIR]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jsonBase64, jsonManyLeaves, jsonRecords, MiB, xmlCatalog } from './lib/bodies.mjs';
import { modelPickle } from './lib/pickle.mjs';
import { randomBytesSeeded, wordSource } from './lib/prng.mjs';
import { ROOT } from './lib/procs.mjs';
import { fmt, machineLines, median, table, today } from './lib/report.mjs';
import { publish, runMain } from './summarize.mjs';
import { machineFacts, pin } from './lib/sys.mjs';

const { values: o } = parseArgs({
  options: {
    iterations: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    'size-mib': { type: 'string', default: '10' },
    quick: { type: 'boolean', default: false },
    cpu: { type: 'string', default: '1' },
    out: { type: 'string', default: join(ROOT, 'load-tests', 'results') },
  },
});
const ITER = o.quick ? 2 : Math.max(1, Math.min(50, Number(o.iterations)));
const WARM = o.quick ? 1 : Math.max(0, Math.min(20, Number(o.warmup)));
const SIZE = Math.round(Math.max(1, Math.min(15, Number(o['size-mib']))) * MiB);
const CHUNK = 64 * 1024;
const TARGETS = { binary: 500, json: 200 };

const dist = (p) => import(join(ROOT, 'dist', p));
const { createEngine, defaultRules } = await dist('engine/create.js');
const { parseConfig } = await dist('config/load.js');
const { compileRouting } = await dist('policy/compile.js');

const log = (...a) => console.error(`[engine ${new Date().toISOString().slice(11, 19)}]`, ...a);

const { config } = parseConfig(readFileSync(join(ROOT, 'config', 'examples', 'ml-and-rpc.yaml'), 'utf8'), 'ml-and-rpc.yaml');
const policies = compileRouting(config).policies;

/** Inspects `body` once; returns CPU ms, wall ms and the verdict's rule ids. */
function inspectOnce(engine, body, contentType, policyName) {
  const policy = policies.get(policyName);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const tx = engine.begin({ method: 'POST', target: policyName === 'ml-upload' ? '/ml/model.pkl' : '/api/bench', rawHeaders: ['Host', 'bench.test', 'Content-Type', contentType, 'Content-Length', String(body.length)] }, policy);
  for (let off = 0; off < body.length; off += CHUNK) tx.write(body.subarray(off, off + CHUNK));
  const v = tx.end();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const rules = [...new Set([...tx.headFindings, ...v.findings].map((f) => f.rule))];
  return { cpuMs: (c.user + c.system) / 1000, wallMs: wall, rules };
}

/** Warm-up + ITER measured runs; medians. */
function bench(engine, name, body, contentType, policyName = 'default', extra = {}) {
  let rules = [];
  for (let i = 0; i < WARM; i++) rules = inspectOnce(engine, body, contentType, policyName).rules;
  const runs = [];
  for (let i = 0; i < ITER; i++) {
    const r = inspectOnce(engine, body, contentType, policyName);
    rules = r.rules;
    runs.push(r);
  }
  const cpuMs = median(runs.map((r) => r.cpuMs));
  const wallMs = median(runs.map((r) => r.wallMs));
  const row = { name, bytes: body.length, contentType, policy: policyName, cpuMs, wallMs, mbpsCpu: body.length / 1e6 / (cpuMs / 1000), mbpsWall: body.length / 1e6 / (wallMs / 1000), verdict: rules.length ? rules.join(',') : 'clean', ...extra };
  log(`${name.padEnd(34)} ${fmt(body.length / MiB, 1).padStart(5)} MiB  ${fmt(row.mbpsCpu, 1).padStart(7)} MB/s (CPU)  ${fmt(row.mbpsWall, 1).padStart(7)} MB/s (wall)  ${row.verdict}`);
  return row;
}

/** Counts JSON scalar leaves (values that are not objects or arrays) of our own generated bodies. */
function countLeaves(buf) {
  const stack = [];
  let expectKey = false;
  let leaves = 0;
  const DELIM = new Set([0x2c, 0x7d, 0x5d, 0x20, 0x0a]);
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c === 0x7b) {
      stack.push(1);
      expectKey = true;
    } else if (c === 0x5b) {
      stack.push(0);
      expectKey = false;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c) expectKey = stack[stack.length - 1] === 1;
    else if (c === 0x3a) expectKey = false;
    else if (c === 0x22) {
      let j = i + 1;
      while (j < buf.length && buf[j] !== 0x22) j += buf[j] === 0x5c ? 2 : 1;
      if (!expectKey) leaves++;
      expectKey = false;
      i = j;
    } else if (c > 0x20) {
      leaves++;
      while (i + 1 < buf.length && !DELIM.has(buf[i + 1])) i++;
    }
  }
  return leaves;
}

/** `n` synthetic byte-literal rules (distinct 16-byte tokens that never occur in the bodies). */
function syntheticRules(n) {
  const w = wordSource(99);
  const rules = [];
  for (let i = 0; i < n; i++) {
    rules.push({
      id: `BENCH-${i}`,
      family: 'php',
      severity: 'low',
      kind: 'attack',
      description: 'synthetic benchmark literal',
      references: [],
      matcher: { type: 'bytes', literals: [Buffer.from(`zq${i.toString(36)}~${w.word()}~${w.word()}~qz`)], caseInsensitive: i % 2 === 0 },
      samples: { match: [], nomatch: [] },
      file: 'bench',
    });
  }
  return rules;
}

function linearity(rows) {
  const m = median(rows.map((r) => r.mbpsCpu));
  const worst = Math.max(...rows.map((r) => Math.abs(r.mbpsCpu - m) / m));
  return { medianMBps: m, worstDeviation: worst };
}

async function main() {
  const machine = machineFacts(ROOT);
  const pinned = pin(process.pid, o.cpu);
  log(`machine: ${machine.cpuModel}, Node ${machine.node}; commit ${machine.commit}; pinned to CPU ${pinned ? o.cpu : '(not pinned)'}`);
  const engine = createEngine(config);

  log('building bodies');
  const bodies = {
    binary: randomBytesSeeded(SIZE, 5),
    json: jsonRecords(SIZE),
    jsonB64: jsonBase64(SIZE),
    pickle: modelPickle(SIZE),
    xml: xmlCatalog(SIZE),
  };
  const primary = [
    bench(engine, 'random binary (octet-stream)', bodies.binary, 'application/octet-stream'),
    bench(engine, 'JSON records', bodies.json, 'application/json', 'default', { leaves: countLeaves(bodies.json) }),
    bench(engine, 'base64-heavy JSON', bodies.jsonB64, 'application/json'),
    bench(engine, 'model pickle (ml-upload policy)', bodies.pickle, 'application/octet-stream', 'ml-upload'),
    bench(engine, 'XML catalog', bodies.xml, 'application/xml'),
  ];

  log('scaling with body bytes');
  const sizes = [1, 2.5, 5, 10].map((m) => Math.round(m * MiB)).filter((s) => s <= SIZE);
  const bytesJson = sizes.map((s) => bench(engine, `JSON records ${fmt(s / MiB, 1)} MiB`, jsonRecords(s), 'application/json'));
  const bytesBin = sizes.map((s) => bench(engine, `binary ${fmt(s / MiB, 1)} MiB`, bodies.binary.subarray(0, s), 'application/octet-stream'));

  log('scaling with JSON leaves (same bytes)');
  const leafBodies = [
    ['long strings (8000 chars)', jsonRecords(SIZE, { leafChars: 8000 })],
    ['records (230 chars)', bodies.json],
    ['short strings (40 chars)', jsonRecords(SIZE, { leafChars: 40 })],
    ['tiny rows [n,"w",n,true]', jsonManyLeaves(SIZE)],
  ];
  const leaves = leafBodies.map(([n, b]) => bench(engine, `JSON ${n}`, b, 'application/json', 'default', { leaves: countLeaves(b) }));

  log('scaling with rule count');
  const base = defaultRules();
  const ruleRows = [];
  for (const extra of [0, 1000, 10000]) {
    const e = extra === 0 ? engine : createEngine(config, undefined, [...base, ...syntheticRules(extra)]);
    ruleRows.push(bench(e, `JSON records, +${extra} rules`, bodies.json, 'application/json', 'default', { rules: base.length + extra }));
    ruleRows.push(bench(e, `binary, +${extra} rules`, bodies.binary, 'application/octet-stream', 'default', { rules: base.length + extra }));
  }

  const bin = primary[0].mbpsCpu;
  const json = primary[1].mbpsCpu;
  const verdicts = [
    ['random binary', `>= ${TARGETS.binary} MB/s`, fmt(bin, 1), bin >= TARGETS.binary ? 'pass' : 'MISS'],
    ['JSON records', `>= ${TARGETS.json} MB/s`, fmt(json, 1), json >= TARGETS.json ? 'pass' : 'MISS'],
  ];
  const linBytes = { json: linearity(bytesJson), binary: linearity(bytesBin) };
  const linLeaves = linearity(leaves);
  const linRules = { json: linearity(ruleRows.filter((r) => r.contentType === 'application/json')), binary: linearity(ruleRows.filter((r) => r.contentType !== 'application/json')) };

  const L = [`# deserwall engine micro-benchmark, ${today()}`, '', ...machineLines(machine)];
  L.push(`- one process pinned to CPU ${pinned ? o.cpu : '(not pinned)'}; bodies fed in 64 KiB chunks; ${WARM} warm-up + ${ITER} measured passes, medians; MB/s = 10^6 bytes per CPU second`, '');
  const rowFmt = (r) => [r.name, fmt(r.bytes / MiB, 2), r.policy, fmt(r.cpuMs, 1), fmt(r.mbpsCpu, 1), fmt(r.mbpsWall, 1), r.leaves !== undefined ? fmt(r.leaves) : r.rules !== undefined ? `${r.rules} rules` : '', r.verdict];
  const H = ['body', 'MiB', 'policy', 'CPU ms', 'MB/s (CPU)', 'MB/s (wall)', 'leaves / rules', 'verdict'];
  const A = ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'l'];
  L.push('## Throughput per core', '', table(H, primary.map(rowFmt), A), '');
  L.push('## Targets', '', table(['body', 'target', 'measured MB/s', 'result'], verdicts, ['l', 'r', 'r', 'l']), '');
  L.push('## Cost vs body bytes (linear when MB/s stays flat)', '', table(H, [...bytesJson, ...bytesBin].map(rowFmt), A), '');
  L.push(`MB/s spread across sizes: JSON ${fmt(linBytes.json.worstDeviation * 100)}% from its median, binary ${fmt(linBytes.binary.worstDeviation * 100)}%.`, '');
  L.push('## Cost vs JSON leaves (same ~bytes; flat MB/s = cost independent of leaf count)', '', table(H, leaves.map(rowFmt), A), '');
  L.push(`MB/s spread across leaf counts: ${fmt(linLeaves.worstDeviation * 100)}% from the median (${fmt(Math.min(...leaves.map((r) => r.mbpsCpu)), 1)} to ${fmt(Math.max(...leaves.map((r) => r.mbpsCpu)), 1)} MB/s).`, '');
  L.push('## Cost vs rule count (synthetic byte-literal rules added to the automaton)', '', table(H, ruleRows.map(rowFmt), A), '');
  L.push(`MB/s spread across rule counts: JSON ${fmt(linRules.json.worstDeviation * 100)}%, binary ${fmt(linRules.binary.worstDeviation * 100)}%.`);
  const markdown = L.join('\n');
  const json2 = { kind: 'engine', date: new Date().toISOString(), machine, settings: { iterations: ITER, warmup: WARM, sizeBytes: SIZE, chunk: CHUNK, cpu: pinned ? o.cpu : null }, targets: TARGETS, main: primary, bytesJson, bytesBin, leaves, rules: ruleRows, linearity: { bytes: linBytes, leaves: linLeaves, rules: linRules } };
  publish(o.out, 'engine', markdown, json2, log);
}

runMain(main);
