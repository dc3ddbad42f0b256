/**
 * One request's way through the proxy: framing checks → route → engine
 * transaction (head, then body chunks as they arrive, held in memory up to
 * the body limit) → decision → forward the held body or answer the block.
 * No byte reaches the upstream before the verdict.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestRefusedError, UpstreamError } from '../errors.js';
import { refuse } from '../errors.js';
import type { Transaction } from '../engine/api.js';
import type { Finding } from '../engine/types.js';
import { upstreamRequestHeaders } from '../forward/headers.js';
import { decide, type Decision } from '../policy/decide.js';
import { hostOnly, normalizePath } from '../policy/match.js';
import { selectRoute } from '../policy/compile.js';
import type { CompiledRoute } from '../policy/types.js';
import type { GuardBody } from '../policy/guards/guard.js';
import { guardsAfterVerdict, guardsBeforeVerdict, guardsOnHead } from '../policy/guards/run.js';
import { checkRequestHead, type HeadFacts } from './framing.js';
import { logDecision, logAccess, type AccessRecord } from './log-lines.js';
import { requestIdFor } from './request-id.js';
import { sendJson } from './respond.js';
import type { Runtime } from './runtime.js';
import { PublishedRequestEvent, requestChannel } from '../observe/events.js';

export interface ExchangeOptions {
  /** The client sent `Expect: 100-continue`; answer 100 once the head checks pass. */
  readonly expectContinue: boolean;
  /** True while the server is shutting down: answer 503 and close. */
  readonly closing: boolean;
  /** True while the heap is above limits.shedAboveHeapBytes: answer 503 with Retry-After. */
  readonly overloaded?: boolean;
}

export function handleExchange(rt: Runtime, req: IncomingMessage, res: ServerResponse, opts: ExchangeOptions): void {
  new Exchange(rt, req, res, opts).start();
}

class Exchange {
  private readonly started = process.hrtime.bigint();
  private readonly id: string;
  private route: CompiledRoute | null = null;
  private tx: Transaction | null = null;
  private chunks: Buffer[] = [];
  private received = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private done = false;
  private inspectNs = 0n;
  private facts: HeadFacts | null = null;
  private decision: Decision | null = null;

  constructor(
    private readonly rt: Runtime,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly opts: ExchangeOptions,
  ) {
    this.id = requestIdFor(req.headers['x-request-id']);
    rt.metrics.inFlight.inc();
    res.once('close', () => {
      rt.metrics.inFlight.dec();
      this.clearIdle();
    });
  }

  start(): void {
    const { req, rt } = this;
    if (rt.logger.isLevelEnabled('debug')) rt.logger.debug({ requestId: this.id, method: req.method, path: (req.url ?? '').split('?')[0], msg: 'request received' });
    if (this.opts.closing) return this.refuseWith(refuse('DW_ERR_SHUTTING_DOWN', 'the proxy is shutting down'), true);
    if (this.opts.overloaded) {
      this.res.setHeader('retry-after', '1');
      return this.refuseWith(refuse('DW_ERR_OVERLOADED', 'the proxy is shedding load (heap above limits.shedAboveHeapBytes)'), !req.complete);
    }
    const head = checkRequestHead(req, rt.config.limits);
    if (!head.ok) return this.refuseWith(head.error, true);
    this.facts = head.facts;
    if (rt.upstream === null) {
      // ext_authz: Envoy says when it cut the body (allow_partial_message); a partial body is never judged clean.
      if (req.headers['x-envoy-auth-partial-body'] === 'true') return this.refuseWith(refuse('DW_ERR_PARTIAL_BODY', 'Envoy sent a partial body (max_request_bytes); refusing rather than judging part of it'), true);
      const prefix = rt.config.extAuthz.pathPrefix;
      if (prefix && req.url?.startsWith(prefix)) req.url = req.url.slice(prefix.length) || '/';
    }
    const path = normalizePath(req.url ?? '/');
    if (!path.ok && req.url !== '*') return this.refuseWith(refuse('DW_ERR_BAD_FRAMING', path.reason), true);
    const route = selectRoute(rt.routing, hostOnly(req.headers.host), req.method ?? 'GET', path.ok ? path.path : '*');
    this.route = route;
    const limit = route.policy.limits.maxBodyBytes;
    if (head.facts.contentLength !== null && head.facts.contentLength > limit) {
      return this.refuseWith(refuse('DW_ERR_BODY_TOO_LARGE', `Content-Length exceeds maxBodyBytes ${limit}`), true);
    }

    const requestHead = { method: req.method ?? 'GET', target: req.url ?? '/', rawHeaders: req.rawHeaders };
    const stop = guardsOnHead(route.guards, requestHead);
    if (stop) return this.guardRefused(stop.guard, stop.refusal);
    const t0 = process.hrtime.bigint();
    this.tx = rt.engine.begin(requestHead, route.policy);
    this.inspectNs += process.hrtime.bigint() - t0;
    if (this.tx.headFindings.length > 0) {
      const decision = decide(this.tx.headFindings, route, rt.config.blockStatus);
      if (decision.block) return this.block(decision);
    }
    if (this.opts.expectContinue) this.res.writeContinue();
    if (!head.facts.framed) {
      // No body framing at all: nothing to read.
      this.finishBody();
      return;
    }
    this.readBody(limit);
  }

