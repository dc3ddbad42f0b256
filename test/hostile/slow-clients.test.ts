/**
 * Slow clients (matrix C7, C8 and the 200-connection case): slowloris
 * headers, silent connections and slow bodies are cut by the configured
 * timeouts (408 or a close) while normal requests keep getting through, and
 * none of the slow requests reaches the upstream. The clients trickle bytes
 * on timers (that is their behaviour, not synchronisation); the test waits
 * for socket events and log lines.
 */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResponses, rawRequest, req } from '../helpers/raw.js';
import { H, startPair, type Pair } from './helpers/harness.js';

const CONFIG = `
logging: { level: debug }
timeouts: { headersMs: 1000, requestMs: 3000, bodyIdleMs: 1000, keepAliveMs: 1000 }
`;

let pair: Pair;
beforeAll(async () => {
  pair = await startPair(CONFIG);
});
afterAll(async () => {
  await pair?.stop();
});

interface Slow {
  socket: Socket;
  data: Buffer[];
  closed: Promise<void>;
  isClosed: () => boolean;
  timer: NodeJS.Timeout | null;
}

/** Open a connection, write `first`, then (optionally) one byte of `drip` every `everyMs`. */
async function slow(first: string, drip?: string, everyMs = 250): Promise<Slow> {
  const socket = connect(pair.proxy.port, '127.0.0.1');
  const data: Buffer[] = [];
  let closed = false;
  socket.on('data', (d) => data.push(d));
  socket.on('error', () => undefined);
  const closedP = once(socket, 'close').then(() => {
    closed = true;
  });
  await once(socket, 'connect');
  if (first) socket.write(first);
  const s: Slow = { socket, data, closed: closedP, isClosed: () => closed, timer: null };
  if (drip) {
    let i = 0;
    s.timer = setInterval(() => {
      if (closed || socket.destroyed) return clearInterval(s.timer!);
      socket.write(drip[i++ % drip.length]!);
    }, everyMs);
    void closedP.then(() => clearInterval(s.timer!));
  }
  return s;
}

/** What a cut slow connection received: nothing, or exactly one 408. */
function expectCut(s: Slow): void {
  const raw = Buffer.concat(s.data);
  if (raw.length === 0) return;
  const res = parseResponses(raw);
  expect(res.map((r) => r.status), raw.toString('latin1').slice(0, 200)).toEqual([408]);
}

describe('C7, C8: one slow client', () => {
  it('C7: header lines trickled (one byte / 250 ms) → 408 at headersMs, socket closed, nothing forwarded', async () => {
    pair.upstream.reset();
    const t0 = Date.now();
    const s = await slow(`GET /slowloris HTTP/1.1\r\n${H}\r\n`, 'X-Pad: aaaaaaaaaa\r\n');
    await s.closed;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(parseResponses(Buffer.concat(s.data)).map((r) => r.status)).toEqual([408]);
    expect(pair.upstream.events.filter((e) => e.type === 'request-head')).toEqual([]);
  });

  it('C8: a body trickled one byte / 250 ms under Content-Length 1000000 (never idle 1 s) → 408 at requestMs, nothing forwarded', async () => {
    pair.upstream.reset();
    const s = await slow(`POST /trickle HTTP/1.1\r\n${H}\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n`, 'abcdefgh');
    await s.closed;
    expect(parseResponses(Buffer.concat(s.data)).map((r) => r.status)).toEqual([408]);
    expect(pair.upstream.events.filter((e) => e.type === 'request-head')).toEqual([]);
  });

  it('C8: a body that stops after 100 bytes → 408 at bodyIdleMs, nothing forwarded', async () => {
    pair.upstream.reset();
    const s = await slow(`POST /stalled HTTP/1.1\r\n${H}\r\nContent-Type: text/plain\r\nContent-Length: 10000\r\n\r\n${'x'.repeat(100)}`);
    await s.closed;
    expect(parseResponses(Buffer.concat(s.data)).map((r) => r.status)).toEqual([408]);
    const line = await pair.proxy.waitForLog((l) => l.type === 'access' && l.path === '/stalled');
    expect(line.error).toBe('DW_ERR_REQUEST_TIMEOUT');
    expect(pair.upstream.events.filter((e) => e.type === 'request-head')).toEqual([]);
  });
});

describe('200 slow connections do not starve normal clients', () => {
  it('holds 50 slowloris, 50 silent, 50 stalled-body and 50 trickled-body connections; 40 normal requests get 200 meanwhile; every slow one is cut', async () => {
    pair.upstream.reset();
    const slowOnes: Slow[] = [];
    for (let i = 0; i < 50; i++) slowOnes.push(await slow(`GET /loris-${i} HTTP/1.1\r\n${H}\r\n`, 'X-Pad: aaaaaaaa\r\n', 300));
    for (let i = 0; i < 50; i++) slowOnes.push(await slow(''));
    for (let i = 0; i < 50; i++) slowOnes.push(await slow(`POST /stall-${i} HTTP/1.1\r\n${H}\r\nContent-Type: text/plain\r\nContent-Length: 10000\r\n\r\n${'x'.repeat(100)}`));
    for (let i = 0; i < 50; i++) slowOnes.push(await slow(`POST /drip-${i} HTTP/1.1\r\n${H}\r\nContent-Type: text/plain\r\nContent-Length: 10000\r\n\r\n`, 'y', 200));
    // The body connections are inside the proxy (their heads were parsed) before normal traffic starts.
    await pair.proxy.waitForLog((l) => l.msg === 'request received' && l.path === '/stall-49');
    await pair.proxy.waitForLog((l) => l.msg === 'request received' && l.path === '/drip-49');

    const normal = await Promise.all(
      Array.from({ length: 40 }, (_, i) => rawRequest(pair.proxy.port, req([`GET /normal-${i} HTTP/1.1`, H]), { timeoutMs: 5000 })),
    );
    expect(normal.map((r) => r.responses[0]?.status)).toEqual(Array(40).fill(200));
    // Most slow connections were still held open while the normal requests were served.
    expect(slowOnes.filter((s) => !s.isClosed()).length).toBeGreaterThan(100);

    await Promise.all(slowOnes.map((s) => s.closed));
    for (const s of slowOnes) expectCut(s);
    // Body-carrying slow requests all got their 408; no slow request reached the upstream.
    for (const s of slowOnes.slice(100)) expect(parseResponses(Buffer.concat(s.data)).map((r) => r.status)).toEqual([408]);
    const heads = pair.upstream.events.filter((e) => e.type === 'request-head').map((e) => String(e.url));
    expect(heads.filter((u) => !u.startsWith('/normal-'))).toEqual([]);
    expect(heads).toHaveLength(40);
  });
});
