/**
 * Matrix group D, corpus replays through the built proxy:
 *  D5 one reproducer per WAFFLED bypass class (W1-W11, robustness.md §1.1)
 *     and per ironbee multipart-evasion family (m01-m19, §1.2), with the
 *     payload replaced by SIG (a Java stream in base64): every one is blocked
 *     or refused and nothing reaches the upstream. The public datasets are
 *     not vendored: the classes are regenerated here from their one-line
 *     descriptions.
 *  D6 HTTP-Garden-style framing fuzz: seeded mutations of request heads
 *     (insert / replace / delete / duplicate a byte or a header line, bytes
 *     from the whole 0x00-0x7f pool plus obs-text). Every mutant is either
 *     refused (4xx/5xx, upstream untouched) or forwarded in canonical form
 *     (one Content-Length matching the body, no Transfer-Encoding, no
 *     trailers, no Upgrade/Expect), and the upstream never receives more
 *     requests than the mutant has request lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rawRequest, req } from '../helpers/raw.js';
import { H, expectRefused, startPair, type Pair } from './helpers/harness.js';
import { JAVA_B64, multipart } from './helpers/payloads.js';

const SCALE = (() => {
  const s = Number(process.env['HOSTILE_FUZZ_SCALE'] ?? '1');
  return Number.isFinite(s) && s > 0 ? s : 1;
})();
const SEED = process.env['HOSTILE_FUZZ_SEED'] !== undefined ? Number(process.env['HOSTILE_FUZZ_SEED']) : 20261126;

let pair: Pair;
beforeAll(async () => {
  pair = await startPair('logging: { level: info }\ntimeouts: { bodyIdleMs: 500, headersMs: 1000, keepAliveMs: 300 }\n');
});
afterAll(async () => {
  await pair?.stop();
});

const SIG = JAVA_B64();
const REFUSED = [400, 403, 413, 415];
const mpBody = (b = 'real') => multipart(b, [{ headers: ['Content-Disposition: form-data; name="field1"'], body: SIG }]);
const raw = (head: string[], body: Buffer | string) => {
  const b = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  return Buffer.concat([Buffer.from([...head, `Content-Length: ${b.length}`].join('\r\n') + '\r\n\r\n', 'latin1'), b]);
};
const P = ['POST /bypass HTTP/1.1', H];

/** [case, request bytes] — WAFFLED classes (sa-akhavani/waffled bypass-database) with SIG. */
const WAFFLED: [string, Buffer][] = [
  ['W1 JSON without Content-Type', raw(P, `{"field1":"${SIG}"}`)],
  ['W2 ContentType: (no hyphen)', raw([...P, 'ContentType: application/json'], `{"field1":"${SIG}"}`)],
  ['W3 NUL after the key', raw([...P, 'Content-Type: application/json'], `{"field1"\x00:"${SIG}"}`)],
  ['W3 NUL inside the key', raw([...P, 'Content-Type: application/json'], `{"f\x00eld1":"${SIG}"}`)],
  ['W3 NUL unterminated key', raw([...P, 'Content-Type: application/json'], `{"field1\x00:"${SIG}"}`)],
  ['W4 Content_-Type', raw([...P, 'Content_-Type: multipart/form-data; boundary=real'], mpBody())],
  ['W5 RFC 2231 boundary + leading TAB', raw([...P, 'Content-Type: \tmultipart/form-data; boundary*0=re;boundary*1=al'], mpBody())],
  ['W6 NUL in a part header name', raw([...P, 'Content-Type: multipart/form-data; boundary=real'], `--real\r\nContent-Disposition: form-data; name="field1"\r\nconten\x00-extra: something\r\n\r\n${SIG}\r\n--real--\r\n`)],
  ['W6 NUL in form-data', raw([...P, 'Content-Type: multipart/form-data; boundary=real'], `--real\r\nContent-Disposition: form-da\x00a; name="field1"\r\n\r\n${SIG}\r\n--real--\r\n`)],
  ['W6 NUL in the part type', raw([...P, 'Content-Type: multipart/form-data; boundary=real'], `--real\r\nContent-Disposition: form-data; name="field1"\r\nContent-Type: tex\x00t/plain\r\n\r\n${SIG}\r\n--real--\r\n`)],
  ['W6 NUL in the name', raw([...P, 'Content-Type: multipart/form-data; boundary=real'], `--real\r\nContent-Disposition: form-data; name="field1\x00"\r\n\r\n${SIG}\r\n--real--\r\n`)],
  ['W6 NUL in _charset_', raw([...P, 'Content-Type: multipart/form-data; boundary=real'], `--real\r\nContent-Disposition: form-data; name="_charset_"\r\n\r\nu\x00tf-8\r\n--real\r\nContent-Disposition: form-data; name="field1"\r\n\r\n${SIG}\r\n--real--\r\n`)],
  ['W6 header line ended by NUL LF', raw([...P, 'Content-Type: multipart/form-data; boundary=real'], `--real\r\nContent-Disposition: form-data; name="field1"\x00\n\r\n${SIG}\r\n--real--\r\n`)],
  ['W7 Cntent-Type', raw([...P, 'Cntent-Type: multipart/form-data; boundary=real'], mpBody())],
  ['W8 DOCTYPE + entity + comment', raw([...P, 'Content-Type: application/xml'], `<!DOCTYPE BOOK [<!ENTITY writer "hi">]><BOOK><genre:field1 attr="history">&gt;<!--this is a comment -->&writer;${SIG}</genre:field1></BOOK>`)],
  ['W9 stray ] before the close tag', raw([...P, 'Content-Type: application/xml'], `<BOOK><field1>${SIG}</field1>]</BOOK>`)],
  ['W9 payload as text under the root', raw([...P, 'Content-Type: application/xml'], `<BOOK>${SIG}</BOOK>`)],
  ['W10 Content-Type moved into the body', raw(P, `\r\nContent-Type: application/xml\r\n\r\n<BOOK><field1>${SIG}</field1></BOOK>`)],
];

