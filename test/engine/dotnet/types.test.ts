/** The .NET type judge and the assembly-qualified type-name splitter. */
import { describe, expect, it } from 'vitest';
import { DOTNET_GADGETS } from '../../../src/engine/detectors/dotnet/gadgets.js';
import { dotnetGadgetType, GADGET_TRIGGER_NAMES } from '../../../src/engine/detectors/dotnet/types.js';
import { normalizeTypeName, splitTypeName } from '../../../src/engine/detectors/dotnet/typename.js';

const MSCORLIB = 'mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089';
const PF = 'PresentationFramework, Version=4.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35';

describe('splitTypeName', () => {
  it('separates the outer type, bracketed generic arguments and assemblies', () => {
    const parts = splitTypeName(`System.Collections.Generic.SortedSet\`1[[System.String, ${MSCORLIB}]], System`);
    expect(parts.types).toEqual(['System.Collections.Generic.SortedSet`1', 'System.String']);
    expect(parts.assemblies).toEqual([MSCORLIB, 'System']);
    expect(parts.overflow).toBe(false);
  });

  it('handles several, nested and bare generic arguments', () => {
    const parts = splitTypeName(
      'System.Data.Services.Internal.ExpandedWrapper`2[[System.Web.UI.LosFormatter, System.Web],[System.Collections.Generic.List`1[[System.Windows.Data.ObjectDataProvider, PresentationFramework]], mscorlib]], System.Data.Services',
    );
    expect(parts.types).toEqual([
      'System.Data.Services.Internal.ExpandedWrapper`2',
      'System.Web.UI.LosFormatter',
      'System.Collections.Generic.List`1',
      'System.Windows.Data.ObjectDataProvider',
    ]);
    expect(splitTypeName('System.Func`3[System.String,System.String,System.Diagnostics.Process]').types).toEqual([
      'System.Func`3',
      'System.String',
      'System.String',
      'System.Diagnostics.Process',
    ]);
  });

  it('skips array rank specifiers', () => {
    expect(splitTypeName('MyShop.Item[], MyShop').types).toEqual(['MyShop.Item']);
    expect(splitTypeName('System.Int32[,], mscorlib').types).toEqual(['System.Int32']);
    expect(splitTypeName(`System.Collections.Generic.List\`1[[MyShop.Item[], MyShop]][]`).types).toEqual([
      'System.Collections.Generic.List`1',
      'MyShop.Item',
    ]);
  });

  it('stops at the depth limit and says so', () => {
    const deep = `${'A`1[['.repeat(100)}B${']]'.repeat(100)}`;
    const parts = splitTypeName(deep);
    expect(parts.overflow).toBe(true);
    expect(parts.types.length).toBeLessThanOrEqual(64);
  });
});

describe('normalizeTypeName', () => {
  it('drops arity, suffixes, case and turns DCJS names around', () => {
    expect(normalizeTypeName(' System.Collections.Generic.SortedSet`1 ')).toBe('system.collections.generic.sortedset');
    expect(normalizeTypeName('WindowsIdentity:#System.Security.Principal')).toBe('system.security.principal.windowsidentity');
    expect(normalizeTypeName('MyShop.Item[]')).toBe('myshop.item[]');
    expect(normalizeTypeName('System.Windows.Forms.AxHost+State&')).toBe('system.windows.forms.axhost+state');
  });
});

