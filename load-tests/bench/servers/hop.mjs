// Hop-by-hop header removal for the pass-through peers (RFC 9110 §7.6.1):
// drop Connection and every header it names, plus the fixed hop-by-hop list.
const FIXED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect', 'http2-settings']);

/** Filters a Node header object (lower-case keys) into a new object. */
export function stripHopByHop(headers) {
  const named = new Set();
  const conn = headers.connection;
  if (conn) for (const t of String(conn).split(',')) named.add(t.trim().toLowerCase());
  const out = {};
  for (const k of Object.keys(headers)) {
    if (FIXED.has(k) || named.has(k)) continue;
    out[k] = headers[k];
  }
  return out;
}

/** Reports the listening port to the parent (IPC) once `server` listens on 127.0.0.1. */
export function listenAndReport(server) {
  server.keepAliveTimeout = 65000;
  server.headersTimeout = 66000;
  server.requestTimeout = 0;
  server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
  process.on('message', (m) => {
    if (m === 'close') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/** The upstream origin from argv (`--upstream http://127.0.0.1:PORT`). */
export function upstreamArg() {
  const i = process.argv.indexOf('--upstream');
  const u = i === -1 ? undefined : process.argv[i + 1];
  if (!u) throw new Error('--upstream URL is required');
  return new URL(u);
}

/** Upstream pool size shared by every peer: deserwall's default upstreamPool.connections. */
export const POOL_CONNECTIONS = 128;
