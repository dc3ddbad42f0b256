// Optional cross-check of the load generator with wrk (Debian package wrk):
// runs `wrk -t1 -c50` pinned like autocannon on one workload and returns the
// same summary fields. Used only when wrk is installed and --wrk is given;
// the benchmark never depends on it.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTaskset } from './sys.mjs';

export function hasWrk() {
  return ['/usr/bin/wrk', '/usr/local/bin/wrk'].some((p) => existsSync(p));
}

function luaString(s) {
  return `"${[...s].map((c) => (/[A-Za-z0-9 _.,:;/{}\[\]=+-]/.test(c) ? c : `\\${String(c.charCodeAt(0)).padStart(3, "0")}`)).join('')}"`;
}

/** Runs wrk against `url` with workload `w` for `duration` s; resolves a summary like ac-child's. */
export function runWrk({ url, w, connections, duration, cpus }) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-wrk-'));
  const bodyFile = join(dir, 'body.bin');
  if (w.body) writeFileSync(bodyFile, w.body);
  const lua = [
    `wrk.method = "${w.method}"`,
    ...Object.entries(w.headers).map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(String(v))}`),
    w.body ? `local f = io.open(${luaString(bodyFile)}, "rb"); wrk.body = f:read("*all"); f:close()` : '',
    'function done(summary, latency, requests)',
    '  io.write(string.format("WRKJSON {\\"requests\\":%d,\\"duration_us\\":%d,\\"p50_us\\":%d,\\"p99_us\\":%d,\\"mean_us\\":%f,\\"non2xx\\":%d,\\"errors\\":%d,\\"bytes\\":%d}\\n",',
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean, summary.errors.status,',
    '    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.bytes))',
    'end',
  ].join('\n');
  const script = join(dir, 'bench.lua');
  writeFileSync(script, lua);
  const args = ['-t1', `-c${connections}`, `-d${duration}s`, '--timeout', '30s', '-s', script, url + w.path];
  const [cmd, argv] = cpus && hasTaskset() ? ['taskset', ['-c', cpus, 'wrk', ...args]] : ['wrk', args];
  return new Promise((resolve) => {
    execFile(cmd, argv, { encoding: 'utf8', timeout: (duration + 60) * 1000 }, (err, stdout) => {
      const m = /WRKJSON (\{.*\})/.exec(stdout ?? '');
      if (!m) return resolve({ error: `wrk failed: ${err ? err.message : stdout}` });
      const j = JSON.parse(m[1]);
      const secs = j.duration_us / 1e6;
      resolve({
        duration: secs,
        requests: j.requests,
        reqPerSec: j.requests / secs,
        latencyP50: j.p50_us / 1000,
        latencyP99: j.p99_us / 1000,
        latencyMean: j.mean_us / 1000,
        respBytesPerSec: j.bytes / secs,
        non2xx: j.non2xx,
        errors: j.errors,
        timeouts: 0,
      });
    });
  });
}
