/**
 * Benign traffic reaches the upstream byte for byte, re-framed with an exact
 * Content-Length, with hop-by-hop headers stripped and X-Forwarded-* set.
 * Real processes on 127.0.0.1: the built proxy and a recording upstream.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configFor, startProxy, Upstream, type ProxyProcess } from '../helpers/processes.js';
import { chunked, rawRequest, req } from '../helpers/raw.js';

let upstream: Upstream;
let proxy: ProxyProcess;

beforeAll(async () => {
  upstream = await Upstream.start();
  proxy = await startProxy(configFor(upstream.url, 'logging: { level: warn }\nlimits: { maxBodyBytes: 2097152 }'));
});
afterAll(async () => {
  await proxy?.stop();
  await upstream?.stop();
});
beforeEach(() => upstream.reset());

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + 7) & 0xff;
  return b;
}

const bodies: [string, Buffer][] = [
  ['empty', Buffer.alloc(0)],
  ['1 byte', Buffer.from('x')],
  ['every byte value 0x00-0xFF', allBytes],
  ['1 MiB binary', pattern(1024 * 1024)],
  ['limit-sized (2 MiB)', pattern(2 * 1024 * 1024)],
];

describe('benign bodies are forwarded byte for byte', () => {
  for (const [name, body] of bodies) {
    it(`${name}, with Content-Length`, async () => {
      const r = await rawRequest(proxy.port, req(['POST /upload HTTP/1.1', 'Host: app.test', 'Content-Type: application/octet-stream', `Content-Length: ${body.length}`], body));
      expect(r.responses[0]?.status).toBe(200);
      await upstream.waitFor(1);
      const got = upstream.requests[0]!;
      expect(got.body.equals(body)).toBe(true);
      expect(header(got.rawHeaders, 'content-length')).toBe(String(body.length));
    });

    it(`${name}, chunked in odd chunk sizes`, async () => {
      const r = await rawRequest(proxy.port, req(['POST /upload HTTP/1.1', 'Host: app.test', 'Content-Type: application/octet-stream', 'Transfer-Encoding: chunked'], chunked(body, [1, 7, 3, 4096, 13])));
      expect(r.responses[0]?.status).toBe(200);
      await upstream.waitFor(1);
      const got = upstream.requests[0]!;
      expect(got.body.equals(body)).toBe(true);
      // Re-framed: the upstream gets an exact Content-Length, never the client's chunking.
      expect(header(got.rawHeaders, 'transfer-encoding')).toBeUndefined();
      expect(header(got.rawHeaders, 'content-length')).toBe(String(body.length));
    });
  }

  it('keeps end-to-end headers and their order, strips hop-by-hop ones and those named in Connection', async () => {
    const r = await rawRequest(
      proxy.port,
      req(
        [
          'POST /api/items?x=1 HTTP/1.1',
          'Host: app.test',
          'X-First: 1',
          'Connection: keep-alive, X-Hop',
          'X-Hop: secret-hop',
          'Keep-Alive: timeout=5',
          'Proxy-Connection: keep-alive',
          'TE: trailers',
          'Content-Type: application/json',
          'X-Last: 2',
          'Content-Length: 2',
        ],
        '{}',
      ),
    );
    expect(r.responses[0]?.status).toBe(200);
    await upstream.waitFor(1);
    const got = upstream.requests[0]!;
    expect(got.url).toBe('/api/items?x=1');
    const names = got.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names).not.toContain('x-hop');
    expect(names).not.toContain('keep-alive');
    expect(names).not.toContain('proxy-connection');
    expect(names).not.toContain('te');
    expect(names.indexOf('x-first')).toBeLessThan(names.indexOf('x-last'));
    expect(header(got.rawHeaders, 'host')).toBe('app.test');
    expect(header(got.rawHeaders, 'x-forwarded-for')).toBe('127.0.0.1');
    expect(header(got.rawHeaders, 'x-forwarded-proto')).toBe('http');
    expect(header(got.rawHeaders, 'x-forwarded-host')).toBe('app.test');
    expect(header(got.rawHeaders, 'x-request-id')).toMatch(/^[0-9a-f]{16}$/);
    // The response relays the upstream's headers but not its hop-by-hop ones.
    expect(r.responses[0]!.headers['x-upstream']).toBe('yes');
    expect(r.responses[0]!.headers['x-request-id']).toBeDefined();
  });

  it('reuses a safe client X-Request-Id and ignores an unsafe one', async () => {
    const a = await rawRequest(proxy.port, req(['GET /a HTTP/1.1', 'Host: app.test', 'X-Request-Id: abc-123']));
    expect(a.responses[0]!.headers['x-request-id']).toBe('abc-123');
    const b = await rawRequest(proxy.port, req(['GET /b HTTP/1.1', 'Host: app.test', 'X-Request-Id: bad id "quoted"']));
    expect(b.responses[0]!.headers['x-request-id']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('does not trust a client X-Forwarded-For from an untrusted peer', async () => {
    await rawRequest(proxy.port, req(['GET /xff HTTP/1.1', 'Host: app.test', 'X-Forwarded-For: 6.6.6.6']));
    await upstream.waitFor(1);
    expect(header(upstream.requests[0]!.rawHeaders, 'x-forwarded-for')).toBe('127.0.0.1');
  });

  it('recomputes a Content-Length with leading zeros', async () => {
    const r = await rawRequest(proxy.port, req(['POST /z HTTP/1.1', 'Host: app.test', 'Content-Type: text/plain', 'Content-Length: 005'], 'hello'));
    expect(r.responses[0]?.status).toBe(200);
    await upstream.waitFor(1);
    expect(header(upstream.requests[0]!.rawHeaders, 'content-length')).toBe('5');
    expect(upstream.requests[0]!.body.toString()).toBe('hello');
  });

  it('answers 100 Continue for Expect: 100-continue and never forwards Expect', async () => {
    const r = await rawRequest(proxy.port, Buffer.alloc(0), {
      pieces: [Buffer.from('POST /e HTTP/1.1\r\nHost: app.test\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n'), Buffer.from('hello')],
      responses: 2,
    });
    expect(r.responses.map((x) => x.status)).toEqual([100, 200]);
    await upstream.waitFor(1);
    expect(header(upstream.requests[0]!.rawHeaders, 'expect')).toBeUndefined();
    expect(upstream.requests[0]!.body.toString()).toBe('hello');
  });

  it('streams a large response back', async () => {
    const r = await rawRequest(proxy.port, req(['GET /big HTTP/1.1', 'Host: app.test', 'X-Test-Behaviour: big']), { timeoutMs: 10000 });
    expect(r.responses[0]?.status).toBe(200);
    expect(r.responses[0]!.body.length).toBe(1024 * 1024);
  });

  it('serves pipelined requests in order, each inspected and forwarded separately', async () => {
    const two = Buffer.concat([req(['GET /one HTTP/1.1', 'Host: app.test']), req(['GET /two HTTP/1.1', 'Host: app.test'])]);
    const r = await rawRequest(proxy.port, two, { responses: 2 });
    expect(r.responses.map((x) => x.status)).toEqual([200, 200]);
    await upstream.waitFor(2);
    expect(upstream.requests.map((x) => x.url)).toEqual(['/one', '/two']);
  });
});

function header(raw: string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}
