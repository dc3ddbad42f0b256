/** JEP 290 filter syntax and matching, the RPC allow-list, and agreement with the JDK ObjectInputFilter. */
import { describe, expect, it } from 'vitest';
import { compileJavaFilter, compileJavaFilterSettings, JavaFilterSyntaxError, parseJavaFilter } from '../../../src/engine/detectors/java/filter.js';
import { parseJavaStream } from '../../../src/engine/detectors/java/stream.js';
import { fixtures, overlong, RPC_FILTER, stream, StreamBuilder } from './helpers.js';

describe('JEP 290 filter syntax', () => {
  it('parses patterns, negations and limits', () => {
    const f = compileJavaFilter('maxdepth=10;java.util.*;com.example.dto.**;pkg.Class;pre*;!*;maxarray=100');
    expect(f.limits).toEqual({ maxDepth: 10, maxArray: 100 });
    expect(f.patterns.map((p) => [p.kind, p.value, p.negate])).toEqual([
      ['package', 'java.util.', false],
      ['subpackages', 'com.example.dto.', false],
      ['exact', 'pkg.Class', false],
      ['prefix', 'pre', false],
      ['prefix', '', true],
    ]);
  });

  it('refuses module patterns, unknown limits, bad numbers and inner stars', () => {
    for (const bad of ['java.base/java.lang.*', 'maxfoo=1', 'maxdepth=-1', 'maxdepth=x', 'a*b', '!', '.*']) {
      const r = parseJavaFilter(bad);
      expect(r.ok, bad).toBe(false);
    }
    expect(() => compileJavaFilter('java.base/*')).toThrow(JavaFilterSyntaxError);
  });

  it('accepts a list and the policy settings shape', () => {
    const f = compileJavaFilterSettings({ filter: 'java.util.HashMap', allow: ['com.example.*', '!*'] });
    expect(f.patterns).toHaveLength(3);
    expect(compileJavaFilter(['a.B', ' c.D ']).match('c.D').result).toBe('allowed');
  });
});

describe('JEP 290 matching', () => {
  const f = compileJavaFilter('com.example.rpc.dto.*;com.example.lib.**;java.lang.String;java.util.Hash*;!com.example.bad.**');

  it('has exact package semantics', () => {
    expect(f.match('com.example.rpc.dto.OrderDTO').result).toBe('allowed');
    expect(f.match('com.example.rpc.dto.OrderDTO$Line').result).toBe('allowed');
    expect(f.match('com.example.rpc.dtoext.Evil').result).toBe('unmatched');
    expect(f.match('com.example.rpc.dto.sub.X').result).toBe('unmatched');
    expect(f.match('com.example.rpc.dto').result).toBe('unmatched');
    expect(f.match('com.example.lib.a.b.C').result).toBe('allowed');
    expect(f.match('com.example.libx.C').result).toBe('unmatched');
    expect(f.match('java.lang.String').result).toBe('allowed');
    expect(f.match('java.lang.StringBuilder').result).toBe('unmatched');
    expect(f.match('java.util.HashMap').result).toBe('allowed');
    expect(f.match('java.util.Hashtable').result).toBe('allowed');
    expect(f.match('com.example.bad.x.Y').result).toBe('rejected');
  });

  it('judges arrays by their element class', () => {
    expect(f.match('[Ljava.lang.String;').result).toBe('allowed');
    expect(f.match('[[Lcom.example.rpc.dto.OrderDTO;').result).toBe('allowed');
    expect(f.match('[Ljava.net.URL;').result).toBe('unmatched');
  });

  it('first match wins', () => {
    const g = compileJavaFilter('!java.net.URL;java.net.*');
    expect(g.match('java.net.URL').result).toBe('rejected');
    expect(g.match('java.net.URI').result).toBe('allowed');
    const h = compileJavaFilter('java.net.*;!java.net.URL');
    expect(h.match('java.net.URL').result).toBe('allowed');
  });
});

