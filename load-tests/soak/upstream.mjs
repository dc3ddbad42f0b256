// The soak's fast upstream: answers every request at once with a small JSON
// body, except `X-Soak: reset` (destroys the socket: an upstream failure).
// Counts requests and reports the count on IPC when asked. Loopback only.
import http from 'node:http';

let count = 0;
const server = http.createServer((req, res) => {
  let bytes = 0;
  req.on('data', (c) => (bytes += c.length));
  req.on('end', () => {
    count++;
    if (req.headers['x-soak'] === 'reset') return req.socket.destroy();
    const out = `{"ok":true,"bytes":${bytes}}`;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    res.end(out);
  });
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
process.on('message', (m) => {
  if (m === 'count') process.send({ type: 'count', count });
  if (m === 'close') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
