// Starts the benchmark's processes on 127.0.0.1, optionally pinned to CPUs
// with taskset: node children that report {type:'listening'} over IPC (the
// upstream, the pass-through peers, the autocannon runner) and the built
// proxy (`node dist/cli.js serve`), whose readiness is its
// "deserwall listening" log line. Nothing waits on timers.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasTaskset } from './sys.mjs';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BENCH = join(ROOT, 'load-tests', 'bench');

function command(cpus, args) {
  return cpus && hasTaskset() ? ['taskset', ['-c', cpus, process.execPath, ...args]] : [process.execPath, args];
}

function exitError(child, what) {
  return new Promise((_, reject) => child.once('exit', (code, sig) => reject(new Error(`${what} exited (${code ?? sig}) before it was ready`))));
}

/** A node script with an IPC channel; resolves once it sent {type:'listening'}. */
export async function startNode(script, args = [], { cpus = null, env = {} } = {}) {
  const [cmd, argv] = command(cpus, [script, ...args]);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
  const ready = new Promise((resolve) => {
    const on = (m) => {
      if (m && m.type === 'listening') {
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
  });
  const msg = await Promise.race([ready, exitError(child, script)]);
  return {
    child,
    pid: child.pid,
    port: msg.port,
    url: msg.port ? `http://127.0.0.1:${msg.port}` : null,
    request(message, type) {
      const reply = new Promise((resolve) => {
        const on = (m) => {
          if (m && m.type === type) {
            child.off('message', on);
            resolve(m);
          }
        };
        child.on('message', on);
      });
      child.send(message);
      return Promise.race([reply, exitError(child, script)]);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = once(child, 'exit');
      if (child.connected) child.send('close');
      else child.kill('SIGTERM');
      await gone;
    },
  };
}

/** A free loopback TCP port (bound then released). */
export async function freePort() {
  const s = net.createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  await once(s, 'close');
  return port;
}

/**
 * Starts `node dist/cli.js serve` with a YAML config. Resolves when every
 * worker logged "deserwall listening". stdout keeps being drained; with
 * `collect` the JSON lines are parsed and kept (for the replay checks).
 * `nodeArgs` go to node before the script (e.g. --cpu-prof for a profile).
 */
export async function startDeserwall({ configYaml, cpus = null, workers = 1, collect = false, nodeArgs = [] }) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, configYaml);
  const port = await freePort();
  const [cmd, argv] = command(cpus, [...nodeArgs, join(ROOT, 'dist', 'cli.js'), 'serve', '--config', file, '--listen', `127.0.0.1:${port}`, '--admin', '127.0.0.1:0', '--workers', String(workers)]);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs = [];
  const stderr = [];
  let lines = 0;
  let listening = 0;
  let buf = '';
  let onReady;
  const ready = new Promise((r) => (onReady = r));
  child.stderr.setEncoding('utf8').on('data', (d) => stderr.length < 200 && stderr.push(d));
  child.stdout.setEncoding('utf8').on('data', (d) => {
    if (listening >= workers && !collect) {
      // Ready and not collecting: only count lines, parse nothing.
      for (let i = d.indexOf('\n'); i !== -1; i = d.indexOf('\n', i + 1)) lines++;
      return;
    }
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines++;
      let l;
      try {
        l = JSON.parse(line);
      } catch {
        continue;
      }
      if (collect) logs.push(l);
      if (l.msg === 'deserwall listening' && ++listening === workers) onReady(l);
    }
  });
  const started = await Promise.race([ready, exitError(child, `deserwall (${stderr.join('')})`)]);
  return {
    child,
    pid: child.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    admin: started.admin,
    logs,
    get lines() {
      return lines;
    },
    stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await gone;
      return code;
    },
  };
}

/** One request with undici; resolves {status, headers, body}. */
export async function fetchOnce(url, { method = 'GET', headers = {}, body = null } = {}) {
  const { request } = await import('undici');
  const r = await request(url, { method, headers, body });
  const chunks = [];
  for await (const c of r.body) chunks.push(c);
  return { status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks) };
}