/** ironbee/waf-research multipart-evasion families, one reproducer each, with SIG as the field value. */
const MP = (ct: string, body: string | Buffer) => raw([...P, `Content-Type: ${ct}`], body);
const part = (headers: string, value = SIG) => `--real\r\n${headers}\r\n\r\n${value}\r\n--real--\r\n`;
const IRONBEE: [string, Buffer][] = [
  ['m01 invalid separator', MP('multipart/form-data; boundary=real', `--realX\r\nContent-Disposition: form-data; name="field1"\r\n\r\n${SIG}\r\n--real--\r\n`)],
  ['m02 invalid parameter name', MP('multipart/form-data; boundaryX=real', mpBody())],
  ['m03 two boundary parameters', MP('multipart/form-data; boundary=0000; boundary=real', mpBody())],
  ['m04 whitespace before the parameter name', MP('multipart/form-data;  boundary=real', mpBody())],
  ['m05 whitespace around =', MP('multipart/form-data; boundary = real', mpBody())],
  ['m06 whitespace after the value', MP('multipart/form-data; boundary=real ', mpBody())],
  ['m07 quoted boundary with a space', MP('multipart/form-data; boundary="re al"', mpBody('re al'))],
  ['m08 single-quoted boundary', MP("multipart/form-data; boundary='real'", mpBody("'real'"))],
  ['m09 data after the last boundary', MP('multipart/form-data; boundary=real', Buffer.concat([mpBody(), Buffer.from(`${SIG}\r\n`)]))],
  ['m10 boundary case differs', MP('multipart/form-data; boundary=REAL', mpBody())],
  ['m11 invalid multipart type', MP('multipart/form-data2; boundary=real', mpBody())],
  ['m12 two names', MP('multipart/form-data; boundary=real', part('Content-Disposition: form-data; name="safe"; name="field1"'))],
  ['m12 unquoted name', MP('multipart/form-data; boundary=real', part('Content-Disposition: form-data; name=field1'))],
  ['m12 single-quoted name', MP('multipart/form-data; boundary=real', part("Content-Disposition: form-data; name='field1'"))],
  ['m12 partially quoted name', MP('multipart/form-data; boundary=real', part('Content-Disposition: form-data; name="field1'))],
  ['m13 folded part header', MP('multipart/form-data; boundary=real', part('Content-Disposition: form-data;\r\n name="field1"'))],
  ['m14 PHP-style escaped quotes', MP('multipart/form-data; boundary=real', part('Content-Disposition: form-data; name="fi\\"eld1"'))],
  ['m15 part without Content-Disposition', MP('multipart/form-data; boundary=real', part('Content-Type: text/plain'))],
  ['m16 LF line endings', MP('multipart/form-data; boundary=real', `--real\nContent-Disposition: form-data; name="field1"\n\n${SIG}\n--real--\n`)],
  ['m17 mixed CRLF and LF', MP('multipart/form-data; boundary=real', `--real\r\nContent-Disposition: form-data; name="field1"\n\r\n${SIG}\r\n--real--\r\n`)],
  ['m18 CR-only line endings', MP('multipart/form-data; boundary=real', `--real\rContent-Disposition: form-data; name="field1"\r\r${SIG}\r--real--\r`)],
  ['m19 two part Content-Types', MP('multipart/form-data; boundary=real', part('Content-Disposition: form-data; name="field1"\r\nContent-Type: text/plain\r\nContent-Type: application/octet-stream'))],
];

describe('D5: WAFFLED and ironbee bypass classes with SIG: 100 % blocked or refused', () => {
  it.each(WAFFLED)('D5 %s', async (_n, bytes) => {
    await expectRefused(pair, bytes, REFUSED);
  });
  it('D5 W11 header line without a name', async () => {
    await expectRefused(pair, Buffer.from(`POST /bypass HTTP/1.1\r\n${H}\r\napplication/xml\r\nContent-Length: ${SIG.length}\r\n\r\n${SIG}`, 'latin1'), 400);
  });
  it.each(IRONBEE)('D5 %s', async (_n, bytes) => {
    await expectRefused(pair, bytes, REFUSED);
  });
});

