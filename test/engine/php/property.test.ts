import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { phpDetector } from '../../../src/engine/detectors/php/detector.js';
import { parsePhpSerialized } from '../../../src/engine/detectors/php/serialized.js';
import { parsePharManifest } from '../../../src/engine/detectors/php/phar.js';
import { PhpArray, PhpObject, buildPhar, escapedString, ser, type PhpValue } from './build.js';
import { allChains } from './chains.js';
import { assertSane, latin1, run } from './harness.js';

const latin1String = (maxLength: number) =>
  fc.uint8Array({ maxLength }).map((b) => Buffer.from(b).toString('latin1'));

/** Random PHP values; objects only when `objects` is true. */
function phpValue(objects: boolean): fc.Arbitrary<PhpValue> {
  const { value } = fc.letrec<{ value: PhpValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      latin1String(20),
      fc.array(fc.tuple(fc.oneof(fc.nat(), latin1String(8)), tie('value')), { maxLength: 4 }).map((e) => new PhpArray(e)),
      ...(objects
        ? [fc.tuple(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_\\]{0,20}$/), fc.array(fc.tuple(latin1String(6), tie('value')), { maxLength: 3 }))
          .map(([cls, props]) => new PhpObject(cls, props))]
        : []),
    ),
  }));
  return value;
}

function mutate(base: string): fc.Arbitrary<string> {
  return fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })
    .map((edits) => {
      let s = base;
      for (const [at, op, byte] of edits) {
        const p = s.length === 0 ? 0 : at % s.length;
        const c = String.fromCharCode(byte);
        if (op === 0) s = s.slice(0, p) + c + s.slice(p + 1);
        else if (op === 1) s = s.slice(0, p) + c + s.slice(p);
        else if (op === 2) s = s.slice(0, p) + s.slice(p + 1);
        else s = s.slice(0, p);
      }
      return s;
    });
}

describe('PHP properties', () => {
  it('the parser never throws and stays inside the input on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (b, s) => {
      const start = b.length === 0 ? 0 : s % b.length;
      const r = parsePhpSerialized(b, start);
      expect(r.end).toBeGreaterThanOrEqual(start);
      expect(r.end).toBeLessThanOrEqual(b.length);
      expect(r.objects.length).toBeLessThanOrEqual(r.objectCount);
    }), { numRuns: 2000 });
  });

  it('the phar reader never throws on random manifests', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      const m = parsePharManifest(b, 0);
      expect(typeof m.ok).toBe('boolean');
    }), { numRuns: 2000 });
  });

  it('random bytes and mutated payloads never throw and findings stay in bounds', () => {
    const bases = [...Object.values(allChains), buildPhar({ metadata: allChains.monologRce1 ?? '' })];
    fc.assert(fc.property(fc.constantFrom(...bases).chain(mutate), (s) => {
      assertSane(run(phpDetector, latin1(s)), s.length);
    }), { numRuns: 1500 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
      assertSane(run(phpDetector, b), b.length);
    }), { numRuns: 1500 });
  });

  it('random bytes after an O:/C:/a: header never make a complete object', () => {
    const head = fc.constantFrom('O:', 'C:', 'a:', 's:', 'S:', 'O:8:"', 'a:1:{', 'O:+');
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), head, fc.uint8Array({ maxLength: 200 }), (pre, h, tail) => {
      const b = new Uint8Array([...pre, ...latin1(h), ...tail]);
      expect(run(phpDetector, b).rules).not.toContain('DW-PHP-001');
    }), { numRuns: 5000 });
  });

  it('serialized values without objects are parsed completely and stay clean', () => {
    fc.assert(fc.property(phpValue(false), (v) => {
      const text = ser(v);
      const r = parsePhpSerialized(latin1(text), 0);
      expect(r.status).toBe('ok');
      expect(r.end).toBe(text.length);
      expect(run(phpDetector, text).findings).toEqual([]);
    }), { numRuns: 500 });
  });

  it('serialized values with an object are always DW-PHP-001, also when S:-escaped inside a string', () => {
    const withObject = phpValue(true).filter((v) => ser(v).includes('O:'))
      .filter((v) => parsePhpSerialized(latin1(ser(v)), 0).completeObjects > 0);
    fc.assert(fc.property(withObject, (v) => {
      expect(run(phpDetector, ser(v)).rules).toContain('DW-PHP-001');
      expect(run(phpDetector, `a:1:{i:0;${escapedString(ser(v))}}`).rules).toContain('DW-PHP-001');
    }), { numRuns: 300 });
  });

  it('a single object cut anywhere before its closing brace is never DW-PHP-001', () => {
    const one = 'O:8:"App\\Evil":2:{s:1:"a";s:3:"xyz";s:1:"b";i:1;}';
    for (let n = 0; n < one.length; n++) {
      expect(run(phpDetector, one.slice(0, n)).rules).not.toContain('DW-PHP-001');
    }
  });
});
