/** Text-layer scans: JSON type keys (004), SOAP/NDCS/XmlSerializer (005), XAML (006), benign look-alikes, limits. */
import { describe, expect, it } from 'vitest';
import { scanDotnetText } from '../../../src/engine/detectors/dotnet/text.js';
import { JSON_ATTACKS, JSON_BENIGN, XAML_ATTACKS, XML_ATTACKS, XML_BENIGN } from './text-payloads.js';

const rulesOf = (text: string): string[] => [...new Set(scanDotnetText(Buffer.from(text, 'utf8')).map((f) => f.rule))].sort();

describe('JSON type keys (DW-DOTNET-004)', () => {
  it.each(Object.entries(JSON_ATTACKS))('flags %s', (_name, text) => {
    const findings = scanDotnetText(Buffer.from(text, 'utf8'));
    expect(findings.map((f) => f.rule)).toContain('DW-DOTNET-004');
    for (const f of findings) {
      expect(f.offset).toBeGreaterThanOrEqual(0);
      expect(f.offset).toBeLessThan(text.length + 1);
      expect(f.message).toMatch(/\.NET gadget type/);
    }
  });

  it.each(Object.entries(JSON_BENIGN))('passes %s', (_name, text) => {
    expect(rulesOf(text)).toEqual([]);
  });

  it('reports each gadget once per layer', () => {
    const text = `[${Array.from({ length: 50 }, () => '{"$type":"System.Windows.Data.ObjectDataProvider, PresentationFramework"}').join(',')}]`;
    expect(scanDotnetText(Buffer.from(text))).toHaveLength(1);
  });
});

describe('XML formatter payloads (DW-DOTNET-005)', () => {
  it.each(Object.entries(XML_ATTACKS))('flags %s', (_name, text) => {
    expect(rulesOf(text)).toContain('DW-DOTNET-005');
  });

  it('names the SoapFormatter type from namespace + element', () => {
    const f = scanDotnetText(Buffer.from(XML_ATTACKS['SoapFormatter XmlConvert-encoded nested type']!));
    expect(f[0]?.message).toContain('System.Windows.Forms.AxHost+State');
  });

  it.each(Object.entries(XML_BENIGN))('passes %s', (_name, text) => {
    expect(rulesOf(text)).toEqual([]);
  });
});

describe('XAML payloads (DW-DOTNET-006)', () => {
  it.each(Object.entries(XAML_ATTACKS))('flags %s', (_name, text) => {
    expect(rulesOf(text)).toContain('DW-DOTNET-006');
  });

  it('resolves {x:Type prefix:Process} through the clr-namespace mapping', () => {
    const f = scanDotnetText(Buffer.from(XAML_ATTACKS['ObjectDataProvider Process.Start']!));
    expect(f.map((x) => x.message).join('\n')).toContain('System.Diagnostics.Process');
  });
});

describe('limits', () => {
  it('caps findings and scanned bytes', () => {
    const many = Object.values(JSON_ATTACKS).join('\n') + Object.values(XML_ATTACKS).join('\n') + Object.values(XAML_ATTACKS).join('\n');
    expect(scanDotnetText(Buffer.from(many), { maxFindings: 3 })).toHaveLength(3);
    const late = `${' '.repeat(5000)}${JSON_ATTACKS['jsonnet']!}`;
    expect(scanDotnetText(Buffer.from(late), { maxBytes: 4000 })).toHaveLength(0);
  });

  it('stays fast on large ordinary text full of near-misses', () => {
    const chunk = '{"type":"x","$typeName":"y","__typename":"Z","note":"ObjectDataProvider MethodName"}\n';
    const big = Buffer.from(chunk.repeat(40_000)); // ~3.4 MB
    const t0 = performance.now();
    expect(scanDotnetText(big)).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
