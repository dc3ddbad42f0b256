import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AhoCorasick } from '../../../src/engine/match/aho-corasick.js';

const enc = (s: string) => Buffer.from(s, 'latin1');

/** Reference: every (pattern, start) by brute force, case-insensitive on ASCII letters. */
function naive(patterns: Uint8Array[], hay: Uint8Array): string[] {
  const lower = (b: number) => (b >= 0x41 && b <= 0x5a ? b + 32 : b);
  const out: string[] = [];
  for (let start = 0; start < hay.length; start++) {
    patterns.forEach((p, id) => {
      if (start + p.length > hay.length) return;
      for (let k = 0; k < p.length; k++) if (lower(hay[start + k]!) !== lower(p[k]!)) return;
      out.push(`${id}@${start}`);
    });
  }
  return out.sort();
}

function collect(ac: AhoCorasick, chunks: Uint8Array[]): string[] {
  const sc = ac.scanner();
  const out: string[] = [];
  for (const c of chunks) sc.write(c, (id, start) => out.push(`${id}@${start}`));
  return out.sort();
}

describe('Aho-Corasick over bytes', () => {
  it('finds overlapping, nested and binary patterns', () => {
    const pats = [enc('\xac\xed\x00\x05'), enc('he'), enc('she'), enc('his'), enc('hers'), enc('\x80\x04')];
    const ac = new AhoCorasick(pats);
    const hay = enc('ushers \xac\xed\x00\x05 \x80\x04\x95 his');
    expect(collect(ac, [hay])).toEqual(naive(pats, hay));
    expect(collect(ac, [hay])).toContain('0@7');
  });

  it('matches ASCII case-insensitively', () => {
    const ac = new AhoCorasick([enc('<!doctype')]);
    expect(collect(ac, [enc('x<!DOCTYPE y')])).toEqual(['0@1']);
  });

  it('gives the same matches for every split of the input into chunks', () => {
    const alphabet = fc.constantFrom(...'ab\xac\xed\x00\x05<!DOC'.split('').map((c) => c.charCodeAt(0)));
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        fc.array(alphabet, { maxLength: 300 }),
        fc.array(fc.nat(300), { maxLength: 12 }),
        (patterns, hayArr, cuts) => {
          const hay = Uint8Array.from(hayArr);
          const ac = new AhoCorasick(patterns);
          const points = [...new Set(cuts.map((c) => c % (hay.length + 1)))].sort((a, b) => a - b);
          const chunks: Uint8Array[] = [];
          let prev = 0;
          for (const p of points) {
            chunks.push(hay.subarray(prev, p));
            prev = p;
          }
          chunks.push(hay.subarray(prev));
          expect(collect(ac, chunks)).toEqual(naive(patterns, hay));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('multi-lane scanning of long buffers', () => {
  /** Reference: one lane, byte by byte, same DFA. */
  function single(ac: AhoCorasick, hay: Uint8Array): string[] {
    const out: string[] = [];
    let s = 0;
    for (let p = 0; p < hay.length; p++) {
      const t = ac.delta[s + ac.classOf[hay[p]!]!]!;
      s = t < 0 ? ~t : t;
      if (t < 0) {
        const st = s / ac.classes;
        for (let k = 0; k < ac.outCount[st]!; k++) {
          const id = ac.outIds[ac.outStart[st]! + k]!;
          out.push(`${id}@${p + 1 - ac.lengths[id]!}`);
        }
      }
    }
    return out;
  }

  it('reports exactly the single-lane matches, in the same order, for any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 12 }).map((p) => p.map((b) => b & 3)), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 20000, max: 90000 }),
        fc.integer(),
        fc.array(fc.nat(90000), { maxLength: 6 }),
        (patterns, size, seed, cuts) => {
          const hay = new Uint8Array(size);
          let x = seed | 1;
          for (let i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            hay[i] = x & 3;
          }
          const ac = new AhoCorasick(patterns);
          const expected = single(ac, hay);
          const sc = ac.scanner();
          const got: string[] = [];
          const points = [...new Set(cuts.map((c) => c % (size + 1)))].sort((a, b) => a - b);
          let prev = 0;
          for (const p of [...points, size]) {
            sc.write(hay.subarray(prev, p), (id, start) => got.push(`${id}@${start}`));
            prev = p;
          }
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });
});
