/**
 * End-to-end helpers: start the deliberately vulnerable example apps
 * (examples/vulnerable-apps/) as real processes on 127.0.0.1, compile the Java
 * app once per source version (classes cached in the temp directory), and
 * make their payloads with the apps' own tools. Synchronisation is on the
 * apps' JSON stdout lines ("listening", "request") and on HTTP requests that
 * succeed, never on sleeps.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const APPS = join(ROOT, 'examples', 'vulnerable-apps');
const PYTHON_DIR = join(APPS, 'python');
const JAVA_DIR = join(APPS, 'java');

/** One JSON line an app printed. */
export interface AppLine {
  event: string;
  method?: string;
  path?: string;
  bytes?: number;
  port?: number;
}

export interface AppProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  /** Every "request" line so far, in order. */
  readonly requests: AppLine[];
  readonly stderr: string[];
  /** Resolves with the first request line (already seen or future) at index >= `from` matching `pred`. */
  waitForRequest(pred: (l: AppLine) => boolean, from?: number): Promise<AppLine>;
  stop(): Promise<void>;
}

/** Start an app command; it must print a "listening" line and then answer GET /healthz with 200. */
export async function startApp(command: string, args: string[], env: Record<string, string> = { VULN_APP_LISTEN: '' }): Promise<AppProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const requests: AppLine[] = [];
  const stderr: string[] = [];
  const waiters: { pred: (l: AppLine) => boolean; from: number; resolve: (l: AppLine) => void }[] = [];
  let onListening: ((port: number) => void) | null = null;
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const text = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let line: AppLine;
      try {
        line = JSON.parse(text) as AppLine;
      } catch {
        continue;
      }
      if (line.event === 'listening' && typeof line.port === 'number') onListening?.(line.port);
      if (line.event !== 'request') continue;
      requests.push(line);
      const index = requests.length - 1;
      for (const w of waiters.splice(0)) {
        if (index >= w.from && w.pred(line)) w.resolve(line);
        else waiters.push(w);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${command} ${args.join(' ')} exited (${String(code)}) early; stderr: ${stderr.join('')}`);
  });
  exited.catch(() => undefined);
  const port = await Promise.race([new Promise<number>((resolve) => (onListening = resolve)), exited]);
  const url = `http://127.0.0.1:${port}`;
  // Ready means a request succeeds, not only a bound socket.
  const health = await fetch(`${url}/healthz`);
  if (health.status !== 200) throw new Error(`${url}/healthz answered ${health.status}`);
  return {
    child,
    port,
    url,
    requests,
    stderr,
    waitForRequest(pred, from = 0) {
      const found = requests.slice(from).find(pred);
      if (found) return Promise.resolve(found);
      return new Promise<AppLine>((resolve, reject) => {
        waiters.push({ pred, from, resolve });
        exited.catch(reject);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** The Python pickle app (python3, standard library only) on a free loopback port. */
export function startPythonApp(): Promise<AppProcess> {
  return startApp('python3', [join(PYTHON_DIR, 'app.py'), '--listen', '127.0.0.1:0']);
}

/** The Java app (ObjectInputStream + XXE) on a free loopback port, from classes built by {@link javaClasses}. */
export function startJavaApp(classes: string): Promise<AppProcess> {
  return startApp('java', ['-cp', join(classes, 'app'), 'demo.app.VulnApp', '--listen', '127.0.0.1:0']);
}

function javaSources(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  for (let guard = 0; stack.length > 0 && guard < 10_000; guard++) {
    const d = stack.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.java')) out.push(p);
    }
  }
  return out.sort();
}

/**
 * Compile the Java app (src/, its own classpath: `<dir>/app`) and the payload
 * tool (tools/, `<dir>/tools`, compiled against the app) with javac. The
 * result is cached in the temp directory under a hash of the sources.
 */
export function javaClasses(): string {
  const app = javaSources(join(JAVA_DIR, 'src'));
  const tools = javaSources(join(JAVA_DIR, 'tools'));
  const hash = createHash('sha256');
  for (const f of [...app, ...tools]) hash.update(relative(JAVA_DIR, f)).update('\0').update(readFileSync(f)).update('\0');
  const dir = join(tmpdir(), `deserwall-e2e-java-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(dir, 'complete'))) return dir;
  const work = mkdtempSync(join(tmpdir(), 'deserwall-e2e-javac-'));
  mkdirSync(join(work, 'app'));
  mkdirSync(join(work, 'tools'));
  execFileSync('javac', ['-nowarn', '-d', join(work, 'app'), ...app], { stdio: ['ignore', 'pipe', 'pipe'] });
  execFileSync('javac', ['-nowarn', '-cp', join(work, 'app'), '-d', join(work, 'tools'), ...tools], { stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(join(work, 'complete'), 'ok\n');
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another process cached it first
  }
  return dir;
}

/** A Java serialization stream from the payload tool: `['marker', PATH]` or `['dto']`. */
export function javaPayload(classes: string, args: string[]): Buffer {
  const cp = [join(classes, 'app'), join(classes, 'tools')].join(':');
  return execFileSync('java', ['-cp', cp, 'demo.tools.MakePayload', ...args], { maxBuffer: 1 << 20 });
}

/** A pickle from examples/vulnerable-apps/python/payloads.py: `['exploit', MARKER, proto]` or `['benign', proto]`. */
export function picklePayload(args: string[]): Buffer {
  return execFileSync('python3', [join(PYTHON_DIR, 'payloads.py'), ...args], { maxBuffer: 1 << 20 });
}

/** A fresh directory for marker files; each case takes its own path in it. */
export function markerDir(): string {
  return mkdtempSync(join(tmpdir(), 'deserwall-e2e-marker-'));
}
