/**
 * The dashboard's routes on the admin listener: `/` (and /index.html),
 * `/dashboard.js`, `/dashboard.css`, `/favicon.svg`, `GET /api/stats` (snapshot, config
 * summary and counters as JSON, for polling) and `GET /api/events` (the same
 * pushed as server-sent events). When the static files are missing from the
 * install, the page routes answer 503 naming the missing directory.
 */
import type { ServerResponse } from 'node:http';
import type { AdminServer } from '../../server/admin.js';
import { SECURITY_HEADERS, type Asset } from './assets.js';
import { safeJson } from './safe-json.js';
import type { SseHub } from './sse.js';

export interface DashboardRoutes {
  readonly assets: Map<string, Asset> | null;
  /** Why the assets are missing (shown on the 503 page). */
  readonly missing: string;
  readonly stats: () => unknown;
  readonly hub: SseHub;
}

export function registerRoutes(admin: AdminServer, r: DashboardRoutes): void {
  const page = (name: string) => (_req: unknown, res: ServerResponse) => {
    const a = r.assets?.get(name);
    if (!a) return send(res, 503, 'text/plain; charset=utf-8', Buffer.from(`dashboard assets not installed: ${r.missing}\n`));
    send(res, 200, a.contentType, a.body);
  };
  admin.route('/', page('index.html'));
  admin.route('/index.html', page('index.html'));
  admin.route('/dashboard.js', page('dashboard.js'));
  admin.route('/dashboard.css', page('dashboard.css'));
  admin.route('/favicon.svg', page('favicon.svg'));
  admin.route('/api/stats', (_req, res) => send(res, 200, 'application/json; charset=utf-8', Buffer.from(safeJson(r.stats()))));
  admin.route('/api/events', (req, res) => r.hub.handle(req, res));
}

function send(res: ServerResponse, status: number, contentType: string, body: Buffer): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': contentType, 'content-length': body.length });
  res.end(body);
}
