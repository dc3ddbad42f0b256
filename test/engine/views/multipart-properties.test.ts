/**
 * Differential tests of the multipart view against @fastify/busboy (every
 * body we accept must read the same there), chunk-split invariance, and
 * bounded behaviour on random and mutated bodies. Real-client bodies come
 * from test/fixtures/views/bodies.json (gen_bodies.py).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { multipartFromContentType, type MultipartOptions } from '../../../src/engine/views/multipart.js';
import { parseMediaType } from '../../../src/engine/views/content-type.js';
import { busboyParse, runMultipart, type MpRun } from './multipart-helpers.js';
import { oneByteChunks, runs, splitAt } from './helpers.js';

const BCHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'()+_,-./:=? ".split('');
const boundaryArb = fc
  .array(fc.constantFrom(...BCHARS), { minLength: 6, maxLength: 70 })
  .map((a) => a.join(''))
  .filter((b) => !b.endsWith(' '));

const nameChars = fc.constantFrom(...'abcXYZ019 -_.[]/:;,()'.split(''), '\u00e9', '\u65e5', '\u{1f600}');
const nameArb = fc.array(nameChars, { minLength: 0, maxLength: 12 }).map((a) => a.join(''));
const ctArb = fc.constantFrom(undefined, 'text/plain', 'application/octet-stream', 'image/png', 'application/json; charset=utf-8', 'text/html;charset=UTF-8', 'Application/XML');
const dataArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.string({ maxLength: 100 }).map((s) => new Uint8Array(Buffer.from(s))),
  fc.constantFrom(new Uint8Array(Buffer.from('\r\n--\r\n\r\n-- x\r\n')), new Uint8Array(Buffer.from('--\r\n'))),
);
const partArb = fc.record({
  name: nameArb,
  filename: fc.option(nameArb, { nil: undefined }),
  contentType: ctArb,
  data: dataArb,
  headerCase: fc.constantFrom('Content-Disposition', 'content-disposition', 'CONTENT-DISPOSITION'),
  ows: fc.constantFrom(' ', '', '\t', '  '),
  cte: fc.constantFrom(undefined, undefined, undefined, '7bit', 'binary', 'base64'),
  extra: fc.option(fc.constantFrom('X-Trace: 1', 'Content-ID: <a@b>', 'Content-Length: 3'), { nil: undefined }),
});
type GenPart = typeof partArb extends fc.Arbitrary<infer T> ? T : never;

function serialize(boundary: string, parts: readonly GenPart[]): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    let disp = `${p.headerCase}:${p.ows}form-data; name="${p.name}"`;
    if (p.filename !== undefined) disp += `; filename="${p.filename}"`;
    const lines = [disp];
    if (p.contentType !== undefined) lines.push(`Content-Type: ${p.contentType}`);
    if (p.cte !== undefined) lines.push(`Content-Transfer-Encoding: ${p.cte}`);
    if (p.extra !== undefined) lines.push(p.extra);
    const body = p.cte === 'base64' ? Buffer.from(Buffer.from(p.data).toString('base64').replace(/(.{76})/g, '$1\r\n')) : Buffer.from(p.data);
    out.push(Buffer.from(`--${boundary}\r\n`, 'latin1'), Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8'), body, Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(out);
}

function contentTypeFor(boundary: string): string {
  const token = /^[0-9A-Za-z'+_\-.]+$/.test(boundary);
  return `multipart/form-data; boundary=${token ? boundary : `"${boundary}"`}`;
}

/** Compare an accepted run with busboy's reading of the same body. */
async function expectSameAsBusboy(ct: string, body: Buffer, ours: MpRun): Promise<void> {
  const ref = await busboyParse(ct, body);
  expect(ref.error, 'busboy failed on a body we accept').toBeUndefined();
  expect(ref.parts.length).toBe(ours.parts.length);
  ours.parts.forEach((p, i) => {
    const r = ref.parts[i]!;
    expect(r.name).toBe(p.info.name);
    expect(r.filename).toBe(p.info.filename);
    // busboy strips only one SP/HTAB after the colon and none at the end of a value
    // (RFC 9110 OWS allows both): compare trimmed.
    expect(r.mimeType.trim()).toBe(p.info.contentType ?? 'text/plain');
    expect(r.encoding.trim()).toBe(p.info.transferEncoding ?? '7bit');
    const ourBytes = p.info.encoded ? p.raw : p.data;
    expect(r.data.equals(ourBytes)).toBe(true);
  });
}