describe('dotnetGadgetType', () => {
  const gadgets: [string, string][] = [
    [`System.Windows.Data.ObjectDataProvider, ${PF}`, 'System.Windows.Data.ObjectDataProvider'],
    ['System.Windows.Data.ObjectDataProvider, PresentationFramework', 'System.Windows.Data.ObjectDataProvider'],
    ['system.windows.data.objectdataprovider ,presentationframework ,Version = 4.0.0.0', 'System.Windows.Data.ObjectDataProvider'],
    ['  System.Windows.Data.ObjectDataProvider', 'System.Windows.Data.ObjectDataProvider'],
    [`System.Security.Principal.WindowsIdentity, ${MSCORLIB}`, 'System.Security.Principal.WindowsIdentity'],
    ['System.Windows.Forms.AxHost+State, System.Windows.Forms', 'System.Windows.Forms.AxHost+State'],
    ['System.Windows.Forms.AxHost.State', 'System.Windows.Forms.AxHost+State'],
    [
      'System.Workflow.ComponentModel.Serialization.ActivitySurrogateSelector+ObjectSurrogate+ObjectSerializedRef',
      'System.Workflow.ComponentModel.Serialization.ActivitySurrogateSelector',
    ],
    [`System.Collections.Generic.ComparisonComparer\`1[[System.String, ${MSCORLIB}]]`, 'System.Collections.Generic.ComparisonComparer'],
    [`System.Collections.Generic.List\`1[[System.Diagnostics.Process, System]], ${MSCORLIB}`, 'System.Diagnostics.Process'],
    [
      'System.Data.Services.Internal.ExpandedWrapper`2[[System.Windows.Markup.XamlReader, PresentationFramework],[System.Windows.Data.ObjectDataProvider, PresentationFramework]], System.Data.Services',
      'System.Data.Services.Internal.ExpandedWrapper',
    ],
    ['WindowsIdentity:#System.Security.Principal', 'System.Security.Principal.WindowsIdentity'],
    ['Evil.Rehosted.TextFormattingRunProperties, Evil', 'Microsoft.VisualStudio.Text.Formatting.TextFormattingRunProperties'],
    ['System.Data.DataSet, mscorlib', 'System.Data.DataSet'],
    ['System.Configuration.Install.AssemblyInstaller, System.Configuration.Install', 'System.Configuration.Install.AssemblyInstaller'],
    ['System.Windows.Forms.BindingSource, System.Windows.Forms', 'System.Windows.Forms.BindingSource'],
    ['System.Web.UI.ObjectStateFormatter, System.Web', 'System.Web.UI.ObjectStateFormatter'],
    ['System.Management.Automation.PSObject, System.Management.Automation', 'System.Management.Automation.PSObject'],
  ];
  it.each(gadgets)('flags %s', (name, gadget) => {
    const v = dotnetGadgetType(name);
    expect(v?.gadget).toBe(gadget);
    expect(v?.rule).toBe('DW-DOTNET-004');
    expect(v?.reason.length).toBeGreaterThan(5);
  });

  it('uses the rule id the caller asks for', () => {
    expect(dotnetGadgetType('System.Diagnostics.Process', 'DW-DOTNET-002')?.rule).toBe('DW-DOTNET-002');
  });

  const benign = [
    'Contoso.Api.Dto.CustomerDto, Contoso.Api',
    'System.Collections.Generic.List`1[[MyShop.Item, MyShop]]',
    `System.Collections.Generic.Dictionary\`2[[System.String, ${MSCORLIB}],[MyShop.Models.OrderLine, MyShop]], ${MSCORLIB}`,
    'System.String',
    'xsd:string',
    'a1:OrderDto',
    '1',
    '',
    'Person',
    'MyApp.Process',
    'MyApp.Models.ProcessStep, MyApp',
    'System.Diagnostics.Stopwatch, System',
    'System.DateTime',
    'text/javascript',
    'CustomerDto:#Contoso.Api.Dto',
    'MyCompany.DataSetHelpers.Exporter, MyCompany',
  ];
  it.each(benign)('passes %s', (name) => {
    expect(dotnetGadgetType(name)).toBeNull();
  });

  it('covers every deny-list entry and exports triggers for all of them', () => {
    for (const entry of DOTNET_GADGETS) {
      expect(dotnetGadgetType(`${entry.name}, SomeAssembly`)?.gadget).toBe(entry.name);
    }
    expect(GADGET_TRIGGER_NAMES.length).toBe(DOTNET_GADGETS.length);
    expect(GADGET_TRIGGER_NAMES).toContain('objectdataprovider');
    expect(GADGET_TRIGGER_NAMES).toContain('system.windows.forms.axhost');
  });
});
