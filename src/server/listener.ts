/**
 * The proxy listener: a node:http server in strict parsing mode (never
 * insecureHTTPParser), with Node's silent header truncation switched off
 * (maxHeadersCount = 0, CVE-2026-58044) so our own count limit sees every
 * header, and with answers for the requests Node's parser refuses.
 */
import { HeapShedder } from './load-shed.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { handleExchange } from './exchange.js';
import type { Runtime } from './runtime.js';
import { handleUpgrade } from './upgrade.js';
import { requestIdFor } from './request-id.js';
import { publishRefusal } from '../observe/events.js';

/**
 * Requests one connection may carry. Node answers the next one with its own
 * 503 and only says `Connection: close` on the last answer while keeping the
 * socket open; onRequest closes the connection after that answer instead.
 */
const MAX_REQUESTS_PER_SOCKET = 1000;

export class ProxyServer {
  private runtime: Runtime;
  private readonly server: Server;
  private inFlight = 0;
  private closing = false;
  private drainedWaiters: (() => void)[] = [];
  /**
   * Per connection: requests received (the last one MAX_REQUESTS_PER_SOCKET allows closes it) and
   * the newest response still being produced (answers go out in request order).
   */
  private readonly connections = new WeakMap<Duplex, { count: number; last: ServerResponse | null }>();
  private readonly shedder = new HeapShedder(() => this.runtime.config.limits.shedAboveHeapBytes);
  private dropsLoggedAt = 0;
  private drops = 0;

  constructor(runtime: Runtime) {
    this.runtime = runtime;
    const { limits, timeouts } = runtime.config;
    this.server = createServer({
      // Node's own limit sits above ours so our checks answer with exact statuses (414/431).
      maxHeaderSize: limits.maxHeaderBytes + limits.maxUrlBytes + 1024,
      requireHostHeader: true,
      insecureHTTPParser: false,
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: 1000,
      joinDuplicateHeaders: false,
    });
    this.server.maxHeadersCount = 0;
    this.server.maxConnections = limits.maxConnections;
    this.server.on('drop', () => this.onDrop());
    this.shedder.start();
    this.server.maxRequestsPerSocket = MAX_REQUESTS_PER_SOCKET;
    // RFC 9112 §9.6: a client may half-close after its request and still expects the answer.
    (this.server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
    this.server.on('request', (req, res) => this.onRequest(req, res, false));
    this.server.on('checkContinue', (req, res) => this.onRequest(req, res, true));
    this.server.on('checkExpectation', (req, res) => this.onExpectation(req, res));
    this.server.on('clientError', (err, socket) => this.onClientError(err as NodeJS.ErrnoException, socket));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => handleUpgrade(this.runtime, req, socket as Socket, head, this.closing));
    this.server.on('connect', (_req: IncomingMessage, socket: Duplex) => writeRaw(socket as Socket, 405, 'DW_ERR_METHOD_NOT_ALLOWED', 'CONNECT is not proxied', requestIdFor(undefined)));
  }

  get current(): Runtime {
    return this.runtime;
  }

