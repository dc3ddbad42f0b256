// Pass-through peer: node:http server forwarding with an undici Pool
// (pool.stream: the factory returns the client response as the destination),
// hop-by-hop headers stripped both ways. No inspection.
import http from 'node:http';
import { Pool } from 'undici';
import { listenAndReport, POOL_CONNECTIONS, stripHopByHop, upstreamArg } from './hop.mjs';

const origin = upstreamArg();
const pool = new Pool(origin, { connections: POOL_CONNECTIONS, pipelining: 1, keepAliveTimeout: 4000 });

const server = http.createServer((req, res) => {
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  pool.stream(
    { path: req.url, method: req.method, headers: stripHopByHop(req.headers), body: hasBody ? req : null, opaque: res },
    ({ statusCode, headers, opaque }) => {
      opaque.writeHead(statusCode, stripHopByHop(headers));
      return opaque;
    },
    (err) => {
      if (!err) return;
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('bad gateway');
      } else res.destroy();
    },
  );
});
listenAndReport(server);
