/**
 * End-to-end request helper: one POST or GET over a raw socket on 127.0.0.1,
 * with the body sent as written (Content-Length) or chunked in odd sizes, so
 * that the same bytes go to an app directly and through deserwall.
 */
import { gzipSync } from 'node:zlib';
import { chunked, rawRequest, req } from '../helpers/raw.js';

export interface Wrapped {
  /** Extra request headers. */
  headers: Record<string, string>;
  body: Buffer;
  /** Send with Transfer-Encoding: chunked in these chunk sizes (cycled). */
  chunks?: number[];
}

export interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown> | null;
}

export async function send(port: number, method: string, path: string, w: Wrapped = { headers: {}, body: Buffer.alloc(0) }): Promise<Answer> {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close'];
  for (const [k, v] of Object.entries(w.headers)) lines.push(`${k}: ${v}`);
  let body = w.body;
  if (w.chunks) {
    lines.push('Transfer-Encoding: chunked');
    body = chunked(w.body, w.chunks);
  } else if (method !== 'GET' || body.length > 0) {
    lines.push(`Content-Length: ${body.length}`);
  }
  const r = await rawRequest(port, req(lines, body), { timeoutMs: 15_000 });
  const res = r.responses[0];
  if (!res) throw new Error(`no response to ${method} ${path} on port ${port} (closed=${r.closed}, reset=${r.reset})`);
  const text = res.body.toString('utf8');
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: res.status, text, json };
}

/** A named way of wrapping one payload. */
export interface Wrapper {
  name: string;
  wrap(payload: Buffer): Wrapped;
}

export const gzip = (b: Buffer): Buffer => gzipSync(b);
