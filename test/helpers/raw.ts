/**
 * Raw-socket HTTP client for framing tests: writes exact bytes (optionally in
 * pieces), reads responses and parses them minimally (status, headers,
 * Content-Length or chunked body). Never uses an HTTP client library, so
 * malformed requests reach the proxy exactly as written.
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawResult {
  responses: RawResponse[];
  /** The connection was closed by the peer. */
  closed: boolean;
  /** The connection was reset (ECONNRESET). */
  reset: boolean;
  raw: Buffer;
}

export interface RawOptions {
  /** Write the request in these pieces (each a separate write, awaited for drain). */
  pieces?: Buffer[];
  /** Stop once this many complete responses were read (default 1). */
  responses?: number;
  /** Give up after this many ms (default 5000). */
  timeoutMs?: number;
  /** Keep reading until the peer closes (for tests that assert the close). */
  untilClose?: boolean;
  /** Half-close after writing. */
  end?: boolean;
}

export function rawRequest(port: number, request: Buffer | string, opts: RawOptions = {}): Promise<RawResult> {
  const want = opts.responses ?? 1;
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    let reset = false;
    let settled = false;
    const timer = setTimeout(() => finish(), opts.timeoutMs ?? 5000);
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      socket.destroy();
      resolve({ responses: parseResponses(raw), closed, reset, raw });
    };
    socket.on('data', (d) => {
      chunks.push(d);
      if (!opts.untilClose && parseResponses(Buffer.concat(chunks)).length >= want) finish();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET') reset = true;
      finish();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('connect', async () => {
      const pieces = opts.pieces ?? [typeof request === 'string' ? Buffer.from(request, 'latin1') : request];
      for (const p of pieces) {
        if (socket.destroyed) return;
        await new Promise<void>((r) => (socket.write(p) ? r() : socket.once('drain', () => r())));
      }
      if (opts.end) socket.end();
    });
  });
}

/** Parse as many complete HTTP/1.1 responses as the buffer holds. */
export function parseResponses(buf: Buffer): RawResponse[] {
  const out: RawResponse[] = [];
  let off = 0;
  while (off < buf.length) {
    const headEnd = buf.indexOf('\r\n\r\n', off);
    if (headEnd === -1) break;
    const head = buf.subarray(off, headEnd).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '');
    if (!m) break;
    const status = Number(m[1]);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    let p = headEnd + 4;
    if (status >= 100 && status < 200) {
      off = p;
      out.push({ status, headers, body: Buffer.alloc(0) });
      continue;
    }
    let body: Buffer;
    if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const parts: Buffer[] = [];
      let complete = false;
      while (true) {
        const le = buf.indexOf('\r\n', p);
        if (le === -1) break;
        const size = parseInt(buf.subarray(p, le).toString('latin1'), 16);
        if (Number.isNaN(size)) break;
        if (size === 0) {
          const end = buf.indexOf('\r\n\r\n', le);
          if (end === -1) break;
          p = end + 4;
          complete = true;
          break;
        }
        if (le + 2 + size + 2 > buf.length) break;
        parts.push(buf.subarray(le + 2, le + 2 + size));
        p = le + 2 + size + 2;
      }
      if (!complete) break;
      body = Buffer.concat(parts);
    } else {
      const len = Number(headers['content-length'] ?? 0);
      if (p + len > buf.length) break;
      body = buf.subarray(p, p + len);
      p += len;
    }
    out.push({ status, headers, body });
    off = p;
  }
  return out;
}

/** Build a request with CRLF line endings from header lines. */
export function req(lines: string[], body: Buffer | string = ''): Buffer {
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), typeof body === 'string' ? Buffer.from(body, 'latin1') : body]);
}

/** Chunked encoding of `body` in the given chunk sizes (cycled), with the final chunk. */
export function chunked(body: Buffer, sizes: number[]): Buffer {
  const parts: Buffer[] = [];
  let off = 0;
  let k = 0;
  while (off < body.length) {
    const n = Math.min(body.length - off, Math.max(1, sizes[k++ % sizes.length]!));
    parts.push(Buffer.from(n.toString(16) + '\r\n', 'latin1'), body.subarray(off, off + n), Buffer.from('\r\n'));
    off += n;
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}
