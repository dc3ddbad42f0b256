/**
 * Forwarding to the upstream over a keep-alive connection pool (undici Pool,
 * low-level dispatch API). The held, inspected body is sent with an exact
 * Content-Length; the response streams back to the client with backpressure
 * and without buffering. Upstream faults map to 502/504 with stable codes.
 */
import type { ServerResponse } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import { UpstreamError } from '../errors.js';
import { clientResponseHeaders } from './headers.js';

export interface UpstreamOptions {
  readonly connections: number;
  readonly keepAliveMs: number;
  readonly maxRequestsPerConnection: number;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyIdleTimeoutMs: number;
}

export interface ForwardRequest {
  readonly method: string;
  /** Origin-form request target (path and query), forwarded as received. */
  readonly target: string;
  /** Flat [name, value, ...] header list, already cleaned (see headers.ts). */
  readonly headers: string[];
  readonly body: Buffer | null;
  readonly res: ServerResponse;
}

export interface ForwardResult {
  readonly status: number;
  /** Response body bytes relayed to the client. */
  readonly bytesOut: number;
  /** Set when the exchange failed; `headersSent` says whether the client already got a status. */
  readonly error?: UpstreamError;
  readonly headersSent: boolean;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export class Upstream {
  readonly origin: URL;
  private readonly pool: Pool;
  private readonly opts: UpstreamOptions;

  constructor(origin: URL, opts: UpstreamOptions) {
    this.origin = origin;
    this.opts = opts;
    this.pool = new Pool(origin.origin, {
      connections: opts.connections,
      pipelining: 1,
      keepAliveTimeout: opts.keepAliveMs,
      keepAliveMaxTimeout: Math.max(opts.keepAliveMs, 1000),
      ...(opts.maxRequestsPerConnection > 0 ? { maxRequestsPerClient: opts.maxRequestsPerConnection } : {}),
      connect: { timeout: opts.connectTimeoutMs },
      headersTimeout: opts.headersTimeoutMs,
      bodyTimeout: opts.bodyIdleTimeoutMs,
      strictContentLength: true,
    });
  }

  /** Host header value for `hostHeader: upstream`. */
  get host(): string {
    return this.origin.host;
  }

  forward(req: ForwardRequest, done: (result: ForwardResult) => void): void {
    this.attempt(req, done, IDEMPOTENT.has(req.method) ? 1 : 0);
  }

  private attempt(req: ForwardRequest, done: (result: ForwardResult) => void, retriesLeft: number): void {
    const res = req.res;
    let status = 0;
    let bytesOut = 0;
    let headersSent = false;
    let finished = false;
    let controllerRef: Dispatcher.DispatchController | null = null;
    const finish = (r: ForwardResult) => {
      if (finished) return;
      finished = true;
      res.off('close', onClientClose);
      done(r);
    };
    const onClientClose = () => {
      // Client went away (abort mid-response or before the response): drop the upstream request so the
      // connection is destroyed rather than returned to the pool half-read.
      if (!finished) controllerRef?.abort(new UpstreamError('DW_ERR_CLIENT_ABORTED', 'client-abort', 'client closed the connection', 499));
    };
    res.on('close', onClientClose);
    const onDrain = () => controllerRef?.resume();
    const base = this.opts;
    this.pool.dispatch(
      {
        origin: this.origin.origin,
        path: req.target,
        method: req.method,
        headers: req.headers,
        body: req.body,
        idempotent: retriesLeft > 0,
        headersTimeout: base.headersTimeoutMs,
        bodyTimeout: base.bodyIdleTimeoutMs,
      },
      {
        onRequestStart(controller) {
          controllerRef = controller;
          if (res.destroyed) controller.abort(new UpstreamError('DW_ERR_CLIENT_ABORTED', 'client-abort', 'client closed the connection', 499));
        },
        onResponseStart(controller, statusCode, headers) {
          if (statusCode < 200) return; // 1xx informational: the proxy answers 100-continue itself
          status = statusCode;
          const flat: string[] = [];
          for (const [k, v] of Object.entries(headers)) {
            if (Array.isArray(v)) for (const x of v) flat.push(k, x);
            else if (v !== undefined) flat.push(k, v);
          }
          try {
            res.writeHead(statusCode, clientResponseHeaders(flat));
            headersSent = true;
          } catch (err) {
            controller.abort(new UpstreamError('DW_ERR_UPSTREAM_PROTOCOL', 'protocol', `invalid response head from upstream: ${(err as Error).message}`, 502));
          }
        },
        onResponseData(controller, chunk) {
          bytesOut += chunk.length;
          if (!res.write(chunk)) {
            controller.pause();
            res.once('drain', onDrain);
          }
        },
        onResponseEnd() {
          res.end();
          finish({ status, bytesOut, headersSent: true });
        },
        onResponseError: (_controller, err) => {
          res.off('drain', onDrain);
          const mapped = mapUpstreamError(err);
          if (!headersSent && retriesLeft > 0 && mapped.kind === 'reset' && !res.destroyed) {
            res.off('close', onClientClose);
            this.attempt(req, done, retriesLeft - 1);
            return;
          }
          finish({ status: headersSent ? status : mapped.status, bytesOut, error: mapped, headersSent });
        },
      },
    );
  }

  /** Open an upgraded (WebSocket) connection to the upstream; resolves after its 101. */
  async upgrade(target: string, headers: string[], protocol: string): Promise<{ headers: Record<string, string | string[] | undefined>; socket: import('node:stream').Duplex }> {
    const r = await this.pool.upgrade({ path: target, method: 'GET', headers, protocol });
    return { headers: r.headers as Record<string, string | string[] | undefined>, socket: r.socket };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}

/** Map undici/socket errors to our codes and statuses. */
export function mapUpstreamError(err: unknown): UpstreamError {
  if (err instanceof UpstreamError) return err;
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  const msg = scrubCredentials(e.message ?? String(err));
  switch (code) {
    case 'ECONNREFUSED':
      return new UpstreamError('DW_ERR_UPSTREAM_REFUSED', 'refused', `upstream refused the connection`, 502, { cause: err });
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return new UpstreamError('DW_ERR_UPSTREAM_CONNECT_TIMEOUT', 'connect-timeout', 'upstream connect timed out', 504, { cause: err });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new UpstreamError('DW_ERR_UPSTREAM_TIMEOUT', 'timeout', 'upstream did not answer in time', 504, { cause: err });
    case 'UND_ERR_BODY_TIMEOUT':
      return new UpstreamError('DW_ERR_UPSTREAM_BODY_TIMEOUT', 'body-timeout', 'upstream response body stalled', 504, { cause: err });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return new UpstreamError('DW_ERR_UPSTREAM_RESET', 'reset', `upstream closed the connection: ${msg}`, 502, { cause: err });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UpstreamError('DW_ERR_UPSTREAM_DNS', 'dns', 'upstream host name does not resolve', 502, { cause: err });
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'UND_ERR_INFO':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return new UpstreamError('DW_ERR_UPSTREAM_PROTOCOL', 'protocol', `invalid response from upstream: ${msg}`, 502, { cause: err });
    default:
      if (code.startsWith('HPE_')) return new UpstreamError('DW_ERR_UPSTREAM_PROTOCOL', 'protocol', `invalid response from upstream: ${msg}`, 502, { cause: err });
      return new UpstreamError('DW_ERR_UPSTREAM_FAILED', 'error', `upstream request failed: ${msg}`, 502, { cause: err });
  }
}

/** Remove `user:pass@` from anything that may end up in a log line. */
export function scrubCredentials(text: string): string {
  let out = text;
  let i = out.indexOf('://');
  while (i !== -1) {
    const at = out.indexOf('@', i + 3);
    const slash = out.indexOf('/', i + 3);
    const space = out.indexOf(' ', i + 3);
    const end = Math.min(slash === -1 ? Infinity : slash, space === -1 ? Infinity : space);
    if (at !== -1 && at < end) out = out.slice(0, i + 3) + '[redacted]@' + out.slice(at + 1);
    i = out.indexOf('://', i + 3);
  }
  return out;
}
