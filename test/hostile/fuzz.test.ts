/**
 * Matrix group D, properties (fast-check) on the whole engine:
 *  D1 random and mutated bodies (seeded from every rule sample in
 *     signatures/*.yaml and the real-client bodies in test/fixtures/views)
 *     never throw, stay within a hang guard and a heap bound per input, and
 *     every detector, decoder and decompressor survives arbitrary bytes and
 *     arbitrary trigger offsets;
 *  D2 chunk-split invariance of the whole transaction: any partition of the
 *     body gives identical findings (rule, location, offset, kind), including
 *     a split at every byte of every attack sample and of SIG carriers;
 *  D3 monotonicity: SIG behind any benign prefix is still blocked;
 *  D4 differential: every multipart / JSON / urlencoded body the engine
 *     accepts is accepted by @fastify/busboy / JSON.parse / decodeURIComponent.
 *     Parser-level equality of the parts and values is in
 *     test/engine/views/{multipart,json}-properties.test.ts (not repeated here).
 * Budget: HOSTILE_FUZZ_SCALE=<n> multiplies every run count (npm run fuzz);
 * HOSTILE_FUZZ_SEED=<n> replays a seed. CI uses a fixed seed.
 */
import { gzipSync } from 'node:zlib';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testEngine, testPolicy } from '../helpers/engine.js';
import { busboyParse } from '../engine/views/multipart-helpers.js';
import { detectorsFor } from '../../src/engine/detectors/registry.js';
import { loadConfig } from '../../src/config/load.js';
import { decodeBackslashEscapes, decodeBase64, decodeHex, decodePercent } from '../../src/engine/decode/text-decoders.js';
import { findRuns } from '../../src/engine/decode/runs.js';
import { decodeCharRefs } from '../../src/engine/charset/index.js';
import { decompress, decodeContentEncoding, type StreamKind } from '../../src/engine/containers/index.js';
import type { Finding } from '../../src/engine/types.js';
import type { DetectorContext } from '../../src/engine/detectors/detector.js';
import { JAVA, JAVA_B64, PICKLE, YAML_SIG, seedCorpus, multipart } from './helpers/payloads.js';

const SCALE = (() => {
  const s = Number(process.env['HOSTILE_FUZZ_SCALE'] ?? '1');
  return Number.isFinite(s) && s > 0 ? s : 1;
})();
const SEED = process.env['HOSTILE_FUZZ_SEED'] !== undefined ? Number(process.env['HOSTILE_FUZZ_SEED']) : 20261126;
const runs = (n: number) => Math.max(1, Math.ceil(n * SCALE));
const params = (n: number) => ({ numRuns: runs(n), seed: SEED, endOnFailure: true });

/** A hang guard, not a speed claim (speed is measured in load-tests/): no input of <= 64 KiB may take seconds. */
const HANG_GUARD_MS = 2000;
/** Allocation guard per input (no GC forced in between, so garbage counts too). */
const HEAP_GUARD_BYTES = 96 * 1024 * 1024;

const SEEDS = seedCorpus();
const ATTACKS = SEEDS.filter((s) => s.attack && s.bytes.length <= 4096);

interface TxInput {
  body: Uint8Array;
  contentType?: string;
  contentEncoding?: string;
  /** Chunk boundaries (cut offsets); none: one write. */
  cuts?: readonly number[];
}

/** Run the real engine on a body fed in the given pieces; findings as comparable strings. */
function runTx(input: TxInput): { findings: Finding[]; keys: string[] } {
  const headers = ['Host', 'fuzz.test'];
  if (input.contentType !== undefined) headers.push('Content-Type', input.contentType);
  if (input.contentEncoding !== undefined) headers.push('Content-Encoding', input.contentEncoding);
  const tx = testEngine().begin({ method: 'POST', target: '/fuzz', rawHeaders: headers }, testPolicy());
  const body = input.body;
  let prev = 0;
  for (const c of [...(input.cuts ?? []), body.length]) {
    const at = Math.max(prev, Math.min(body.length, c));
    if (at > prev) tx.write(body.subarray(prev, at));
    prev = at;
  }
  const v = tx.end();
  const findings = [...tx.headFindings, ...v.findings];
  return { findings, keys: findings.map((f) => `${f.rule}|${f.kind}|${f.location}|${f.offset}`) };
}

