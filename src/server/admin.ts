/**
 * The admin listener (separate port, loopback by default, never proxied):
 * `GET /healthz` (the process is up), `GET /readyz` (it accepts traffic; 503
 * while starting or shutting down) and `GET /metrics` (Prometheus text).
 * Extra routes (dashboard, events) are registered by their owners.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AdminHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface AdminState {
  ready(): boolean;
  metrics(): Promise<{ contentType: string; body: string }>;
}

export class AdminServer {
  private readonly server: Server;
  private readonly routes = new Map<string, AdminHandler>();

  constructor(state: AdminState) {
    this.routes.set('/healthz', (_req, res) => json(res, 200, { status: 'ok' }));
    this.routes.set('/readyz', (_req, res) => (state.ready() ? json(res, 200, { status: 'ready' }) : json(res, 503, { status: 'not ready' })));
    this.routes.set('/metrics', async (_req, res) => {
      const m = await state.metrics();
      res.writeHead(200, { 'content-type': m.contentType, 'cache-control': 'no-store' });
      res.end(m.body);
    });
    this.server = createServer((req, res) => this.dispatch(req, res));
    this.server.keepAliveTimeout = 5000;
  }

  route(path: string, handler: AdminHandler): void {
    this.routes.set(path, handler);
  }

  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const handler = this.routes.get(path);
    if (!handler) return json(res, 404, { error: 'not found' });
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
    Promise.resolve(handler(req, res)).catch((err: Error) => {
      if (!res.headersSent) json(res, 500, { error: err.message });
      else res.destroy();
    });
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'cache-control': 'no-store' });
  res.end(payload);
}
