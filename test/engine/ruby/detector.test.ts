import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rubyDetector } from '../../../src/engine/detectors/ruby/detector.js';
import { MARSHAL_B64_ANCHORS, MARSHAL_B64_START_ANCHORS } from '../../../src/engine/detectors/ruby/b64-anchors.js';
import {
  arr, data, dump, erbProxy, extended, gadget2018, hash, int, klass, module, nil, obj, str, struct, sym,
  universalGadget, userClass, userMarshal, type M,
} from './build.js';
import { assertSane, run } from '../php/harness.js';

const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

describe('rubyDetector: attacks', () => {
  it.each<[string, M]>([
    ['universal gadget (2021+)', universalGadget],
    ['universal gadget (2018)', gadget2018],
    ['ERB + DeprecatedInstanceVariableProxy', erbProxy],
  ])('%s is DW-RUBY-001 and DW-RUBY-002', (_name, v) => {
    const b = dump(v);
    const r = run(rubyDetector, b);
    expect(r.rules).toEqual(['DW-RUBY-001', 'DW-RUBY-002']);
    assertSane(r, b.length);
  });

  it('names the gadget classes', () => {
    const f = run(rubyDetector, dump(universalGadget)).findings.find((x) => x.rule === 'DW-RUBY-002');
    expect(f?.message).toContain('Gem::SpecFetcher');
    expect(f?.message).toContain('RubyGems');
  });

  it.each<[string, M]>([
    ['an application object', obj('App::Session', [['@user', str('alice')]])],
    ['a struct', struct('App::Point', [['x', int(1)]])],
    ['marshal_load', userMarshal('App::Box', arr())],
    ['a data object', data('App::Native', nil)],
    ['an extended object', extended('App::Mixin', str('x'))],
    ['a user class', userClass('App::Str', str('x'))],
    ['a class reference', klass('App::Model')],
    ['a module reference', arr(module('App::Helpers'))],
    ['an object in a hash', hash([[sym('user'), obj('App::User')]])],
  ])('%s is DW-RUBY-001', (_name, v) => {
    expect(run(rubyDetector, dump(v)).rules).toEqual(['DW-RUBY-001']);
  });

  it('a stream after other bytes in the layer', () => {
    const b = concat(Buffer.from('session=', 'latin1'), dump(erbProxy), Buffer.from('; path=/', 'latin1'));
    const r = run(rubyDetector, b);
    expect(r.rules).toEqual(['DW-RUBY-001', 'DW-RUBY-002']);
    expect(r.findings[0]?.offset).toBe(8);
  });

  it('a Marshal stream nested in a Marshal string', () => {
    const inner = Buffer.from(dump(erbProxy)).toString('latin1');
    const outer = dump(hash([[str('value'), (w) => { w.byte('"'); w.long(inner.length); w.bytes(inner); }]]));
    expect(run(rubyDetector, outer).rules).toEqual(['DW-RUBY-001', 'DW-RUBY-002']);
  });

  it('a truncated gadget stream still names the gadget', () => {
    const b = dump(universalGadget);
    const r = run(rubyDetector, b.subarray(0, 60));
    expect(r.rules).toContain('DW-RUBY-002');
  });

  it('a gadget followed by broken bytes is still DW-RUBY-002', () => {
    const b = dump(arr(obj('Gem::Installer'), nil));
    b[b.length - 1] = 0x5a;
    expect(run(rubyDetector, b).rules).toEqual(['DW-RUBY-002']);
  });
});

describe('rubyDetector: benign', () => {
  it.each<[string, M]>([
    ['a string', str('hello')],
    ['a hash of primitives', hash([[sym('user_id'), int(42)], [str('flash'), arr(str('saved'))], [sym('csrf'), str('abc')]])],
    ['an array of symbols', arr(sym('a'), sym('b'), sym('a'))],
    ['nil', nil],
  ])('%s is clean', (_name, v) => {
    expect(run(rubyDetector, dump(v)).findings).toEqual([]);
  });

  it('prose about the header is clean', () => {
    expect(run(rubyDetector, "Ruby's Marshal.load on cookies was the root cause; the marshal header is 04 08.").findings).toEqual([]);
  });

  it('random bytes that contain 04 08 never alarm', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, c) => {
      const b = concat(a, new Uint8Array([4, 8]), c, new Uint8Array([4, 8]));
      expect(run(rubyDetector, b).rules.filter((x) => x !== 'DW-RUBY-003')).toEqual([]);
    }), { numRuns: 5000 });
  });

  it('allowlist mode admits listed classes', () => {
    const v = dump(arr(obj('App::Cart'), obj('App::Line')));
    expect(run(rubyDetector, v, { action: 'allowlist', settings: { allow: ['App::Cart', 'App::Line'] } }).findings).toEqual([]);
    expect(run(rubyDetector, dump(arr(obj('App::Cart'), obj('Gem::Installer'))), {
      action: 'allowlist', settings: { allow: ['App::Cart'] },
    }).rules).toEqual(['DW-RUBY-001', 'DW-RUBY-002']);
  });

  it('allowlist mode fails closed past the recorded instantiations', () => {
    const v = dump(arr(...Array.from({ length: 80 }, () => obj('App::Cart')), obj('App::Evil')));
    const r = run(rubyDetector, v, { action: 'allowlist', settings: { allow: ['App::Cart'] } });
    expect(r.rules).toEqual(['DW-RUBY-001']);
  });

  it('mutated gadget streams never throw and findings stay in bounds', () => {
    const base = dump(universalGadget);
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), (edits, cut) => {
      const b = Uint8Array.from(base);
      for (const [at, v] of edits) b[at % b.length] = v;
      const sliced = b.subarray(0, 2 + (cut % (b.length - 1)));
      assertSane(run(rubyDetector, sliced), sliced.length);
    }), { numRuns: 2000 });
  });

  it('reports a limit finding for absurd nesting', () => {
    const deep = new Uint8Array([4, 8, ...Array.from({ length: 5000 }, () => [0x5b, 0x06]).flat(), 0x30]);
    const r = run(rubyDetector, deep);
    expect(r.rules).toEqual(['DW-RUBY-003']);
  });
});

describe('MARSHAL_B64_ANCHORS', () => {
  it('contains the well-known offset-0 anchors', () => {
    expect(MARSHAL_B64_START_ANCHORS).toEqual(expect.arrayContaining(['BAhv', 'BAhb', 'BAhJ', 'BAhV', 'BAh7', 'BAhU', 'BAhj', 'BAhm']));
  });

  it('every anchor appears in the base64 of a stream at its alignment, whatever the neighbouring bytes', () => {
    fc.assert(fc.property(fc.constantFrom(...MARSHAL_B64_ANCHORS), fc.uint8Array({ maxLength: 7 }), fc.uint8Array({ maxLength: 6 }), (a, pre, post) => {
      const prefixLength = pre.length - (pre.length % 3) + a.offsetMod3;
      const prefix = new Uint8Array(prefixLength).map((_, i) => pre[i % Math.max(1, pre.length)] ?? 0x41);
      const b = concat(prefix, new Uint8Array([4, 8, a.type.charCodeAt(0)]), post);
      const encoded = Buffer.from(b).toString('base64');
      expect(encoded).toContain(a.anchor);
    }), { numRuns: 3000 });
  });
});
