/**
 * The embedded demo app started by `deserwall serve` when no upstream is
 * configured: a tiny echo service on loopback, so a newcomer can see requests
 * pass and attacks get blocked within a minute. Not for production.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoApp {
  readonly url: string;
  close(): Promise<void>;
}

export async function startDemoApp(): Promise<DemoApp> {
  const server: Server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      const body = JSON.stringify({ app: 'deserwall demo', method: req.method, path: req.url, bodyBytes: bytes, note: 'this request reached the app' });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A protocol-4 pickle of `os.system('id')`, base64: the blocked example. */
export const DEMO_PICKLE_B64 = 'gASVHQAAAAAAAACMBXBvc2l4lIwGc3lzdGVtlJOUjAJpZJSFlFKULg==';

export function demoBanner(proxyUrl: string): string {
  return [
    '',
    `deserwall is running in front of its demo app: ${proxyUrl}`,
    '',
    '  A benign request goes through:',
    `    curl -s ${proxyUrl}/api/items -H 'Content-Type: application/json' -d '{"name":"pickle jar"}'`,
    '',
    '  A pickle that would run os.system("id") in a Python app is blocked (403):',
    `    curl -s -i ${proxyUrl}/api/import -H 'Content-Type: application/json' -d '{"model":"${DEMO_PICKLE_B64}"}'`,
    '',
  ].join('\n');
}
