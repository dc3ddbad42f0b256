/**
 * Helpers for the policy tests: one request over a raw socket to the real
 * proxy with an exact body and a unique X-Request-Id, the answer parsed, and
 * the proxy's finding log lines for that request (awaited by event).
 */
import { rawRequest, req } from '../helpers/raw.js';
import type { ProxyProcess } from '../helpers/processes.js';

export interface Sent {
  readonly id: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** The answer parsed as JSON (null when it is not JSON). */
  readonly json: Record<string, unknown> | null;
  /** True when the answer came from the upstream (the request was forwarded). */
  readonly forwarded: boolean;
}

export interface SendOptions {
  readonly method?: string;
  readonly host?: string;
  readonly headers?: readonly string[];
  readonly body?: Buffer | string;
  readonly contentType?: string;
}

let counter = 0;

export async function send(proxy: ProxyProcess, target: string, o: SendOptions = {}): Promise<Sent> {
  const id = `pol-${process.pid}-${++counter}`;
  const body = o.body === undefined ? null : typeof o.body === 'string' ? Buffer.from(o.body, 'utf8') : o.body;
  const lines = [`${o.method ?? (body ? 'POST' : 'GET')} ${target} HTTP/1.1`, `Host: ${o.host ?? 'app.test'}`, `X-Request-Id: ${id}`, 'Connection: close'];
  if (o.contentType) lines.push(`Content-Type: ${o.contentType}`);
  lines.push(...(o.headers ?? []));
  if (body) lines.push(`Content-Length: ${body.length}`);
  const r = await rawRequest(proxy.port, req(lines, body ?? ''), { timeoutMs: 20000 });
  const res = r.responses[0];
  if (!res) throw new Error(`no response for ${target} (${id})`);
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { id, status: res.status, headers: res.headers, body: res.body, json, forwarded: res.headers['x-upstream'] === 'yes' };
}

/** The access line of a request (written last for every request), then its finding lines. */
export async function findingsOf(proxy: ProxyProcess, id: string): Promise<Record<string, unknown>[]> {
  await proxy.waitForLog((l) => l.type === 'access' && l.requestId === id);
  return proxy.logs.filter((l) => l.type === 'finding' && l.requestId === id);
}

/** The access line of a request. */
export function accessOf(proxy: ProxyProcess, id: string): Promise<Record<string, unknown>> {
  return proxy.waitForLog((l) => l.type === 'access' && l.requestId === id);
}