  private readBody(limit: number): void {
    const { req, rt } = this;
    const bodyIdleMs = rt.config.timeouts.bodyIdleMs;
    // One timer per request, pushed back on every chunk (refresh() allocates nothing).
    const armIdle = () => {
      if (bodyIdleMs <= 0) return;
      if (this.idleTimer) this.idleTimer.refresh();
      else this.idleTimer = setTimeout(() => this.timeout(), bodyIdleMs);
    };
    armIdle();
    req.on('data', (chunk: Buffer) => {
      if (this.done) return;
      this.received += chunk.length;
      if (this.received > limit) {
        this.clearIdle();
        return this.refuseWith(refuse('DW_ERR_BODY_TOO_LARGE', `body exceeds maxBodyBytes ${limit}`), true);
      }
      armIdle();
      this.chunks.push(chunk);
      const t0 = process.hrtime.bigint();
      this.tx!.write(chunk);
      this.inspectNs += process.hrtime.bigint() - t0;
    });
    req.once('end', () => {
      this.clearIdle();
      if (!this.done) this.finishBody();
    });
    req.once('close', () => {
      this.clearIdle();
      if (!this.done && !req.complete) this.clientAborted();
    });
  }

  private finishBody(): void {
    const { rt } = this;
    const route = this.route!;
    const t0 = process.hrtime.bigint();
    const verdict = this.tx!.end();
    this.inspectNs += process.hrtime.bigint() - t0;
    rt.metrics.inspectionSeconds.observe({ route: route.name }, Number(this.inspectNs) / 1e9);
    const all = this.tx!.headFindings.length > 0 ? [...this.tx!.headFindings, ...verdict.findings] : verdict.findings;
    const guardHead = { method: this.req.method ?? 'GET', target: this.req.url ?? '/', rawHeaders: this.req.rawHeaders };
    let gb: GuardBody | undefined;
    const guardBody = (): GuardBody => (gb ??= { raw: this.bodyBuffer(), ...(this.req.headers['content-type'] ? { contentType: this.req.headers['content-type'].split(';')[0]!.trim().toLowerCase() } : {}), ...(this.req.headers['content-encoding'] ? { contentEncoding: this.req.headers['content-encoding'] } : {}) });
    const before = guardsBeforeVerdict(route.guards, guardHead, guardBody);
    if ('refusal' in before) return this.guardRefused(before.guard, before.refusal);
    const decision: Decision | null = all.length > 0 ? decide(all, route, rt.config.blockStatus, before.vouchedBy) : null;
    if (decision?.block) return this.block(decision);
    const after = guardsAfterVerdict(route.guards, guardHead, guardBody);
    if (after) {
      if (decision) this.logFindings(decision);
      return this.guardRefused(after.guard, after.refusal);
    }
    if (decision) this.logFindings(decision);
    if (rt.upstream === null) return this.allow(decision);
    this.forward(decision);
  }

