/**
 * findPickles: candidate starts (offset 0, PROTO, text GLOBAL/INST, STACK_GLOBAL feeders, after a
 * STOP), acceptance of weak candidates, skipping consumed regions, blobs, and the work budget.
 */
import { describe, expect, it } from 'vitest';
import { collectCandidates } from '../../../src/engine/detectors/pickle/candidates.js';
import { findPickles } from '../../../src/engine/detectors/pickle/find.js';
import { judgePickleRuns } from '../../../src/engine/detectors/pickle/policy.js';
import { bytes, fixture, glob, importNames, prng, sbu } from './helpers.js';

describe('candidate starts', () => {
  it('offset 0 and every PROTO', () => {
    const b = bytes('xx', [0x80, 2], 'N.', 'yy', [0x80, 5], 'N.', [0x80, 9]);
    const c = collectCandidates(b);
    expect(c).toEqual([0, 2, 8]);
  });

  it('text GLOBAL lines (when an opcode that can follow is next) and the MARK before them', () => {
    const b = bytes('junk(cos\nsystem\n(S\'id\'\ntR.');
    expect(collectCandidates(b)).toEqual([0, 4, 5]);
    // Followed by a word: APPEND-like bytes that cannot follow a first GLOBAL -> no candidate.
    expect(collectCandidates(bytes('junk cos\nsystem\nadmins'))).toEqual([0]);
  });

  it('INST: the nearest MARKs before it, never the INST itself', () => {
    const b = bytes("\x00\x01(S'a'\n(S'id'\nios\nsystem\n.");
    expect(collectCandidates(b)).toEqual([0, 2, 8]);
  });

  it('STACK_GLOBAL fed by string opcodes (also across memo stores)', () => {
    const b = bytes('\xff\xfe', sbu('os'), [0x94], sbu('system'), [0x94, 0x93], '.');
    expect(collectCandidates(b)).toContain(2);
    const s = bytes("\xff\xfeS'os'\nS'system'\n", [0x93], '.');
    expect(collectCandidates(s)).toContain(2);
    const v = bytes('\xff\xfeVos\nVsystem\n', [0x93], '.');
    expect(collectCandidates(v)).toContain(2);
    const x = bytes('\xff\xfeX\x02\x00\x00\x00osq\x01X\x06\x00\x00\x00system', [0x93], '.');
    expect(collectCandidates(x)).toContain(2);
  });
});

describe('runs', () => {
  it('stacked pickles: the finder continues after each STOP (protocol 0 without headers too)', () => {
    const b = bytes('(dp0\n.', glob('os', 'system'), '.', '(lp0\n.');
    const found = findPickles(b);
    expect(found.map((r) => [r.start, r.end, r.stop])).toEqual([
      [0, 6, 'stop'],
      [6, 18, 'stop'],
      [18, 24, 'stop'],
    ]);
    expect(importNames(b)).toEqual(['os.system']);
  });

  it('a weak candidate needs STOP or a call on its import; a PROTO candidate does not', () => {
    expect(importNames(bytes('zz cos\nsystem\n0'))).toEqual([]);
    expect(importNames(bytes('zz cos\nsystem\n.'))).toEqual(['os.system']);
    expect(importNames(bytes('zz cos\nsystem\n)R'))).toEqual(['os.system']);
    expect(importNames(bytes([0x80, 2], 'cos\nsystem\n0'))).toEqual(['os.system']);
  });

  it('skips candidates inside a kept pickle but looks inside its large string/bytes operands', () => {
    // A 4-byte inner "pickle" is an operand, not a pickle.
    const small = bytes([0x80, 3], 'C', [4, 0x80, 2, 0x4e, 0x2e], '.');
    expect(findPickles(small).length).toBe(1);
    // A malicious pickle hidden in a BINBYTES of a benign one is found.
    const inner = fixture('reduce_os_system_p2');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(inner.length);
    const outer = bytes([0x80, 3], '}X\x04\x00\x00\x00blobB', len, inner, 's.');
    expect(importNames(outer)).toEqual(['posix.system']);
  });

  it('returns nothing but data runs for a data pickle', () => {
    const found = findPickles(fixture('data_p2'));
    expect(found.length).toBe(1);
    expect(found[0]?.imports).toEqual([]);
  });

  it('bounds total work and reports exhaustion as a limit run', () => {
    const dense = bytes(Array.from({ length: 2000 }, () => '\x80\x02' + 'N'.repeat(50) + '\xff').join(''));
    const found = findPickles(dense, { budgetFactor: 0.001 });
    const last = found[found.length - 1];
    expect(last).toMatchObject({ stop: 'limit', limit: 'scanBudget' });
    const f = judgePickleRuns(found, 'deny');
    expect(f.map((x) => [x.rule, x.kind, x.limit])).toEqual([['DW-PICKLE-004', 'limit', 'pickle.scanBudget']]);
  });

  it('stops when the engine budget is exhausted', () => {
    expect(findPickles(fixture('reduce_os_system_p2'), { exhausted: () => true })).toEqual([]);
  });

  it('accepts extra candidate hints (a headerless STACK_GLOBAL fed only through memo is not anchored)', () => {
    const b = bytes('\xff\xfe\xfd\xfc', sbu('os'), 'q\x00', sbu('system'), 'q\x01', '00h\x00h\x01', [0x93], sbu('id'), [0x85], 'R.');
    expect(importNames(b)).toEqual([]);
    const found = findPickles(b, { hints: [4] });
    expect(found.flatMap((r) => r.imports.map((i) => `${i.module}.${i.name}`))).toEqual(['os.system']);
  });

  it('is cheap on random binary: candidates stay rare', () => {
    const b = prng(42, 1 << 20);
    expect(collectCandidates(b).length).toBeLessThan(200);
  });
});
