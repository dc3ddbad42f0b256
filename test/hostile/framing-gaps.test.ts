/**
 * Matrix group A cases that test/proxy/framing.test.ts does not cover (the
 * rest of group A lives there; test/README.md maps every case): A11's cap on
 * chunk-extension bytes and A22's dangerous names in multipart part headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, req } from '../helpers/raw.js';
import { H, expectForwarded, expectRefused, post, startPair, type Pair } from './helpers/harness.js';
import { multipart } from './helpers/payloads.js';

let pair: Pair;
beforeAll(async () => {
  pair = await startPair('logging: { level: info }\n');
});
afterAll(async () => {
  await pair?.stop();
});

describe('group A gaps', () => {
  // The matrix caps chunk extensions at 4 KiB. deserwall follows Node's parser instead: extensions are
  // never forwarded (the body is re-framed with a Content-Length), and llhttp refuses more than 16 KiB of
  // them (CVE-2024-22019), so 5 KiB is harmless and accepted, 17 KiB is refused.
  it('A11: 5 KiB of chunk extensions: accepted, the extensions never reach the upstream', async () => {
    const ext = ';a=' + 'x'.repeat(5 * 1024);
    await expectForwarded(pair, `POST /ext HTTP/1.1\r\n${H}\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5${ext}\r\nhello\r\n0\r\n\r\n`, 'hello');
    expect(pair.upstream.rawBytes.toString('latin1')).not.toContain('xxxxxxxx');
    expect(pair.upstream.rawBytes.toString('latin1').toLowerCase()).not.toContain('transfer-encoding');
  });
  it('A11: 17 KiB of chunk extensions → 400, nothing forwarded', async () => {
    const ext = ';a=' + 'x'.repeat(17 * 1024);
    await expectRefused(pair, `POST /ext HTTP/1.1\r\n${H}\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5${ext}\r\nhello\r\n0\r\n\r\n`, 400);
  });

  it('A22: part headers named __proto__ / constructor / prototype: no crash, refused or ignored, the proxy keeps serving', async () => {
    const body = multipart('bnd', [{ headers: ['Content-Disposition: form-data; name="a"', '__proto__: x', 'constructor: y', 'prototype: z'], body: 'v' }]);
    const r = await rawRequest(pair.proxy.port, post('/proto', ['Content-Type: multipart/form-data; boundary=bnd'], body));
    expect([200, 400]).toContain(r.responses[0]?.status);
    const named = multipart('bnd', [{ headers: ['Content-Disposition: form-data; name="__proto__"'], body: 'v' }, { headers: ['Content-Disposition: form-data; name="constructor"'], body: 'w' }]);
    const n = await rawRequest(pair.proxy.port, post('/proto', ['Content-Type: multipart/form-data; boundary=bnd'], named));
    expect([200, 400]).toContain(n.responses[0]?.status);
    const alive = await rawRequest(pair.proxy.port, req(['GET /alive HTTP/1.1', H]));
    expect(alive.responses[0]?.status).toBe(200);
    expect(pair.proxy.child.exitCode).toBeNull();
  });
});
