/**
 * Test helpers that start real processes on 127.0.0.1: a recording upstream
 * (test/fixtures/servers/upstream.mjs) and the built proxy (`node dist/cli.js
 * serve`). Synchronisation is by events (IPC messages, log lines), never by
 * sleeping.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'dist', 'cli.js');

export interface RecordedRequest {
  method: string;
  url: string;
  rawHeaders: string[];
  httpVersion: string;
  body: Buffer;
  trailers: Record<string, string>;
}

export class Upstream {
  readonly requests: RecordedRequest[] = [];
  readonly raw: Buffer[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<Upstream> {
    const child = fork(join(ROOT, 'test/fixtures/servers/upstream.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const [msg] = (await once(child, 'message')) as [{ type: string; port: number }];
    const up = new Upstream(child, msg.port);
    child.on('message', (m: { type: string; data?: string } & Partial<RecordedRequest> & { body?: string }) => {
      if (m.type === 'request') {
        up.requests.push({ ...(m as unknown as RecordedRequest), body: Buffer.from(m.body as unknown as string, 'base64') });
        up.waiters = up.waiters.filter((w) => (up.requests.length >= w.n ? (w.resolve(), false) : true));
      } else if (m.type === 'raw') {
        up.raw.push(Buffer.from(m.data!, 'base64'));
      }
    });
    return up;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resolves once `n` requests in total have been recorded. */
  waitFor(n: number): Promise<void> {
    if (this.requests.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  get rawBytes(): Buffer {
    return Buffer.concat(this.raw);
  }

  /** Everything the upstream recorded so far is dropped (between test cases). */
  reset(): void {
    this.requests.length = 0;
    this.raw.length = 0;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.send('close');
    await once(this.child, 'exit');
  }
}

export interface ProxyProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly adminPort: number | null;
  /** Parsed JSON log lines so far. */
  readonly logs: Record<string, unknown>[];
  readonly stderr: string[];
  waitForLog(pred: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start `deserwall serve` with a YAML config (written to a temp file) and extra flags. */
export async function startProxy(configYaml: string, args: string[] = [], env: Record<string, string> = {}): Promise<ProxyProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'dw-test-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, configYaml);
  const child = spawn(process.execPath, [CLI, 'serve', '--config', file, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        const l = JSON.parse(line) as Record<string, unknown>;
        logs.push(l);
        for (const w of waiters.splice(0)) {
          if (w.pred(l)) w.resolve(l);
          else waiters.push(w);
        }
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
  const waitForLog = (pred: (l: Record<string, unknown>) => boolean) => {
    const found = logs.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`proxy exited (${code}) before the expected log line; stderr: ${stderr.join('')}`));
      child.once('exit', onExit);
      waiters.push({
        pred,
        resolve: (l) => {
          child.off('exit', onExit);
          resolve(l);
        },
      });
    });
  };
  const started = await waitForLog((l) => l.msg === 'deserwall listening');
  const port = Number(String(started.listen).split(':').pop());
  const adminPort = started.admin ? Number(String(started.admin).split(':').pop()) : null;
  return {
    child,
    port,
    adminPort,
    logs,
    stderr,
    waitForLog,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

/** Minimal config pointing at an upstream, with quiet logging overrides applied by the caller. */
export function configFor(upstreamUrl: string, extra = ''): string {
  return `upstream: ${upstreamUrl}\n${extra}\n`;
}
