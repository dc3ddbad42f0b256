/** javaStreamDetector under block/log and allowlist policies, fail-closed cases, base64 anchors. */
import { describe, expect, it } from 'vitest';
import { JAVA_B64_ANCHORS, javaStreamDetector } from '../../../src/engine/detectors/java/detector.js';
import { compileJavaFilter } from '../../../src/engine/detectors/java/filter.js';
import { recorder, rewriteOverlong, RPC_FILTER, rules, runDetector, stream, StreamBuilder, triggerHits } from './helpers.js';

const rpc = compileJavaFilter(RPC_FILTER);

describe('javaStreamDetector, block/log (default deny)', () => {
  it('reports any valid stream as DW-JAVA-001, benign or not', () => {
    expect(rules(runDetector(javaStreamDetector, stream('dto-order'), 'block'))).toEqual(['DW-JAVA-001']);
    expect(rules(runDetector(javaStreamDetector, stream('string-only'), 'log'))).toEqual(['DW-JAVA-001']);
  });

  it('adds DW-JAVA-002 per gadget class and DW-JAVA-006 for embedded class files', () => {
    const f = runDetector(javaStreamDetector, stream('cb1-like'), 'block');
    expect(rules(f)).toEqual(['DW-JAVA-001', 'DW-JAVA-002', 'DW-JAVA-006']);
    const gadgets = f.filter((x) => x.rule === 'DW-JAVA-002').map((x) => x.message);
    expect(gadgets.some((m) => m.includes('org.apache.commons.beanutils.BeanComparator'))).toBe(true);
    expect(gadgets.some((m) => m.includes('TemplatesImpl'))).toBe(true);
    expect(f.find((x) => x.rule === 'DW-JAVA-006')?.message).toContain('_bytecodes');
    for (const x of f) expect(x.message).not.toMatch(/[^\x20-\x7e]/);
  });

  it('points DW-JAVA-002 at the class name bytes', () => {
    const buf = stream('urldns');
    const f = runDetector(javaStreamDetector, buf, 'block').find((x) => x.rule === 'DW-JAVA-002');
    expect(buf.toString('latin1', f!.offset, f!.offset + 12)).toBe('java.net.URL');
  });

  it('finds gadgets in nested streams and hidden behind proxies', () => {
    const nested = runDetector(javaStreamDetector, stream('nested-blockdata-gadget'), 'block');
    expect(nested.some((x) => x.rule === 'DW-JAVA-002' && x.message.includes('nested stream'))).toBe(true);
    const proxy = runDetector(javaStreamDetector, stream('jrmp-proxy'), 'block');
    expect(proxy.some((x) => x.rule === 'DW-JAVA-002' && x.message.includes('java.rmi.registry.Registry'))).toBe(true);
  });

  it('reports overlong class names (DW-JAVA-005) and still finds the gadgets', () => {
    const f = runDetector(javaStreamDetector, rewriteOverlong(stream('cc6-like'), 3), 'block');
    expect(rules(f)).toEqual(['DW-JAVA-001', 'DW-JAVA-002', 'DW-JAVA-005']);
    expect(f.filter((x) => x.rule === 'DW-JAVA-002').some((x) => x.message.includes('InvokerTransformer'))).toBe(true);
  });

  it('fails closed on a stream that breaks after a class descriptor (DW-JAVA-004)', () => {
    const buf = stream('cc1-like');
    const f = runDetector(javaStreamDetector, buf.subarray(0, 300), 'block');
    expect(rules(f)).toContain('DW-JAVA-004');
    expect(f.find((x) => x.rule === 'DW-JAVA-004')?.kind).toBe('malformed');
  });

  it('does not alarm on random bytes that contain the magic', () => {
    const rnd = Buffer.alloc(4096);
    let seed = 12345;
    for (let i = 0; i < rnd.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      rnd[i] = seed >> 16;
    }
    for (const at of [0, 100, 1000, 4000]) rnd.set([0xac, 0xed, 0x00, 0x05], at);
    expect(runDetector(javaStreamDetector, rnd, 'block')).toEqual([]);
    expect(runDetector(javaStreamDetector, Buffer.from([0xac, 0xed, 0x00, 0x05]), 'block')).toEqual([]);
    expect(runDetector(javaStreamDetector, Buffer.from([0xac, 0xed, 0x00, 0x05, 0x77, 0x04, 0, 0, 0, 1]), 'block')).toEqual([]);
  });

  it('parses several streams in one layer and skips hits inside a parsed stream', () => {
    const layer = Buffer.concat([stream('dto-order'), Buffer.from('--sep--'), stream('urldns'), stream('nested-bytearray-gadget')]);
    const f = runDetector(javaStreamDetector, layer, 'block');
    expect(f.filter((x) => x.rule === 'DW-JAVA-001')).toHaveLength(3);
    expect(f.some((x) => x.message.includes('java.net.URL'))).toBe(true);
  });

  it('does nothing when the policy allows Java', () => {
    expect(runDetector(javaStreamDetector, stream('cc1-like'), 'allow')).toEqual([]);
  });

  it('stops early when the inspection budget is exhausted', () => {
    const rec = recorder('block');
    const ctx = { ...rec.ctx, exhausted: () => true };
    const buf = stream('cc1-like');
    javaStreamDetector.inspect(buf, triggerHits(javaStreamDetector, buf), { location: 'body', depth: 0, isValue: false }, ctx);
    expect(rec.findings).toEqual([]);
  });
});