// ------------------------------------------------------------------ D6

// `Connection: close` lets each case end with the proxy closing the socket (mutants that break it wait
// for the short timeouts of this config). No half-close: see the E6 half-close test in faults.test.ts.
const BASES: string[] = [
  `POST /d6 HTTP/1.1\r\n${H}\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello`,
  `POST /d6 HTTP/1.1\r\n${H}\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
  `GET /d6?q=1 HTTP/1.1\r\n${H}\r\nX-A: b\r\nConnection: close\r\n\r\n`,
  `POST /d6 HTTP/1.0\r\n${H}\r\nContent-Length: 5\r\n\r\nhello`,
];
const POOL = [...Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)), '\x80', '\xe9', '\xff', '\r\n', '\r\n ', ' ', '\t', ':', ',', ';', '0', '5', 'chunked', 'Content-Length: 5\r\n', 'Transfer-Encoding: chunked\r\n'];

type Edit = { kind: 'insert' | 'replace' | 'delete' | 'dupline'; at: number; piece: number };
const editArb: fc.Arbitrary<Edit> = fc.record({ kind: fc.constantFrom('insert', 'replace', 'delete', 'dupline'), at: fc.nat(), piece: fc.nat({ max: POOL.length - 1 }) });

function applyEdits(base: string, edits: readonly Edit[]): string {
  let s = base;
  const headEnd = () => Math.max(1, s.indexOf('\r\n\r\n') === -1 ? s.length : s.indexOf('\r\n\r\n') + 2);
  for (const e of edits) {
    const at = e.at % headEnd();
    if (e.kind === 'insert') s = s.slice(0, at) + POOL[e.piece] + s.slice(at);
    else if (e.kind === 'replace') s = s.slice(0, at) + POOL[e.piece] + s.slice(at + 1);
    else if (e.kind === 'delete') s = s.slice(0, at) + s.slice(at + 1);
    else {
      const ls = s.lastIndexOf('\r\n', at) + 2;
      const le = s.indexOf('\r\n', at);
      if (le > ls) s = s.slice(0, le + 2) + s.slice(ls, le + 2) + s.slice(le + 2);
    }
  }
  return s;
}

function header(rawHeaders: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === name) out.push(rawHeaders[i + 1]!);
  return out;
}

describe('D6: framing mutations are refused or forwarded canonically', () => {
  it('D6: seeded head mutations of four base requests', async () => {
    const cases = fc.sample(fc.tuple(fc.nat({ max: BASES.length - 1 }), fc.array(editArb, { minLength: 1, maxLength: 3 })), { numRuns: Math.ceil(120 * SCALE), seed: SEED });
    let forwarded = 0;
    let refused = 0;
    for (const [bi, edits] of cases) {
      const mutant = applyEdits(BASES[bi]!, edits);
      pair.upstream.reset();
      const r = await rawRequest(pair.proxy.port, Buffer.from(mutant, 'latin1'), { untilClose: true, timeoutMs: 4000 });
      const probe = await rawRequest(pair.proxy.port, req(['GET /d6-probe HTTP/1.1', H]));
      expect(probe.responses[0]?.status).toBe(200);
      await pair.upstream.waitFor((e) => e.type === 'request' && e.url === '/d6-probe');
      const got = pair.upstream.requests.filter((x) => x.url !== '/d6-probe');
      const heads = pair.upstream.events.filter((e) => e.type === 'request-head' && e.url !== '/d6-probe');
      const ctx = JSON.stringify(mutant);
      // At most as many upstream requests as the mutant holds request lines (nothing conjured from a body).
      expect(heads.length, ctx).toBeLessThanOrEqual((mutant.match(/ HTTP\/1\.[01]\r\n/g) ?? []).length);
      // (Answers the client never got for a forwarded request are covered by faults.test.ts E6.)
      for (const u of got) {
        expect(header(u.rawHeaders, 'transfer-encoding'), ctx).toEqual([]);
        expect(header(u.rawHeaders, 'upgrade'), ctx).toEqual([]);
        expect(header(u.rawHeaders, 'expect'), ctx).toEqual([]);
        expect(Object.keys(u.trailers ?? {}), ctx).toEqual([]);
        const cl = header(u.rawHeaders, 'content-length');
        if (u.body.length > 0 || cl.length > 0) expect(cl, ctx).toEqual([String(u.body.length)]);
        expect(['', 'hello'], ctx).toContain(u.body.toString('latin1'));
      }
      if (heads.length > 0) forwarded++;
      else {
        // Nothing forwarded: the client was refused (an error status or a close), never told 2xx.
        expect(r.responses.every((x) => x.status >= 400), ctx).toBe(true);
        refused++;
      }
    }
    // The mutations exercise both outcomes.
    expect(forwarded).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