  /** ext_authz mode: the request is clean (or only logged): answer 200 so Envoy lets it through. */
  private allow(decision: Decision | null): void {
    const { rt, res } = this;
    this.done = true;
    this.chunks = [];
    const logged = decision ? decision.findings.filter((d) => d.action === 'logged').length : 0;
    rt.metrics.requests.inc({ route: this.route!.name, action: decision ? 'logged' : 'forwarded' });
    res.writeHead(200, {
      'content-length': 0,
      'x-request-id': this.id,
      'x-deserwall-verdict': decision ? 'logged' : 'clean',
      ...(logged > 0 ? { 'x-deserwall-findings': String(logged) } : {}),
    });
    res.end();
    this.access({ status: 200, verdict: decision ? 'logged' : 'clean', bytesOut: 0 });
  }

  /** The held body as one buffer (concatenated once). */
  private bodyBuffer(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [this.chunks.length === 0 ? Buffer.alloc(0) : Buffer.concat(this.chunks, this.received)];
    return this.chunks[0]!;
  }

  private forward(decision: Decision | null): void {
    const { req, res, rt } = this;
    const upstream = rt.upstream!;
    const body = this.facts?.framed ? this.bodyBuffer() : null;
    this.chunks = [];
    const headers = upstreamRequestHeaders(req.rawHeaders, {
      remoteAddress: req.socket.remoteAddress ?? '',
      trusted: rt.trusted,
      host: rt.config.hostHeader === 'upstream' ? upstream.host : (req.headers.host ?? upstream.host),
      contentLength: body === null ? null : body.length,
      requestId: this.id,
    });
    if (!res.hasHeader('x-request-id')) res.setHeader('x-request-id', this.id);
    upstream.forward({ method: req.method ?? 'GET', target: req.url ?? '/', headers, body, res }, (result) => {
      if (result.error) return this.upstreamFailed(result.error, result.headersSent, result.bytesOut);
      this.done = true;
      rt.metrics.requests.inc({ route: this.route!.name, action: decision ? 'logged' : 'forwarded' });
      rt.metrics.bodyBytes.inc({ direction: 'out' }, result.bytesOut);
      this.access({ status: result.status, verdict: decision ? 'logged' : 'clean', bytesOut: result.bytesOut });
    });
    rt.metrics.bodyBytes.inc({ direction: 'in' }, this.received);
  }

  private upstreamFailed(err: UpstreamError, headersSent: boolean, bytesOut: number): void {
    const { rt, res } = this;
    this.done = true;
    rt.metrics.upstreamErrors.inc({ kind: err.kind });
    rt.metrics.requests.inc({ route: this.route?.name ?? 'default', action: 'error' });
    if (err.kind === 'client-abort') {
      this.access({ status: 499, verdict: 'client-abort', bytesOut, error: err.code });
      return;
    }
    rt.logger.warn({ requestId: this.id, code: err.code, kind: err.kind, msg: 'upstream error' });
    if (headersSent) {
      // The client already has a status line: cut the connection so it cannot mistake a short body for a whole one.
      res.destroy();
      this.access({ status: res.statusCode, verdict: 'upstream-error', bytesOut, error: err.code });
      return;
    }
    sendJson(this.req, res, err.status, { error: err.kind === 'timeout' || err.kind === 'connect-timeout' ? 'upstream timeout' : 'bad gateway', code: err.code, requestId: this.id }, false);
    this.access({ status: err.status, verdict: 'upstream-error', bytesOut: 0, error: err.code });
  }

  private block(decision: Decision): void {
    const { rt } = this;
    this.done = true;
    this.chunks = [];
    this.logFindings(decision);
    const f = decision.primary!;
    const refused = f.kind !== 'attack';
    rt.metrics.requests.inc({ route: this.route?.name ?? 'default', action: refused ? 'refused' : 'blocked' });
    sendJson(this.req, this.res, decision.status, { error: refused ? 'refused' : 'blocked', rule: f.rule, family: f.family, requestId: this.id }, !this.req.complete);
    this.access({ status: decision.status, verdict: refused ? 'refused' : 'blocked', bytesOut: 0, rule: f.rule });
  }

