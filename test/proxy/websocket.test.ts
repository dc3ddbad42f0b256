/**
 * WebSocket upgrades through the proxy: the head is checked and inspected like
 * any request, then bytes are relayed both ways (the upstream fixture echoes).
 * A route can deny upgrades; an attack in the head is blocked before the
 * upstream sees anything; route guards apply as to a body-less GET (a signed
 * route needs a signature over the empty body); other protocols are refused.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configFor, startProxy, Upstream, type ProxyProcess } from '../helpers/processes.js';
import { parseResponses } from '../helpers/raw.js';

const KEY = randomBytes(32).toString('hex');
const CONFIG = `
routes:
  - name: no-ws
    match: { path: /no-ws }
    websocket: deny
  - name: signed
    match: { path: /signed }
    signature:
      keys: [{ id: k1, env: DW_TEST_WS_KEY }]
`;

let upstream: Upstream;
let proxy: ProxyProcess;
beforeAll(async () => {
  upstream = await Upstream.start();
  proxy = await startProxy(configFor(upstream.url, CONFIG), [], { DW_TEST_WS_KEY: KEY });
});
afterAll(async () => {
  await proxy?.stop();
  await upstream?.stop();
});
beforeEach(() => upstream.reset());

interface Upgraded {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** After a 101: what the echo upstream sent back for `message`. */
  echo?: string;
}

/** Sends an upgrade request on a raw socket; after a 101 writes `message` and reads it back. */
async function upgrade(path: string, extra: string[] = [], message = 'ping-0123456789'): Promise<Upgraded> {
  const key = randomBytes(16).toString('base64');
  const socket = connect(proxy.port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write([`GET ${path} HTTP/1.1`, 'Host: app.test', 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', `Sec-WebSocket-Key: ${key}`, ...extra, '', ''].join('\r\n'));
  let buf = Buffer.alloc(0);
  const ended = new Promise<void>((resolve) => {
    socket.on('end', resolve);
    socket.on('close', resolve);
    socket.on('error', () => resolve());
  });
  const read = (until: (b: Buffer) => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = () => {
        if (until(buf)) {
          socket.off('data', onData);
          resolve();
        }
      };
      const onData = (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        check();
      };
      socket.on('data', onData);
      void ended.then(() => resolve());
      check();
    });
  await read((b) => b.includes('\r\n\r\n'));
  const headEnd = buf.indexOf('\r\n\r\n');
  const statusLine = buf.subarray(0, buf.indexOf('\r\n')).toString('latin1');
  const status = Number(statusLine.split(' ')[1]);
  if (status !== 101) {
    await ended;
    const [r] = parseResponses(buf);
    socket.destroy();
    return { status, headers: r?.headers ?? {}, body: r?.body.toString('utf8') ?? '' };
  }
  const headers: Record<string, string> = {};
  for (const line of buf.subarray(0, headEnd).toString('latin1').split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  expect(headers['sec-websocket-accept']).toBe(createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64'));
  buf = buf.subarray(headEnd + 4);
  socket.write(message);
  await read((b) => b.length >= message.length);
  const echo = buf.toString('latin1');
  socket.destroy();
  return { status, headers, body: '', echo };
}

describe('WebSocket upgrades', () => {
  it('are relayed both ways after the upstream 101', async () => {
    const r = await upgrade('/chat?room=1');
    expect(r.status).toBe(101);
    expect(r.echo).toBe('ping-0123456789');
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]).toMatchObject({ method: 'GET', url: '/chat?room=1' });
  });

  it('a route with websocket: deny answers 403 and the upstream sees nothing', async () => {
    const r = await upgrade('/no-ws/feed');
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'DW_ERR_UPGRADE_REFUSED' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('an attack in the head (a serialized Java object in a cookie) is blocked before the upgrade', async () => {
    // TC_OBJECT, TC_CLASSDESC "…InvokerTransformer", serialVersionUID, SC_SERIALIZABLE, no fields, TC_ENDBLOCKDATA, TC_NULL.
    const name = Buffer.from('org.apache.commons.collections.functors.InvokerTransformer', 'latin1');
    const len = Buffer.from([name.length >> 8, name.length & 0xff]);
    const java = Buffer.concat([Buffer.from('aced00057372', 'hex'), len, name, Buffer.from('87a8a7b4cd7d8d5c02000078 70'.replace(/ /g, ''), 'hex')]).toString('base64');
    const r = await upgrade('/chat', [`Cookie: session=${java}`]);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).code).toMatch(/^DW-JAVA-/);
    expect(upstream.requests).toHaveLength(0);
  });

  it('protocols other than websocket (h2c) are refused', async () => {
    const socket = connect(proxy.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.end('GET / HTTP/1.1\r\nHost: app.test\r\nConnection: Upgrade\r\nUpgrade: foo\r\n\r\n');
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    await once(socket, 'close');
    expect(parseResponses(Buffer.concat(chunks))[0]?.status).toBe(400);
    expect(upstream.requests).toHaveLength(0);
  });

  describe('on a signed route', () => {
    const sign = (t: number) => `t=${t},kid=k1,sig=${createHmac('sha256', Buffer.from(KEY, 'utf8')).update(`${t}.`).digest('hex')}`;
    it('an upgrade without a signature is refused (401) and never reaches the upstream', async () => {
      const r = await upgrade('/signed/ws');
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body)).toMatchObject({ code: 'DW_ERR_SIGNATURE_MISSING' });
      expect(upstream.requests).toHaveLength(0);
    });
    it('a wrong signature is refused (401)', async () => {
      const r = await upgrade('/signed/ws', [`X-Signature: t=${Math.floor(Date.now() / 1000)},kid=k1,sig=${'0'.repeat(64)}`]);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body)).toMatchObject({ code: 'DW_ERR_SIGNATURE_INVALID' });
    });
    it('a signature over the empty body lets the upgrade through', async () => {
      const r = await upgrade('/signed/ws', [`X-Signature: ${sign(Math.floor(Date.now() / 1000))}`]);
      expect(r.status).toBe(101);
      expect(r.echo).toBe('ping-0123456789');
    });
  });
});
