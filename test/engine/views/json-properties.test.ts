/**
 * Differential and property tests of the JSON tokenizer: values equal
 * JSON.parse for every accepted input (plus an explicit duplicate-key check),
 * chunk-split invariance, bounded behaviour on random and mutated input.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonOf, enc, oneByteChunks, runJson, runs, splitAt, type Canon } from './helpers.js';

/** Sort object entries by key (JSON.parse reorders integer-like keys); fails on duplicates. */
function normalize(c: Canon): unknown {
  const stack: { src: Canon; out: unknown[] }[] = [];
  const root: unknown[] = [];
  stack.push({ src: c, out: root });
  while (stack.length) {
    const { src, out } = stack.pop()!;
    if (src[0] === 'o') {
      const entries = [...src[1]].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      for (let i = 1; i < entries.length; i++) if (entries[i]![0] === entries[i - 1]![0]) throw new Error('duplicate key accepted');
      const arr: unknown[] = [];
      out.push(['o', arr]);
      for (const [k, v] of entries) {
        const slot: unknown[] = [];
        arr.push([k, slot]);
        stack.push({ src: v, out: slot });
      }
    } else if (src[0] === 'a') {
      const arr: unknown[] = [];
      out.push(['a', arr]);
      for (const v of src[1]) {
        const slot: unknown[] = [];
        arr.push(slot);
        stack.push({ src: v, out: slot });
      }
    } else out.push(src);
  }
  return root;
}

/** Independent reasons our strict tokenizer refuses a value JSON.stringify can produce. */
function strictRefusal(v: unknown): string | undefined {
  const stack: unknown[] = [v];
  const reasons = new Set<string>();
  const checkString = (s: string): void => {
    if (s.indexOf('\u0000') !== -1) reasons.add('JSON_ESCAPED_NUL');
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
        else reasons.add('JSON_LONE_SURROGATE');
      } else if (c >= 0xdc00 && c <= 0xdfff) reasons.add('JSON_LONE_SURROGATE');
    }
  };
  while (stack.length) {
    const x = stack.pop();
    if (typeof x === 'string') checkString(x);
    else if (Array.isArray(x)) stack.push(...x);
    else if (x !== null && typeof x === 'object') {
      const keys = Object.keys(x);
      const lower = new Set<string>();
      for (const k of keys) {
        checkString(k);
        const l = k.toLowerCase();
        if (lower.has(l)) reasons.add('JSON_DUPLICATE_KEY_CASE');
        lower.add(l);
        stack.push((x as Record<string, unknown>)[k]);
      }
    }
  }
  return reasons.size ? [...reasons].join(',') : undefined;
}

const loneSurrogate = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
const stringUnit = fc.oneof({ weight: 20, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }, { weight: 1, arbitrary: loneSurrogate });
const jsonValue = fc.jsonValue({ maxDepth: 6, stringUnit });

function chunkings(bytes: Uint8Array, cuts: number[]): Uint8Array[][] {
  return [[bytes], splitAt(bytes, cuts), oneByteChunks(bytes)];
}

describe('JSON differential vs JSON.parse', () => {
  it('generated values: accepted exactly when no strict rule applies, and equal to JSON.parse', () => {
    fc.assert(
      fc.property(jsonValue, fc.boolean(), (v, pretty) => {
        const text = pretty ? JSON.stringify(v, null, 2) : JSON.stringify(v);
        const r = runJson([enc(text)]);
        const reason = strictRefusal(v);
        if (reason === undefined) {
          expect(r.result).toEqual({ ok: true });
          expect(normalize(r.value!)).toEqual(normalize(canonOf(JSON.parse(text))));
        } else {
          expect(r.result.ok).toBe(false);
          if (!r.result.ok) expect(reason.split(',')).toContain(r.result.error.code);
        }
      }),
      { numRuns: runs(1500) },
    );
  });

  it('mutated documents: whatever we accept, JSON.parse accepts with the same value and no duplicate keys', () => {
    const pool = ['{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '1', '-', '.', 'e', ' ', '\n', '/', '*', "'", 't', 'n', '\u00e9', '\x00', '\x01', 'd8', 'A'];
    fc.assert(
      fc.property(
        jsonValue,
        fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.constantFrom(...pool)), { minLength: 1, maxLength: 4 }),
        (v, edits) => {
          let text = JSON.stringify(v);
          for (const [pos, op, ch] of edits) {
            const p = pos % (text.length + 1);
            if (op === 0) text = text.slice(0, p) + ch + text.slice(p);
            else if (op === 1) text = text.slice(0, p) + text.slice(p + 1);
            else text = text.slice(0, p) + ch + text.slice(p + 1);
          }
          const bytes = enc(text);
          const r = runJson([bytes]);
          if (!r.result.ok) {
            expect(r.result.error.offset).toBeGreaterThanOrEqual(0);
            expect(r.result.error.offset).toBeLessThanOrEqual(bytes.length);
            return;
          }
          const parsed: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
          expect(normalize(r.value!)).toEqual(normalize(canonOf(parsed)));
        },
      ),
      { numRuns: runs(3000) },
    );
  });

  it('real-client JSON fixtures are accepted and equal JSON.parse', () => {
    const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/views/bodies.json', import.meta.url), 'utf8')) as { id: string; kind: string; b64: string }[];
    const json = fixtures.filter((f) => f.kind === 'json');
    expect(json.length).toBeGreaterThanOrEqual(4);
    for (const f of json) {
      const bytes = Buffer.from(f.b64, 'base64');
      const r = runJson([bytes]);
      expect(r.result, f.id).toEqual({ ok: true });
      expect(normalize(r.value!)).toEqual(normalize(canonOf(JSON.parse(bytes.toString('utf8')))));
    }
  });
});

describe('JSON chunk-split invariance', () => {
  it('valid and mutated documents give identical events and errors for any split', () => {
    const doc = fc.oneof(
      jsonValue.map((v) => JSON.stringify(v)),
      jsonValue.map((v) => JSON.stringify(v, null, 1)),
      fc.tuple(jsonValue, fc.nat(), fc.constantFrom(',', '"', '\\', '\\u', '\\ud83d', '}', ']', '\x00', '1', 'x', ' ')).map(([v, p, ch]) => {
        const t = JSON.stringify(v);
        const k = p % (t.length + 1);
        return t.slice(0, k) + ch + t.slice(k);
      }),
    );
    fc.assert(
      fc.property(doc, fc.array(fc.nat(400), { maxLength: 12 }), (text, cuts) => {
        const bytes = enc(text);
        const [whole, ...others] = chunkings(bytes, cuts).map((c) => runJson(c, { maxStringBytes: 64, maxDepth: 5 }));
        for (const o of others) expect(o!.events).toEqual(whole!.events);
      }),
      { numRuns: runs(1500) },
    );
  });

  it('random bytes never throw and errors stay within the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(200), { maxLength: 5 }), (bytes, cuts) => {
        const a = runJson([bytes]);
        const b = runJson(splitAt(bytes, cuts));
        expect(b.events).toEqual(a.events);
        if (!a.result.ok) expect(a.result.error.offset).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: runs(3000) },
    );
  });
});
