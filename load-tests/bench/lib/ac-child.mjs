// The load generator process: runs autocannon (programmatic API) on request
// of the parent over IPC, so it can be pinned to its own CPU and its CPU time
// measured. Message {type:'run', url, workload, connections, duration,
// workers} → reply {type:'result', ...summary}. Bodies are rebuilt here from
// the workload name (same seeds as the parent).
import autocannon from 'autocannon';
import { workloadByName } from './bodies.mjs';

const cache = new Map();

function workload(name) {
  if (!cache.has(name)) cache.set(name, workloadByName(name));
  return cache.get(name);
}

function summary(r) {
  return {
    type: 'result',
    duration: r.duration,
    requests: r.requests.total,
    reqPerSec: r.requests.total / r.duration,
    latencyP50: r.latency.p50,
    latencyP99: r.latency.p99,
    latencyMean: r.latency.average,
    respBytesPerSec: r.throughput.average,
    status2xx: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    resets: r.resets,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
  };
}

process.on('message', async (m) => {
  if (m === 'close') process.exit(0);
  if (!m || m.type !== 'run') return;
  const w = workload(m.workload);
  try {
    const r = await autocannon({
      url: m.url + w.path,
      method: w.method,
      headers: w.headers,
      ...(w.body ? { body: w.body } : {}),
      connections: m.connections,
      pipelining: 1,
      duration: m.duration,
      timeout: 30,
      ...(m.workers ? { workers: m.workers } : {}),
    });
    process.send(summary(r));
  } catch (err) {
    process.send({ type: 'result', error: String(err && err.message ? err.message : err) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'listening', port: 0 });
