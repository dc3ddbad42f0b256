// Rewrites the "Latest results" block of load-tests/README.md (between the
// <!-- bench-results --> markers, nothing else) from the newest
// results/bench-*.json, engine-*.json and replay-*.json: the machine, the
// issue's targets with pass/miss per row, and the main tables. run.mjs,
// engine.mjs and replay-load.mjs call it after writing into results/;
// `node load-tests/bench/summarize.mjs` runs it by hand.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, pct, table, writeResults } from './lib/report.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESULTS = join(ROOT, 'load-tests', 'results');
const README = join(ROOT, 'load-tests', 'README.md');
const BEGIN = '<!-- bench-results -->';
const END = '<!-- /bench-results -->';

function newest(dir, kind) {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(`${kind}-`) && f.endsWith('.json'))
    .sort();
  const f = files[files.length - 1];
  return f ? { file: f, data: JSON.parse(readFileSync(join(dir, f), 'utf8')) } : null;
}

const verdict = (ok) => (ok === null ? '-' : ok ? 'pass' : '**miss**');

function machineLine(m, date) {
  return `${date.slice(0, 10)}: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node.js ${m.node}, deserwall ${m.commit}`;
}

export function summarize(dir = RESULTS) {
  const bench = newest(dir, 'bench');
  const engine = newest(dir, 'engine');
  const replay = newest(dir, 'replay');
  const L = [];
  const targets = [];
  if (bench) {
    const s = new Map(bench.data.summary.map((r) => [r.workload, r]));
    for (const [w, label, goal] of [
      ['get', 'GET', 0.9],
      ['json1k', 'POST 1 KiB JSON', 0.9],
      ['json64k', 'POST 64 KiB JSON', 0.6],
      ['bin1m', 'POST 1 MiB binary', 0.7],
    ]) {
      const r = s.get(w);
      const ok = r && Number.isFinite(r.ratio) ? r.ratio >= goal : null;
      targets.push([`${label}: req/s vs fastest pass-through`, `>= ${pct(goal)}`, r ? `${pct(r.ratio)} (${fmt(r.deserwallReqPerSec)} vs ${r.fastest} ${fmt(r.fastestReqPerSec)}); CPU-cost ratio ${pct(r.costRatio)}` : '-', verdict(ok)]);
    }
  }
  if (engine) {
    const [bin, json] = engine.data.main;
    targets.push(['engine, random binary, MB/s per core', '>= 500', fmt(bin?.mbpsCpu, 1), verdict(bin ? bin.mbpsCpu >= 500 : null)]);
    targets.push(['engine, JSON, MB/s per core', '>= 200', fmt(json?.mbpsCpu, 1), verdict(json ? json.mbpsCpu >= 200 : null)]);
    const lin = engine.data.linearity;
    targets.push(['engine cost linear in bytes, not in JSON leaves or rules', 'flat MB/s', `spread: bytes ${fmt(lin.bytes.json.worstDeviation * 100)}% (JSON), leaves ${fmt(lin.leaves.worstDeviation * 100)}%, rules ${fmt(lin.rules.json.worstDeviation * 100)}%`, verdict(lin.leaves.worstDeviation < 0.5 && lin.rules.json.worstDeviation < 0.5)]);
  }
  if (replay) {
    const b = replay.data.memory.barrier;
    const worst = Math.max(b.maxAtBarrierMiB, b.hwmMiB, replay.data.memory.sustained.hwmMiB);
    targets.push(['RSS at 50 concurrent 1 MiB uploads (peak)', '< 300 MB', `${fmt(worst)} MiB`, verdict(worst < 300)]);
    const u = replay.data.upstream;
    targets.push(['replay under load: attacks missed / benign damaged / verdicts changed by load', '0 / 0 / 0', `${u.loadInducedArrivals.length} / ${u.loadDamaged} / ${replay.data.inconsistent.length}`, verdict(u.loadInducedArrivals.length === 0 && u.loadDamaged === 0 && replay.data.inconsistent.length === 0)]);
    targets.push(['replay: single-request verdicts against the corpus labels', 'all match', `${replay.data.gaps.length} of ${replay.data.settings.corpusSize} differ`, verdict(replay.data.gaps.length === 0)]);
    if (replay.data.slowClient) targets.push(['slow benign upload (4 KiB over 3 s) forwarded', 'yes', replay.data.slowClient.intact ? 'yes' : `no: ${replay.data.slowClient.status}`, verdict(replay.data.slowClient.intact)]);
  }
  if (bench) {
    const w2 = (bench.data.unpinned ?? []).filter((c) => c.target === 'deserwall-w2');
    const w1 = new Map((bench.data.unpinned ?? []).filter((c) => c.target === 'deserwall-w1').map((c) => [c.workload, c]));
    const factors = w2.map((c) => `${c.workload} ${fmt(c.median.reqPerSec / (w1.get(c.workload)?.median.reqPerSec ?? NaN), 2)}x`);
    if (factors.length) targets.push(['`workers: 2` unpinned vs `workers: 1` unpinned', 'rises (report)', factors.join(', '), '-']);
  }

  L.push(BEGIN, '');
  if (targets.length) L.push('**Targets (issue 5)**', '', table(['target', 'goal', 'measured', 'result'], targets, ['l', 'r', 'l', 'l']), '');
  if (bench) {
    L.push(`**Proxies, one core each** (\`results/${bench.file.replace('.json', '.md')}\`; ${machineLine(bench.data.machine, bench.data.date)}; autocannon ${bench.data.settings.connections} connections, ${bench.data.settings.rounds} x ${bench.data.settings.duration} s, medians)`, '');
    const cells = new Map(bench.data.pinned.map((c) => [`${c.workload}|${c.target}`, c]));
    const names = ['undici', 'httpproxy', 'nodehttp', 'deserwall', 'deserwall-noaccess'].filter((n) => bench.data.settings.pinnedTargets.includes(n));
    const rows = bench.data.settings.workloads.map((w) => {
      const sum = bench.data.summary.find((x) => x.workload === w);
      return [w, ...names.map((n) => {
        const c = cells.get(`${w}|${n}`);
        return c ? `${fmt(c.median.reqPerSec)} (${fmt(c.median.proxyCpuUsPerReq)} µs)` : '-';
      }), pct(sum?.ratio), fmt(cells.get(`${w}|deserwall`)?.median.latencyP99, 0)];
    });
    L.push(table(['workload', ...names.map((n) => `${n} req/s (CPU/req)`), 'deserwall / fastest', 'deserwall p99 ms'], rows, ['l', ...names.map(() => 'r'), 'r', 'r']), '');
  }
  if (engine) {
    L.push(`**Engine alone, one core** (\`results/${engine.file.replace('.json', '.md')}\`; ${machineLine(engine.data.machine, engine.data.date)})`, '');
    L.push(table(['body (~10 MiB)', 'MB/s per core', 'verdict'], engine.data.main.map((r) => [r.name, fmt(r.mbpsCpu, 1), r.verdict]), ['l', 'r', 'l']), '');
    L.push(table(['JSON of equal size with', 'leaves', 'MB/s'], engine.data.leaves.map((r) => [r.name.replace(/^JSON /, ''), fmt(r.leaves), fmt(r.mbpsCpu, 1)]), ['l', 'r', 'r']), '');
  }
  if (replay) {
    const d = replay.data;
    L.push(`**Replay under load** (\`results/${replay.file.replace('.json', '.md')}\`; ${machineLine(d.machine, d.date)}): ${d.settings.corpusSize} corpus requests, ${d.load.requests} under load at ${d.settings.connections} connections (${fmt(d.load.requests / d.load.duration)} req/s); attack responses refused ${d.perExpect.block.ok} / ${d.perExpect.block.sent}, benign forwarded intact ${d.perExpect.pass.ok} / ${d.perExpect.pass.sent}; proxy RSS during the replay ${fmt(d.memory.replay.hwmMiB)} MiB peak, 50 connections of 1 MiB uploads ${fmt(d.memory.sustained.hwmMiB)} MiB peak, 50 concurrent 1 MiB uploads in flight ${fmt(d.memory.barrier.maxAtBarrierMiB)} MiB (peak ${fmt(d.memory.barrier.hwmMiB)} MiB).`, '');
  }
  L.push(END);
  return L.join('\n');
}

/** Replaces the marked block in the README (appends the markers at the end of the file when missing). */
export function updateReadme(dir = RESULTS) {
  if (!existsSync(README)) return false;
  const text = readFileSync(README, 'utf8');
  const block = summarize(dir);
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  let next;
  if (a !== -1 && b > a) next = text.slice(0, a) + block + text.slice(b + END.length);
  else if (a !== -1) next = text.slice(0, a) + block + text.slice(a + BEGIN.length);
  else next = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(README, next);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  updateReadme();
  console.log(summarize());
}

/**
 * The end of every benchmark script: write results/<kind>-<date>.md/.json into `dir`, refresh the
 * README's latest-results block when `dir` is results/, print the Markdown and log the file names.
 */
export function publish(dir, kind, markdown, json, log) {
  const files = writeResults(dir, kind, markdown, json);
  if (resolve(dir) === RESULTS) updateReadme();
  console.log(markdown);
  log(`wrote ${files.join(', ')}`);
}

/** Run a script's async main; any error ends the process with exit code 1. */
export function runMain(main) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
