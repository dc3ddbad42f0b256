/**
 * WebSocket upgrades: the head is checked and inspected like any request
 * (framing, route, engine head findings); then the upstream connection is
 * opened and, after its 101, bytes are relayed both ways. Message contents are
 * not inspected. Route guards apply as to a body-less GET (a signed route needs
 * a signature over the empty body). A route can refuse upgrades (`websocket: deny`). h2c and any
 * protocol other than websocket are refused.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream';
import { decide } from '../policy/decide.js';
import { hostOnly, normalizePath } from '../policy/match.js';
import { selectRoute } from '../policy/compile.js';
import type { GuardBody } from '../policy/guards/guard.js';
import { guardsAfterVerdict, guardsBeforeVerdict, guardsOnHead } from '../policy/guards/run.js';
import { checkRequestHead } from './framing.js';
import { publishRefusal } from '../observe/events.js';
import { requestIdFor } from './request-id.js';
import type { Runtime } from './runtime.js';

const EMPTY_BODY: GuardBody = { raw: Buffer.alloc(0) };
const PASSED = new Set(['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions', 'origin', 'user-agent', 'cookie', 'authorization', 'x-request-id']);

export function handleUpgrade(rt: Runtime, req: IncomingMessage, socket: Socket, head: Buffer, closing: boolean): void {
  const id = requestIdFor(req.headers['x-request-id']);
  const deny = (status: number, code: string, reason: string) => {
    rt.logger.info({ requestId: id, code, status, reason, msg: 'upgrade refused' });
    rt.metrics.requests.inc({ route: '-', action: 'refused' });
    publishRefusal({ requestId: id, method: req.method ?? '-', target: req.url ?? '-', status, error: code, mode: rt.config.mode, remoteAddress: socket.remoteAddress ?? '', rawHeaders: req.rawHeaders });
    const body = JSON.stringify({ error: reason, code, requestId: id });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  };
  if (closing) return deny(503, 'DW_ERR_SHUTTING_DOWN', 'the proxy is shutting down');
  const upstream = rt.upstream;
  if (upstream === null) return deny(400, 'DW_ERR_UPGRADE_REFUSED', 'upgrades are not authorised by the ext_authz service');
  const protocol = (req.headers.upgrade ?? '').toLowerCase();
  if (protocol !== 'websocket' || req.method !== 'GET') return deny(400, 'DW_ERR_UPGRADE_REFUSED', 'only WebSocket upgrades on GET are proxied');
  const check = checkRequestHead(req, rt.config.limits);
  if (!check.ok) return deny(check.error.status, check.error.code, check.error.message);
  const path = normalizePath(req.url ?? '/');
  if (!path.ok) return deny(400, 'DW_ERR_BAD_FRAMING', path.reason);
  const route = selectRoute(rt.routing, hostOnly(req.headers.host), 'GET', path.path);
  if (route.websocket === 'deny') return deny(403, 'DW_ERR_UPGRADE_REFUSED', 'WebSocket upgrades are not allowed on this route');
  const requestHead = { method: 'GET', target: req.url ?? '/', rawHeaders: req.rawHeaders };
  // Route guards apply as to any body-less GET: the head checks, then the body checks on an empty body.
  const noBody = (): GuardBody => EMPTY_BODY;
  const headStop = guardsOnHead(route.guards, requestHead);
  if (headStop) return deny(headStop.refusal.status, headStop.refusal.code, headStop.refusal.reason);
  const before = guardsBeforeVerdict(route.guards, requestHead, noBody);
  if ('refusal' in before) return deny(before.refusal.status, before.refusal.code, before.refusal.reason);
  const tx = rt.engine.begin(requestHead, route.policy);
  if (tx.headFindings.length > 0) {
    const decision = decide(tx.headFindings, route, rt.config.blockStatus, before.vouchedBy);
    if (decision.block) {
      const f = decision.primary!;
      return deny(decision.status, f.rule, `blocked (${f.family})`);
    }
  }
  const after = guardsAfterVerdict(route.guards, requestHead, noBody);
  if (after) return deny(after.refusal.status, after.refusal.code, after.refusal.reason);
  const headers: string[] = ['host', rt.config.hostHeader === 'upstream' ? upstream.host : (req.headers.host ?? upstream.host)];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (PASSED.has(req.rawHeaders[i]!.toLowerCase())) headers.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  socket.on('error', () => socket.destroy());
  upstream.upgrade(req.url ?? '/', headers, 'websocket').then(
    ({ headers: upHeaders, socket: up }) => {
      let response = 'HTTP/1.1 101 Switching Protocols\r\n';
      for (const [k, v] of Object.entries(upHeaders)) {
        if (v === undefined) continue;
        for (const x of Array.isArray(v) ? v : [v]) response += `${k}: ${x}\r\n`;
      }
      socket.write(response + '\r\n');
      if (head.length > 0) up.write(head);
      pipeline(socket, up, socket, () => {
        socket.destroy();
        up.destroy();
      });
      rt.logger.info({ type: 'access', requestId: id, method: 'GET', route: route.name, status: 101, verdict: 'upgraded', msg: 'websocket' });
    },
    (err: Error) => {
      rt.metrics.upstreamErrors.inc({ kind: 'upgrade' });
      deny(502, 'DW_ERR_UPSTREAM_FAILED', `upstream refused the upgrade: ${(err as { code?: string }).code ?? 'error'}`);
    },
  );
}