// ---------------------------------------------------------------- generators

const TOKENS = [
  '%', '%2', '%25', '%0d%0a', '+', '&', '=', ';', '\\u00', '\\x', '&#x', '&#', '&lt;', '<!DOCTYPE a [<!ENTITY e SYSTEM "x">]>', '<!ENTITY', ']]>', '<![CDATA[',
  '--', '\r\n', '\r\n\r\n', '\n', '\r', '"', "'", '{', '}', '[', ']', ':', ',', '\x00', 'rO0AB', '\xac\xed\x00\x05', '\x80\x04\x95', '\x80\x02c',
  '!!python/object/apply:', 'O:8:"stdClass"', '\x04\x08o:', '\x1f\x8b\x08\x00', 'PK\x03\x04', 'PK\x05\x06', '$type', '@type', '__proto__', '_$$ND_FUNC$$_',
  '\x00\x01\x00\x00\x00\xff\xff\xff\xff', 'AAEAAAD/////', 'H4sI', 'UEsDB', '\xef\xbb\xbf', '\xfe\xff', '\xff\xfe', '<?xml version="1.0" encoding="UTF-16"?>',
  'Content-Disposition: form-data; name="a"\r\n\r\n', 'Content-Transfer-Encoding: base64\r\n',
].map((t) => Buffer.from(t, 'latin1'));

const CONTENT_TYPES = [
  undefined, 'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=bnd', 'application/xml', 'text/xml; charset=utf-16',
  'application/octet-stream', 'text/plain', 'application/x-yaml', 'application/x-java-serialized-object', 'application/zip', 'application/json; charset=utf-8',
  'multipart/form-data', 'text/plain; charset=utf-7', 'application/vnd.api+json',
];

type Mutation =
  | { op: 'flip'; at: number; byte: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; len: number }
  | { op: 'dup'; at: number; len: number }
  | { op: 'splice'; seed: number; from: number; at: number; len: number }
  | { op: 'token'; at: number; token: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ op: fc.constant('dup' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('splice' as const), seed: fc.nat(), from: fc.nat(), at: fc.nat(), len: fc.integer({ min: 1, max: 256 }) }),
  fc.record({ op: fc.constant('token' as const), at: fc.nat(), token: fc.nat({ max: TOKENS.length - 1 }) }),
);

/** Apply mutations in order (positions taken modulo the current length). */
function mutate(base: Uint8Array, muts: readonly Mutation[]): Buffer {
  let b = Buffer.from(base);
  for (const m of muts) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    switch (m.op) {
      case 'flip':
        if (b.length > 0) b[at % b.length] = m.byte;
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
        break;
      case 'dup':
        b = Buffer.concat([b.subarray(0, at + m.len), b.subarray(at, at + m.len), b.subarray(at + m.len)]);
        break;
      case 'splice': {
        const other = SEEDS[m.seed % SEEDS.length]!.bytes;
        const from = other.length === 0 ? 0 : m.from % other.length;
        b = Buffer.concat([b.subarray(0, at), other.subarray(from, from + m.len), b.subarray(at)]);
        break;
      }
      case 'token':
        b = Buffer.concat([b.subarray(0, at), TOKENS[m.token]!, b.subarray(at)]);
        break;
    }
  }
  return b.length > 64 * 1024 ? b.subarray(0, 64 * 1024) : b;
}

const mutatedArb = fc
  .record({
    seed: fc.nat({ max: SEEDS.length - 1 }),
    muts: fc.array(mutationArb, { minLength: 0, maxLength: 8 }),
    ct: fc.oneof(fc.constant('own' as const), fc.constantFrom(...CONTENT_TYPES)),
    gzip: fc.nat({ max: 9 }).map((n) => n === 0),
  })
  .map(({ seed, muts, ct, gzip }) => {
    const s = SEEDS[seed]!;
    const body = mutate(s.bytes, muts);
    const contentType = ct === 'own' ? s.contentType : ct;
    return { name: s.name, body: gzip ? gzipSync(body) : body, ...(contentType !== undefined ? { contentType } : {}), ...(gzip ? { contentEncoding: 'gzip' } : {}) };
  });