describe('javaStreamDetector, allowlist (java-rpc)', () => {
  const run = (name: string) => runDetector(javaStreamDetector, stream(name), 'allowlist', rpc);

  it('accepts the allow-listed DTO streams', () => {
    for (const name of ['dto-order', 'dto-customer', 'hashmap-plain', 'arraylist-dtos', 'rpc-request', 'two-toplevel', 'reset', 'blockdata-toplevel', 'array-dtos', 'nested-bytearray-benign', 'string-only']) {
      expect(run(name), name).toEqual([]);
    }
  });

  it('rejects gadgets in allowed envelopes, look-alike packages, URL and a second top-level gadget', () => {
    const cases: Record<string, string> = {
      'rpc-hashmap-gadget': 'org.apache.commons.collections.keyvalue.TiedMapEntry',
      'rpc-arraylist-gadget': 'java.util.PriorityQueue',
      'lookalike-dtoext': 'com.example.rpc.dtoext.EvilDTO',
      'dto-subpackage': 'com.example.rpc.dto.sub.Inner',
      'dto-object-field-url': 'java.net.URL',
      'second-toplevel-gadget': 'java.net.URL',
      'nested-bytearray-gadget': 'org.apache.commons.collections.keyvalue.TiedMapEntry',
      'urldns': 'java.net.URL',
    };
    for (const [name, cls] of Object.entries(cases)) {
      const f = run(name);
      expect(rules(f), name).toEqual(['DW-JAVA-003']);
      expect(f[0]?.message, name).toContain(cls);
    }
  });

  it('fails closed on truncation and without a filter', () => {
    const cut = stream('dto-order').subarray(0, 200);
    expect(rules(runDetector(javaStreamDetector, cut, 'allowlist', rpc))).toEqual(['DW-JAVA-004']);
    expect(rules(runDetector(javaStreamDetector, stream('dto-order'), 'allowlist', undefined))).toEqual(['DW-JAVA-003']);
  });

  it('rejects an overlong-encoded gadget and reports the evasion', () => {
    const f = runDetector(javaStreamDetector, rewriteOverlong(stream('second-toplevel-gadget'), 2), 'allowlist', rpc);
    expect(rules(f)).toEqual(['DW-JAVA-003', 'DW-JAVA-005']);
  });

  it('reports filter limits as limit findings', () => {
    const f = runDetector(javaStreamDetector, stream('array-ints'), 'allowlist', compileJavaFilter(`maxarray=2;${RPC_FILTER}`));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'DW-JAVA-003', kind: 'limit', limit: 'java.filter.maxarray' });
  });

  it('rejects a descriptor found only by carving', () => {
    const hidden = Buffer.concat([Buffer.from([0x73, 0x72, 0x00, 0x0c]), Buffer.from('java.net.URL'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 0x03, 0x00, 0x01, 0x49])]);
    const fields: [string, string][] = [];
    for (let i = 0; i < hidden.length; i++) fields.push(['B', `b${i}`]);
    const b = new StreamBuilder().u8(0x73).classDesc('com.example.rpc.dto.Holder', 0x02, fields).u8(...hidden).build();
    const f = runDetector(javaStreamDetector, b, 'allowlist', rpc);
    expect(rules(f)).toEqual(['DW-JAVA-003']);
    expect(f[0]?.message).toContain('java.net.URL');
  });
});

describe('JAVA_B64_ANCHORS', () => {
  it('match base64 of real streams at every alignment, and CRS strings would not', () => {
    const body = stream('urldns');
    for (let pad = 0; pad < 3; pad++) {
      for (const prev of [0x00, 0x41, 0xff, 0x7f]) {
        const b64 = Buffer.concat([Buffer.alloc(pad, prev), body]).toString('base64');
        expect(JAVA_B64_ANCHORS.some((a) => b64.includes(a)), `pad ${pad} prev ${prev}`).toBe(true);
        const url = Buffer.concat([Buffer.alloc(pad, prev), body]).toString('base64url');
        expect(JAVA_B64_ANCHORS.some((a) => url.includes(a)), `url pad ${pad} prev ${prev}`).toBe(true);
      }
    }
    expect(JAVA_B64_ANCHORS).toHaveLength(1 + 16 + 17);
    expect(body.toString('base64').includes('rO0ABQ')).toBe(false);
  });
});
