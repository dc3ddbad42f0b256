import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConstantPath, MARSHAL_LIMITS, parseMarshal } from '../../../src/engine/detectors/ruby/marshal.js';
import {
  arr, bignum, bin, data, dump, erbProxy, extended, float, hash, int, klass, link, module, nil, no, obj, regexp, str,
  struct, sym, universalGadget, userClass, userDef, userMarshal, Writer, yes, type M,
} from './build.js';
import { latin1 } from '../php/harness.js';

const parse = (v: M) => parseMarshal(dump(v), 0);

describe('Marshal 4.8 parser', () => {
  it.each<[string, M]>([
    ['nil', nil], ['true', yes], ['false', no],
    ['small fixnums', arr(int(0), int(1), int(122), int(-1), int(-123))],
    ['wide fixnums', arr(int(123), int(255), int(256), int(65535), int(2 ** 30 - 1), int(-124), int(-256), int(-(2 ** 30)))],
    ['strings with encoding', arr(str('hello'), str(''), bin('\x00\xff'))],
    ['symbols and symlinks', arr(sym('a'), sym('b'), sym('a'), sym('b'))],
    ['hash', hash([[sym('id'), int(1)], [str('name'), str('x')]])],
    ['hash with default', hash([[int(1), int(2)]], str('d'))],
    ['float', arr(float('1.5'), float('inf'), float('-inf'), float('nan'))],
    ['bignum', arr(bignum('+', 3), bignum('-', 1))],
    ['regexp', regexp('a+b', 1)],
    ['object link', arr(str('x'), link(1))],
  ])('plain data: %s', (_name, v) => {
    const r = parse(v);
    expect(r.status).toBe('ok');
    expect(r.end).toBe(dump(v).length);
    expect(r.instantiationCount).toBe(0);
  });

  it.each<[string, M, string]>([
    ['object', obj('User', [['@name', str('a')]]), 'o'],
    ['struct', struct('Point', [['x', int(1)], ['y', int(2)]]), 'S'],
    ['marshal_load', userMarshal('Foo::Bar', arr()), 'U'],
    ['_load', userDef('Time', '\x00\x01\x02\x03\x04\x05\x06\x07'), 'u'],
    ['data', data('OpenSSL::X509::Name', arr()), 'd'],
    ['extended', extended('Comparable', str('x')), 'e'],
    ['user class', userClass('MyString', bin('x')), 'C'],
    ['class', klass('Kernel'), 'c'],
    ['module', module('Kernel'), 'm'],
  ])('instantiation: %s', (_name, v, kind) => {
    const r = parse(v);
    expect(r.status).toBe('ok');
    expect(r.instantiations[0]?.kind).toBe(kind);
    expect(r.instantiations[0]?.offset).toBe(2);
  });

  it('resolves class names through symlinks and extracts symbols', () => {
    const r = parse(arr(obj('App::User'), obj('App::User'), sym('admin')));
    expect(r.instantiations.map((i) => i.name)).toEqual(['App::User', 'App::User']);
    expect(r.symbols).toEqual(['App::User', 'admin']);
  });

  it('handles ivars on symbols (I:) and on _load data', () => {
    const w = new Writer();
    w.bytes('I:\x08Foo\x06:\x06ET');
    expect(parseMarshal(w.result(), 0).status).toBe('ok');
    const u = new Writer();
    u.bytes('Iu:\x09Time\x0d');
    u.bytes('\x00'.repeat(8));
    u.bytes('\x06:\x0boffseti\x00');
    expect(parseMarshal(u.result(), 0).status).toBe('ok');
  });

  it('parses the gadget chains built by the test writer', () => {
    for (const v of [universalGadget, erbProxy]) {
      const r = parse(v);
      expect(r.status).toBe('ok');
      expect(r.instantiationCount).toBeGreaterThanOrEqual(3);
    }
  });

  it.each([
    ['\x04\x08[\x07i\x06'], ['\x04\x08"\x0aabc'], ['\x04\x08o:\x09Foo'], ['\x04\x08i\x02\x01'], ['\x04\x08'],
  ])('reports truncation for %j', (s) => {
    expect(parseMarshal(latin1(s), 0).status).toBe('truncated');
  });

  it.each([
    ['\x04\x08Z'], ['\x04\x08o:\x09foo\x00'], ['\x04\x08o:\x09F-o\x00'], ['\x04\x08;\x00'], ['\x04\x08@\x07'],
    ['\x04\x08"\xfaabc'], ['\x04\x08lx\x06\x00\x00'], ['\x04\x07i\x06'], ['\x04\x08c\x00'],
  ])('refuses %j', (s) => {
    const r = parseMarshal(latin1(s), 0);
    expect(r.status).toBe('syntax');
    expect(r.end).toBeLessThanOrEqual(s.length);
  });

  it('validates constant paths', () => {
    for (const ok of ['A', 'Gem::Requirement', 'ActiveSupport::Deprecation::X', 'A1_b']) expect(isConstantPath(latin1(ok), 0, ok.length)).toBe(true);
    for (const bad of ['', 'a', 'A::', '::A', 'A:B', 'A::b', 'A B', 'A:::B', '\xc4pfel', 'A\xff']) expect(isConstantPath(latin1(bad), 0, bad.length)).toBe(false);
  });

  it('stops at the stack limit and the item limit', () => {
    let v: M = nil;
    for (let i = 0; i < 50; i++) v = arr(v);
    expect(parseMarshal(dump(v), 0, undefined, { ...MARSHAL_LIMITS, maxStack: 20 }).status).toBe('limit');
    expect(parseMarshal(dump(arr(...Array.from({ length: 30 }, () => nil))), 0, undefined, { ...MARSHAL_LIMITS, maxItems: 10 }).status).toBe('limit');
  });

  it('decodes every 32-bit fixnum the way it was written', () => {
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
      const r = parse(arr(int(n), nil));
      expect(r.status).toBe('ok');
    }), { numRuns: 3000 });
  });

  it('never throws and stays in bounds on random bytes after a header', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
      const b = new Uint8Array([4, 8, ...tail]);
      const r = parseMarshal(b, 0);
      expect(r.end).toBeGreaterThanOrEqual(0);
      expect(r.end).toBeLessThanOrEqual(b.length);
      expect(r.instantiations.length).toBeLessThanOrEqual(r.instantiationCount);
    }), { numRuns: 3000 });
  });
});
