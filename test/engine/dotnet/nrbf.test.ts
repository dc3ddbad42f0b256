/** MS-NRBF parser: gadget-shaped and benign streams, name/offset extraction, truncation, limits, base64 anchors. */
import { describe, expect, it } from 'vitest';
import { NRBF_B64_ANCHORS } from '../../../src/engine/detectors/dotnet/anchors.js';
import { NRBF_HEADER } from '../../../src/engine/detectors/dotnet/nrbf-format.js';
import { nrbfLooksReal, parseNrbf } from '../../../src/engine/detectors/dotnet/nrbf.js';
import { fixture } from './helpers.js';

function names(buf: Uint8Array): string[] {
  return parseNrbf(buf, 0).typeNames.map((n) => n.name);
}

describe('parseNrbf on gadget-shaped streams', () => {
  it('walks TypeConfuseDelegate to MessageEnd and extracts every type name', () => {
    const buf = fixture('nrbf_typeconfusedelegate');
    const r = parseNrbf(buf, 0);
    expect(r.complete).toBe(true);
    expect(r.stop).toBe('message-end');
    expect(r.end).toBe(buf.length);
    const n = r.typeNames.map((t) => t.name);
    expect(n.some((x) => x.startsWith('System.Collections.Generic.SortedSet`1[['))).toBe(true);
    expect(n.some((x) => x.startsWith('System.Collections.Generic.ComparisonComparer`1'))).toBe(true);
    expect(n).toContain('System.DelegateSerializationHolder');
    expect(n).toContain('System.DelegateSerializationHolder+DelegateEntry');
    expect(n).toContain('System.Reflection.MemberInfoSerializationHolder');
    expect(r.typeNames.find((t) => t.name === 'System.String')?.kind).toBe('generic-arg');
    expect(r.libraries.map((l) => l.name)).toEqual([expect.stringMatching(/^System, Version=4\.0\.0\.0/)]);
    expect(r.libraries[0]?.id).toBe(2);
    // offsets point at the name bytes
    for (const t of r.typeNames.filter((x) => x.kind !== 'generic-arg')) {
      expect(buf.toString('utf8', t.offset, t.offset + t.name.length)).toBe(t.name);
    }
    expect(r.strings.length).toBeGreaterThan(5);
  });

  it.each([
    ['nrbf_textformattingrunproperties', 'Microsoft.VisualStudio.Text.Formatting.TextFormattingRunProperties'],
    ['nrbf_windowsidentity', 'System.Security.Principal.WindowsIdentity'],
    ['nrbf_claimsidentity', 'System.Security.Claims.ClaimsIdentity'],
    ['nrbf_dataset', 'System.Data.DataSet'],
    ['nrbf_dataset_spoofed', 'System.Data.DataSet'],
    ['nrbf_activitysurrogate', 'System.Workflow.ComponentModel.Serialization.ActivitySurrogateSelector+ObjectSurrogate+ObjectSerializedRef'],
    ['nrbf_odd_header', 'System.DelegateSerializationHolder'],
  ])('%s parses completely and names %s', (name, type) => {
    const r = parseNrbf(fixture(name), 0);
    expect(r.complete, r.detail).toBe(true);
    expect(r.typeNames.map((t) => t.name)).toContain(type);
  });

  it('reports the byte array of a DataSet table and the base64 string of a WindowsIdentity', () => {
    const ds = fixture('nrbf_dataset');
    const r = parseNrbf(ds, 0);
    expect(r.byteArrays).toHaveLength(1);
    const arr = r.byteArrays[0]!;
    expect(Buffer.from(ds.subarray(arr.offset, arr.offset + 17)).equals(Buffer.from(NRBF_HEADER))).toBe(true);
    const wi = fixture('nrbf_windowsidentity');
    const s = parseNrbf(wi, 0).strings[0]!;
    expect(wi.toString('latin1', s.offset, s.offset + 12)).toBe('AAEAAAD/////');
  });

  it('reads MethodCall records (method name and type name)', () => {
    const r = parseNrbf(fixture('nrbf_methodcall_process'), 0);
    expect(r.complete).toBe(true);
    expect(r.typeNames.map((t) => [t.kind, t.name.split(',')[0]])).toEqual([
      ['method-name', 'Start'],
      ['method-type', 'System.Diagnostics.Process'],
    ]);
  });

  it('parses a benign application stream with every array kind, nulls, ClassWithId and boxed primitives', () => {
    const r = parseNrbf(fixture('nrbf_benign_app'), 0);
    expect(r.complete, r.detail).toBe(true);
    expect(r.untyped).toBe(false);
    expect(r.typeNames.map((t) => t.name)).toEqual([
      'MyShop.Models.Cart',
      expect.stringMatching(/^System\.Collections\.Generic\.List`1\[\[MyShop\.Models\.Item, MyShop/),
      'MyShop.Models.Item',
      'MyShop.Models.Item[]',
    ]);
  });

  it('stops on untyped members it cannot lay out, keeping what it saw', () => {
    const r = parseNrbf(fixture('nrbf_untyped_then_gadget'), 0);
    expect(r.complete).toBe(false);
    expect(r.untyped).toBe(true);
    expect(r.typeNames.map((t) => t.name)).toContain('App.Holder');
    expect(nrbfLooksReal(r)).toBe(true);
  });
});

describe('parseNrbf failure modes', () => {
  it('never throws on any truncation and says it was truncated', () => {
    const buf = fixture('nrbf_typeconfusedelegate');
    for (let len = 0; len < buf.length; len++) {
      const r = parseNrbf(buf.subarray(0, len), 0);
      expect(r.complete).toBe(false);
      expect(r.end).toBeLessThanOrEqual(len);
      if (len >= 17) expect(r.stop).toBe('truncated');
    }
  });

  it('rejects a header with another version', () => {
    const bad = Buffer.from(fixture('nrbf_textformattingrunproperties'));
    bad[9] = 2;
    const r = parseNrbf(bad, 0);
    expect(r.stop).toBe('bad-header');
    expect(nrbfLooksReal(r)).toBe(false);
  });

  it('does not take a header followed by garbage for a stream', () => {
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    let real = 0;
    for (let i = 0; i < 2000; i++) {
      const garbage = Buffer.alloc(200, 0).map(() => rnd());
      const r = parseNrbf(Buffer.concat([Buffer.from(NRBF_HEADER), garbage]), 0);
      if (nrbfLooksReal(r)) real++;
    }
    expect(real).toBe(0);
  });

  it('honours the depth, item and byte limits', () => {
    // 300 nested object arrays of length 1: 10 <id> <len=1> ...
    const parts = [Buffer.from(NRBF_HEADER)];
    for (let i = 0; i < 300; i++) parts.push(Buffer.from([0x10, i & 0xff, 0, 0, 0, 1, 0, 0, 0]));
    const deep = Buffer.concat(parts);
    expect(parseNrbf(deep, 0, { maxDepth: 64 }).stop).toBe('limit-depth');
    const tcd = fixture('nrbf_typeconfusedelegate');
    expect(parseNrbf(tcd, 0, { maxItems: 5 }).stop).toBe('limit-items');
    expect(parseNrbf(tcd, 0, { maxBytes: 200 }).stop).toBe('limit-bytes');
    const few = parseNrbf(tcd, 0, { maxNames: 2 });
    expect(few.typeNames).toHaveLength(2);
    expect(few.listsTruncated).toBe(true);
    const capped = parseNrbf(tcd, 0, { maxNameBytes: 10 });
    expect(capped.typeNames.every((t) => t.name.length <= 10)).toBe(true);
  });

  it('bounds huge declared counts by the bytes present', () => {
    const huge = Buffer.concat([
      Buffer.from(NRBF_HEADER),
      Buffer.from([0x0f, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0x08]), // int32[2^31-1]
    ]);
    expect(parseNrbf(huge, 0).stop).toBe('truncated');
    const nulls = Buffer.concat([
      Buffer.from(NRBF_HEADER),
      Buffer.from([0x10, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0x0e, 0xff, 0xff, 0xff, 0x7f, 0x0b]),
    ]);
    const r = parseNrbf(nulls, 0);
    expect(r.complete).toBe(true);
  });

  it('parses from a start offset inside a larger buffer', () => {
    const tcd = fixture('nrbf_typeconfusedelegate');
    const buf = Buffer.concat([Buffer.from('prefix bytes'), tcd, Buffer.from('suffix')]);
    const r = parseNrbf(buf, 12);
    expect(r.complete).toBe(true);
    expect(r.end).toBe(12 + tcd.length);
    expect(names(tcd)).toEqual(r.typeNames.map((t) => t.name));
  });
});

describe('NRBF_B64_ANCHORS', () => {
  it('finds the header in base64 at every alignment, whatever surrounds it', () => {
    const tcd = fixture('nrbf_typeconfusedelegate');
    for (let pad = 0; pad < 6; pad++) {
      for (const fill of [0x00, 0x41, 0xff]) {
        const text = Buffer.concat([Buffer.alloc(pad, fill), tcd]).toString('base64');
        expect(NRBF_B64_ANCHORS.some((a) => text.includes(a)), `pad ${pad} fill ${fill}`).toBe(true);
        const url = Buffer.concat([Buffer.alloc(pad, fill), tcd]).toString('base64url');
        expect(NRBF_B64_ANCHORS.some((a) => url.includes(a))).toBe(true);
      }
    }
  });
});