describe('the RPC allow-list on JDK-written streams', () => {
  const rpc = compileJavaFilter(RPC_FILTER);
  const accepts = ['dto-order', 'dto-customer', 'hashmap-plain', 'arraylist-dtos', 'string-only', 'rpc-request', 'two-toplevel', 'reset', 'blockdata-toplevel', 'array-strings', 'array-ints', 'array-dtos', 'externalizable', 'nested-bytearray-benign', 'writeobject-nofields'];
  const rejects: Record<string, string> = {
    'rpc-hashmap-gadget': 'org.apache.commons.collections.keyvalue.TiedMapEntry',
    'rpc-arraylist-gadget': 'java.util.PriorityQueue',
    'dto-object-field-url': 'java.net.URL',
    'lookalike-dtoext': 'com.example.rpc.dtoext.EvilDTO',
    'dto-subpackage': 'com.example.rpc.dto.sub.Inner',
    'second-toplevel-gadget': 'java.net.URL',
    'externalizable-gadget': 'java.net.URL',
    'nested-bytearray-gadget': 'org.apache.commons.collections.keyvalue.TiedMapEntry',
    'nested-blockdata-gadget': 'java.util.PriorityQueue',
    'cc1-like': 'sun.reflect.annotation.AnnotationInvocationHandler',
    'jrmp-proxy': 'java.rmi.registry.Registry',
    'enum-field': 'java.lang.Enum',
    'array-objects': 'java.lang.Object',
    exception: 'java.io.IOException',
  };

  for (const name of accepts) {
    it(`accepts ${name}`, () => {
      expect(rpc.check(parseJavaStream(stream(name), 0))).toMatchObject({ allowed: true });
    });
  }
  for (const [name, cls] of Object.entries(rejects)) {
    it(`rejects ${name} (${cls})`, () => {
      const d = rpc.check(parseJavaStream(stream(name), 0));
      expect(d.allowed).toBe(false);
      expect(d.className).toBe(cls);
    });
  }

  it('agrees with the JDK ObjectInputFilter (run by the generator) except for nested streams', () => {
    // jdkFilter = the RPC list plus the arrays HashMap/ArrayList.readObject allocate.
    const jdk = compileJavaFilter(fixtures.jdkFilter);
    const stricter = new Set(['nested-bytearray-gadget', 'nested-blockdata-gadget']);
    for (const [name, s] of Object.entries(fixtures.streams)) {
      const ours = jdk.check(parseJavaStream(Buffer.from(s.b64, 'base64'), 0)).allowed ? 'accepted' : 'rejected';
      expect({ name, ours }).toEqual({ name, ours: stricter.has(name) ? 'rejected' : s.jdkRpcFilter });
    }
  });

  it('rejects a gadget class hidden in overlong UTF-8 by its decoded name', () => {
    const b = new StreamBuilder().u8(0x73, 0x72).u16(24).u8(...overlong('java.net.URL', 2))
      .u8(0, 0, 0, 0, 0, 0, 0, 1, 0x02).u16(0).u8(0x78, 0x70).build();
    const d = rpc.check(parseJavaStream(b, 0));
    expect(d).toMatchObject({ allowed: false, className: 'java.net.URL' });
  });

  it('applies maxdepth, maxarray, maxrefs and maxbytes', () => {
    const r = parseJavaStream(stream('dto-order'), 0);
    expect(compileJavaFilter(`${RPC_FILTER};maxdepth=1`).check(r)).toMatchObject({ allowed: false, limit: 'maxdepth' });
    expect(compileJavaFilter(`maxbytes=10;${RPC_FILTER}`).check(r)).toMatchObject({ allowed: false, limit: 'maxbytes' });
    expect(compileJavaFilter(`maxrefs=3;${RPC_FILTER}`).check(r)).toMatchObject({ allowed: false, limit: 'maxrefs' });
    expect(compileJavaFilter(`maxarray=3;${RPC_FILTER}`).check(parseJavaStream(stream('array-ints'), 0))).toMatchObject({ allowed: false, limit: 'maxarray' });
    expect(compileJavaFilter(`maxarray=4;${RPC_FILTER}`).check(parseJavaStream(stream('array-ints'), 0)).allowed).toBe(true);
  });

  it('lists several rejections', () => {
    const list = rpc.rejections(parseJavaStream(stream('cc1-like'), 0), 5);
    expect(list).toHaveLength(5);
    expect(new Set(list.map((d) => d.className)).size).toBe(5);
  });
});
