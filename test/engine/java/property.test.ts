/** fast-check properties: random and mutated input never throws and stays within bounds. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { javaStreamDetector, javaTextDetector } from '../../../src/engine/detectors/java/detector.js';
import { compileJavaFilter } from '../../../src/engine/detectors/java/filter.js';
import { parseJavaStream } from '../../../src/engine/detectors/java/stream.js';
import { fixtures, RPC_FILTER, runDetector } from './helpers.js';

const MAGIC = Uint8Array.of(0xac, 0xed, 0x00, 0x05);
const samples = Object.values(fixtures.streams).map((s) => Buffer.from(s.b64, 'base64'));
const rpc = compileJavaFilter(RPC_FILTER);

function checkBounds(buf: Uint8Array, start: number): void {
  const r = parseJavaStream(buf, start);
  expect(r.end).toBeGreaterThanOrEqual(start);
  expect(r.end).toBeLessThanOrEqual(buf.length);
  expect(r.classes.length).toBeLessThanOrEqual(4096);
  expect(r.nested.length).toBeLessThanOrEqual(16);
  for (const c of r.classes) expect(c.name.length).toBeLessThanOrEqual(1024);
  for (const n of r.nested) expect(n.level).toBeLessThanOrEqual(3);
  rpc.check(r);
  rpc.rejections(r, 8);
}

/** Flip, overwrite, insert or delete bytes of a real stream. */
const mutated = fc
  .tuple(
    fc.integer({ min: 0, max: samples.length - 1 }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 8 }),
  )
  .map(([i, edits]) => {
    let b = Buffer.from(samples[i] as Buffer);
    for (const [pos, val, kind] of edits) {
      const p = 4 + (pos % Math.max(1, b.length - 4));
      if (kind === 0) b[p] = val;
      else if (kind === 1) b[p] = (b[p] ?? 0) ^ (1 << (val & 7));
      else if (kind === 2) b = Buffer.concat([b.subarray(0, p), Buffer.from([val]), b.subarray(p)]);
      else b = Buffer.concat([b.subarray(0, p), b.subarray(p + 1)]);
    }
    return b;
  });

describe('property: the parser never throws and stays within bounds', () => {
  it('random bytes after the magic', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (tail) => {
        checkBounds(Buffer.concat([MAGIC, tail]), 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes built from tag-heavy alphabets', () => {
    const tagByte = fc.oneof(fc.integer({ min: 0x70, max: 0x7e }), fc.constantFrom(0, 1, 2, 3, 0x4c, 0x5b, 0x49, 0x7e), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(tagByte, { maxLength: 400 }), (tail) => {
        checkBounds(Buffer.concat([MAGIC, Uint8Array.from(tail)]), 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated JDK streams', () => {
    fc.assert(
      fc.property(mutated, (b) => {
        checkBounds(b, 0);
        runDetector(javaStreamDetector, b, 'block');
        runDetector(javaStreamDetector, b, 'allowlist', rpc);
      }),
      { numRuns: 1500 },
    );
  });

  it('single-object JDK streams cut at any length never end cleanly', () => {
    const single = samples.filter((b) => parseJavaStream(b, 0).stats.topLevel === 1 && b[4] !== 0x77 && b[4] !== 0x7a);
    expect(single.length).toBeGreaterThan(10);
    for (const b of single) {
      for (let n = 5; n < b.length; n++) {
        const r = parseJavaStream(b.subarray(0, n), 0);
        if (r.stop === 'end') throw new Error(`prefix ${n}/${b.length} parsed as complete`);
        expect(r.complete).toBe(false);
      }
    }
  });

  it('the text detector never throws on random or XML-ish text', () => {
    const xmlish = fc.array(fc.constantFrom('<java', '<object class="', 'java.lang.ProcessBuilder', '">', '<void method="start"/>', 'class.', 'module.', 'classLoader', '[', "'", '${', 'jndi:', '${lower:j}', '}', 'T(', ')', '@', ' ', '\\"', '<dynamic-proxy>', '_-', '<'), { maxLength: 60 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), xmlish), (s) => {
        const f = runDetector(javaTextDetector, Buffer.from(s, 'utf8'), 'block');
        expect(f.length).toBeLessThanOrEqual(16 * 4);
      }),
      { numRuns: 2000 },
    );
  });
});
