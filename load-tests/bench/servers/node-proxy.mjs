// Pass-through peer: node:http server + http.request with a keep-alive
// http.Agent, bodies piped both ways, hop-by-hop headers stripped. No inspection.
import http from 'node:http';
import { pipeline } from 'node:stream';
import { listenAndReport, POOL_CONNECTIONS, stripHopByHop, upstreamArg } from './hop.mjs';

const origin = upstreamArg();
const agent = new http.Agent({ keepAlive: true, maxSockets: POOL_CONNECTIONS, keepAliveMsecs: 1000 });

const server = http.createServer((req, res) => {
  const up = http.request({ host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers: stripHopByHop(req.headers), agent }, (ures) => {
    res.writeHead(ures.statusCode ?? 502, stripHopByHop(ures.headers));
    pipeline(ures, res, () => undefined);
  });
  up.on('error', () => {
    if (res.headersSent) return res.destroy();
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('bad gateway');
  });
  pipeline(req, up, () => undefined);
});
listenAndReport(server);
