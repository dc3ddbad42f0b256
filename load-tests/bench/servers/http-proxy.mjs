// Pass-through peer: http-proxy (createProxyServer) with a keep-alive
// http.Agent. No inspection.
import http from 'node:http';
import httpProxy from 'http-proxy';
import { listenAndReport, POOL_CONNECTIONS, upstreamArg } from './hop.mjs';

const origin = upstreamArg();
const agent = new http.Agent({ keepAlive: true, maxSockets: POOL_CONNECTIONS, keepAliveMsecs: 1000 });
const proxy = httpProxy.createProxyServer({ target: origin.href, agent });
proxy.on('error', (_err, _req, res) => {
  if (res.headersSent) return res.destroy();
  res.writeHead(502, { 'content-type': 'text/plain' });
  res.end('bad gateway');
});
listenAndReport(http.createServer((req, res) => proxy.web(req, res)));