  /** Swap in a new runtime (hot reload); requests in flight keep the old one. */
  swap(runtime: Runtime): Runtime {
    const old = this.runtime;
    this.runtime = runtime;
    this.server.maxConnections = runtime.config.limits.maxConnections;
    this.shedder.refresh();
    return old;
  }

  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port, exclusive: false }, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /**
   * Stop accepting, let in-flight requests finish (new requests on open
   * connections get 503 + Connection: close), then close everything once idle
   * or after `graceMs`.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.closing = true;
    this.shedder.stop();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        timer.unref();
        this.drainedWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.server.closeAllConnections();
    await closed;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    this.inFlight++;
    const socket = req.socket;
    let conn = this.connections.get(socket);
    if (!conn) this.connections.set(socket, (conn = { count: 0, last: null }));
    conn.count++;
    conn.last = res;
    const c = conn;
    res.once('close', () => {
      if (c.last === res) c.last = null;
      this.inFlight--;
      if (this.closing) {
        // Keep-alive connections must not linger during shutdown.
        this.server.closeIdleConnections();
        if (this.inFlight === 0) for (const w of this.drainedWaiters.splice(0)) w();
      }
    });
    if (this.closing || c.count >= MAX_REQUESTS_PER_SOCKET) res.shouldKeepAlive = false;
    handleExchange(this.runtime, req, res, { expectContinue, closing: this.closing, overloaded: this.shedder.overloaded });
  }

  /** A connection over limits.maxConnections was closed by Node: say so, at most once a second. */
  private onDrop(): void {
    this.drops++;
    const now = Date.now();
    if (now - this.dropsLoggedAt < 1000) return;
    this.dropsLoggedAt = now;
    this.runtime.logger.warn({ code: 'DW_ERR_TOO_MANY_CONNECTIONS', limit: 'maxConnections', maxConnections: this.server.maxConnections, dropped: this.drops, msg: 'connections over the limit closed' });
    this.drops = 0;
  }

  private onExpectation(req: IncomingMessage, res: ServerResponse): void {
    const id = requestIdFor(req.headers['x-request-id']);
    const body = JSON.stringify({ error: 'only "Expect: 100-continue" is supported', code: 'DW_ERR_EXPECTATION_FAILED', requestId: id });
    res.writeHead(417, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close', 'x-request-id': id });
    res.end(body);
    this.runtime.logger.info({ requestId: id, code: 'DW_ERR_EXPECTATION_FAILED', status: 417, msg: 'request refused' });
  }

  private onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
    const s = socket as Socket;
    const code = err.code ?? '';
    // Bytes after a `Connection: close` request: ignore them; the pending answer is still written and the socket then closes.
    if (code === 'HPE_CLOSED_CONNECTION') return;
    // ECONNRESET, or the client half-closed in the middle of a request: nobody is left to answer.
    if (code === 'ECONNRESET' || code === 'HPE_INVALID_EOF_STATE' || !s.writable) {
      s.destroy();
      return;
    }
    let status = 400;
    let ours = 'DW_ERR_BAD_FRAMING';
    let reason = 'malformed request';
    if (code === 'HPE_HEADER_OVERFLOW') {
      const raw = (err as { rawPacket?: Buffer }).rawPacket;
      const lineEnd = raw ? raw.indexOf('\r\n') : -1;
      if (raw && (lineEnd === -1 || lineEnd > this.runtime.config.limits.maxUrlBytes)) {
        status = 414;
        ours = 'DW_ERR_URI_TOO_LONG';
        reason = 'request target too long';
      } else {
        status = 431;
        ours = 'DW_ERR_HEADERS_TOO_LARGE';
        reason = 'header section too large';
      }
    } else if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
      ours = 'DW_ERR_REQUEST_TIMEOUT';
      reason = 'request not received in time';
    } else if (code === 'HPE_INVALID_METHOD' || code === 'HPE_PAUSED_H2_UPGRADE') {
      reason = 'unsupported method or protocol';
    } else if (code.startsWith('HPE_')) {
      reason = `HTTP parse error (${code})`;
    }
    const id = requestIdFor(undefined);
    this.runtime.logger.info({ requestId: id, code: ours, parser: code, status, reason, msg: 'request refused' });
    this.runtime.metrics.requests.inc({ route: '-', action: 'refused' });
    const line = requestLineOf((err as { rawPacket?: Buffer }).rawPacket);
    publishRefusal({ requestId: id, ...line, status, error: ours, mode: this.runtime.config.mode, remoteAddress: s.remoteAddress ?? '' });
    const pending = this.connections.get(s)?.last;
    // Only when that request was read completely: bad bytes inside a body belong to the request itself.
    if (pending && pending.req.complete && !pending.writableFinished) {
      // A request read before the bad bytes is still being answered: its answer goes first, then
      // this one, then the connection closes (the client reads answers in request order).
      pending.shouldKeepAlive = false;
      pending.prependOnceListener('finish', () => writeRaw(s, status, ours, reason, id));
      pending.once('close', () => s.destroySoon());
      return;
    }
    writeRaw(s, status, ours, reason, id);
  }
}

/** Method and target of the request line Node's parser refused, as far as they can be read. */
function requestLineOf(raw: Buffer | undefined): { method: string; target: string } {
  if (!raw) return { method: '-', target: '-' };
  const end = raw.indexOf('\r\n');
  const words = raw.subarray(0, Math.min(end === -1 ? raw.length : end, 2048)).toString('latin1').split(' ');
  return { method: (words[0] ?? '-').slice(0, 32) || '-', target: words[1] ?? '-' };
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 405: 'Method Not Allowed', 408: 'Request Timeout', 414: 'URI Too Long', 431: 'Request Header Fields Too Large' };

/** Answer on a socket Node's HTTP layer has given up on, then close it. */
function writeRaw(socket: Socket, status: number, code: string, reason: string, requestId: string): void {
  const body = JSON.stringify({ error: reason, code, requestId });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
  );
}
