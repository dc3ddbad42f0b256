/**
 * Hot reload: SIGHUP and (opt-in) watching the config file swap in a new
 * validated config; an invalid one is refused with file and line and the old
 * config keeps serving.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFor, startProxy, Upstream, type ProxyProcess } from '../helpers/processes.js';
import { rawRequest, req } from '../helpers/raw.js';

let upstream: Upstream;
let proxy: ProxyProcess;
let file: string;

const PICKLE_JSON = JSON.stringify({ model: 'gASVHQAAAAAAAACMBXBvc2l4lIwGc3lzdGVtlJOUjAJpZJSFlFKULg==' });
const attack = () => req(['POST /api/import HTTP/1.1', 'Host: app.test', 'Content-Type: application/json', `Content-Length: ${PICKLE_JSON.length}`], PICKLE_JSON);

beforeAll(async () => {
  upstream = await Upstream.start();
  proxy = await startProxy(configFor(upstream.url, 'watchConfig: true\nmode: block\nlogging: { level: info }'));
  file = String(proxy.logs.find((l) => l.msg === 'deserwall listening')!.config);
});
afterAll(async () => {
  await proxy?.stop();
  await upstream?.stop();
});

describe('hot reload', () => {
  it('SIGHUP applies a changed mode; the reload is logged with its generation', async () => {
    expect((await rawRequest(proxy.port, attack())).responses[0]?.status).toBe(403);
    writeFileSync(file, configFor(upstream.url, 'watchConfig: true\nmode: log\nlogging: { level: info }'));
    proxy.child.kill('SIGHUP');
    const line = await proxy.waitForLog((l) => l.msg === 'config reloaded' && l.mode === 'log');
    expect(line.generation).toBeGreaterThan(1);
    expect((await rawRequest(proxy.port, attack())).responses[0]?.status).toBe(200);
  });

  it('an invalid config is refused with file, line and key; the running config stays', async () => {
    writeFileSync(file, configFor(upstream.url, 'watchConfig: true\nmode: sometimes\n'));
    proxy.child.kill('SIGHUP');
    const err = await proxy.waitForLog((l) => l.msg === 'config reload failed; keeping the running config');
    const problems = err.problems as { file: string; line: number; path: string }[];
    expect(problems[0]).toMatchObject({ file, line: 3, path: '/mode' });
    expect((await rawRequest(proxy.port, attack())).responses[0]?.status).toBe(200);
  });

  it('watchConfig reloads when the file changes, without a signal', async () => {
    const before = proxy.logs.filter((l) => l.msg === 'config reloaded').length;
    writeFileSync(file, configFor(upstream.url, 'watchConfig: true\nmode: block\nlogging: { level: info }\n# changed\n'));
    await proxy.waitForLog((l) => l.msg === 'config reloaded' && l.mode === 'block');
    expect(proxy.logs.filter((l) => l.msg === 'config reloaded').length).toBeGreaterThan(before);
    expect((await rawRequest(proxy.port, attack())).responses[0]?.status).toBe(403);
  });
});
