/**
 * Limits and faults with real processes: bodies over the limit (413, nothing
 * forwarded), slow bodies (408), upstream refused (502) or silent (504) or
 * dying mid-response, a client that aborts mid-body, graceful shutdown with a
 * request in flight, and the admin endpoints.
 */
import { connect } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configFor, startProxy, Upstream, type ProxyProcess } from '../helpers/processes.js';
import { chunked, rawRequest, req } from '../helpers/raw.js';

let upstream: Upstream;
let proxy: ProxyProcess;

const CONFIG = `
logging: { level: info }
limits: { maxBodyBytes: 65536 }
timeouts: { bodyIdleMs: 500, upstreamHeadersMs: 800, upstreamConnectMs: 500 }
`;

beforeAll(async () => {
  upstream = await Upstream.start();
  proxy = await startProxy(configFor(upstream.url, CONFIG));
});
afterAll(async () => {
  await proxy?.stop();
  await upstream?.stop();
});
beforeEach(() => upstream.reset());

const H = 'Host: app.test';

describe('limits', () => {
  it('C2: a Content-Length over maxBodyBytes gets 413 and nothing is forwarded', async () => {
    const body = Buffer.alloc(65537, 0x61);
    const r = await rawRequest(proxy.port, req(['POST /big HTTP/1.1', H, 'Content-Type: text/plain', `Content-Length: ${body.length}`], body), { untilClose: true });
    expect(r.responses[0]?.status).toBe(413);
    expect(JSON.parse(r.responses[0]!.body.toString()).code).toBe('DW_ERR_BODY_TOO_LARGE');
    expect(upstream.requests).toEqual([]);
  });

  it('C2: a chunked body that grows over maxBodyBytes gets 413 and nothing is forwarded', async () => {
    const body = Buffer.alloc(65537, 0x62);
    const r = await rawRequest(proxy.port, req(['POST /big HTTP/1.1', H, 'Content-Type: text/plain', 'Transfer-Encoding: chunked'], chunked(body, [4096])), { untilClose: true });
    expect(r.responses[0]?.status).toBe(413);
    expect(upstream.requests).toEqual([]);
  });

  it('a body of exactly maxBodyBytes is forwarded', async () => {
    const body = Buffer.alloc(65536, 0x63);
    const r = await rawRequest(proxy.port, req(['POST /edge HTTP/1.1', H, 'Content-Type: text/plain', `Content-Length: ${body.length}`], body));
    expect(r.responses[0]?.status).toBe(200);
    await upstream.waitFor(1);
    expect(upstream.requests[0]!.body.length).toBe(65536);
  });

  it('a body that stalls longer than bodyIdleMs gets 408 and the upstream sees nothing', async () => {
    const r = await rawRequest(proxy.port, Buffer.alloc(0), {
      pieces: [Buffer.from(`POST /slow HTTP/1.1\r\n${H}\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nonly-part`)],
      untilClose: true,
      timeoutMs: 4000,
    });
    expect(r.responses[0]?.status).toBe(408);
    expect(upstream.requests).toEqual([]);
  });
});

