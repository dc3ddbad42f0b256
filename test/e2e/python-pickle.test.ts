/**
 * Proof on a real vulnerable app: examples/vulnerable-apps/python/app.py calls
 * pickle.loads on what it is sent. Straight to the app, a pickle running
 * os.system("touch MARKER") creates the marker, in every wrapper the app
 * accepts; through deserwall (built proxy, demo config) the same bytes are
 * refused with the finding explained, the app receives nothing and no marker
 * appears. A benign model pickle still passes on the ml-upload route.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyProcess } from '../helpers/processes.js';
import { markerDir, picklePayload, startPythonApp, type AppProcess } from './apps.js';
import { gzip, send, type Wrapped } from './http.js';
import { expectBlocked, startDemoProxy } from './proof.js';

const OCTET = { 'Content-Type': 'application/octet-stream' };

interface Case {
  name: string;
  path: string;
  wrap(pickle: Buffer): Wrapped;
  /** Statuses that count as refused through deserwall (403 blocked; 400 for strictly refused framing or media types). */
  statuses?: number[];
  families?: string[];
  /** Pickle protocol of the payload (default 4). */
  proto?: number;
}

const exploitCases: Case[] = [
  ...[0, 2, 4, 5].map((proto): Case => ({ name: `raw body, protocol ${proto}`, path: '/api/import', proto, wrap: (p) => ({ headers: OCTET, body: p }) })),
  { name: 'base64 in a JSON field', path: '/api/import-b64', wrap: (p) => ({ headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify({ model: p.toString('base64') })) }) },
  { name: 'gzip Content-Encoding', path: '/api/import', wrap: (p) => ({ headers: { ...OCTET, 'Content-Encoding': 'gzip' }, body: gzip(p) }) },
  { name: 'chunked in odd sizes', path: '/api/import', wrap: (p) => ({ headers: OCTET, body: p, chunks: [1, 3, 7, 2] }) },
  { name: 'gzip and chunked', path: '/api/import', wrap: (p) => ({ headers: { ...OCTET, 'Content-Encoding': 'gzip' }, body: gzip(p), chunks: [5, 1, 11] }) },
  {
    name: 'base64 JSON, gzip, chunked',
    path: '/api/import-b64',
    wrap: (p) => ({ headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body: gzip(Buffer.from(JSON.stringify({ model: p.toString('base64') }))), chunks: [2, 9] }),
  },
  { name: 'on the ml-upload route (allow-list)', path: '/ml/import', wrap: (p) => ({ headers: OCTET, body: p }) },
  { name: 'mislabelled as image/png', path: '/api/import', wrap: (p) => ({ headers: { 'Content-Type': 'image/png' }, body: p }) },
  {
    name: "curl's default form Content-Type",
    path: '/api/import',
    wrap: (p) => ({ headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: p }),
    statuses: [400, 403],
    families: ['pickle', 'protocol'],
  },
];

const protoOf = (c: Case): string => String(c.proto ?? 4);

let app: AppProcess;
let proxy: ProxyProcess;
let markers: string;

beforeAll(async () => {
  markers = markerDir();
  app = await startPythonApp();
  proxy = await startDemoProxy(app);
});
afterAll(async () => {
  await proxy?.stop();
  await app?.stop();
  rmSync(markers, { recursive: true, force: true });
});

describe('the pickle exploit works straight against the app', () => {
  exploitCases.forEach((c, i) => {
    it(c.name, async () => {
      const marker = join(markers, `direct-${i}`);
      const res = await send(app.port, 'POST', c.path, c.wrap(picklePayload(['exploit', marker, protoOf(c)])));
      expect(res.status, res.text).toBe(200);
      // os.system returned 0: the command ran, synchronously, before the answer.
      expect(res.json).toMatchObject({ imported: 'int', summary: '0' });
      expect(existsSync(marker)).toBe(true);
    });
  });
});

describe('through deserwall the same exploit is blocked and never reaches the app', () => {
  exploitCases.forEach((c, i) => {
    it(c.name, async () => {
      const marker = join(markers, `proxied-${i}`);
      const { answer } = await expectBlocked(proxy, app, c.path, c.wrap(picklePayload(['exploit', marker, protoOf(c)])), c.families ?? ['pickle'], c.statuses ?? [403]);
      if (answer.status === 403) expect(answer.json).toMatchObject({ error: 'blocked', family: 'pickle' });
      expect(existsSync(marker)).toBe(false);
    });
  });

  it('the finding names the imported callable', async () => {
    const { finding } = await expectBlocked(proxy, app, '/api/import', { headers: OCTET, body: picklePayload(['exploit', join(markers, 'named'), '4']) }, ['pickle']);
    expect(JSON.stringify(finding)).toMatch(/posix.{0,3}system|os.{0,3}system/);
    expect(finding.location).toBe('body');
  });
});

describe('benign requests still work through deserwall', () => {
  it('GET /healthz', async () => {
    const res = await send(proxy.port, 'GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });

  for (const proto of ['2', '4', '5']) {
    it(`a model state dict (collections.OrderedDict, protocol ${proto}) on the ml-upload route`, async () => {
      const before = app.requests.length;
      const res = await send(proxy.port, 'POST', '/ml/import', { headers: OCTET, body: picklePayload(['benign', proto]) });
      expect(res.status, res.text).toBe(200);
      expect(res.json?.imported).toBe('OrderedDict');
      expect(String(res.json?.summary)).toContain('tiny-demo-model');
      await app.waitForRequest((l) => l.path === '/ml/import', before);
    });
  }

  it('the same state dict gzip-encoded and chunked, byte for byte', async () => {
    const body = picklePayload(['benign', '4']);
    const res = await send(proxy.port, 'POST', '/ml/import', { headers: { ...OCTET, 'Content-Encoding': 'gzip' }, body: gzip(body), chunks: [3, 17] });
    expect(res.status, res.text).toBe(200);
    expect(res.json?.imported).toBe('OrderedDict');
  });

  it('outside the allow-list route the default policy refuses even a benign pickle', async () => {
    const { finding } = await expectBlocked(proxy, app, '/api/import', { headers: OCTET, body: picklePayload(['benign', '4']) }, ['pickle']);
    expect(finding.policy).toBe('default');
  });
});