const cutsArb = (maxLen: number) => fc.uniqueArray(fc.nat({ max: Math.max(1, maxLen) }), { maxLength: 24 }).map((a) => [...a].sort((x, y) => x - y));

function checkFinding(f: Finding): void {
  expect(typeof f.rule).toBe('string');
  expect(['attack', 'malformed', 'unsupported', 'limit', 'error']).toContain(f.kind);
  expect(f.offset).toBeGreaterThanOrEqual(0);
  expect(typeof f.location).toBe('string');
  expect(f.excerpt.replace(/\\x[0-9a-f]{2}|\\u[0-9a-f]{4}/g, '.').replace(/…$/, '').length).toBeLessThanOrEqual(64);
  // A detector fault would be DW-ENGINE-001: the engine caught an exception from attacker data.
  expect(f.rule, f.message).not.toBe('DW-ENGINE-001');
}

// ---------------------------------------------------------------- D1

describe('D1: never throw, bounded per input', () => {
  it('D1: mutated seeds (every rule sample + real-client bodies) through the whole engine, random chunking', () => {
    fc.assert(
      fc.property(mutatedArb, cutsArb(4096), (input, cuts) => {
        const heap0 = process.memoryUsage().heapUsed;
        const t0 = performance.now();
        const { findings } = runTx({ ...input, cuts });
        expect(performance.now() - t0).toBeLessThan(HANG_GUARD_MS);
        expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(HEAP_GUARD_BYTES);
        for (const f of findings) checkFinding(f);
      }),
      params(500),
    );
  });

  it('D1: random bytes under every content type and coding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8192 }), fc.constantFrom(...CONTENT_TYPES), fc.constantFrom(undefined, 'gzip', 'br', 'deflate'), (body, contentType, contentEncoding) => {
        const t0 = performance.now();
        const { findings } = runTx({ body, ...(contentType ? { contentType } : {}), ...(contentEncoding ? { contentEncoding } : {}) });
        expect(performance.now() - t0).toBeLessThan(HANG_GUARD_MS);
        for (const f of findings) checkFinding(f);
      }),
      params(300),
    );
  });

  it('D1: every structural detector on arbitrary bytes around its own triggers (inserted at random places) never throws', () => {
    const detectors = detectorsFor(loadConfig(undefined).config.limits);
    const ctx = (): DetectorContext => ({ report: () => undefined, nested: () => undefined, action: () => 'block', settings: () => undefined, exhausted: () => false });
    const bytesArb = fc.oneof(fc.uint8Array({ maxLength: 2048 }), mutatedArb.map((m) => m.body));
    fc.assert(
      fc.property(bytesArb, fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 4 }), fc.boolean(), (base, inserts, isValue) => {
        for (const d of detectors) {
          let bytes = Buffer.from(base);
          if (d.triggers.length > 0) {
            for (const [at, k] of inserts) {
              const t = d.triggers[k % d.triggers.length]!;
              const lit = typeof t === 'string' ? Buffer.from(t, 'latin1') : Buffer.from(t);
              const p = at % (bytes.length + 1);
              bytes = Buffer.concat([bytes.subarray(0, p), lit, bytes.subarray(p)]);
            }
          }
          // The hits the automaton would report: every occurrence of every trigger, sorted by offset.
          const hay = d.caseInsensitive ? Buffer.from(bytes.toString('latin1').toLowerCase(), 'latin1') : bytes;
          const hits: { trigger: number; offset: number }[] = [];
          d.triggers.forEach((t, trigger) => {
            const raw = typeof t === 'string' ? t : Buffer.from(t).toString('latin1');
            const lit = Buffer.from(d.caseInsensitive ? raw.toLowerCase() : raw, 'latin1');
            for (let at = hay.indexOf(lit); at !== -1 && hits.length < 256; at = hay.indexOf(lit, at + 1)) hits.push({ trigger, offset: at });
          });
          hits.sort((a, b) => a.offset - b.offset);
          if (bytes.length === 0) continue; // the engine never inspects an empty layer
          try {
            d.inspect(bytes, hits, { location: 'body', depth: 0, isValue }, ctx());
          } catch (err) {
            throw new Error(`detector ${d.name} threw: ${(err as Error).stack}`);
          }
        }
      }),
      params(250),
    );
  });

  it('D1: text decoders, run finder and decompressors on arbitrary and truncated input stay within their output bounds', () => {
    const kinds: StreamKind[] = ['gzip', 'zlib', 'deflate', 'brotli', 'bzip2', 'xz', 'lzma', 'lz4', 'joblib-zfile'];
    const limits = { maxOutputBytes: 256 * 1024, maxRatio: 100, ratioGraceBytes: 64 * 1024 };
    const inputArb = fc.oneof(
      fc.uint8Array({ maxLength: 4096 }),
      mutatedArb.map((m) => m.body),
      fc.tuple(fc.uint8Array({ maxLength: 2048 }), fc.nat()).map(([b, cut]) => {
        const gz = gzipSync(b);
        return gz.subarray(0, cut % (gz.length + 1));
      }),
    );
    fc.assert(
      fc.property(inputArb, (b) => {
        for (const run of findRuns(b)) {
          expect(run.end).toBeLessThanOrEqual(b.length);
          decodeBase64(b, run.start, run.end);
          decodeHex(b, run.start, run.end);
        }
        decodePercent(b);
        decodePercent(b, true);
        decodeBackslashEscapes(b);
        decodeCharRefs(b);
        for (const k of kinds) {
          const r = decompress(k, b, limits);
          expect(r.output.length).toBeLessThanOrEqual(limits.maxOutputBytes);
        }
        for (const t of ['gzip', 'deflate', 'br', 'x-gzip']) {
          const r = decodeContentEncoding(t, b, limits);
          expect(r.output.length).toBeLessThanOrEqual(limits.maxOutputBytes);
        }
      }),
      params(300),
    );
  });

  it('D1: the heap retained after a batch of hostile inputs returns to its level (no per-request leak in the engine)', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const batch = fc.sample(mutatedArb, { numRuns: runs(300), seed: SEED });
    for (const input of batch.slice(0, 50)) runTx(input); // warm caches
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let round = 0; round < 3; round++) for (const input of batch) runTx(input);
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(8 * 1024 * 1024);
  });
});

