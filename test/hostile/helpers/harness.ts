/**
 * A proxy process in front of the misbehaving upstream, and the two checks
 * most hostile-input tests make: a request is refused with an exact status,
 * a named rule or limit in its log line, and not one byte of it reaching the
 * upstream; or a request is forwarded with its body byte for byte.
 */
import { expect } from 'vitest';
import { startProxy, configFor, type ProxyProcess } from '../../helpers/processes.js';
import { rawRequest, req, type RawResult, type RawOptions } from '../../helpers/raw.js';
import { HostileUpstream } from './upstream.js';

export const H = 'Host: app.test';

export interface Pair {
  proxy: ProxyProcess;
  upstream: HostileUpstream;
  stop(): Promise<void>;
}

export async function startPair(configExtra: string, env: Record<string, string> = {}): Promise<Pair> {
  const upstream = await HostileUpstream.start();
  const proxy = await startProxy(configFor(upstream.url, configExtra), [], env);
  return {
    proxy,
    upstream,
    async stop() {
      await proxy.stop();
      await upstream.stop();
    },
  };
}

/** A POST with the given extra header lines and body, Content-Length framed. */
export function post(path: string, headers: string[], body: Buffer | string): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  return req([`POST ${path} HTTP/1.1`, H, ...headers, `Content-Length: ${b.length}`], b);
}

export interface Expectation {
  /** Rule ids, one of which the finding line for this request must name. */
  rules?: string[];
  /** Value of the `limit` field of a finding line for this request. */
  limit?: string | RegExp;
  /** Code of the refusal line (`msg: request refused`) for this request. */
  code?: string;
  /** Bytes that must never reach the upstream (default: nothing from this request at all). */
  raw?: RawOptions;
}

/** The log lines for one request id, once its access line was written. */
export async function linesFor(proxy: ProxyProcess, id: string, timeoutMs = 10000): Promise<Record<string, unknown>[]> {
  await withTimeout(proxy.waitForLog((l) => l.requestId === id && (l.type === 'access' || l.msg === 'request refused')), timeoutMs, `the access or refusal line of request ${id} (logging.level must be info or lower)`);
  return proxy.logs.filter((l) => l.requestId === id);
}

/** Reject after `ms` with a message naming what was awaited (a missing event fails the test instead of hanging it). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

/**
 * Send `raw`; expect one of `status`; check the log lines named in `exp`; then
 * prove the upstream received nothing of it: a probe request is forwarded
 * after it and is the only thing the upstream saw since the reset.
 */
export async function expectRefused(pair: Pair, raw: Buffer | string, status: number | number[], exp: Expectation = {}): Promise<RawResult> {
  pair.upstream.reset();
  const r = await rawRequest(pair.proxy.port, raw, { timeoutMs: 15000, ...exp.raw });
  const got = r.responses[0]?.status;
  const want = Array.isArray(status) ? status : [status];
  expect(want, `status ${got}: ${r.raw.toString('latin1').slice(0, 300)}`).toContain(got);
  const id = r.responses[0]!.headers['x-request-id']!;
  expect(id).toBeTruthy();
  const lines = await linesFor(pair.proxy, id);
  if (exp.rules) {
    const rules = lines.filter((l) => l.type === 'finding').map((l) => String(l.rule));
    expect(rules.some((x) => exp.rules!.includes(x)), `findings ${rules.join(',')} should include one of ${exp.rules.join(',')}`).toBe(true);
  }
  if (exp.limit !== undefined) {
    const limits = lines.filter((l) => l.type === 'finding' && l.limit !== undefined).map((l) => String(l.limit));
    const ok = limits.some((x) => (typeof exp.limit === 'string' ? x === exp.limit : exp.limit!.test(x)));
    expect(ok, `limit fields [${limits.join(',')}] should name ${String(exp.limit)}`).toBe(true);
  }
  if (exp.code) {
    const codes = lines.map((l) => l.code ?? l.error).filter(Boolean);
    expect(codes).toContain(exp.code);
  }
  await expectUpstreamSawNothing(pair);
  return r;
}

/** The upstream saw nothing since its last reset: a probe is the only request that arrives. */
export async function expectUpstreamSawNothing(pair: Pair): Promise<void> {
  const probe = await rawRequest(pair.proxy.port, req(['GET /probe HTTP/1.1', H]));
  expect(probe.responses[0]?.status).toBe(200);
  await withTimeout(pair.upstream.waitForRequests(1), 10000, 'the probe at the upstream');
  expect(pair.upstream.requests.map((x) => x.url)).toEqual(['/probe']);
  const heads = pair.upstream.events.filter((e) => e.type === 'request-head').map((e) => e.url);
  expect(heads).toEqual(['/probe']);
}

/** Send `raw`; expect 200 and the upstream to receive `body` byte for byte. */
export async function expectForwarded(pair: Pair, raw: Buffer | string, body: Buffer | string): Promise<void> {
  pair.upstream.reset();
  const r = await rawRequest(pair.proxy.port, raw, { timeoutMs: 15000 });
  expect(r.responses[0]?.status, r.raw.toString('latin1').slice(0, 300)).toBe(200);
  await withTimeout(pair.upstream.waitForRequests(1), 10000, 'the forwarded request at the upstream');
  const got = pair.upstream.requests[0]!;
  const want = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  expect(got.body.equals(want)).toBe(true);
}