describe('upstream faults', () => {
  it('E2: an upstream that never answers gets 504', async () => {
    const r = await rawRequest(proxy.port, req(['GET /hang HTTP/1.1', H, 'X-Test-Behaviour: slow-headers']), { timeoutMs: 5000 });
    expect(r.responses[0]?.status).toBe(504);
    expect(JSON.parse(r.responses[0]!.body.toString()).code).toBe('DW_ERR_UPSTREAM_TIMEOUT');
  });

  it('E3: an upstream that resets before answering gets 502 (POST is not retried)', async () => {
    const r = await rawRequest(proxy.port, req(['POST /reset HTTP/1.1', H, 'Content-Type: text/plain', 'Content-Length: 2', 'X-Test-Behaviour: reset'], 'hi'), { timeoutMs: 5000 });
    expect(r.responses[0]?.status).toBe(502);
    expect(upstream.requests.filter((x) => x.url === '/reset')).toHaveLength(1);
  });

  it('E4: an upstream that dies mid-response: the client connection is cut, not completed', async () => {
    const r = await rawRequest(proxy.port, req(['GET /mid HTTP/1.1', H, 'X-Test-Behaviour: reset-mid']), { untilClose: true, timeoutMs: 5000 });
    expect(r.raw.toString('latin1')).toMatch(/^HTTP\/1\.1 200/);
    // Announced 100000 bytes, got far fewer: the proxy closed instead of pretending the body was complete.
    expect(r.responses).toEqual([]);
    expect(r.closed).toBe(true);
  });

  it('E6: a client that sends half the body and disconnects: nothing reaches the upstream, the proxy keeps serving', async () => {
    const s = connect(proxy.port, '127.0.0.1');
    await once(s, 'connect');
    s.write(`POST /half HTTP/1.1\r\n${H}\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(400)}`);
    s.destroy();
    const line = await proxy.waitForLog((l) => l.type === 'access' && l.path === '/half');
    expect(line.status).toBe(499);
    const r = await rawRequest(proxy.port, req(['GET /after HTTP/1.1', H]));
    expect(r.responses[0]?.status).toBe(200);
    expect(upstream.requests.map((x) => x.url)).toEqual(['/after']);
  });
});

describe('upstream down', () => {
  it('E1: a refused upstream connection gets 502 with a JSON body', async () => {
    const down = await startProxy('upstream: http://127.0.0.1:1\nlogging: { level: warn }\n');
    try {
      const r = await rawRequest(down.port, req(['GET / HTTP/1.1', H]));
      expect(r.responses[0]?.status).toBe(502);
      const body = JSON.parse(r.responses[0]!.body.toString());
      expect(body.code).toBe('DW_ERR_UPSTREAM_REFUSED');
      expect(body.requestId).toBeTruthy();
    } finally {
      await down.stop();
    }
  });

  it('F4: upstream credentials never appear in logs', async () => {
    const down = await startProxy('upstream: http://user:s3cret@127.0.0.1:1\n');
    try {
      await rawRequest(down.port, req(['GET / HTTP/1.1', H]));
      await down.waitForLog((l) => l.type === 'access');
      expect(JSON.stringify(down.logs)).not.toContain('s3cret');
    } finally {
      await down.stop();
    }
  });
});

describe('admin and lifecycle', () => {
  it('serves /healthz and /readyz on the admin listener, never proxied', async () => {
    const h = await rawRequest(proxy.adminPort!, req(['GET /healthz HTTP/1.1', 'Host: admin']));
    expect(h.responses[0]?.status).toBe(200);
    expect(JSON.parse(h.responses[0]!.body.toString()).status).toBe('ok');
    const r = await rawRequest(proxy.adminPort!, req(['GET /readyz HTTP/1.1', 'Host: admin']));
    expect(r.responses[0]?.status).toBe(200);
    const p = await rawRequest(proxy.port, req(['GET /healthz HTTP/1.1', H]));
    expect(p.responses[0]?.status).toBe(200);
    await upstream.waitFor(1);
    expect(upstream.requests[0]!.url).toBe('/healthz');
  });

  it('SIGTERM lets an in-flight request finish, then exits 0', async () => {
    const local = await startProxy(configFor(upstream.url, 'logging: { level: debug }\ntimeouts: { upstreamHeadersMs: 5000, shutdownGraceMs: 5000 }'));
    const s = connect(local.port, '127.0.0.1');
    await once(s, 'connect');
    // A request whose body arrives in two parts: in flight when SIGTERM arrives.
    s.write(`POST /inflight HTTP/1.1\r\n${H}\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nhello`);
    const chunks: Buffer[] = [];
    s.on('data', (d) => chunks.push(d));
    await local.waitForLog((l) => l.msg === 'request received' && l.path === '/inflight');
    local.child.kill('SIGTERM');
    await local.waitForLog((l) => l.msg === 'shutting down: finishing in-flight requests');
    s.write('world');
    const [code] = (await once(local.child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(Buffer.concat(chunks).toString('latin1')).toMatch(/^HTTP\/1\.1 200/);
    expect(upstream.requests.find((x) => x.url === '/inflight')?.body.toString()).toBe('helloworld');
  });
});
