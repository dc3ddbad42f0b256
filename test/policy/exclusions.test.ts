/**
 * Exclusions end to end, the CRS way: by rule id, by rule prefix (`DW-XML-*`),
 * by parameter (`query:x`, `form:x`, `cookie:x`, `header:x`, `multipart:x`)
 * and by JSON pointer (the pointer and everything below it). An excluded
 * finding is forwarded and logged with action "excluded" and the reason; the
 * same payload anywhere else is still blocked. Every exclusion is listed in
 * the start-up log line and counted by check-config; bad exclusions are
 * config errors with file:line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, configFor, startProxy, Upstream, type ProxyProcess } from '../helpers/processes.js';
import { findingsOf, send, type Sent } from './http.js';

const CONFIG = `
logging: { level: info }
policies:
  ex-rule:
    exclusions: [{ rule: DW-XML-001, reason: "XML uploads are parsed with entities disabled" }]
  ex-prefix:
    exclusions: [{ rule: "DW-XML-*", reason: "whole XML family off for the document store" }]
  ex-query:
    exclusions: [{ rule: DW-XML-001, param: "query:x", reason: "x carries XML the app never parses" }]
  ex-form:
    exclusions: [{ rule: DW-XML-001, param: "form:x", reason: "form field x is stored as text" }]
  ex-cookie:
    exclusions: [{ rule: DW-PICKLE-001, param: "cookie:x", reason: "cookie x is an opaque blob" }]
  ex-header:
    exclusions: [{ rule: DW-PICKLE-001, param: "header:X-Data", reason: "X-Data is only logged" }]
  ex-multipart:
    exclusions: [{ rule: DW-XML-001, param: "multipart:x", reason: "part x is stored, never parsed" }]
  ex-pointer:
    exclusions: [{ rule: DW-XML-001, pointer: /profile/bio, reason: "bio is rendered as text" }]
routes:
  - { name: rule, match: { path: /ex/rule }, policy: ex-rule }
  - { name: prefix, match: { path: /ex/prefix }, policy: ex-prefix }
  - { name: query, match: { path: /ex/query }, policy: ex-query }
  - { name: form, match: { path: /ex/form }, policy: ex-form }
  - { name: cookie, match: { path: /ex/cookie }, policy: ex-cookie }
  - { name: header, match: { path: /ex/header }, policy: ex-header }
  - { name: multipart, match: { path: /ex/multipart }, policy: ex-multipart }
  - { name: pointer, match: { path: /ex/pointer }, policy: ex-pointer }
`;

const XXE = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>';
const PICKLE_B64 = Buffer.from("cos\nsystem\n(S'id'\ntR.", 'latin1').toString('base64');
const FORM = 'application/x-www-form-urlencoded';

let upstream: Upstream;
let proxy: ProxyProcess;

beforeAll(async () => {
  upstream = await Upstream.start();
  proxy = await startProxy(configFor(upstream.url, CONFIG));
});
afterAll(async () => {
  await proxy?.stop();
  await upstream?.stop();
});
beforeEach(() => upstream.reset());

/** Forwarded, with every finding excluded for `reason`. */
async function expectExcluded(r: Sent, rule: string, reason: string): Promise<void> {
  expect(r.status).toBe(200);
  expect(r.forwarded).toBe(true);
  const findings = await findingsOf(proxy, r.id);
  expect(findings.length).toBeGreaterThan(0);
  for (const f of findings) expect(f).toMatchObject({ action: 'excluded', rule, exclusion: reason });
}

function expectBlocked(r: Sent, rule: string): void {
  expect(r.status).toBe(403);
  expect(r.forwarded).toBe(false);
  expect(r.json).toMatchObject({ error: 'blocked', rule });
}

const xmlBody = (path: string) => send(proxy, path, { body: XXE, contentType: 'application/xml' });
const multipart = (name: string, content: string) =>
  Buffer.from(`--BB\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${content}\r\n--BB\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--BB--\r\n`);

describe('by rule', () => {
  it('a rule id: that rule passes anywhere on the route; other rules still block', async () => {
    await expectExcluded(await xmlBody('/ex/rule'), 'DW-XML-001', 'XML uploads are parsed with entities disabled');
    expectBlocked(await send(proxy, '/ex/rule', { body: `x=${encodeURIComponent(PICKLE_B64)}`, contentType: FORM }), 'DW-PICKLE-001');
    expectBlocked(await xmlBody('/elsewhere'), 'DW-XML-001');
  });

  it('a prefix DW-XML-*: every XML rule passes, other families block', async () => {
    await expectExcluded(await xmlBody('/ex/prefix'), 'DW-XML-001', 'whole XML family off for the document store');
    expectBlocked(await send(proxy, '/ex/prefix', { headers: [`X-Data: ${PICKLE_B64}`] }), 'DW-PICKLE-001');
  });
});