// ---------------------------------------------------------------- D2

/** Identical findings for the whole body, a random partition and (small bodies) 1-byte chunks. */
function expectSplitInvariant(input: TxInput, cuts: readonly number[]): void {
  const whole = runTx(input).keys;
  expect(runTx({ ...input, cuts }).keys).toEqual(whole);
  if (input.body.length <= 2048) {
    const ones = Array.from({ length: input.body.length }, (_, i) => i);
    expect(runTx({ ...input, cuts: ones }).keys).toEqual(whole);
  }
}

describe('D2: chunk-split invariance of the whole transaction', () => {
  it('D2: mutated seeds: whole body = random partition = 1-byte chunks (rule, kind, location, offset)', () => {
    fc.assert(
      fc.property(mutatedArb, cutsArb(4096), (input, cuts) => expectSplitInvariant(input, cuts)),
      params(200),
    );
  });

  it('D2: attack samples split in two at every byte (one sample per family; the others at 16 random cuts)', () => {
    const families = new Set<string>();
    for (const s of ATTACKS.filter((x) => x.bytes.length <= 1024)) {
      const family = s.name.split('-')[1]!;
      const full = SCALE >= 5 || !families.has(family);
      families.add(family);
      const input = { body: s.bytes, ...(s.contentType ? { contentType: s.contentType } : {}) };
      const whole = runTx(input).keys;
      expect(whole.length, `${s.name} must be detected`).toBeGreaterThan(0);
      const cuts = full ? Array.from({ length: s.bytes.length - 1 }, (_, i) => i + 1) : fc.sample(fc.integer({ min: 1, max: Math.max(1, s.bytes.length - 1) }), { numRuns: 16, seed: SEED });
      for (const cut of cuts) {
        const got = runTx({ ...input, cuts: [cut] }).keys;
        if (got.join('\n') !== whole.join('\n')) expect({ sample: s.name, cut, got }).toEqual({ sample: s.name, cut, got: whole });
      }
    }
    expect(families.size).toBeGreaterThanOrEqual(8);
  });

  it('D2: SIG carriers split at every byte: %XX, base64 quanta, UTF-8 sequences, CRLF, multipart boundaries, gzip', () => {
    const b64 = JAVA_B64();
    const carriers: TxInput[] = [
      { body: Buffer.from(`a=%C3%A9t%C3%A9&data=${encodeURIComponent(b64)}&z=%F0%9F%98%80`), contentType: 'application/x-www-form-urlencoded' },
      { body: Buffer.from(`{"caf\u00e9":"\u65e5\u672c","data":"${b64}","n":"\\u0041"}`, 'utf8'), contentType: 'application/json' },
      { body: multipart('bnd', [{ headers: ['Content-Disposition: form-data; name="t"'], body: 'h\u00e9llo\r\n-- not a boundary' }, { headers: ['Content-Disposition: form-data; name="f"; filename="x.ser"', 'Content-Type: application/octet-stream'], body: JAVA() }]), contentType: 'multipart/form-data; boundary=bnd' },
      { body: Buffer.from(`# caf\u00e9 \u65e5\r\ndata: ${YAML_SIG}\r\nmore: 1\r\n`, 'utf8'), contentType: 'application/x-yaml' },
      { body: gzipSync(Buffer.concat([Buffer.from('x='), PICKLE()])), contentType: 'application/octet-stream', contentEncoding: 'gzip' },
      { body: Buffer.from(`<x>&#x72;${b64.slice(1)}</x>`), contentType: 'application/xml' },
    ];
    for (const c of carriers) {
      const whole = runTx(c).keys;
      expect(whole.length).toBeGreaterThan(0);
      for (let cut = 1; cut < c.body.length; cut++) {
        const got = runTx({ ...c, cuts: [cut] }).keys;
        if (got.join('\n') !== whole.join('\n')) expect({ carrier: c.contentType, cut, got }).toEqual({ carrier: c.contentType, cut, got: whole });
      }
      expectSplitInvariant(c, []);
    }
  });
});

