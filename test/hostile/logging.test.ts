/**
 * Matrix group F (logging): a block explains itself in one bounded, escaped
 * JSON line per finding and in the metrics; secrets (credentials, cookies,
 * API keys, password fields, upstream userinfo) never reach any log line;
 * attacker bytes cannot forge or split log lines (CWE-117). The proxy's raw
 * stdout is read byte for byte, not only its parsed lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, configFor, type ProxyProcess } from '../helpers/processes.js';
import { rawRequest, req } from '../helpers/raw.js';
import { H, linesFor, post, startPair, type Pair } from './helpers/harness.js';
import { JAVA, JAVA_B64, JAVA_RULES, YAML_SIG } from './helpers/payloads.js';
import { captureStdout } from './helpers/proc.js';
import { HostileUpstream } from './helpers/upstream.js';

let pair: Pair;
let stdout: { text: () => string };
beforeAll(async () => {
  pair = await startPair('logging: { level: debug }\nadmin: { dashboard: false }\n');
  stdout = captureStdout(pair.proxy.child);
});
afterAll(async () => {
  await pair?.stop();
});

/** The source bytes of an escaped excerpt (`\xNN` escapes, printable ASCII kept, `…` marks truncation). */
function unescapeExcerpt(excerpt: string): Buffer {
  const text = excerpt.endsWith('…') ? excerpt.slice(0, -1) : excerpt;
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && text[i + 1] === 'x') {
      out.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else out.push(text.charCodeAt(i));
  }
  return Buffer.from(out);
}

async function metricsText(proxy: ProxyProcess): Promise<string> {
  const r = await rawRequest(proxy.adminPort!, req(['GET /metrics HTTP/1.1', 'Host: admin']));
  return r.responses[0]!.body.toString();
}

function counter(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(' ').pop());
  }
  return 0;
}

describe('F1: a block explains itself', () => {
  it('F1: SIG at byte 1,000,000 of a 1 MiB body → finding lines with request id, rule, family, location, exact offset and a short escaped excerpt; no body in the logs; metrics counted', async () => {
    const before = counter(await metricsText(pair.proxy), 'deserwall_findings_total', { rule: 'DW-JAVA-002', action: 'blocked' });
    const pad = Buffer.alloc(1_000_000, 0x41);
    const body = Buffer.concat([pad, JAVA(), Buffer.alloc(1024 * 1024 - 1_000_000 - JAVA().length, 0x42)]);
    const r = await rawRequest(pair.proxy.port, post('/f1', ['Content-Type: application/octet-stream'], body));
    expect(r.responses[0]?.status).toBe(403);
    const answer = JSON.parse(r.responses[0]!.body.toString()) as Record<string, string>;
    const id = r.responses[0]!.headers['x-request-id']!;
    expect(answer.requestId).toBe(id);
    expect(JAVA_RULES).toContain(answer.rule);
    const lines = await linesFor(pair.proxy, id);
    const findings = lines.filter((l) => l.type === 'finding');
    expect(findings.length).toBeGreaterThanOrEqual(1);
    for (const f of findings) {
      expect(f.requestId).toBe(id);
      expect(typeof f.rule).toBe('string');
      expect(f.family).toBe('java');
      expect(f.action).toBe('blocked');
      // The layer path: the body itself, or a decoded layer of it (`body>percent` ...).
      expect(String(f.location)).toMatch(/^body(>|$)/);
      if (f.location !== 'body') continue;
      // The offset points into SIG (its start, or the gadget class inside it) ...
      const offset = Number(f.offset);
      expect(offset).toBeGreaterThanOrEqual(1_000_000);
      expect(offset).toBeLessThan(1_000_000 + JAVA().length);
      // ... and the excerpt is the escaped bytes found there, at most 64 of them.
      const excerpt = unescapeExcerpt(String(f.excerpt));
      expect(excerpt.length).toBeGreaterThan(0);
      expect(excerpt.length).toBeLessThanOrEqual(64);
      expect(excerpt.equals(body.subarray(offset, offset + excerpt.length))).toBe(true);
    }
    expect(findings.some((f) => f.location === 'body' && f.offset === 1_000_000 && String(f.excerpt).startsWith('\\xac\\xed\\x00\\x05'))).toBe(true);
    const access = lines.find((l) => l.type === 'access')!;
    expect(access.status).toBe(403);
    expect(access.verdict).toBe('blocked');
    expect(access.rule).toBe(answer.rule);
    // The body never reaches the logs: every line for this request is small, no run of the padding appears.
    for (const l of lines) expect(JSON.stringify(l).length).toBeLessThan(2048);
    expect(stdout.text()).not.toContain('A'.repeat(100));
    const after = counter(await metricsText(pair.proxy), 'deserwall_findings_total', { rule: 'DW-JAVA-002', action: 'blocked' });
    expect(after).toBe(before + 1);
  });
});

