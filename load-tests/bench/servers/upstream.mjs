// The upstream application behind every proxy in the benchmarks (a child
// process started with an IPC channel; it reports {type:'listening', port}).
//   --mode fast     read the body, answer {"ok":true,"bytes":N} (small JSON, keep-alive)
//   --mode record   as fast, and check each request against the replay corpus
//                   manifest (--manifest FILE): the X-Request-Id names the corpus
//                   item; the body's SHA-256 and the target must equal what the
//                   client sent. Answers carry x-dw-intact: 1|0. On the IPC
//                   message 'report' it sends its tally.
//   --mode barrier  hold every answer; report {type:'held', held} to the parent as
//                   each request arrives complete; answer all held ones on 'release'.
// It stops on the IPC message 'close'.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { mode: { type: 'string', default: 'fast' }, manifest: { type: 'string' } } });
const mode = values.mode;
const manifest = mode === 'record' ? new Map(JSON.parse(readFileSync(values.manifest, 'utf8')).items.map((i) => [i.rid, i])) : null;

const tally = { requests: 0, bytes: 0, intact: 0, damaged: 0, unknown: 0, attacksArrived: 0, damagedIds: {}, attackIds: {}, unknownIds: [] };
let held = [];

function answer(res, status, bytes, extra = {}) {
  const out = `{"ok":true,"bytes":${bytes}}`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': out.length, ...extra });
  res.end(out);
}

const server = http.createServer((req, res) => {
  let bytes = 0;
  const hash = manifest ? createHash('sha256') : null;
  req.on('data', (c) => {
    bytes += c.length;
    if (hash) hash.update(c);
  });
  req.on('end', () => {
    tally.requests++;
    tally.bytes += bytes;
    if (manifest) {
      const rid = String(req.headers['x-request-id'] ?? '');
      const item = manifest.get(rid);
      let intact = false;
      if (!item) {
        tally.unknown++;
        if (tally.unknownIds.length < 20) tally.unknownIds.push(rid);
      } else {
        intact = hash.digest('hex') === item.sha256 && req.url === item.target && (item.cookie === undefined || req.headers.cookie === item.cookie);
        if (item.expect === 'block') {
          tally.attacksArrived++;
          tally.attackIds[rid] = (tally.attackIds[rid] ?? 0) + 1;
        } else if (intact) tally.intact++;
        else {
          tally.damaged++;
          tally.damagedIds[rid] = (tally.damagedIds[rid] ?? 0) + 1;
        }
      }
      return answer(res, 200, bytes, { 'x-dw-intact': intact ? '1' : '0' });
    }
    if (mode === 'barrier') {
      held.push(() => answer(res, 200, bytes));
      process.send({ type: 'held', held: held.length });
      return;
    }
    answer(res, 200, bytes);
  });
});
server.keepAliveTimeout = 65000;
server.headersTimeout = 66000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;
server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
process.on('message', (m) => {
  if (m === 'report') process.send({ type: 'report', tally });
  else if (m === 'release') {
    const h = held;
    held = [];
    for (const f of h) f();
  } else if (m === 'close') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
