/**
 * Property tests (fast-check): random bytes and random mutations of real pickles never make the
 * simulator, the finder or the judge throw; every result stays within its limits; random bytes never
 * produce imports.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPickles } from '../../../src/engine/detectors/pickle/find.js';
import { DEFAULT_PICKLE_LIMITS, type PickleLimits } from '../../../src/engine/detectors/pickle/limits.js';
import { judgePickleRuns } from '../../../src/engine/detectors/pickle/policy.js';
import { simulatePickle } from '../../../src/engine/detectors/pickle/simulate.js';
import type { PickleRun } from '../../../src/engine/detectors/pickle/types.js';
import { defaultPickleAllowlist } from '../../../src/engine/detectors/pickle/allowlist.js';
import { fixture, fixtureNames } from './helpers.js';

function checkRun(run: PickleRun, len: number, lim: PickleLimits): void {
  expect(run.start).toBeGreaterThanOrEqual(0);
  expect(run.end).toBeGreaterThanOrEqual(run.start);
  expect(run.end).toBeLessThanOrEqual(len);
  expect(run.opcodes).toBeLessThanOrEqual(lim.maxOpcodes);
  expect(run.imports.length).toBeLessThanOrEqual(lim.maxImports);
  expect(run.calls.length).toBeLessThanOrEqual(lim.maxCalls);
  expect(run.importCalls).toBeLessThanOrEqual(run.callCount);
  for (const imp of run.imports) {
    expect(imp.offset).toBeGreaterThanOrEqual(run.start);
    expect(imp.offset).toBeLessThan(len);
    expect(imp.module.length + imp.name.length).toBeLessThanOrEqual(2 * lim.maxStringBytes + 2);
  }
  for (const c of run.calls) expect(c.callee).toBeLessThan(run.imports.length);
  if (run.stop === 'limit') expect(run.limit).toBeDefined();
}

/** Random bytes salted with the bytes pickle detection keys on. */
const salted = fc
  .tuple(
    fc.uint8Array({ maxLength: 3000 }),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(0x80, 0x2e, 0x93, 0x0a, 0x63, 0x28, 0x52, 0x94, 0x95, 0x8c)), {
      maxLength: 60,
    }),
  )
  .map(([base, salts]) => {
    const b = Buffer.from(base);
    for (const [i, v] of salts) {
      if (b.length === 0) break;
      b[i % b.length] = v;
      if (v === 0x80 && i % b.length < b.length - 1) b[(i % b.length) + 1] = 2 + (i % 4);
    }
    return b;
  });

const smallLimits = fc.record({
  maxOpcodes: fc.integer({ min: 1, max: 500 }),
  maxStackDepth: fc.integer({ min: 1, max: 50 }),
  maxMemoSize: fc.integer({ min: 1, max: 20 }),
  maxStringBytes: fc.integer({ min: 1, max: 64 }),
  maxImports: fc.integer({ min: 1, max: 5 }),
  maxCalls: fc.integer({ min: 0, max: 5 }),
  maxExpansion: fc.integer({ min: 1, max: 1000 }),
});

describe('properties', () => {
  it('random bytes: simulation from any start never throws and stays in bounds', () => {
    fc.assert(
      fc.property(salted, fc.nat(), (b, s) => {
        const start = b.length === 0 ? 0 : s % b.length;
        checkRun(simulatePickle(b, start), b.length, DEFAULT_PICKLE_LIMITS);
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes: the finder reports no imports and the judge reports nothing', () => {
    fc.assert(
      fc.property(salted, (b) => {
        const runs = findPickles(b);
        for (const r of runs) checkRun(r, b.length, DEFAULT_PICKLE_LIMITS);
        expect(runs.flatMap((r) => r.imports)).toEqual([]);
        expect(judgePickleRuns(runs, 'deny')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  const names = fixtureNames();
  const mutated = fc
    .tuple(
      fc.constantFrom(...names),
      fc.array(
        fc.oneof(
          fc.record({ op: fc.constant('set' as const), at: fc.nat(), v: fc.integer({ min: 0, max: 255 }) }),
          fc.record({ op: fc.constant('del' as const), at: fc.nat(), v: fc.integer({ min: 1, max: 8 }) }),
          fc.record({ op: fc.constant('ins' as const), at: fc.nat(), v: fc.integer({ min: 0, max: 255 }) }),
        ),
        { minLength: 1, maxLength: 8 },
      ),
    )
    .map(([name, edits]) => {
      let b = fixture(name);
      for (const e of edits) {
        const at = b.length === 0 ? 0 : e.at % (b.length + 1);
        if (e.op === 'set' && at < b.length) {
          b = Buffer.from(b);
          b[at] = e.v;
        } else if (e.op === 'del') {
          b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.v)]);
        } else {
          b = Buffer.concat([b.subarray(0, at), Buffer.from([e.v]), b.subarray(at)]);
        }
      }
      return b;
    });

  it('mutated real pickles: finder and judge never throw; results stay in bounds', () => {
    const allow = defaultPickleAllowlist();
    fc.assert(
      fc.property(mutated, (b) => {
        const runs = findPickles(b);
        for (const r of runs) checkRun(r, b.length, DEFAULT_PICKLE_LIMITS);
        for (const f of judgePickleRuns(runs, 'allowlist', allow)) {
          expect(f.offset).toBeGreaterThanOrEqual(0);
          expect(f.offset).toBeLessThanOrEqual(b.length);
          expect(f.message.length).toBeLessThan(600);
          for (let i = 0; i < f.message.length; i++) expect(f.message.charCodeAt(i)).toBeGreaterThanOrEqual(0x20);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('small random limits are respected on mutated pickles', () => {
    fc.assert(
      fc.property(mutated, smallLimits, (b, lim) => {
        for (const r of findPickles(b, lim)) checkRun(r, b.length, lim);
        checkRun(simulatePickle(b, 0, lim), b.length, lim);
      }),
      { numRuns: 300 },
    );
  });
});
