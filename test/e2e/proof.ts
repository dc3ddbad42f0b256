/**
 * End-to-end assertions shared by the vulnerable-app tests: a request sent
 * through deserwall is refused, explained (finding log line with the same
 * request id), and never reaches the app; deserwall under the same config
 * the compose demo mounts (config/examples/ml-and-rpc.yaml).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startProxy, type ProxyProcess } from '../helpers/processes.js';
import { ROOT, type AppProcess } from './apps.js';
import { send, type Answer, type Wrapped } from './http.js';

/** The deserwall config the compose demo mounts. */
export const DEMO_CONFIG = join(ROOT, 'config', 'examples', 'ml-and-rpc.yaml');

/** Start the built proxy with the demo config, in front of `app`. */
export function startDemoProxy(app: AppProcess): Promise<ProxyProcess> {
  return startProxy(readFileSync(DEMO_CONFIG, 'utf8'), ['--upstream', app.url]);
}

export interface Blocked {
  answer: Answer;
  finding: Record<string, unknown>;
}

/**
 * Send `w` to `path` through the proxy and assert: the status is one of
 * `statuses`, the answer names a request id whose finding line was logged
 * with action "blocked" and a family in `families`, and the app received
 * nothing but a sentinel GET /healthz sent through the proxy afterwards.
 */
export async function expectBlocked(proxy: ProxyProcess, app: AppProcess, path: string, w: Wrapped, families: string[], statuses = [403]): Promise<Blocked> {
  const before = app.requests.length;
  const answer = await send(proxy.port, 'POST', path, w);
  expect(statuses, answer.text).toContain(answer.status);
  const requestId = answer.json?.requestId;
  expect(typeof requestId, answer.text).toBe('string');
  const finding = await proxy.waitForLog((l) => l.type === 'finding' && l.requestId === requestId && l.action === 'blocked');
  expect(families).toContain(finding.family);
  expect(String(finding.rule)).toMatch(/^DW-[A-Z]+-\d+$/);
  // A request that does reach the app: anything forwarded before it would be logged by the app too.
  const sentinel = await send(proxy.port, 'GET', '/healthz');
  expect(sentinel.status).toBe(200);
  await app.waitForRequest((l) => l.method === 'GET' && l.path === '/healthz', before);
  expect(app.requests.slice(before).filter((l) => l.path !== '/healthz')).toEqual([]);
  return { answer, finding };
}
