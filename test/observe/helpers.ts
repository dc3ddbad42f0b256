/**
 * Helpers for the observability tests: a server-sent-events client that
 * waits for an event matching a predicate, JSON GETs on the admin listener,
 * waiting for audit files to hold what a test expects (fs.watch events, no
 * polling), and the attack payloads the tests send.
 */
import { existsSync, readFileSync, watch } from 'node:fs';
import { request, type IncomingMessage, type ClientRequest } from 'node:http';

export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  /** Everything received, as text (to check that no raw request data went out). */
  raw = '';
  private buf = '';
  private waiters: { pred: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void; reject: (err: Error) => void }[] = [];
  private constructor(
    private readonly req: ClientRequest,
    readonly res: IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      this.raw += d;
      this.buf += d;
      let end: number;
      while ((end = this.buf.indexOf('\n\n')) !== -1) {
        const block = this.buf.slice(0, end);
        this.buf = this.buf.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length === 0) continue;
        const e = { event, data: data.join('\n') };
        this.events.push(e);
        this.waiters = this.waiters.filter((w) => (w.pred(e) ? (w.resolve(e), false) : true));
      }
    });
    res.on('close', () => {
      for (const w of this.waiters.splice(0)) w.reject(new Error('event stream closed before the expected event'));
    });
  }

  static open(port: number, path = '/api/events'): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream' } }, (res) => resolve(new SseClient(req, res)));
      req.on('error', reject);
      req.end();
    });
  }

  /** The first event (already received or still to come) that satisfies `pred`. */
  waitFor(pred: (e: SseEvent) => boolean): Promise<SseEvent> {
    const found = this.events.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => this.waiters.push({ pred, resolve, reject }));
  }

  /** The first `stats` snapshot satisfying `pred`, parsed. */
  async waitForStats(pred: (s: Stats) => boolean): Promise<Stats> {
    const e = await this.waitFor((ev) => ev.event === 'stats' && pred(JSON.parse(ev.data) as Stats));
    return JSON.parse(e.data) as Stats;
  }

  close(): void {
    this.req.destroy();
  }
}

export interface Stats {
  totals: Record<'requests' | 'forwarded' | 'logged' | 'blocked' | 'refused' | 'findings', number>;
  series: { end: number; forwarded: number[]; logged: number[]; blocked: number[]; refused: number[] };
  topRules: { rule: string; family: string; count: number }[];
  topFamilies: { family: string; count: number }[];
  workers: { id: number; requests: number }[];
  latest: { requestId: string; method: string; path: string; rule: string; family: string; action: string; location: string; offset: number; excerpt: string; message: string; worker: number }[];
  dropped: { events: number; malformed: number };
  config?: Record<string, unknown>;
}

export interface Fetched {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function get(port: number, path: string, method = 'GET'): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Non-empty lines of each file (missing files: none). */
export function readLines(files: readonly string[]): string[][] {
  return files.map((f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter((l) => l !== '') : []));
}

/**
 * Resolves once the files in `dir` satisfy `pred`, re-reading them on every
 * change fs.watch reports (the watcher starts before the first read, so no
 * write can slip between them).
 */
export function waitForFiles(dir: string, files: readonly string[], pred: (lines: string[][]) => boolean): Promise<string[][]> {
  return new Promise((resolve) => {
    const w = watch(dir, () => check());
    const check = () => {
      const lines = readLines(files);
      if (pred(lines)) {
        w.close();
        resolve(lines);
      }
    };
    check();
  });
}

/** An XXE document; `extra` lands inside the internal subset (so in an excerpt). */
export function xxe(extra = ''): string {
  return `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">${extra}]><x>&e;</x>`;
}

export const XSS = '<img src=x onerror=alert(1)>';
