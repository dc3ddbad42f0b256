#!/usr/bin/env node
// `npm run fuzz`: the long fuzz run (robustness matrix D1, D2, D4, D6).
//  1. engine-fuzz.mjs: 10^6 mutated inputs through the built engine (or --seconds, whichever first);
//  2. the property suites with their run counts multiplied (HOSTILE_FUZZ_SCALE, VIEWS_FUZZ_SCALE) and
//     a fresh random seed: test/hostile/fuzz.test.ts, test/hostile/corpus.test.ts (D6 framing
//     mutations through the proxy) and the parser-level differential tests in test/engine/views.
// Writes load-tests/results/fuzz-<date>.json (and fuzz-engine-<date>.json). Builds dist/ first.
//
//   node load-tests/fuzz/run.mjs [--scale 20] [--iterations 1000000] [--seconds 900] [--seed N]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    scale: { type: 'string', default: '20' },
    iterations: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '900' },
    seed: { type: 'string', default: String(Date.now() % 2147483647) },
    out: { type: 'string', default: join(ROOT, 'load-tests', 'results') },
  },
});
mkdirSync(opt.out, { recursive: true });
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);

const build = spawnSync(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) console.warn('tsc reported errors; dist/ was still emitted, continuing');

const t0 = Date.now();
const engine = spawnSync(process.execPath, [join(ROOT, 'load-tests', 'fuzz', 'engine-fuzz.mjs'), '--iterations', opt.iterations, '--seconds', opt.seconds, '--seed', opt.seed, '--out', opt.out], { cwd: ROOT, stdio: 'inherit' });
const engineResult = JSON.parse(readFileSync(join(opt.out, `fuzz-engine-${new Date().toISOString().slice(0, 10)}.json`), 'utf8'));

const suites = ['test/hostile/fuzz.test.ts', 'test/hostile/corpus.test.ts', 'test/engine/views/json-properties.test.ts', 'test/engine/views/multipart-properties.test.ts'];
const t1 = Date.now();
const vitest = spawnSync(bin('vitest'), ['run', ...suites, '--testTimeout', '3600000', '--hookTimeout', '120000'], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
  env: { ...process.env, HOSTILE_FUZZ_SCALE: opt.scale, VIEWS_FUZZ_SCALE: opt.scale, HOSTILE_FUZZ_SEED: opt.seed },
  maxBuffer: 64 * 1024 * 1024,
});
process.stdout.write(vitest.stdout ?? '');
// eslint-disable-next-line no-control-regex
const plain = (vitest.stdout ?? '').replace(/\x1b\[[0-9;]*m/g, '');
const summary = /Tests\s+(.*)/.exec(plain)?.[1]?.trim() ?? 'unknown';

const result = {
  date: new Date().toISOString(),
  node: process.version,
  seed: Number(opt.seed),
  scale: Number(opt.scale),
  engine: { exitCode: engine.status, iterations: engineResult.iterations, seconds: engineResult.seconds, failures: engineResult.failures.length, maxMsPerInput: engineResult.maxMsPerInput, splitChecks: engineResult.splitChecks },
  properties: { exitCode: vitest.status, suites, summary, seconds: (Date.now() - t1) / 1000 },
  totalSeconds: (Date.now() - t0) / 1000,
};
const file = join(opt.out, `fuzz-${result.date.slice(0, 10)}.json`);
writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
console.log(`written ${file}`);
process.exitCode = engine.status === 0 && vitest.status === 0 ? 0 : 1;
