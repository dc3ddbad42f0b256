/**
 * Overload (robustness matrix C10 and the shedding half of C12): a connection
 * cap per worker, and heap-based load shedding that answers new requests 503
 * with Retry-After while requests already in flight complete.
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { configFor } from '../helpers/processes.js';
import { rawRequest, req } from '../helpers/raw.js';
import { H, startPair, type Pair } from './helpers/harness.js';

let pair: Pair | null = null;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await pair?.stop();
  pair = null;
});

/** Open a keep-alive connection and prove the proxy serves it (so it is counted) by one request. */
async function servedConnection(port: number, path: string): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  sockets.push(s);
  await once(s, 'connect');
  s.write(req([`GET ${path} HTTP/1.1`, H]));
  let got = '';
  while (!/\r\n\r\n[\s\S]*\}/.test(got)) got += String((await once(s, 'data'))[0]);
  expect(got.startsWith('HTTP/1.1 200')).toBe(true);
  return s;
}

describe('C10: connection cap (limits.maxConnections)', () => {
  it('C10: with maxConnections 20, a 21st connection is closed at once and logged; normal traffic resumes when one closes', async () => {
    pair = await startPair('limits: { maxConnections: 20 }\nlogging: { level: info }');
    const open: Socket[] = [];
    for (let i = 0; i < 20; i++) open.push(await servedConnection(pair.proxy.port, `/held-${i}`));
    // The 21st: Node closes it without reading a byte; the request never gets an answer nor reaches the upstream.
    const over = await rawRequest(pair.proxy.port, req(['GET /over-the-cap HTTP/1.1', H]), { untilClose: true, timeoutMs: 5000 });
    expect(over.responses).toEqual([]);
    expect(over.closed || over.reset).toBe(true);
    const line = await pair.proxy.waitForLog((l) => l.code === 'DW_ERR_TOO_MANY_CONNECTIONS');
    expect(line).toMatchObject({ limit: 'maxConnections', maxConnections: 20 });
    // Free one slot: a normal request is served again.
    const closing = open.pop()!;
    closing.end();
    await once(closing, 'close');
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      // The server learns of the closed socket asynchronously: retry until it has (bounded).
      const r = await rawRequest(pair.proxy.port, req([`GET /after-${attempt} HTTP/1.1`, H]), { untilClose: false, timeoutMs: 2000 });
      status = r.responses[0]?.status ?? 0;
    }
    expect(status).toBe(200);
    expect(pair.upstream.requests.some((r) => r.url === '/over-the-cap')).toBe(false);
  });
});

describe('C12: heap load shedding (limits.shedAboveHeapBytes)', () => {
  it('C12: above the heap threshold new requests get 503 + Retry-After (not forwarded) while an in-flight upload completes', async () => {
    pair = await startPair('limits: { shedAboveHeapBytes: 0 }\nlogging: { level: debug }');
    const p = pair;
    const file = String(p.proxy.logs.find((l) => l.msg === 'deserwall listening')!.config);
    // An upload in flight: head and half its body sent.
    const body = Buffer.from('{"name":"in flight"}');
    const s = connect(p.proxy.port, '127.0.0.1');
    sockets.push(s);
    await once(s, 'connect');
    s.write(Buffer.concat([req(['POST /in-flight HTTP/1.1', H, 'Content-Type: application/json', `Content-Length: ${body.length}`]), body.subarray(0, 8)]));
    await p.proxy.waitForLog((l) => l.msg === 'request received' && l.path === '/in-flight');
    // Fault injection: a threshold of 1 MiB, far below any Node heap, applied by a reload.
    writeFileSync(file, configFor(p.upstream.url, 'limits: { shedAboveHeapBytes: 1048576 }\nlogging: { level: debug }'));
    p.proxy.child.kill('SIGHUP');
    await p.proxy.waitForLog((l) => l.msg === 'config reloaded');
    const shed = await rawRequest(p.proxy.port, req(['GET /shed-me HTTP/1.1', H]));
    expect(shed.responses[0]?.status).toBe(503);
    expect(shed.responses[0]?.headers['retry-after']).toBe('1');
    expect(JSON.parse(shed.responses[0]!.body.toString())).toMatchObject({ code: 'DW_ERR_OVERLOADED' });
    // The upload that started before finishes and is forwarded byte for byte.
    s.write(body.subarray(8));
    let got = '';
    while (!/\r\n\r\n[\s\S]*\}/.test(got)) got += String((await once(s, 'data'))[0]);
    expect(got.startsWith('HTTP/1.1 200')).toBe(true);
    await p.upstream.waitForRequests(1);
    expect(p.upstream.requests.map((r) => r.url)).toEqual(['/in-flight']);
    expect(p.upstream.requests[0]!.body.equals(body)).toBe(true);
  });
});