  private guardRefused(guard: string, r: { status: number; code: string; reason: string; details?: Record<string, unknown> }): void {
    const { rt } = this;
    this.done = true;
    this.chunks = [];
    rt.metrics.requests.inc({ route: this.route?.name ?? 'default', action: 'refused' });
    rt.logger.info({ requestId: this.id, guard, code: r.code, status: r.status, reason: r.reason, msg: 'request refused by route guard' });
    sendJson(this.req, this.res, r.status, { error: r.reason, code: r.code, requestId: this.id, ...(r.details ?? {}) }, !this.req.complete);
    this.access({ status: r.status, verdict: 'refused', bytesOut: 0, error: r.code });
  }

  private refuseWith(err: RequestRefusedError, close: boolean): void {
    const { rt } = this;
    this.done = true;
    this.chunks = [];
    rt.metrics.requests.inc({ route: this.route?.name ?? 'default', action: 'refused' });
    rt.logger.info({ requestId: this.id, code: err.code, status: err.status, reason: err.message, msg: 'request refused' });
    sendJson(this.req, this.res, err.status, { error: err.message, code: err.code, requestId: this.id }, close);
    this.access({ status: err.status, verdict: 'refused', bytesOut: 0, error: err.code });
  }

  private timeout(): void {
    if (this.done) return;
    const err = refuse('DW_ERR_REQUEST_TIMEOUT', `no body data for ${this.rt.config.timeouts.bodyIdleMs} ms`);
    this.done = true;
    this.chunks = [];
    this.rt.metrics.requests.inc({ route: this.route?.name ?? 'default', action: 'refused' });
    this.rt.logger.info({ requestId: this.id, code: err.code, status: 408, msg: 'request timeout' });
    if (!this.res.headersSent) {
      const payload = JSON.stringify({ error: err.message, code: err.code, requestId: this.id });
      this.res.writeHead(408, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), connection: 'close' });
      this.res.end(payload);
    }
    this.req.socket.destroySoon();
    this.access({ status: 408, verdict: 'refused', bytesOut: 0, error: err.code });
  }

  private clientAborted(): void {
    this.done = true;
    this.chunks = [];
    this.rt.metrics.requests.inc({ route: this.route?.name ?? 'default', action: 'client-abort' });
    this.access({ status: 499, verdict: 'client-abort', bytesOut: 0 });
  }

  private clearIdle(): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
  }

  private logFindings(decision: Decision): void {
    this.decision = decision;
    logDecision(this.rt, this.id, this.route?.policy.name ?? 'default', decision);
    for (const d of decision.findings) this.rt.metrics.findings.inc({ family: d.finding.family, rule: d.finding.rule, action: d.action });
  }

  private access(r: Omit<AccessRecord, 'id' | 'method' | 'path' | 'bytesIn' | 'durationMs' | 'route'>): void {
    const record: AccessRecord = {
      id: this.id,
      method: this.req.method ?? '',
      path: this.req.url ?? '',
      route: this.route?.name ?? '-',
      bytesIn: this.received,
      durationMs: Number(process.hrtime.bigint() - this.started) / 1e6,
      ...r,
    };
    logAccess(this.rt, record);
    if (requestChannel.hasSubscribers) this.publish(record);
  }

  private publish(r: AccessRecord): void {
    const q = r.path.indexOf('?');
    const event = new PublishedRequestEvent(
      {
        time: Date.now(),
        requestId: r.id,
        method: r.method,
        path: q === -1 ? r.path : r.path.slice(0, q),
        route: r.route,
        policy: this.route?.policy.name ?? 'default',
        mode: this.route?.mode ?? this.rt.config.mode,
        status: r.status,
        verdict: r.verdict === 'clean' ? 'forwarded' : r.verdict,
        bytesIn: r.bytesIn,
        bytesOut: r.bytesOut,
        durationMs: r.durationMs,
        findings: this.decision ? this.decision.findings.map((d) => ({ finding: d.finding, action: d.action })) : [],
        remoteAddress: this.req.socket.remoteAddress ?? '',
        ...(r.error !== undefined ? { error: r.error } : {}),
      },
      this.req.rawHeaders,
    );
    requestChannel.publish(event);
  }
}

export type { Finding };