function boundaryOf(ct: string): string {
  const mt = parseMediaType(ct);
  if (mt.error) throw new Error('bad test content type');
  return mt.params.get('boundary')!;
}

const MUT_POOL = ['\r', '\n', '\r\n', '-', '--', '"', ';', '=', ' ', '\t', ':', '\x00', 'a', "'", '\\', 'name=', 'filename="x"', 'Content-Type: text/plain\r\n'];

function mutate(body: Buffer, edits: readonly [number, number, string][]): Buffer {
  let s = body.toString('latin1');
  for (const [pos, op, ins] of edits) {
    const p = pos % (s.length + 1);
    if (op === 0) s = s.slice(0, p) + ins + s.slice(p);
    else if (op === 1) s = s.slice(0, p) + s.slice(p + 1);
    else s = s.slice(0, p) + ins + s.slice(p + 1);
  }
  return Buffer.from(s, 'latin1');
}

const editsArb = fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.constantFrom(...MUT_POOL)), { minLength: 1, maxLength: 3 });

describe('multipart differential vs @fastify/busboy', () => {
  it('generated bodies are accepted and read like busboy reads them', async () => {
    await fc.assert(
      fc.asyncProperty(boundaryArb, fc.array(partArb, { maxLength: 5 }), async (boundary, parts) => {
        const body = serialize(boundary, parts);
        const ours = runMultipart(boundary, [body]);
        if (!ours.result.ok) {
          // Only refusal allowed on generated bodies: the boundary string occurring in random data.
          expect(ours.result.error.code).toMatch(/^MULTIPART_(BOUNDARY_IN_BODY|BARE_LF|BARE_CR|DECOY_PARAM)$/);
          return;
        }
        await expectSameAsBusboy(contentTypeFor(boundary), body, ours);
      }),
      { numRuns: runs(400) },
    );
  });

  it('mutated bodies: whatever we accept, busboy reads the same way', async () => {
    await fc.assert(
      fc.asyncProperty(boundaryArb, fc.array(partArb, { minLength: 1, maxLength: 3 }), editsArb, async (boundary, parts, edits) => {
        const body = mutate(serialize(boundary, parts), edits);
        const ours = runMultipart(boundary, [body]);
        if (!ours.result.ok) return;
        await expectSameAsBusboy(contentTypeFor(boundary), body, ours);
      }),
      { numRuns: runs(1500) },
    );
  });

  it('real-client multipart fixtures are accepted and read like busboy', async () => {
    const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/views/bodies.json', import.meta.url), 'utf8')) as { id: string; kind: string; contentType: string; b64: string }[];
    const mp = fixtures.filter((f) => f.kind === 'multipart');
    expect(mp.length).toBeGreaterThanOrEqual(4);
    for (const f of mp) {
      const body = Buffer.from(f.b64, 'base64');
      const created = multipartFromContentType(f.contentType, {});
      expect(created.error, f.id).toBeUndefined();
      const ours = runMultipart(boundaryOf(f.contentType), [body]);
      expect(ours.result, f.id).toEqual({ ok: true });
      await expectSameAsBusboy(f.contentType, body, ours);
    }
  });
});

describe('multipart chunk-split invariance', () => {
  const opts: MultipartOptions = { maxParts: 4, maxFieldBytes: 200, maxHeaderBytes: 300, maxHeaderLines: 4 };
  it('generated and mutated bodies give the same events and errors for any split', () => {
    fc.assert(
      fc.property(boundaryArb, fc.array(partArb, { maxLength: 5 }), fc.option(editsArb, { nil: undefined }), fc.array(fc.nat(2000), { maxLength: 10 }), (boundary, parts, edits, cuts) => {
        const clean = serialize(boundary, parts);
        const body = edits === undefined ? clean : mutate(clean, edits);
        const whole = runMultipart(boundary, [body], opts);
        expect(runMultipart(boundary, splitAt(body, cuts), opts).log).toEqual(whole.log);
        expect(runMultipart(boundary, oneByteChunks(body), opts).log).toEqual(whole.log);
      }),
      { numRuns: runs(700) },
    );
  });

  it('random bytes never throw; errors stay within the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 6 }), (bytes, cuts) => {
        const body = Buffer.concat([Buffer.from('--b\r\n'), Buffer.from(bytes)]);
        const a = runMultipart('b', [body]);
        expect(runMultipart('b', splitAt(body, cuts)).log).toEqual(a.log);
        if (!a.result.ok) expect(a.result.error.offset).toBeLessThanOrEqual(body.length);
      }),
      { numRuns: runs(3000) },
    );
  });
});