describe('F2: secrets never reach the logs', () => {
  const secrets = ['Bearer-S3cretAuthToken', 'S3cretCookieValue', 'S3cretApiKeyValue', 'hunter2S3cretPassword'];
  it('F2: Authorization, Cookie, X-Api-Key values and a password field carrying SIG are absent from every log line', async () => {
    const form = `username=alice&password=${encodeURIComponent(`${YAML_SIG} ${secrets[3]}`)}`;
    const headers = ['Content-Type: application/x-www-form-urlencoded', `Authorization: Bearer ${secrets[0]}`, `Cookie: session=${secrets[1]}`, `X-Api-Key: ${secrets[2]}`];
    const r = await rawRequest(pair.proxy.port, post('/login', headers, form));
    expect(r.responses[0]?.status).toBe(403);
    const lines = await linesFor(pair.proxy, r.responses[0]!.headers['x-request-id']!);
    const locations = lines.filter((l) => l.type === 'finding').map((l) => String(l.location));
    expect(locations.some((l) => l.includes('password'))).toBe(true);
    // SIG in one cookie, a secret in another: the head is blocked; the other cookie is not logged.
    const c = await rawRequest(pair.proxy.port, req(['GET /cookie HTTP/1.1', H, `Authorization: Bearer ${secrets[0]}`, `Cookie: session=${secrets[1]}; tracker=${JAVA_B64()}`]));
    expect(c.responses[0]?.status).toBe(403);
    const clines = await linesFor(pair.proxy, c.responses[0]!.headers['x-request-id']!);
    expect(clines.some((l) => l.type === 'finding' && String(l.location).startsWith('cookie:tracker'))).toBe(true);
    const text = stdout.text() + pair.proxy.stderr.join('');
    for (const s of secrets) expect(text, `secret ${s} in the logs`).not.toContain(s);
  });

  it('F2: the same headers on a request that fails upstream (error lines) are absent too', async () => {
    const local = await startProxy(configFor('http://127.0.0.1:1', 'logging: { level: debug }\nadmin: { dashboard: false }\n'));
    try {
      const out = captureStdout(local.child);
      const r = await rawRequest(local.port, req(['GET /fail HTTP/1.1', H, `Authorization: Bearer ${secrets[0]}`, `Cookie: session=${secrets[1]}`, `X-Api-Key: ${secrets[2]}`]));
      expect(r.responses[0]?.status).toBe(502);
      await local.waitForLog((l) => l.type === 'access' && l.path === '/fail');
      const text = out.text() + local.stderr.join('');
      expect(text).toContain('upstream error');
      for (const s of secrets.slice(0, 3)) expect(text).not.toContain(s);
    } finally {
      await local.stop();
    }
  });
});

describe('F3: log injection', () => {
  const forged = '\r\n{"level":"info","msg":"forged","fake":"entry"}\x1b[31m\u202e';
  it('F3: an excerpt with CR LF + a fake JSON entry, an ANSI escape and U+202E stays one escaped line', async () => {
    const body = Buffer.from(`${YAML_SIG}${forged}`, 'utf8');
    const r = await rawRequest(pair.proxy.port, post('/f3', ['Content-Type: text/plain'], body));
    expect(r.responses[0]?.status).toBe(403);
    await linesFor(pair.proxy, r.responses[0]!.headers['x-request-id']!);
    expectCleanStdout(stdout.text());
  });

  it('F3: the same bytes in a header value (obs-text allowed by the parser) are escaped in the finding line', async () => {
    const value = Buffer.from(`${YAML_SIG} \u202e x`, 'utf8').toString('latin1');
    const r = await rawRequest(pair.proxy.port, req(['GET /f3h HTTP/1.1', H, `X-Data: ${value}`]));
    expect(r.responses[0]?.status).toBe(403);
    const lines = await linesFor(pair.proxy, r.responses[0]!.headers['x-request-id']!);
    const f = lines.find((l) => l.type === 'finding' && String(l.location).startsWith('header:x-data'));
    expect(f).toBeDefined();
    expectCleanStdout(stdout.text());
  });
});

/** Every stdout line is one JSON object; no raw CR, ESC or bidi control; no forged entry. */
function expectCleanStdout(text: string): void {
  expect(text).not.toContain('\r');
  expect(text).not.toContain('\x1b');
  expect(text).not.toContain('\u202e');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed.msg).not.toBe('forged');
    expect(parsed.fake).toBeUndefined();
  }
}

describe('F4: upstream credentials', () => {
  it('F4: upstream http://user:s3cret@host — down, then dying mid-response: no userinfo in any line (debug level)', async () => {
    const up = await HostileUpstream.start();
    const proxy = await startProxy(configFor(`http://user:F4s3cretPass@127.0.0.1:${up.port}`, 'logging: { level: debug }\nadmin: { dashboard: false }\n'));
    const out = captureStdout(proxy.child);
    try {
      const ok = await rawRequest(proxy.port, req(['GET /f4-ok HTTP/1.1', H]));
      expect(ok.responses[0]?.status).toBe(200);
      const mid = rawRequest(proxy.port, req(['GET /f4-mid HTTP/1.1', H, 'X-Test-Behaviour: partial']), { untilClose: true, timeoutMs: 10000 });
      await up.waitFor((e) => e.type === 'partial-sent');
      await up.kill();
      await mid;
      const down = await rawRequest(proxy.port, post('/f4-down', ['Content-Type: text/plain'], 'x'));
      expect(down.responses[0]?.status).toBe(502);
      await proxy.waitForLog((l) => l.type === 'access' && l.path === '/f4-down');
      const text = JSON.stringify(proxy.logs) + out.text() + proxy.stderr.join('');
      expect(text).toContain('upstream error');
      expect(text).not.toContain('F4s3cretPass');
    } finally {
      await proxy.stop();
      await up.stop();
    }
  });
});
