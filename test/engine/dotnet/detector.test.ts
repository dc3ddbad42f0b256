/** The three .NET StructuralDetectors end to end: rule ids, offsets, nested bridge layers, allowlist mode, ViewState trigger rules. */
import { describe, expect, it } from 'vitest';
import {
  DOTNET_DETECTORS,
  dotnetTextDetector,
  nrbfDetector,
  viewstateDetector,
} from '../../../src/engine/detectors/dotnet/detector.js';
import { NRBF_HEADER } from '../../../src/engine/detectors/dotnet/nrbf-format.js';
import { fixture, recordingContext, rules, runDetector, scanAll } from './helpers.js';
import { JSON_ATTACKS, XAML_ATTACKS, XML_ATTACKS } from './text-payloads.js';

describe('detector contract', () => {
  it('exports three dotnet detectors with distinct names and non-empty triggers', () => {
    expect(DOTNET_DETECTORS.map((d) => d.name)).toEqual(['nrbf', 'viewstate', 'dotnet-text']);
    for (const d of DOTNET_DETECTORS) {
      expect(d.family).toBe('dotnet');
      expect(d.triggers.length).toBeGreaterThan(0);
    }
    expect(dotnetTextDetector.caseInsensitive).toBe(true);
  });
});

describe('nrbfDetector', () => {
  it.each([
    ['nrbf_typeconfusedelegate', 'ComparisonComparer'],
    ['nrbf_textformattingrunproperties', 'TextFormattingRunProperties'],
    ['nrbf_windowsidentity', 'WindowsIdentity'],
    ['nrbf_claimsidentity', 'ClaimsIdentity'],
    ['nrbf_dataset', 'System.Data.DataSet'],
    ['nrbf_dataset_spoofed', 'System.Data.DataSet'],
    ['nrbf_activitysurrogate', 'ActivitySurrogateSelector'],
    ['nrbf_untyped_then_gadget', 'ObjectDataProvider'],
    ['nrbf_methodcall_process', 'System.Diagnostics.Process'],
    ['nrbf_odd_header', 'ComparisonComparer'],
  ])('%s -> DW-DOTNET-001 + DW-DOTNET-002 (%s)', (name, gadget) => {
    const ctx = runDetector(nrbfDetector, fixture(name));
    expect(rules(ctx.findings)).toEqual(['DW-DOTNET-001', 'DW-DOTNET-002']);
    const g = ctx.findings.find((f) => f.rule === 'DW-DOTNET-002')!;
    expect(g.message).toContain(gadget);
    expect(g.severity).toBe('critical');
    expect(ctx.findings.find((f) => f.rule === 'DW-DOTNET-001')?.offset).toBe(0);
  });

  it('reports any valid stream of application types as DW-DOTNET-001 only', () => {
    for (const name of ['nrbf_benign_app', 'nrbf_methodcall_benign']) {
      expect(rules(runDetector(nrbfDetector, fixture(name)).findings)).toEqual(['DW-DOTNET-001']);
    }
  });

  it('finds a stream after a prefix and ignores a header followed by garbage', () => {
    const tcd = fixture('nrbf_typeconfusedelegate');
    const ctx = runDetector(nrbfDetector, Buffer.concat([Buffer.from('junk-prefix:'), tcd]));
    expect(ctx.findings.find((f) => f.rule === 'DW-DOTNET-001')?.offset).toBe(12);
    const garbage = Buffer.concat([Buffer.from('xx'), Buffer.from(NRBF_HEADER), Buffer.from('this is not a record stream at all, just text')]);
    expect(runDetector(nrbfDetector, garbage).findings).toEqual([]);
  });

  it('hands bridge payloads back as nested layers (base64 string, XAML string, byte[])', () => {
    const wi = runDetector(nrbfDetector, fixture('nrbf_windowsidentity'));
    expect(wi.nestedLayers.map((l) => l.label)).toEqual(['nrbf-string>base64']);
    expect(Buffer.from(wi.nestedLayers[0]!.bytes.subarray(0, 17)).equals(Buffer.from(NRBF_HEADER))).toBe(true);
    expect(runDetector(nrbfDetector, fixture('nrbf_textformattingrunproperties')).nestedLayers.map((l) => l.label)).toEqual(['nrbf-string']);
    expect(runDetector(nrbfDetector, fixture('nrbf_dataset')).nestedLayers.map((l) => l.label)).toEqual(['nrbf-bytes']);
  });

  it('sees the inner gadget of a bridge through the nested layer', () => {
    const all = scanAll(fixture('nrbf_windowsidentity'));
    expect(all.some((f) => f.rule === 'DW-DOTNET-002' && f.location.endsWith('nrbf-string>base64') && f.message.includes('ComparisonComparer'))).toBe(true);
    const claims = scanAll(fixture('nrbf_claimsidentity'));
    expect(claims.some((f) => f.rule === 'DW-DOTNET-006')).toBe(true);
  });

  describe('allowlist policy mode', () => {
    it('accepts a stream whose types are all allowed', () => {
      const ctx = recordingContext('body', 'allowlist', { allow: ['MyShop.Models.*', 'System.Collections.Generic.List`1'] });
      expect(runDetector(nrbfDetector, fixture('nrbf_benign_app'), ctx).findings).toEqual([]);
    });

    it('rejects a type outside the list and still reports gadgets', () => {
      const ctx = recordingContext('body', 'allowlist', { allow: ['MyShop.Models.Cart'] });
      expect(rules(runDetector(nrbfDetector, fixture('nrbf_benign_app'), ctx).findings)).toEqual(['DW-DOTNET-001']);
      const tcd = recordingContext('body', 'allowlist', { allow: ['System.*'] });
      expect(rules(runDetector(nrbfDetector, fixture('nrbf_typeconfusedelegate'), tcd).findings)).toContain('DW-DOTNET-002');
    });

    it('rejects streams it could not fully check', () => {
      const ctx = recordingContext('body', 'allowlist', { allow: ['App.*', 'System.*'] });
      const found = runDetector(nrbfDetector, fixture('nrbf_untyped_then_gadget'), ctx).findings;
      expect(rules(found)).toEqual(['DW-DOTNET-001', 'DW-DOTNET-002']);
    });
  });
});