describe('by parameter', () => {
  it('query:x — x passes, y and the body do not', async () => {
    await expectExcluded(await send(proxy, `/ex/query?x=${encodeURIComponent(XXE)}`), 'DW-XML-001', 'x carries XML the app never parses');
    expectBlocked(await send(proxy, `/ex/query?y=${encodeURIComponent(XXE)}`), 'DW-XML-001');
    expectBlocked(await send(proxy, '/ex/query', { body: `x=${encodeURIComponent(XXE)}`, contentType: FORM }), 'DW-XML-001');
  });

  it('form:x — field x passes, field y and query x do not', async () => {
    await expectExcluded(await send(proxy, '/ex/form', { body: `x=${encodeURIComponent(XXE)}&y=1`, contentType: FORM }), 'DW-XML-001', 'form field x is stored as text');
    expectBlocked(await send(proxy, '/ex/form', { body: `y=${encodeURIComponent(XXE)}&x=1`, contentType: FORM }), 'DW-XML-001');
    expectBlocked(await send(proxy, `/ex/form?x=${encodeURIComponent(XXE)}`), 'DW-XML-001');
  });

  it('cookie:x — cookie x passes, cookie y does not', async () => {
    await expectExcluded(await send(proxy, '/ex/cookie', { headers: [`Cookie: x=${PICKLE_B64}; theme=dark`] }), 'DW-PICKLE-001', 'cookie x is an opaque blob');
    expectBlocked(await send(proxy, '/ex/cookie', { headers: [`Cookie: y=${PICKLE_B64}`] }), 'DW-PICKLE-001');
  });

  it('header:X-Data — that header passes (any case on the wire and in the config), another header does not', async () => {
    await expectExcluded(await send(proxy, '/ex/header', { headers: [`X-Data: ${PICKLE_B64}`] }), 'DW-PICKLE-001', 'X-Data is only logged');
    await expectExcluded(await send(proxy, '/ex/header', { headers: [`x-DATA: ${PICKLE_B64}`] }), 'DW-PICKLE-001', 'X-Data is only logged');
    expectBlocked(await send(proxy, '/ex/header', { headers: [`X-Other: ${PICKLE_B64}`] }), 'DW-PICKLE-001');
  });

  it('multipart:x — part y is blocked', async () => {
    expectBlocked(await send(proxy, '/ex/multipart', { body: multipart('y', XXE), contentType: 'multipart/form-data; boundary=BB' }), 'DW-XML-001');
  });

  // The raw body scan sees the payload too: it is attributed to the part (multipart:x), not to the body.
  it('multipart:x — part x passes', async () => {
    await expectExcluded(await send(proxy, '/ex/multipart', { body: multipart('x', XXE), contentType: 'multipart/form-data; boundary=BB' }), 'DW-XML-001', 'part x is stored, never parsed');
  });
});

describe('by JSON pointer', () => {
  const json = (v: unknown) => send(proxy, '/ex/pointer', { body: JSON.stringify(v), contentType: 'application/json' });

  it('the pointer and everything below it pass', async () => {
    await expectExcluded(await json({ profile: { bio: XXE }, name: 'a' }), 'DW-XML-001', 'bio is rendered as text');
    await expectExcluded(await json({ profile: { bio: { html: XXE } } }), 'DW-XML-001', 'bio is rendered as text');
    await expectExcluded(await json({ profile: { bio: [Buffer.from(XXE).toString('base64')] } }), 'DW-XML-001', 'bio is rendered as text');
  });

  it('siblings, look-alike keys and other rules do not', async () => {
    expectBlocked(await json({ profile: { biography: XXE } }), 'DW-XML-001');
    expectBlocked(await json({ profile: { name: XXE } }), 'DW-XML-001');
    expectBlocked(await json({ bio: XXE }), 'DW-XML-001');
    expectBlocked(await json({ profile: { bio: PICKLE_B64 } }), 'DW-PICKLE-001');
  });
});

describe('exclusions are visible', () => {
  it('every exclusion is in the start-up line with its policy, rule, param or pointer and reason', async () => {
    const line = await proxy.waitForLog((l) => l.msg === 'deserwall listening');
    expect(line.exclusions).toEqual([
      { policy: 'ex-rule', rule: 'DW-XML-001', reason: 'XML uploads are parsed with entities disabled' },
      { policy: 'ex-prefix', rule: 'DW-XML-*', reason: 'whole XML family off for the document store' },
      { policy: 'ex-query', rule: 'DW-XML-001', param: 'query:x', reason: 'x carries XML the app never parses' },
      { policy: 'ex-form', rule: 'DW-XML-001', param: 'form:x', reason: 'form field x is stored as text' },
      { policy: 'ex-cookie', rule: 'DW-PICKLE-001', param: 'cookie:x', reason: 'cookie x is an opaque blob' },
      { policy: 'ex-header', rule: 'DW-PICKLE-001', param: 'header:x-data', reason: 'X-Data is only logged' },
      { policy: 'ex-multipart', rule: 'DW-XML-001', param: 'multipart:x', reason: 'part x is stored, never parsed' },
      { policy: 'ex-pointer', rule: 'DW-XML-001', pointer: '/profile/bio', reason: 'bio is rendered as text' },
    ]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'dw-ex-'));
  const check = (yaml: string) => {
    const file = join(dir, `cfg-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, yaml);
    return { file, r: spawnSync(process.execPath, [CLI, 'check-config', file], { encoding: 'utf8' }) };
  };

  it('check-config counts them', () => {
    const { r } = check(configFor('http://127.0.0.1:9', CONFIG));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('8 exclusion(s)');
  });

  it('bad exclusions are config errors with file, line and key path', () => {
    const { file, r } = check(`upstream: http://127.0.0.1:9
policies:
  p:
    exclusions:
      - { rule: DW-XML-001 }
      - { rule: DW-XML-001, reason: both, param: "query:x", pointer: /a }
      - { rule: DW-XML-001, reason: bad param, param: "body:x" }
      - { rule: xml-001, reason: bad rule }
      - { rule: DW-XML-001, reason: bad pointer, pointer: "a/b" }
`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file}:5:\\d+: /policies/p/exclusions/0: must have required property 'reason'`));
    expect(r.stderr).toContain(`${file}:6:`);
    expect(r.stderr).toContain('/policies/p/exclusions/1: set "param" or "pointer", not both');
    expect(r.stderr).toContain('/policies/p/exclusions/2/param: must look like');
    expect(r.stderr).toContain('/policies/p/exclusions/3/rule: must be a rule id');
    expect(r.stderr).toContain('/policies/p/exclusions/4/pointer: must be a JSON pointer');
  });
});
