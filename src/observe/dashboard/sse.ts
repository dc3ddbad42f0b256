/**
 * Server-sent events for the dashboard (`GET /api/events`): on connect the
 * config summary (`event: config`) and a snapshot (`event: stats`), then a
 * fresh snapshot after changes, at most one per minIntervalMs, and a comment
 * line as heartbeat. Bounded: at most maxClients streams; a client whose
 * socket buffer is over maxBufferedBytes is skipped until it catches up.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { json } from '../../server/admin.js';
import { SECURITY_HEADERS } from './assets.js';
import { safeJson } from './safe-json.js';

export interface SseOptions {
  readonly stats: () => unknown;
  readonly config: () => unknown;
  readonly maxClients?: number;
  readonly minIntervalMs?: number;
  readonly heartbeatMs?: number;
  readonly maxBufferedBytes?: number;
}

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private last = 0;
  private closed = false;
  private readonly maxClients: number;
  private readonly minIntervalMs: number;
  private readonly heartbeatMs: number;
  private readonly maxBufferedBytes: number;

  constructor(private readonly o: SseOptions) {
    this.maxClients = o.maxClients ?? 16;
    this.minIntervalMs = o.minIntervalMs ?? 250;
    this.heartbeatMs = o.heartbeatMs ?? 15_000;
    this.maxBufferedBytes = o.maxBufferedBytes ?? 512 * 1024;
  }

  get size(): number {
    return this.clients.size;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.closed) return json(res, 503, { error: 'shutting down' });
    if (this.clients.size >= this.maxClients) return json(res, 503, { error: 'too many dashboard streams' });
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    if (req.method === 'HEAD') return void res.end();
    this.clients.add(res);
    res.once('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopHeartbeat();
    });
    res.write(`retry: 2000\n\nevent: config\ndata: ${safeJson(this.o.config())}\n\nevent: stats\ndata: ${safeJson(this.o.stats())}\n\n`);
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => this.send(': ping\n\n'), this.heartbeatMs);
      this.heartbeat.unref();
    }
  }

  /** Something changed: push a snapshot soon (throttled). */
  notify(): void {
    if (this.closed || this.timer || this.clients.size === 0) return;
    const wait = Math.max(0, this.last + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.last = Date.now();
      this.send(`event: stats\ndata: ${safeJson(this.o.stats())}\n\n`);
    }, wait);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopHeartbeat();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private send(frame: string): void {
    for (const res of this.clients) {
      if (res.writableLength > this.maxBufferedBytes) continue;
      res.write(frame);
    }
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