// ---------------------------------------------------------------- D3

describe('D3: monotonicity (a benign prefix never hides SIG)', () => {
  const fillers: [string, (n: number) => Buffer][] = [
    ['spaces', (n) => Buffer.alloc(n, 0x20)],
    ['letters', (n) => Buffer.alloc(n, 0x61)],
    ['json-ish text', (n) => Buffer.from('{"k":"v"},'.repeat(Math.ceil(n / 10))).subarray(0, n)],
    ['lorem', (n) => Buffer.from('lorem ipsum dolor sit amet '.repeat(Math.ceil(n / 27))).subarray(0, n)],
  ];
  const sigs: [string, Buffer][] = [
    ['raw Java stream', JAVA()],
    ['raw pickle', PICKLE()],
    // Text SIGs start a line (after a line of filler, `x !!tag` would be a plain YAML scalar, not a tag).
    ['YAML tag', Buffer.from(`\n${YAML_SIG}\n`)],
    ['base64 Java', Buffer.from(` ${JAVA_B64()} `)],
  ];
  it('D3: filler of 0 … 256 KiB before SIG: always an attack finding, whatever the chunking', () => {
    fc.assert(
      fc.property(fc.nat({ max: 256 * 1024 }), fc.nat({ max: fillers.length - 1 }), fc.nat({ max: sigs.length - 1 }), cutsArb(256 * 1024), (n, fi, si, cuts) => {
        const body = Buffer.concat([fillers[fi]![1](n), sigs[si]![1]]);
        const { findings } = runTx({ body, contentType: 'application/octet-stream', cuts });
        expect(findings.some((f) => f.kind === 'attack'), `${sigs[si]![0]} after ${n} bytes of ${fillers[fi]![0]}`).toBe(true);
      }),
      params(60),
    );
  });
});

