/**
 * The audit log end to end: the built proxy (a real process) with a recording
 * upstream, audit records written to a file and to stdout. Checks one JSON
 * line per request with findings or refused (none for clean requests), the request line
 * without its query, redacted secret headers, escaped path and excerpts, the
 * matched rules with location, offset and action, verdict, status, policy,
 * route and mode; and a clear error when the audit file cannot be opened.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, configFor, startProxy, Upstream, type ProxyProcess } from '../helpers/processes.js';
import { rawRequest, req } from '../helpers/raw.js';
import { waitForFiles, xxe, XSS } from './helpers.js';

let upstream: Upstream;
let proxy: ProxyProcess;
let dir: string;
let file: string;

const ROUTES = `
routes:
  - name: observe
    match: { path: /observe/ }
    mode: log
`;

beforeAll(async () => {
  upstream = await Upstream.start();
  dir = mkdtempSync(join(tmpdir(), 'dw-audit-'));
  file = join(dir, 'audit.log');
  proxy = await startProxy(configFor(upstream.url, `logging: { level: warn }\naudit: { enabled: true, destination: ${JSON.stringify(file)} }\n${ROUTES}`));
});
afterAll(async () => {
  await proxy?.stop();
  await upstream?.stop();
});

interface Rec {
  type: string;
  time: string;
  requestId: string;
  request: { method: string; path: string };
  headers: [string, string][];
  verdict: string;
  status: number;
  policy: string;
  route: string;
  mode: string;
  findings: { rule: string; family: string; action: string; location: string; offset: number; excerpt: string; message: string }[];
}

const records = (lines: string[]): Rec[] => lines.map((l) => JSON.parse(l) as Rec);

describe('audit log to a file', () => {
  it('writes one escaped, redacted JSON line per request with findings and none for clean ones', async () => {
    const clean = await rawRequest(proxy.port, req(['POST /api/items HTTP/1.1', 'Host: app.test', 'X-Request-Id: clean-1', 'Content-Type: application/json', 'Content-Length: 7'], '{"a":1}'));
    expect(clean.responses[0]?.status).toBe(200);

    const body = xxe(`<!ENTITY f SYSTEM "http://\x1b[31mevil/">${XSS}`);
    const attack = await rawRequest(
      proxy.port,
      req(
        [
          `POST /upload/${XSS.replaceAll(' ', '/')}"x?token=querysecret HTTP/1.1`,
          'Host: app.test',
          'X-Request-Id: attack-1',
          'Authorization: Bearer s3cr3t-token',
          'Cookie: session=cookiesecret',
          'X-Api-Key: keysecret',
          'Content-Type: application/xml',
          `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
        ],
        body,
      ),
    );
    expect(attack.responses[0]?.status).toBe(403);

    const [lines] = await waitForFiles(dir, [file], ([l]) => l!.length >= 1);
    const raw = readFileSync(file);
    // One line per record, nothing raw: no ESC byte, no secret, no query string.
    expect(raw.includes(0x1b)).toBe(false);
    for (const secret of ['s3cr3t-token', 'cookiesecret', 'keysecret', 'querysecret']) expect(raw.toString('latin1')).not.toContain(secret);
    expect(lines).toHaveLength(1);

    const [r] = records(lines!);
    expect(r!.type).toBe('audit');
    expect(r!.requestId).toBe('attack-1');
    expect(Number.isNaN(Date.parse(r!.time))).toBe(false);
    expect(r!.request).toEqual({ method: 'POST', path: '/upload/<img/src=x/onerror=alert(1)>\\x22x' });
    const headers = new Map(r!.headers.map(([k, v]) => [k.toLowerCase(), v]));
    expect(headers.get('authorization')).toBe('[Redacted]');
    expect(headers.get('cookie')).toBe('[Redacted]');
    expect(headers.get('x-api-key')).toBe('[Redacted]');
    expect(headers.get('content-type')).toBe('application/xml');
    expect(r).toMatchObject({ verdict: 'blocked', status: 403, policy: 'default', route: 'default', mode: 'block' });

    const xxeFinding = r!.findings.find((f) => f.rule === 'DW-XML-001');
    expect(xxeFinding).toMatchObject({ family: 'xml', action: 'blocked', location: 'body' });
    expect(xxeFinding!.offset).toBe(body.indexOf('<!ENTITY'));
    expect(xxeFinding!.excerpt).toBe('<!ENTITY e SYSTEM \\x22file:///etc/passwd\\x22>');
    // Excerpts keep the engine's escaping: the ESC byte appears as the text \x1b.
    const excerpts = r!.findings.map((f) => f.excerpt);
    expect(excerpts).toContain('<!ENTITY f SYSTEM \\x22http://\\x1b[31mevil/\\x22>');
    expect(excerpts).toContain(`${XSS}]><x`);
  });

  it('records findings of a log-mode route as logged, with the route and mode', async () => {
    const body = xxe();
    const r1 = await rawRequest(
      proxy.port,
      req(['POST /observe/in HTTP/1.1', 'Host: app.test', 'X-Request-Id: logged-1', 'Content-Type: application/xml', `Content-Length: ${body.length}`], body),
    );
    expect(r1.responses[0]?.status).toBe(200);
    const [lines] = await waitForFiles(dir, [file], ([l]) => l!.some((x) => x.includes('"logged-1"')));
    const r = records(lines!).find((x) => x.requestId === 'logged-1')!;
    expect(r).toMatchObject({ verdict: 'logged', status: 200, route: 'observe', mode: 'log', request: { method: 'POST', path: '/observe/in' } });
    expect(r.findings.length).toBeGreaterThan(0);
    for (const f of r.findings) expect(f.action).toBe('logged');
  });
});

describe('refused requests', () => {
  // Content-Length with Transfer-Encoding: Node's parser refuses it before any handler runs.
  it('are audited with their error code, also when the parser refused them (a smuggling attempt is an attack signal)', async () => {
    const r = await rawRequest(
      proxy.port,
      req(['POST /refused/smuggle?k=querysecret HTTP/1.1', 'Host: app.test', 'Content-Type: application/json', 'Content-Length: 7', 'Transfer-Encoding: chunked'], '7\r\n{"a":1}\r\n0\r\n\r\n'),
    );
    expect(r.responses[0]?.status).toBe(400);
    const [lines] = await waitForFiles(dir, [file], ([l]) => l!.some((x) => x.includes('/refused/smuggle')));
    const rec = records(lines!).find((x) => x.request.path === '/refused/smuggle') as Rec & { error?: string };
    expect(rec).toMatchObject({ verdict: 'refused', status: 400, request: { method: 'POST' }, error: 'DW_ERR_BAD_FRAMING' });
    expect(rec.requestId).toBe(JSON.parse(r.responses[0]!.body.toString()).requestId);
    expect(rec.findings).toEqual([]);
  });

  it('a request refused by the proxy itself (duplicate Content-Length) names its request id and code', async () => {
    const r = await rawRequest(
      proxy.port,
      req(['POST /refused/dup HTTP/1.1', 'Host: app.test', 'X-Request-Id: refused-2', 'Content-Type: application/json', 'Content-Length: 7', 'Content-Length: 7'], '{"a":1}'),
    );
    expect(r.responses[0]?.status).toBe(400);
    const [lines] = await waitForFiles(dir, [file], ([l]) => l!.some((x) => x.includes('/refused/dup')));
    const rec = records(lines!).find((x) => x.request.path === '/refused/dup') as Rec & { error?: string };
    expect(rec.verdict).toBe('refused');
    expect(rec.error).toMatch(/^DW_ERR_/);
  });
});

describe('audit log to stdout', () => {
  it('writes the record as its own JSON line among the log lines', async () => {
    const p = await startProxy(configFor(upstream.url, 'logging: { level: warn }\naudit: { enabled: true, destination: stdout }'));
    try {
      const body = xxe();
      const r = await rawRequest(p.port, req(['POST /x HTTP/1.1', 'Host: app.test', 'X-Request-Id: stdout-1', 'Cookie: a=cookiesecret', 'Content-Type: application/xml', `Content-Length: ${body.length}`], body));
      expect(r.responses[0]?.status).toBe(403);
      const rec = (await p.waitForLog((l) => l.type === 'audit')) as unknown as Rec;
      expect(rec).toMatchObject({ requestId: 'stdout-1', verdict: 'blocked', status: 403 });
      expect(new Map(rec.headers).get('Cookie')).toBe('[Redacted]');
      expect(rec.findings.map((f) => f.rule)).toContain('DW-XML-001');
    } finally {
      await p.stop();
    }
  });
});

describe('audit destination errors', () => {
  it('refuses to start with a clear error when the audit file cannot be opened', async () => {
    const d = mkdtempSync(join(tmpdir(), 'dw-audit-bad-'));
    const cfg = join(d, 'config.yaml');
    // A path below a regular file can never be created (ENOTDIR).
    writeFileSync(cfg, configFor(upstream.url, `audit: { enabled: true, destination: ${JSON.stringify(join(cfg, 'audit.log'))} }`));
    const child = spawn(process.execPath, [CLI, 'serve', '--config', cfg, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdout!.resume();
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain('/audit/destination');
    expect(stderr).toContain('cannot open audit file');
    expect(stderr).toContain('ENOTDIR');
  });
});
