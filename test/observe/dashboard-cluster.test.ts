/**
 * Cluster mode (`--workers 2`): the workers send their request events to the
 * primary over IPC and the primary's dashboard (/api/stats, /api/events)
 * sums both workers' requests; each worker writes its own audit file
 * (audit.w1.log, audit.w2.log) with its slot in every record. The primary's
 * /metrics sums the workers' Prometheus counters.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFor, startProxy, Upstream, type ProxyProcess } from '../helpers/processes.js';
import { rawRequest, req } from '../helpers/raw.js';
import { get, SseClient, waitForFiles, xxe, type Stats } from './helpers.js';

let upstream: Upstream;
let proxy: ProxyProcess;
let admin: number;
let dir: string;

beforeAll(async () => {
  upstream = await Upstream.start();
  dir = mkdtempSync(join(tmpdir(), 'dw-cluster-'));
  proxy = await startProxy(configFor(upstream.url, `logging: { level: warn }\naudit: { enabled: true, destination: ${JSON.stringify(join(dir, 'audit.log'))} }`), ['--workers', '2']);
  // Both workers listen, and the primary runs the admin listener.
  await proxy.waitForLog(() => new Set(proxy.logs.filter((l) => l.msg === 'deserwall listening').map((l) => l.pid)).size >= 2);
  const primary = await proxy.waitForLog((l) => l.msg === 'deserwall primary started');
  admin = Number(String(primary.admin).split(':').pop());
}, 60_000);
afterAll(async () => {
  await proxy?.stop();
  await upstream?.stop();
});

describe('cluster-wide dashboard', () => {
  it("sums both workers' requests and findings in /api/stats", async () => {
    const sse = await SseClient.open(admin);
    try {
      const cfg = JSON.parse((await sse.waitFor((e) => e.event === 'config')).data) as { workers: string };
      expect(cfg.workers).toBe('2');
      // One connection per request: the cluster hands connections to the workers in turn.
      const benign = 10;
      const attacks = 4;
      for (let i = 0; i < benign; i++) {
        const r = await rawRequest(proxy.port, req(['GET /ok HTTP/1.1', 'Host: app.test', 'Connection: close'], ''));
        expect(r.responses[0]?.status).toBe(200);
      }
      const body = xxe();
      for (let i = 0; i < attacks; i++) {
        const r = await rawRequest(proxy.port, req(['POST /x HTTP/1.1', 'Host: app.test', `X-Request-Id: cluster-${i}`, 'Connection: close', 'Content-Type: application/xml', `Content-Length: ${body.length}`], body));
        expect(r.responses[0]?.status).toBe(403);
      }
      const total = benign + attacks;
      const live = await sse.waitForStats((s) => s.totals.requests >= total);
      expect(live.totals).toMatchObject({ requests: total, forwarded: benign, blocked: attacks });

      const stats = JSON.parse((await get(admin, '/api/stats')).body) as Stats;
      expect(stats.totals.requests).toBe(total);
      expect(stats.workers.map((w) => w.id)).toEqual([1, 2]);
      for (const w of stats.workers) expect(w.requests).toBeGreaterThan(0);
      expect(stats.workers.reduce((a, w) => a + w.requests, 0)).toBe(total);
      expect(stats.topRules.find((r) => r.rule === 'DW-XML-001')?.count).toBe(attacks);
      expect(new Set(stats.latest.map((f) => f.requestId))).toEqual(new Set(['cluster-0', 'cluster-1', 'cluster-2', 'cluster-3']));
      expect(stats.dropped).toEqual({ events: 0, malformed: 0 });

      // Each worker wrote its own audit file; together they hold every attack once.
      const files = [join(dir, 'audit.w1.log'), join(dir, 'audit.w2.log')];
      const lines = await waitForFiles(dir, files, (l) => l[0]!.length + l[1]!.length >= attacks);
      const ids: string[] = [];
      lines.forEach((fileLines, i) => {
        for (const l of fileLines) {
          const r = JSON.parse(l) as { worker: number; requestId: string };
          expect(r.worker).toBe(i + 1);
          ids.push(r.requestId);
        }
      });
      expect(ids.sort()).toEqual(['cluster-0', 'cluster-1', 'cluster-2', 'cluster-3']);

      // Prometheus: the primary asks every worker for its registry and sums the counters.
      const metrics = await get(admin, '/metrics');
      expect(metrics.status).toBe(200);
      const sample = (name: string): number =>
        metrics.body
          .split('\n')
          .filter((l) => l.startsWith(name))
          .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      expect(sample('deserwall_requests_total{')).toBe(total);
      expect(sample('deserwall_requests_total{route="default",action="blocked"}')).toBe(attacks);
      expect(sample('deserwall_findings_total{family="xml",rule="DW-XML-001",action="blocked"}')).toBe(attacks);
    } finally {
      sse.close();
    }
  });
});
