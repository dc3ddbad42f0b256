/**
 * The dashboard's HTTP side on the admin listener of the built proxy (a real
 * process, a recording upstream): the page and its assets with a strict CSP,
 * /api/stats (JSON) and /api/events (server-sent events) shapes, live updates
 * after real requests through the proxy, and that no raw request data leaves:
 * markup in paths and excerpts arrives escaped (\u003c), secrets, query
 * strings and body bytes outside the excerpt never appear at all.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFor, startProxy, Upstream, type ProxyProcess } from '../helpers/processes.js';
import { rawRequest, req } from '../helpers/raw.js';
import { get, SseClient, xxe, XSS, type Stats } from './helpers.js';

let upstream: Upstream;
let proxy: ProxyProcess;
let admin: number;

beforeAll(async () => {
  upstream = await Upstream.start();
  const dir = mkdtempSync(join(tmpdir(), 'dw-dash-'));
  proxy = await startProxy(
    configFor(
      upstream.url,
      `logging: { level: warn }
audit: { enabled: true, destination: ${JSON.stringify(join(dir, 'audit.log'))} }
policies:
  uploads: { description: "file uploads", families: { pickle: log } }
routes:
  - name: uploads
    match: { path: /uploads/ }
    policy: uploads`,
    ),
  );
  admin = proxy.adminPort!;
});
afterAll(async () => {
  await proxy?.stop();
  await upstream?.stop();
});

describe('dashboard page and assets', () => {
  it('serves index.html, dashboard.js, dashboard.css and the icon with a strict content security policy', async () => {
    const page = await get(admin, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('<canvas id="chart"');
    expect(page.body).toContain('src="dashboard.js"');
    // No inline script, no external resource.
    expect(page.body).not.toMatch(/<script>(?!<\/script>)/);
    expect(page.body).not.toMatch(/https?:\/\//);

    const js = await get(admin, '/dashboard.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function']) expect(js.body).not.toContain(sink);
    expect(js.body).toContain('textContent');

    const css = await get(admin, '/dashboard.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const icon = await get(admin, '/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');

    expect((await get(admin, '/index.html')).body).toBe(page.body);
    const head = await get(admin, '/', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await get(admin, '/', 'POST')).status).toBe(405);
    expect((await get(admin, '/api/nope')).status).toBe(404);
  });
});

describe('live data', () => {
  it('streams config and stats, updates after real requests, and never sends raw request data', async () => {
    const sse = await SseClient.open(admin);
    try {
      expect(sse.res.statusCode).toBe(200);
      expect(sse.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      const cfgEvent = await sse.waitFor((e) => e.event === 'config');
      const cfg = JSON.parse(cfgEvent.data) as Record<string, unknown> & { routes: { name: string; policy: string; path: string }[]; policies: { name: string; families: Record<string, string> }[] };
      expect(cfg).toMatchObject({ mode: 'block', upstream: `${upstream.url}/`, workers: '1', listen: `127.0.0.1:${proxy.port}`, audit: { enabled: true } });
      expect(cfg.routes).toContainEqual(expect.objectContaining({ name: 'uploads', policy: 'uploads', path: '/uploads/' }));
      expect(cfg.policies.find((p) => p.name === 'uploads')!.families.pickle).toBe('log');
      const first = await sse.waitForStats(() => true);
      const base = first.totals;

      // A benign request, then an attack whose path and excerpt carry markup and whose
      // headers, query and body carry secrets that must not reach the dashboard.
      const ok = await rawRequest(proxy.port, req(['GET /ping HTTP/1.1', 'Host: app.test', 'Content-Length: 0'], ''));
      expect(ok.responses[0]?.status).toBe(200);
      const body = `${xxe(`${XSS}\x1b[2J`)}<!--${'.'.repeat(200)} BODYSECRET -->`;
      const attack = await rawRequest(
        proxy.port,
        req(
          [
            `POST /${XSS.replaceAll(' ', '/')}?token=QUERYSECRET HTTP/1.1`,
            'Host: app.test',
            'X-Request-Id: dash-attack-1',
            'Authorization: Bearer HEADERSECRET',
            'Content-Type: application/xml',
            `Content-Length: ${body.length}`,
          ],
          body,
        ),
      );
      expect(attack.responses[0]?.status).toBe(403);

      const s = await sse.waitForStats((x) => x.totals.requests >= base.requests + 2 && x.latest.some((f) => f.requestId === 'dash-attack-1'));
      expect(s.totals.forwarded).toBe(base.forwarded + 1);
      expect(s.totals.blocked).toBe(base.blocked + 1);
      expect(s.series.blocked.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
      expect(s.topFamilies.map((f) => f.family)).toContain('xml');
      expect(s.topRules.map((r) => r.rule)).toContain('DW-XML-001');
      const rows = s.latest.filter((f) => f.requestId === 'dash-attack-1');
      expect(rows.map((r) => r.rule)).toEqual(expect.arrayContaining(['DW-XML-001', 'DW-XML-006']));
      for (const r of rows) expect(r).toMatchObject({ method: 'POST', path: `/${XSS.replaceAll(' ', '/')}`, action: 'blocked', family: 'xml', location: 'body' });
      expect(rows.map((r) => r.excerpt)).toContain(`${XSS}\\x1b[2J`);

      // On the wire: markup only as \u003c...\u003e, no control bytes, no secrets.
      const stats = await get(admin, '/api/stats');
      expect(stats.status).toBe(200);
      expect(stats.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(stats.headers['x-content-type-options']).toBe('nosniff');
      for (const wire of [sse.raw, stats.body]) {
        expect(wire).toContain('\\u003cimg src=x onerror=alert(1)\\u003e');
        expect(wire).not.toContain('<img');
        expect(wire).not.toContain('\x1b');
        for (const secret of ['HEADERSECRET', 'QUERYSECRET', 'BODYSECRET', 'token=']) expect(wire).not.toContain(secret);
      }
      const polled = JSON.parse(stats.body) as Stats;
      expect(polled.totals.requests).toBeGreaterThanOrEqual(s.totals.requests);
      expect(polled.config).toMatchObject({ mode: 'block' });
      expect(polled.workers).toEqual([{ id: 0, requests: polled.totals.requests }]);
    } finally {
      sse.close();
    }
  });

  it('counts the audit records it writes on /metrics', async () => {
    const m = await get(admin, '/metrics');
    expect(m.body).toMatch(/deserwall_audit_records_total\{result="written"\} [1-9]/);
  });
});

describe('dashboard switched off', () => {
  it('serves no page when admin.dashboard is false, but health and metrics stay', async () => {
    const p = await startProxy(configFor(upstream.url, 'logging: { level: warn }\nadmin: { dashboard: false }'));
    try {
      expect((await get(p.adminPort!, '/')).status).toBe(404);
      expect((await get(p.adminPort!, '/api/stats')).status).toBe(404);
      expect((await get(p.adminPort!, '/healthz')).status).toBe(200);
    } finally {
      await p.stop();
    }
  });
});

// The assets on disk are the ones served (a packaging check: static/ ships with the package).
describe('assets on disk', () => {
  it('are plain files without any CDN reference', () => {
    for (const f of ['index.html', 'dashboard.js', 'dashboard.css']) {
      const text = readFileSync(new URL(`../../static/dashboard/${f}`, import.meta.url), 'utf8');
      expect(text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    }
  });
});
