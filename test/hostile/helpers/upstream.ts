/**
 * The misbehaving upstream process (test/hostile/servers/upstream.mjs) as a
 * test object: what it received (requests with their connection ids, raw
 * bytes, connection opens and closes, aborted responses) and promises that
 * resolve on its IPC events, so tests wait for events instead of sleeping.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../servers/upstream.mjs', import.meta.url));

export interface HostileRequest {
  conn: number;
  seq: number;
  method: string;
  url: string;
  rawHeaders: string[];
  httpVersion: string;
  body: Buffer;
  trailers?: Record<string, string>;
}

export type UpstreamEvent = { type: string; conn?: number; url?: string; seq?: number } & Record<string, unknown>;

export class HostileUpstream {
  readonly events: UpstreamEvent[] = [];
  readonly requests: HostileRequest[] = [];
  readonly raw: Buffer[] = [];
  private waiters: { pred: (e: UpstreamEvent) => boolean; resolve: (e: UpstreamEvent) => void }[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  /** Fork the upstream on `port` (0: any free port) and wait until it listens. */
  static async start(port = 0): Promise<HostileUpstream> {
    const child = fork(SCRIPT, [String(port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const [msg] = (await once(child, 'message')) as [{ type: string; port: number }];
    const up = new HostileUpstream(child, msg.port);
    child.on('message', (m: UpstreamEvent & { body?: string; data?: string }) => {
      if (m.type === 'request') up.requests.push({ ...(m as unknown as HostileRequest), body: Buffer.from(m.body ?? '', 'base64') });
      if (m.type === 'raw') up.raw.push(Buffer.from(m.data ?? '', 'base64'));
      up.events.push(m);
      for (const w of up.waiters.splice(0)) {
        if (w.pred(m)) w.resolve(m);
        else up.waiters.push(w);
      }
    });
    return up;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get rawBytes(): Buffer {
    return Buffer.concat(this.raw);
  }

  /** Resolves with the first event (past or future) matching `pred`. */
  waitFor(pred: (e: UpstreamEvent) => boolean): Promise<UpstreamEvent> {
    const found = this.events.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error('upstream exited before the expected event'));
      this.child.once('exit', onExit);
      this.waiters.push({
        pred,
        resolve: (e) => {
          this.child.off('exit', onExit);
          resolve(e);
        },
      });
    });
  }

  /** Resolves once `n` complete requests were recorded. */
  waitForRequests(n: number): Promise<UpstreamEvent> {
    let seen = 0;
    return this.waitFor((e) => e.type === 'request' && ++seen >= n);
  }

  count(type: string): number {
    return this.events.filter((e) => e.type === type).length;
  }

  /** Release every held response / paused body. */
  async release(): Promise<void> {
    const before = this.count('released');
    this.child.send({ type: 'release' });
    let n = 0;
    await this.waitFor((e) => e.type === 'released' && ++n > before);
  }

  async mode(m: { resetReused: boolean }): Promise<void> {
    const before = this.count('mode-set');
    this.child.send({ type: 'mode', ...m });
    let n = 0;
    await this.waitFor((e) => e.type === 'mode-set' && ++n > before);
  }

  reset(): void {
    this.events.length = 0;
    this.requests.length = 0;
    this.raw.length = 0;
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await once(this.child, 'exit');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.send('close');
    await once(this.child, 'exit');
  }
}
