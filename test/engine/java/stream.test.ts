/** Parser tests on JDK-written fixture streams and hand-built edge cases (truncation, limits, carving). */
import { describe, expect, it } from 'vitest';
import { parseJavaStream } from '../../../src/engine/detectors/java/stream.js';
import { JavaRole, type JavaStreamReport } from '../../../src/engine/detectors/java/report.js';
import { fixtures, rewriteOverlong, stream, StreamBuilder } from './helpers.js';

function names(r: JavaStreamReport, includeFieldTypes = false): string[] {
  return r.classes.filter((c) => includeFieldTypes || !c.descriptorOnly).map((c) => c.name);
}

function role(r: JavaStreamReport, name: string): number {
  return r.classes.find((c) => c.name === name)?.roles ?? 0;
}

describe('parseJavaStream on JDK-written streams', () => {
  it('parses every fixture to a clean end', () => {
    for (const [name, s] of Object.entries(fixtures.streams)) {
      const buf = Buffer.from(s.b64, 'base64');
      const r = parseJavaStream(buf, 0);
      expect({ name, stop: r.stop, end: r.end, valid: r.valid, complete: r.complete }).toEqual({ name, stop: 'end', end: buf.length, valid: true, complete: true });
    }
  });

  it('extracts classes, superclasses and field types of a DTO graph', () => {
    const r = parseJavaStream(stream('dto-customer'), 0);
    expect(names(r)).toEqual(expect.arrayContaining(['com.example.rpc.dto.CustomerDTO', 'java.util.Date', 'java.util.ArrayList', 'java.lang.Integer', 'java.lang.Number']));
    expect(role(r, 'java.lang.Number') & JavaRole.SUPERCLASS).toBeTruthy();
    const str = r.classes.find((c) => c.name === 'java.lang.String');
    expect(str?.descriptorOnly).toBe(true);
    expect(str?.roles).toBe(JavaRole.FIELD_TYPE);
    expect(r.stats.objects).toBeGreaterThan(3);
  });

  it('counts class descriptors reused by back-reference', () => {
    const r = parseJavaStream(stream('arraylist-dtos'), 0);
    const order = r.classes.find((c) => c.name === 'com.example.rpc.dto.OrderDTO');
    expect(order?.uses).toBe(2);
    expect(r.stats.references).toBeGreaterThan(0);
  });

  it('sees proxy interfaces, the Proxy superclass and TC_CLASS values (CC1 shape)', () => {
    const r = parseJavaStream(stream('cc1-like'), 0);
    expect(role(r, 'java.util.Map') & JavaRole.PROXY_INTERFACE).toBeTruthy();
    expect(role(r, 'java.lang.reflect.Proxy') & JavaRole.SUPERCLASS).toBeTruthy();
    expect(role(r, 'java.lang.Runtime') & JavaRole.CLASS_VALUE).toBeTruthy();
    expect(names(r)).toContain('org.apache.commons.collections.functors.InvokerTransformer');
    expect(names(r)).toContain('[Lorg.apache.commons.collections.Transformer;');
    const arr = r.classes.find((c) => c.name === '[Lorg.apache.commons.collections.Transformer;');
    expect(arr?.element).toBe('org.apache.commons.collections.Transformer');
    expect(r.stats.proxies).toBe(1);
  });

  it('flags class files in byte arrays and the TemplatesImpl _bytecodes field', () => {
    const r = parseJavaStream(stream('cb1-like'), 0);
    expect(r.classFiles.length).toBe(2);
    expect(r.bytecodesField).toBe(true);
    const buf = stream('cb1-like');
    for (const at of r.classFiles) expect(buf.readUInt32BE(at)).toBe(0xcafebabe);
    expect(names(r)).toContain('[[B');
    expect(r.classes.find((c) => c.name === '[[B')?.element).toBe('B');
  });

  it('reads enums, arrays, externalizable data and several top-level objects', () => {
    const e = parseJavaStream(stream('enum-field'), 0);
    expect(e.stats.enums).toBe(1);
    expect(role(e, 'com.example.rpc.dto.Status') & JavaRole.ENUM).toBeTruthy();
    expect(names(e)).toContain('java.lang.Enum');

    const ints = parseJavaStream(stream('array-ints'), 0);
    expect(ints.stats.maxArrayLength).toBe(4);
    expect(ints.classes[0]?.elementPrimitive).toBe(true);

    const objs = parseJavaStream(stream('array-objects'), 0);
    expect(names(objs)).toEqual(expect.arrayContaining(['[Ljava.lang.Object;', 'com.example.rpc.dto.OrderDTO']));

    const ext = parseJavaStream(stream('externalizable-gadget'), 0);
    expect(names(ext)).toEqual(expect.arrayContaining(['com.example.rpc.dto.ExtDTO', 'java.util.HashMap', 'java.net.URL']));

    const two = parseJavaStream(stream('second-toplevel-gadget'), 0);
    expect(two.stats.topLevel).toBe(2);
    expect(names(two)).toContain('java.net.URL');
  });

  it('handles TC_RESET, top-level block data, TC_EXCEPTION and writeObject() without defaultWriteObject()', () => {
    const reset = parseJavaStream(stream('reset'), 0);
    expect(reset.stats.resets).toBe(1);
    expect(reset.classes.find((c) => c.name === 'com.example.rpc.dto.OrderDTO')?.uses).toBe(2);

    const block = parseJavaStream(stream('blockdata-toplevel'), 0);
    expect(block.stats.blockData).toBeGreaterThan(0);
    expect(names(block)).toContain('com.example.rpc.dto.OrderDTO');

    const exc = parseJavaStream(stream('exception'), 0);
    expect(exc.stats.exceptions).toBe(1);
    expect(names(exc)).toEqual(expect.arrayContaining(['com.example.rpc.dto.Boom', 'java.io.IOException', 'com.example.rpc.dto.OrderDTO']));

    const nf = parseJavaStream(stream('writeobject-nofields'), 0);
    // Ambiguous without the class (the custom data also reads as int + String fields);
    // either reading ends cleanly and names the same classes.
    expect(nf.stop).toBe('end');
    expect(names(nf)).toEqual(['com.example.rpc.dto.NoDefault']);
  });

  it('parses streams nested in byte arrays and in block data split into segments', () => {
    const inArray = parseJavaStream(stream('nested-bytearray-gadget'), 0);
    expect(inArray.nested).toHaveLength(1);
    const n0 = inArray.nested[0];
    expect(n0?.container).toBe('byte-array');
    expect(n0?.copied).toBe(false);
    expect(n0?.report.valid).toBe(true);
    expect(names(n0!.report)).toContain('org.apache.commons.collections.functors.InvokerTransformer');
    expect(stream('nested-bytearray-gadget').readUInt32BE(n0!.outerOffset)).toBe(0xaced0005);

    const inBlock = parseJavaStream(stream('nested-blockdata-gadget'), 0);
    expect(inBlock.stats.blockData).toBeGreaterThan(1);
    expect(inBlock.nested).toHaveLength(1);
    expect(inBlock.nested[0]?.container).toBe('block-data');
    expect(inBlock.nested[0]?.copied).toBe(true);
    expect(inBlock.nested[0]?.report.stop).toBe('end');
    expect(names(inBlock.nested[0]!.report)).toContain('org.apache.commons.beanutils.BeanComparator');
    expect(inBlock.nested[0]?.report.classFiles.length).toBe(2);
  });

  it('can be told not to look into nested streams', () => {
    const r = parseJavaStream(stream('nested-bytearray-gadget'), 0, { maxNested: 0 });
    expect(r.nested).toHaveLength(0);
  });

  it('parses a stream that does not start at offset 0', () => {
    const inner = stream('urldns');
    const buf = Buffer.concat([Buffer.from('prefix garbage '), inner, Buffer.from(' trailer')]);
    const r = parseJavaStream(buf, 15);
    expect(r.valid).toBe(true);
    expect(r.stop).toBe('trailing-data');
    expect(r.complete).toBe(true);
    expect(r.end).toBe(15 + inner.length);
    expect(names(r)).toContain('java.net.URL');
  });
});