// ---------------------------------------------------------------- D4

const refusedAs = (findings: Finding[], rules: string[]) => findings.some((f) => rules.includes(f.rule) || f.family === 'limit');

describe('D4: differential against reference parsers (whole engine; parser-level equality in test/engine/views)', () => {
  const fixtures = SEEDS.filter((s) => s.name.startsWith('views/'));
  const mpFixtures = fixtures.filter((s) => s.contentType?.startsWith('multipart/'));
  const jsonFixtures = [...fixtures.filter((s) => s.contentType?.includes('json')), ...SEEDS.filter((s) => s.bytes[0] === 0x7b)];
  const formFixtures = [Buffer.from('a=1&b=%C3%A9&c=x+y&d=&e=%2B'), Buffer.from(`user=alice&token=${encodeURIComponent(JAVA_B64())}`)];

  it('D4: multipart bodies the engine accepts are read by @fastify/busboy without error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: mpFixtures.length - 1 }), fc.array(mutationArb, { maxLength: 4 }), async (i, muts) => {
        const s = mpFixtures[i]!;
        const body = mutate(s.bytes, muts);
        const { findings } = runTx({ body, contentType: s.contentType! });
        if (refusedAs(findings, ['DW-PROTOCOL-103', 'DW-PROTOCOL-105', 'DW-PROTOCOL-101'])) return;
        const ref = await busboyParse(s.contentType!, body);
        expect(ref.error, `busboy refused a multipart body deserwall accepted (${s.name})`).toBeUndefined();
      }),
      params(200),
    );
  });

  it('D4: JSON bodies the engine accepts (application/json) are accepted by JSON.parse', () => {
    fc.assert(
      fc.property(fc.nat({ max: jsonFixtures.length - 1 }), fc.array(mutationArb, { maxLength: 4 }), (i, muts) => {
        const body = mutate(jsonFixtures[i]!.bytes, muts);
        if (body.length === 0) return; // an empty body carries nothing to inspect and is forwarded as is
        const { findings } = runTx({ body, contentType: 'application/json' });
        if (refusedAs(findings, ['DW-PROTOCOL-102', 'DW-PROTOCOL-105'])) return;
        expect(() => JSON.parse(body.toString('utf8')), body.toString('latin1').slice(0, 200)).not.toThrow();
      }),
      params(300),
    );
  });

  it('D4: urlencoded bodies the engine accepts read the same number of fields with URLSearchParams, with only valid %XX and no ; separators', () => {
    const pieceArb = fc.constantFrom('a', 'b=', '=', '&', '%', '%4', '%41', '%zz', '%u0041', '+', ';', '%00', '%C3%A9', '%E9', '\u00e9', 'x=1', '&&');
    fc.assert(
      fc.property(fc.nat({ max: formFixtures.length - 1 }), fc.array(fc.tuple(fc.nat(), pieceArb), { maxLength: 6 }), (i, inserts) => {
        let text = formFixtures[i]!.toString('latin1');
        for (const [at, piece] of inserts) {
          const p = at % (text.length + 1);
          text = text.slice(0, p) + piece + text.slice(p);
        }
        const { findings } = runTx({ body: Buffer.from(text, 'latin1'), contentType: 'application/x-www-form-urlencoded' });
        if (refusedAs(findings, ['DW-PROTOCOL-104', 'DW-PROTOCOL-105'])) return;
        expect(text.includes(';'), text).toBe(false);
        expect(/%(?![0-9A-Fa-f]{2})/.test(text), text).toBe(false);
        const ours = text.split('&').filter((p) => p !== '').length;
        expect([...new URLSearchParams(text)].length, text).toBe(ours);
      }),
      params(300),
    );
  });
});