describe('viewstateDetector', () => {
  it('flags /wEy (BinarySerialized) and names the gadget inside', () => {
    const ctx = runDetector(viewstateDetector, fixture('viewstate_binaryserialized'));
    expect(ctx.findings).toHaveLength(1);
    expect(ctx.findings[0]).toMatchObject({ rule: 'DW-DOTNET-003', offset: 2, severity: 'critical' });
    expect(ctx.findings[0]!.message).toContain('ComparisonComparer');
  });

  it('flags a nested blob and a gadget Token_Type', () => {
    expect(rules(runDetector(viewstateDetector, fixture('viewstate_nested_blob')).findings)).toEqual(['DW-DOTNET-003']);
    const t = runDetector(viewstateDetector, fixture('viewstate_gadget_type')).findings;
    expect(t[0]?.message).toContain('ObjectDataProvider');
  });

  it('passes a plain /wEP page state', () => {
    const buf = fixture('viewstate_benign');
    expect(buf.toString('base64').startsWith('/wEP')).toBe(true);
    expect(scanAll(buf)).toEqual([]);
  });

  it('only looks at FF 01 at the start of the layer', () => {
    const inner = fixture('viewstate_binaryserialized');
    const shifted = Buffer.concat([Buffer.from('abc'), inner]);
    expect(runDetector(viewstateDetector, shifted).findings).toEqual([]);
  });

  it('does not flag random bytes that happen to start FF 01 32', () => {
    const random = Buffer.from([0xff, 0x01, 0x32, 0x05, 1, 2, 3, 4, 5, 0x99, 0x12]);
    expect(runDetector(viewstateDetector, random).findings).toEqual([]);
  });

  it('with the NRBF detector, reports the embedded stream too', () => {
    expect(rules(scanAll(fixture('viewstate_binaryserialized')))).toEqual(['DW-DOTNET-001', 'DW-DOTNET-002', 'DW-DOTNET-003']);
  });
});

describe('dotnetTextDetector', () => {
  it('reports JSON, XML formatter and XAML payloads with their rule ids', () => {
    for (const text of Object.values(JSON_ATTACKS)) expect(rules(runDetector(dotnetTextDetector, Buffer.from(text)).findings)).toContain('DW-DOTNET-004');
    for (const text of Object.values(XML_ATTACKS)) expect(rules(runDetector(dotnetTextDetector, Buffer.from(text)).findings)).toContain('DW-DOTNET-005');
    for (const text of Object.values(XAML_ATTACKS)) expect(rules(runDetector(dotnetTextDetector, Buffer.from(text)).findings)).toContain('DW-DOTNET-006');
  });

  it('triggers on every payload it can report (no detection hides behind a missing trigger)', () => {
    for (const text of [...Object.values(JSON_ATTACKS), ...Object.values(XML_ATTACKS), ...Object.values(XAML_ATTACKS)]) {
      expect(runDetector(dotnetTextDetector, Buffer.from(text)).findings.length).toBeGreaterThan(0);
    }
  });
});
