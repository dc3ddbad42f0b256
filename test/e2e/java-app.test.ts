/**
 * Proof on a real vulnerable app: examples/vulnerable-apps/java (JDK only)
 * runs ObjectInputStream.readObject on /rpc/invoke and parses /xml/parse with
 * the JDK's default DocumentBuilderFactory. Straight to the app, a serialized
 * demo.gadget.Marker writes its marker file and an XXE returns the contents
 * of /etc/hostname, in every wrapper the app accepts; through deserwall
 * (built proxy, demo config) the same bytes are refused with the finding
 * explained and the app receives nothing. Benign DTO streams and XML pass.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyProcess } from '../helpers/processes.js';
import { javaClasses, javaPayload, markerDir, startJavaApp, type AppProcess } from './apps.js';
import { gzip, send, type Wrapped } from './http.js';
import { expectBlocked, startDemoProxy } from './proof.js';

const JSER = { 'Content-Type': 'application/x-java-serialized-object' };
const XML = { 'Content-Type': 'application/xml' };

interface Case {
  name: string;
  wrap(payload: Buffer): Wrapped;
}

/** The wrappers /rpc/invoke accepts: raw, base64 (text/plain), gzip, chunked, and combinations. */
const streamCases: Case[] = [
  { name: 'raw body', wrap: (p) => ({ headers: JSER, body: p }) },
  { name: 'base64 text/plain body, CRLF every 76 characters', wrap: (p) => ({ headers: { 'Content-Type': 'text/plain' }, body: Buffer.from(p.toString('base64').replace(/.{76}/g, '$&\r\n')) }) },
  { name: 'base64 text/plain body as base64(1) writes it (LF every 76, final LF)', wrap: (p) => ({ headers: { 'Content-Type': 'text/plain' }, body: Buffer.from(p.toString('base64').replace(/.{76}/g, '$&\n').replace(/\n?$/, '\n')) }) },
  { name: 'gzip Content-Encoding', wrap: (p) => ({ headers: { ...JSER, 'Content-Encoding': 'gzip' }, body: gzip(p) }) },
  { name: 'chunked in odd sizes', wrap: (p) => ({ headers: JSER, body: p, chunks: [1, 2, 5, 3] }) },
  { name: 'base64, gzip and chunked', wrap: (p) => ({ headers: { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' }, body: gzip(Buffer.from(p.toString('base64'))), chunks: [7, 1] }) },
  { name: 'mislabelled as image/png', wrap: (p) => ({ headers: { 'Content-Type': 'image/png' }, body: p }) },
];

const markers = markerDir();
/** The file the XXE reads: /etc/hostname, or a stand-in where the machine has none. */
const secretFile = hostnameFile();
const secret = readFileSync(secretFile, 'utf8');

function hostnameFile(): string {
  if (existsSync('/etc/hostname') && readFileSync('/etc/hostname', 'utf8').trim() !== '') return '/etc/hostname';
  const file = join(markers, 'hostname');
  writeFileSync(file, 'stand-in-hostname\n');
  return file;
}
const xxe = (file: string): Buffer => Buffer.from(`<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file://${file}">]>\n<r>&x;</r>\n`);
const utf16 = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(b.toString('utf8'), 'utf16le')]);

const xmlCases: Case[] = [
  { name: 'raw UTF-8 body', wrap: (p) => ({ headers: XML, body: p }) },
  { name: 'UTF-16LE with a byte-order mark', wrap: (p) => ({ headers: XML, body: utf16(p) }) },
  { name: 'text/plain, chunked in odd sizes', wrap: (p) => ({ headers: { 'Content-Type': 'text/plain' }, body: p, chunks: [1, 4, 9] }) },
  { name: 'gzip Content-Encoding', wrap: (p) => ({ headers: { ...XML, 'Content-Encoding': 'gzip' }, body: gzip(p) }) },
];

let classes: string;
let app: AppProcess;
let proxy: ProxyProcess;

beforeAll(async () => {
  classes = javaClasses();
  app = await startJavaApp(classes);
  proxy = await startDemoProxy(app);
}, 120_000);
afterAll(async () => {
  await proxy?.stop();
  await app?.stop();
  rmSync(markers, { recursive: true, force: true });
});

describe('straight against the app the exploits work', () => {
  streamCases.forEach((c, i) => {
    it(`ObjectInputStream: serialized Marker, ${c.name}`, async () => {
      const marker = join(markers, `direct-${i}`);
      const res = await send(app.port, 'POST', '/rpc/invoke', c.wrap(javaPayload(classes, ['marker', marker])));
      expect(res.status, res.text).toBe(200);
      expect(res.json?.received).toBe('demo.gadget.Marker');
      expect(readFileSync(marker, 'utf8')).toContain('demo.gadget.Marker.readObject');
    });
  });

  xmlCases.forEach((c) => {
    it(`XXE returns the contents of ${secretFile}, ${c.name}`, async () => {
      const res = await send(app.port, 'POST', '/xml/parse', c.wrap(xxe(secretFile)));
      expect(res.status, res.text).toBe(200);
      expect(res.json).toEqual({ root: 'r', text: secret });
    });
  });
});

describe('through deserwall the same exploits are blocked and never reach the app', () => {
  streamCases.forEach((c, i) => {
    it(`serialized Marker, ${c.name}`, async () => {
      const marker = join(markers, `proxied-${i}`);
      const { answer, finding } = await expectBlocked(proxy, app, '/rpc/invoke', c.wrap(javaPayload(classes, ['marker', marker])), ['java']);
      expect(answer.json).toMatchObject({ error: 'blocked', family: 'java' });
      expect(finding.policy).toBe('java-rpc');
      expect(existsSync(marker)).toBe(false);
    });
  });

  it('the finding names the refused class', async () => {
    const { finding } = await expectBlocked(proxy, app, '/rpc/invoke', { headers: JSER, body: javaPayload(classes, ['marker', join(markers, 'named')]) }, ['java']);
    expect(JSON.stringify(finding)).toContain('demo.gadget.Marker');
  });

  it('the Marker stream is refused on a path outside the RPC route too (default policy)', async () => {
    const marker = join(markers, 'default-policy');
    const { finding } = await expectBlocked(proxy, app, '/rpc-other/invoke', { headers: JSER, body: javaPayload(classes, ['marker', marker]) }, ['java']);
    expect(finding.policy).toBe('default');
    expect(existsSync(marker)).toBe(false);
  });

  xmlCases.forEach((c) => {
    it(`XXE, ${c.name}`, async () => {
      const { answer } = await expectBlocked(proxy, app, '/xml/parse', c.wrap(xxe(secretFile)), ['xml']);
      expect(answer.json).toMatchObject({ error: 'blocked', family: 'xml' });
      expect(answer.text).not.toContain(secret.trim());
    });
  });
});

describe('benign requests still work through deserwall', () => {
  it('GET /healthz', async () => {
    const res = await send(proxy.port, 'GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });

  // The RPC DTO with String, Integer, int, ArrayList, HashMap and Date inside: all admitted by the java-rpc filter.
  streamCases
    .filter((c) => !c.name.startsWith('mislabelled'))
    .forEach((c) => {
      it(`a com.example.rpc.dto.InvokeRequest stream on the java-rpc route, ${c.name}`, async () => {
        const before = app.requests.length;
        const res = await send(proxy.port, 'POST', '/rpc/invoke', c.wrap(javaPayload(classes, ['dto'])));
        expect(res.status, res.text).toBe(200);
        expect(res.json?.received).toBe('com.example.rpc.dto.InvokeRequest');
        expect(String(res.json?.value)).toContain('method=orders.list');
        await app.waitForRequest((l) => l.path === '/rpc/invoke', before);
      });
    });

  it('XML without a DOCTYPE', async () => {
    const body = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<order id="7"><item>book &amp; pen</item></order>\n');
    const res = await send(proxy.port, 'POST', '/xml/parse', { headers: XML, body, chunks: [5, 2] });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ root: 'order', text: 'book & pen' });
  });
});