describe('overlong modified UTF-8 class names', () => {
  for (const width of [2, 3] as const) {
    it(`decodes ${width}-byte overlong names like the JDK and flags them`, () => {
      const plain = stream('cc6-like');
      const rewritten = rewriteOverlong(plain, width);
      expect(rewritten.length).toBeGreaterThan(plain.length);
      expect(rewritten.includes(Buffer.from('InvokerTransformer'))).toBe(false);
      const a = parseJavaStream(plain, 0);
      const b = parseJavaStream(rewritten, 0);
      expect(b.stop).toBe('end');
      expect(b.overlong).toBe(true);
      expect(names(b).sort()).toEqual(names(a).sort());
      expect(b.classes.find((c) => c.name === 'org.apache.commons.collections.functors.InvokerTransformer')?.overlong).toBe(true);
    });
  }
});

describe('truncated and broken streams', () => {
  it('keeps what was seen before a truncation and never claims completeness', () => {
    const buf = stream('cc1-like');
    for (let cut = 5; cut < buf.length; cut += 7) {
      const r = parseJavaStream(buf.subarray(0, cut), 0);
      expect(r.end).toBeLessThanOrEqual(cut);
      expect(r.stop).not.toBe('end');
      expect(r.complete).toBe(false);
    }
    const half = parseJavaStream(buf.subarray(0, Math.floor(buf.length / 2)), 0);
    expect(half.stop).toBe('truncated');
    expect(names(half)).toContain('sun.reflect.annotation.AnnotationInvocationHandler');
  });

  it('rejects bad magic and is not fooled by garbage after the magic', () => {
    expect(parseJavaStream(Buffer.from('not a stream'), 0).stop).toBe('bad-magic');
    const garbage = Buffer.from([0xac, 0xed, 0x00, 0x05, 0x41, 0x42, 0x43, 0x44]);
    const r = parseJavaStream(garbage, 0);
    expect(r.valid).toBe(false);
    expect(r.stop).toBe('trailing-data');
  });

  it('reports bad handles, bad tags and bad UTF', () => {
    const badHandle = new StreamBuilder().u8(0x73, 0x71).i32(0x7e0005).build();
    expect(parseJavaStream(badHandle, 0).stop).toBe('bad-handle');
    const badTag = new StreamBuilder().u8(0x73, 0x41).build();
    expect(parseJavaStream(badTag, 0).stop).toBe('bad-classdesc');
    const badUtf = new StreamBuilder().u8(0x72).u16(2).u8(0x80, 0x80).build();
    expect(parseJavaStream(badUtf, 0).stop).toBe('bad-utf');
  });

  it('stops on TC_RESET inside an object and on conflicting flags', () => {
    const resetInside = new StreamBuilder().u8(0x73).classDesc('a.B', 0x02, [['L', 'x', 'Ljava/lang/Object;']]).u8(0x79).build();
    const r = parseJavaStream(resetInside, 0);
    expect(r.stop).toBe('reset-in-object');
    expect(r.complete).toBe(false);
    expect(r.valid).toBe(true);
    const conflict = new StreamBuilder().u8(0x73).classDesc('a.B', 0x06).build();
    expect(parseJavaStream(conflict, 0).stop).toBe('bad-classdesc');
  });

  it('reads TC_LONGSTRING and hand-made proxies', () => {
    const long = new StreamBuilder().u8(0x7c).i32(0).i32(3).u8(0x61, 0x62, 0x63).build();
    const r = parseJavaStream(long, 0);
    expect(r.stats.strings).toBe(1);
    expect(r.valid).toBe(true);
    const proxy = new StreamBuilder().u8(0x73, 0x7d).i32(1).utf('javax.xml.transform.Templates').u8(0x78)
      .classDesc('java.lang.reflect.Proxy', 0x02, [['L', 'h', 'Ljava/lang/reflect/InvocationHandler;']])
      .u8(0x70).build();
    const p = parseJavaStream(proxy, 0);
    expect(p.stop).toBe('end');
    expect(names(p)).toEqual(['javax.xml.transform.Templates', 'java.lang.reflect.Proxy']);
  });

  it('enforces depth, handle and byte limits', () => {
    const deep = new StreamBuilder();
    for (let i = 0; i < 50; i++) deep.u8(0x73).classDesc(`a.N${i}`, 0x02, [['L', 'n', 'Ljava/lang/Object;']]);
    const d = parseJavaStream(deep.build(), 0, { maxDepth: 10 });
    expect(d.stop).toBe('limit');
    expect(d.limit).toBe('maxDepth');
    const b = parseJavaStream(stream('dto-order'), 0, { maxBytes: 64 });
    expect(b.stop).toBe('limit');
    expect(b.limit).toBe('maxBytes');
    const h = parseJavaStream(stream('dto-order'), 0, { maxHandles: 3 });
    expect(h.limit).toBe('maxHandles');
    const c = parseJavaStream(stream('cc1-like'), 0, { maxClasses: 2 });
    expect(c.classes).toHaveLength(2);
    expect(c.classesTruncated).toBe(true);
    expect(c.stop).toBe('end');
  });

  it('rejects circular superclass chains without looping', () => {
    // Descriptor whose superclass is a back-reference to itself (handle 0x7e0000).
    const loop = new StreamBuilder().u8(0x73, 0x72).utf('a.Loop').u8(0, 0, 0, 0, 0, 0, 0, 1, 0x02).u16(1).u8(0x49).utf('i').u8(0x78, 0x71).i32(0x7e0000).build();
    const r = parseJavaStream(Buffer.concat([loop, Buffer.alloc(4096)]), 0);
    expect(r.stop).toBe('limit');
    expect(r.limit).toBe('maxChain');
  });
});

describe('carving for descriptors the grammar walk did not see', () => {
  it('records a descriptor hidden inside bytes the walk reads as primitive data', () => {
    const hidden = Buffer.concat([Buffer.from([0x73, 0x72, 0x00, 0x0c]), Buffer.from('java.net.URL'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 0x03, 0x00, 0x01, 0x49])]);
    const fields: [string, string][] = [];
    for (let i = 0; i < hidden.length; i++) fields.push(['B', `b${i}`]);
    const b = new StreamBuilder().u8(0x73).classDesc('com.example.rpc.dto.Holder', 0x02, fields).u8(...hidden).build();
    const r = parseJavaStream(b, 0);
    expect(r.stop).toBe('end');
    expect(r.stats.carved).toBe(1);
    const url = r.classes.find((c) => c.name === 'java.net.URL');
    expect(url?.roles).toBe(JavaRole.CARVED | JavaRole.CLASSDESC);
    expect(url?.descriptorOnly).toBe(false);
  });

  it('finds nothing extra in JDK-written streams', () => {
    for (const s of Object.values(fixtures.streams)) {
      expect(parseJavaStream(Buffer.from(s.b64, 'base64'), 0).stats.carved).toBe(0);
    }
  });
});
