/**
 * Route matching and per-route modes through the real proxy: host (exact,
 * case-insensitive, port ignored, `*.example.com`), methods, path prefixes
 * that end on segment boundaries, globs (`*` within a segment, `**` across
 * segments), first match wins, unmatched requests use the default route.
 * The route a request took is read from its access log line. Per-route mode
 * `log` forwards an attack with its finding logged; per-policy family actions
 * `log` and `allow` do the same for one family only.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configFor, startProxy, Upstream, type ProxyProcess } from '../helpers/processes.js';
import { accessOf, findingsOf, send } from './http.js';

const CONFIG = `
logging: { level: info }
mode: block
policies:
  pickle-log: { families: { pickle: log } }
  pickle-allow: { families: { pickle: allow } }
routes:
  - { name: first-wins, match: { path: /dup } }
  - { name: never-reached, match: { path: /dup } }
  - { name: host-exact, match: { host: api.example.com, path: /h } }
  - { name: host-wild, match: { host: '*.example.com', path: /h } }
  - { name: methods, match: { methods: [PUT, DELETE], path: /m } }
  - { name: prefix, match: { path: /ml } }
  - { name: prefix-slash, match: { path: /data/ } }
  - { name: glob-one, match: { path: /api/*/upload } }
  - { name: glob-any, match: { path: /files/**/raw } }
  - { name: glob-in-segment, match: { path: /v*/items } }
  - { name: log-mode, match: { path: /observe }, mode: log }
  - { name: pickle-log, match: { path: /plog }, policy: pickle-log }
  - { name: pickle-allow, match: { path: /pallow }, policy: pickle-allow }
`;

/** Protocol-0 pickle calling os.system('id'). */
const PICKLE = Buffer.from("cos\nsystem\n(S'id'\ntR.", 'latin1');
const XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>';

let upstream: Upstream;
let proxy: ProxyProcess;
let logMode: ProxyProcess;

beforeAll(async () => {
  upstream = await Upstream.start();
  proxy = await startProxy(configFor(upstream.url, CONFIG));
  logMode = await startProxy(configFor(upstream.url, `logging: { level: info }\nmode: log\nroutes:\n  - { name: strict, match: { path: /strict }, mode: block }\n`));
});
afterAll(async () => {
  await proxy?.stop();
  await logMode?.stop();
  await upstream?.stop();
});
beforeEach(() => upstream.reset());

async function routeOf(target: string, o: { host?: string; method?: string } = {}, p: ProxyProcess = proxy): Promise<string> {
  const r = await send(p, target, { ...(o.host ? { host: o.host } : {}), ...(o.method ? { method: o.method } : {}) });
  expect(r.status).toBe(200);
  return String((await accessOf(p, r.id)).route);
}

describe('route matching', () => {
  const cases: [string, { host?: string; method?: string }, string][] = [
    ['/dup', {}, 'first-wins'],
    ['/dup/x', {}, 'first-wins'],
    ['/h', { host: 'api.example.com' }, 'host-exact'],
    ['/h/x', { host: 'API.Example.COM:8443' }, 'host-exact'],
    ['/h', { host: 'x.example.com' }, 'host-wild'],
    ['/h', { host: 'a.b.example.com' }, 'host-wild'],
    ['/h', { host: 'example.com' }, 'default'],
    ['/h', { host: 'evil-example.com' }, 'default'],
    ['/h', { host: 'api.example.com.evil.test' }, 'default'],
    ['/m', { method: 'PUT' }, 'methods'],
    ['/m/1', { method: 'DELETE' }, 'methods'],
    ['/m', { method: 'GET' }, 'default'],
    ['/m', { method: 'POST' }, 'default'],
    ['/ml', {}, 'prefix'],
    ['/ml/', {}, 'prefix'],
    ['/ml/models/x.pt', {}, 'prefix'],
    ['/%6Dl/x', {}, 'prefix'],
    ['/mlx', {}, 'default'],
    ['/ml-old/x', {}, 'default'],
    ['/ML/x', {}, 'default'],
    ['/data', {}, 'prefix-slash'],
    ['/data/x', {}, 'prefix-slash'],
    ['/database', {}, 'default'],
    ['/api/v1/upload', {}, 'glob-one'],
    ['/api/v1/upload?x=1', {}, 'glob-one'],
    ['/api/v1/v2/upload', {}, 'default'],
    ['/api/upload', {}, 'default'],
    ['/api/v1/upload/more', {}, 'default'],
    ['/files/raw', {}, 'glob-any'],
    ['/files/a/raw', {}, 'glob-any'],
    ['/files/a/b/c/raw', {}, 'glob-any'],
    ['/files/a/rawx', {}, 'default'],
    ['/v1/items', {}, 'glob-in-segment'],
    ['/v22/items', {}, 'glob-in-segment'],
    ['/x1/items', {}, 'default'],
    ['/', {}, 'default'],
  ];
  for (const [target, o, want] of cases) {
    it(`${o.method ?? 'GET'} ${o.host ?? 'app.test'} ${target} → ${want}`, async () => {
      expect(await routeOf(target, o)).toBe(want);
    });
  }

  it('the start-up line lists the routes in order with policy and mode', async () => {
    const line = await proxy.waitForLog((l) => l.msg === 'deserwall listening');
    const routes = line.routes as { name: string; policy: string; mode: string }[];
    expect(routes.map((r) => r.name)).toEqual(['first-wins', 'never-reached', 'host-exact', 'host-wild', 'methods', 'prefix', 'prefix-slash', 'glob-one', 'glob-any', 'glob-in-segment', 'log-mode', 'pickle-log', 'pickle-allow']);
    expect(routes.find((r) => r.name === 'log-mode')).toMatchObject({ policy: 'default', mode: 'log' });
  });
});

describe('modes and family actions per route', () => {
  const post = (p: ProxyProcess, path: string, body: Buffer | string, contentType = 'application/octet-stream') => send(p, path, { body, contentType });

  it('mode: log on one route forwards the attack and logs its finding as "logged"; other routes block it', async () => {
    const r = await post(proxy, '/observe/upload', PICKLE);
    expect(r.status).toBe(200);
    expect(r.forwarded).toBe(true);
    const f = await findingsOf(proxy, r.id);
    expect(f.length).toBeGreaterThan(0);
    expect(f.every((x) => x.action === 'logged' && x.family === 'pickle')).toBe(true);
    expect((await post(proxy, '/elsewhere', PICKLE)).status).toBe(403);
  });

  it('mode: block on one route of a log-mode config blocks there only', async () => {
    expect((await post(logMode, '/strict/x', PICKLE)).status).toBe(403);
    const r = await post(logMode, '/other', PICKLE);
    expect(r.status).toBe(200);
    expect((await findingsOf(logMode, r.id)).every((x) => x.action === 'logged')).toBe(true);
  });

  it('families: { pickle: log } logs pickles but still blocks XXE on that route', async () => {
    const r = await post(proxy, '/plog', PICKLE);
    expect(r.status).toBe(200);
    expect((await findingsOf(proxy, r.id)).every((x) => x.action === 'logged')).toBe(true);
    expect((await post(proxy, '/plog', XXE, 'application/xml')).status).toBe(403);
  });

  it('families: { pickle: allow } lets pickles through without a blocking finding; XXE is still blocked', async () => {
    const r = await post(proxy, '/pallow', PICKLE);
    expect(r.status).toBe(200);
    expect((await findingsOf(proxy, r.id)).filter((x) => x.action === 'blocked')).toEqual([]);
    expect((await post(proxy, '/pallow', XXE, 'application/xml')).status).toBe(403);
  });
});
