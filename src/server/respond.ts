/**
 * The proxy's own answers: small JSON bodies that never echo request data.
 * When the request body is still arriving, the answer is written first and
 * the connection is closed only after the rest of the body was read and
 * discarded (a lingering close), so the client reads the answer instead of a
 * TCP reset.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ErrorBody {
  readonly error: string;
  readonly code?: string;
  readonly rule?: string;
  readonly family?: string;
  readonly requestId: string;
  readonly [extra: string]: unknown;
}

/** Most bytes read and discarded after an early answer before the socket is destroyed. */
const DRAIN_CAP_BYTES = 32 * 1024 * 1024;
/** Longest time spent draining after an early answer. */
const DRAIN_TIMEOUT_MS = 5000;

/**
 * Answer with `status` and a JSON body. `close` sends Connection: close; when
 * the request body has not been fully read yet the rest is drained first.
 */
export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: ErrorBody, close: boolean): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(payload));
  res.setHeader('x-request-id', body.requestId);
  res.setHeader('cache-control', 'no-store');
  if (close) res.setHeader('connection', 'close');
  if (req.complete || req.destroyed) {
    res.end(payload);
    return;
  }
  // Body still arriving: send the answer now, finish it once the body is drained.
  res.write(payload);
  drainThen(req, () => res.end());
}

function drainThen(req: IncomingMessage, then: () => void): void {
  let drained = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.off('data', onData);
    then();
  };
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_CAP_BYTES) {
      done = true;
      clearTimeout(timer);
      req.socket.destroy();
    }
  };
  const timer = setTimeout(() => {
    done = true;
    req.socket.destroy();
  }, DRAIN_TIMEOUT_MS);
  timer.unref();
  req.removeAllListeners('data');
  req.on('data', onData);
  req.once('end', finish);
  req.once('close', finish);
  req.resume();
}
