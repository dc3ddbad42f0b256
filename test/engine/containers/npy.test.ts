import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readNpy, simpleDtype } from '../../../src/engine/containers/npy.js';
import { parsePyLiteral } from '../../../src/engine/containers/pyliteral.js';
import { fixture } from './harness.js';

function npy(header: string, body: Uint8Array = new Uint8Array(0), version = 1): Buffer {
  const hb = Buffer.from(header + '\n', 'latin1');
  const len = Buffer.alloc(version === 1 ? 2 : 4);
  if (version === 1) len.writeUInt16LE(hb.length);
  else len.writeUInt32LE(hb.length);
  return Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]), len, hb, Buffer.from(body)]);
}
const lit = (s: string) => parsePyLiteral(Buffer.from(s, 'latin1'), 0, s.length);

describe('Python literal parser (npy headers)', () => {
  it('parses dicts, tuples, lists, strings, ints (with py2 L), booleans and None', () => {
    expect(lit("{'a': (1, 2L,), 'b': [u'x', \"y\"], 'c': True, 'd': None, }")).toMatchObject({ kind: 'dict' });
    expect(lit('(3)')).toEqual({ kind: 'int', value: 3 });
    expect(lit('(3,)')).toEqual({ kind: 'tuple', items: [{ kind: 'int', value: 3 }] });
    expect(lit("'a\\'b'")).toEqual({ kind: 'str', value: "a'b" });
  });

  it('rejects what literal_eval would reject, and deep or huge input', () => {
    for (const bad of ['{', '{1 2}', "{'a' 1}", '[1,,2]', '__import__', "{'a': os.system}", '-1', '(1) (2)', '[' .repeat(40) + ']'.repeat(40)]) {
      expect(typeof lit(bad), bad).toBe('string');
    }
  });
});

describe('readNpy', () => {
  it('plain arrays pass when the data matches shape × itemsize', () => {
    for (const name of ['npy.f8', 'npy.f8.v2', 'npy.structured.plain', 'npy.unicode']) {
      const r = readNpy(fixture(name));
      expect(r.anomalies, name).toEqual([]);
      expect(r.hasObjects).toBe(false);
    }
    expect(readNpy(fixture('npy.f8.short')).anomalies[0]).toMatch(/40 bytes but shape and dtype imply 48/);
    expect(readNpy(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", Buffer.alloc(12))).anomalies.length).toBe(1);
  });

  it('object dtypes (|O, O, structured with O) make the rest of the file a pickle', () => {
    for (const name of ['npy.object', 'npy.object.bare', 'npy.structured.object']) {
      const r = readNpy(fixture(name));
      expect(r.hasObjects, name).toBe(true);
      expect(r.anomalies).toEqual([]);
    }
    const b = fixture('npy.object');
    const r = readNpy(b);
    expect(b.subarray(r.dataOffset)).toEqual(fixture('pickle.evil.p2'));
  });

  it('treats spelled-out or comma-list object dtypes as objects, and unknown dtypes as anomalies', () => {
    for (const descr of ["'object'", "'i4,O'", "[('a', [('b', '|O')])]", "[('a', 'object', (2,))]"]) {
      const r = readNpy(npy(`{'descr': ${descr}, 'fortran_order': False, 'shape': (1,), }`, Buffer.from('payload')));
      expect(r.hasObjects, descr).toBe(true);
    }
    const unknown = readNpy(npy("{'descr': 'float64', 'fortran_order': False, 'shape': (1,), }", Buffer.alloc(8)));
    expect(unknown.anomalies[0]).toMatch(/unrecognised dtype/);
  });

  it('refuses malformed headers: extra keys, bad types, bad literal, bad version, too long', () => {
    expect(readNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", Buffer.alloc(8))).anomalies.length).toBeGreaterThan(0);
    expect(readNpy(npy("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}", Buffer.alloc(8))).anomalies.length).toBeGreaterThan(0);
    expect(readNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}", Buffer.alloc(8))).anomalies.length).toBeGreaterThan(0);
    expect(readNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': 3}", Buffer.alloc(24))).anomalies.length).toBeGreaterThan(0);
    expect(readNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", Buffer.alloc(8), 4)).anomalies[0]).toMatch(/version/);
    expect(readNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", Buffer.alloc(8), 3)).anomalies).toEqual([]);
    const huge = npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (0,), }${' '.repeat(70000)}`, new Uint8Array(0), 2);
    expect(readNpy(huge).limit).toBe('containers.npyMaxHeaderBytes');
  });

  it('knows the simple dtype sizes', () => {
    expect(simpleDtype('<f8')).toEqual({ itemsize: 8, objects: false });
    expect(simpleDtype('|b1')).toEqual({ itemsize: 1, objects: false });
    expect(simpleDtype('<U3')).toEqual({ itemsize: 12, objects: false });
    expect(simpleDtype('<M8[ns]')).toEqual({ itemsize: 8, objects: false });
    expect(simpleDtype('|O')).toEqual({ itemsize: 8, objects: true });
    expect(simpleDtype('<i3')).toBeUndefined();
  });

  it('never throws on random headers or mutated files', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 64 }), (header, body) => {
        readNpy(npy(header, body));
        lit(header);
      }),
      { numRuns: 800 },
    );
    const seeds = [fixture('npy.object'), fixture('npy.structured.plain'), fixture('npy.f8')];
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (i, edits) => {
        const b = Buffer.from(seeds[i] as Buffer);
        for (const [pos, v] of edits) b[pos % b.length] = v;
        const r = readNpy(b);
        if (r.dataOffset !== undefined) expect(r.dataOffset).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 800 },
    );
  });
});
