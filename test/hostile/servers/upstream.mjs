// A misbehaving upstream for the hostile-input and fault tests. Like
// test/fixtures/servers/upstream.mjs it records every request (with the id of
// the TCP connection it came on and its sequence number there) and reports it
// over IPC, but it also reports connection opens/closes, request heads before
// their bodies, aborted responses, and it can misbehave on demand.
//
// Usage: fork(upstream.mjs, [port]) — port 0 (default) picks a free one.
// Behaviour per request, from the X-Test-Behaviour header:
//   (none)         200 with a small JSON body
//   hold           answer 200 only when the parent sends {type:'release'}
//   slow-read      pause reading the body until {type:'release'}, then answer 200
//   never          read the request, never answer
//   reset          destroy the socket after reading the request
//   partial        send 200 headers announcing 100000 bytes and 1000 of them, report
//                  {type:'partial-sent'}, then wait (the parent kills us or the client aborts)
//   early-413      answer 413 + Connection: close as soon as the head arrives, without reading the body
//   cl-te          raw response with both Content-Length and Transfer-Encoding
//   bad-chunk      raw chunked response with an invalid chunk size
//   big            1 MiB response body
// Global modes from the parent: {type:'mode', resetReused:true} destroys the socket when a
// second request arrives on the same keep-alive connection (a pooled connection reset
// between requests).
import http from 'node:http';

let resetReused = false;
const held = [];
let nextConn = 0;

const server = http.createServer((req, res) => {
  const conn = req.socket.__conn;
  req.socket.__seq = (req.socket.__seq ?? 0) + 1;
  const seq = req.socket.__seq;
  const behaviour = String(req.headers['x-test-behaviour'] ?? '');
  process.send({ type: 'request-head', conn, seq, method: req.method, url: req.url });
  if (resetReused && seq > 1) {
    req.socket.destroy();
    return;
  }
  if (behaviour === 'early-413') {
    const out = JSON.stringify({ early: true });
    res.writeHead(413, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out), connection: 'close' });
    res.end(out);
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  if (behaviour === 'slow-read') {
    req.pause();
    held.push(() => req.resume());
  }
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    process.send({ type: 'request', conn, seq, method: req.method, url: req.url, rawHeaders: req.rawHeaders, httpVersion: req.httpVersion, body: body.toString('base64'), trailers: req.trailers });
    res.on('close', () => {
      if (!res.writableFinished) process.send({ type: 'response-aborted', conn, url: req.url });
    });
    switch (behaviour) {
      case 'never':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'hold':
        held.push(() => ok(res, body));
        return;
      case 'partial':
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '100000' });
        res.write(Buffer.alloc(1000, 0x70), () => process.send({ type: 'partial-sent', conn, url: req.url }));
        return;
      case 'cl-te':
        req.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
        return;
      case 'bad-chunk':
        req.socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n');
        return;
      case 'big': {
        const big = Buffer.alloc(1024 * 1024, 0x61);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(big.length) });
        res.end(big);
        return;
      }
      default:
        ok(res, body);
    }
  });
});

function ok(res, body) {
  if (res.destroyed) return;
  const out = JSON.stringify({ ok: true, bytes: body.length });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
  res.end(out);
}

server.on('connection', (socket) => {
  const conn = ++nextConn;
  socket.__conn = conn;
  process.send({ type: 'connection', conn });
  socket.on('data', (d) => process.send({ type: 'raw', conn, data: d.toString('base64') }));
  socket.on('close', () => process.send({ type: 'conn-close', conn }));
});
server.keepAliveTimeout = 30000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
process.on('message', (m) => {
  if (m === 'close') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  } else if (m && m.type === 'release') {
    for (const f of held.splice(0)) f();
    process.send({ type: 'released' });
  } else if (m && m.type === 'mode') {
    resetReused = Boolean(m.resetReused);
    process.send({ type: 'mode-set' });
  }
});
