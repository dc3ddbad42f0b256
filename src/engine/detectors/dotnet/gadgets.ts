/**
 * The .NET gadget deny list as data: types whose deserialization (or whose
 * property setters/callbacks) reach code execution, file writes, a nested
 * unsafe formatter or a remote load. Union of ysoserial.net gadgets/plugins
 * (detection-anchors.md §4.4) and the Json.NET research types.
 *
 * `name` is the canonical full type name (namespace + type, nested types with
 * `+`, no generic arity). A type matches an entry when its normalised name is
 * the entry or a nested type of it. `distinctive` entries also match by their
 * simple name in any namespace (re-hosted copies, spoofed namespaces) and are
 * used as text triggers.
 */

export interface GadgetEntry {
  readonly name: string;
  /** Short reason shown in findings. */
  readonly why: string;
  /** The simple name is specific enough to match in any namespace. */
  readonly distinctive?: boolean;
}

export const DOTNET_GADGETS: readonly GadgetEntry[] = [
  // method-call / XAML primitives
  { name: 'System.Windows.Data.ObjectDataProvider', why: 'calls an arbitrary method', distinctive: true },
  { name: 'System.Windows.Markup.XamlReader', why: 'parses XAML (object instantiation)', distinctive: true },
  { name: 'System.Xaml.XamlServices', why: 'parses XAML (object instantiation)', distinctive: true },
  { name: 'System.Data.Services.Internal.ExpandedWrapper', why: 'XmlSerializer/DCS type-confusion wrapper', distinctive: true },
  { name: 'System.Activities.Presentation.WorkflowDesigner', why: 'loads XAML', distinctive: true },
  { name: 'System.Windows.ResourceDictionary', why: 'loads XAML from a source' },
  { name: 'System.Diagnostics.Process', why: 'starts a process' },
  { name: 'System.Diagnostics.ProcessStartInfo', why: 'starts a process', distinctive: true },
  { name: 'System.Configuration.Install.AssemblyInstaller', why: 'loads an assembly', distinctive: true },
  { name: 'System.Windows.Forms.BindingSource', why: 'getter-call gadget', distinctive: true },
  { name: 'System.Windows.Forms.PropertyGrid', why: 'getter-call gadget' },
  { name: 'System.Windows.Forms.ComboBox', why: 'getter-call gadget' },
  { name: 'System.Windows.Forms.ListBox', why: 'getter-call gadget' },
  { name: 'System.Windows.Forms.CheckedListBox', why: 'getter-call gadget' },
  { name: 'System.CodeDom.Compiler.CompilerResults', why: 'loads a compiled assembly', distinctive: true },
  { name: 'System.Configuration.SettingsPropertyValue', why: 'deserializes a nested BinaryFormatter blob', distinctive: true },
  { name: 'System.Security.SecurityException', why: 'getter-call gadget' },
  // BinaryFormatter bridges and delegate gadgets
  { name: 'System.Collections.Generic.ComparisonComparer', why: 'TypeConfuseDelegate comparer', distinctive: true },
  { name: 'System.DelegateSerializationHolder', why: 'serialized delegate (method invocation)', distinctive: true },
  { name: 'System.Workflow.ComponentModel.Serialization.ActivitySurrogateSelector', why: 'loads an arbitrary assembly', distinctive: true },
  { name: 'System.Runtime.Remoting.Channels.AggregateDictionary', why: 'ActivitySurrogateSelector bridge', distinctive: true },
  { name: 'Microsoft.VisualStudio.Text.Formatting.TextFormattingRunProperties', why: 'parses XAML from a string', distinctive: true },
  { name: 'System.Windows.Forms.AxHost+State', why: 'deserializes a nested BinaryFormatter blob' },
  { name: 'System.Drawing.Design.ToolboxItemContainer', why: 'deserializes a nested BinaryFormatter blob', distinctive: true },
  { name: 'System.Web.UI.LosFormatter', why: 'nested unsafe formatter', distinctive: true },
  { name: 'System.Web.UI.ObjectStateFormatter', why: 'nested unsafe formatter', distinctive: true },
  { name: 'System.Runtime.Serialization.Formatters.Binary.BinaryFormatter', why: 'nested unsafe formatter' },
  { name: 'System.Runtime.Serialization.Formatters.Soap.SoapFormatter', why: 'nested unsafe formatter' },
  { name: 'System.Runtime.Serialization.NetDataContractSerializer', why: 'nested unsafe formatter' },
  { name: 'System.Web.UI.MobileControls.SessionViewState', why: 'deserializes nested ViewState' },
  { name: 'System.Resources.ResourceSet', why: 'deserializes nested resources' },
  { name: 'System.Resources.ResXResourceSet', why: 'deserializes nested resources' },
  { name: 'System.Resources.ResourceReader', why: 'deserializes nested resources' },
  { name: 'System.Resources.ResXResourceReader', why: 'deserializes nested resources' },
  { name: 'System.Runtime.Remoting.ObjRef', why: 'remoting object reference (callback to attacker)' },
  { name: 'System.Security.Policy.ApplicationTrust', why: 'deserializes a nested BinaryFormatter blob' },
  // identities and tokens that carry nested BinaryFormatter data
  { name: 'System.Security.Principal.WindowsIdentity', why: 'deserializes nested BinaryFormatter claims', distinctive: true },
  { name: 'System.Security.Principal.WindowsPrincipal', why: 'deserializes nested BinaryFormatter claims', distinctive: true },
  { name: 'System.Security.Principal.GenericPrincipal', why: 'deserializes nested BinaryFormatter claims' },
  { name: 'System.Security.Claims.ClaimsIdentity', why: 'deserializes nested BinaryFormatter claims', distinctive: true },
  { name: 'System.Security.Claims.ClaimsPrincipal', why: 'deserializes nested BinaryFormatter claims', distinctive: true },
  { name: 'Microsoft.IdentityModel.Claims.WindowsClaimsIdentity', why: 'deserializes nested BinaryFormatter claims', distinctive: true },
  { name: 'Microsoft.IdentityModel.Claims.ClaimsIdentity', why: 'deserializes nested BinaryFormatter claims' },
  { name: 'Microsoft.IdentityModel.Claims.ClaimsPrincipal', why: 'deserializes nested BinaryFormatter claims' },
  { name: 'System.IdentityModel.Tokens.SessionSecurityToken', why: 'deserializes nested BinaryFormatter claims', distinctive: true },
  { name: 'System.Web.Security.RolePrincipal', why: 'deserializes nested BinaryFormatter claims', distinctive: true },
  { name: 'System.Management.Automation.PSObject', why: 'PowerShell CLIXML deserialization', distinctive: true },
  { name: 'Microsoft.Management.Infrastructure.CimInstance', why: 'PowerShell CLIXML deserialization' },
  // DataSet family (nested BinaryFormatter via RemotingFormat=Binary, XML schema type loading)
  { name: 'System.Data.DataSet', why: 'deserializes nested BinaryFormatter tables' },
  { name: 'System.Data.DataTable', why: 'deserializes nested BinaryFormatter rows' },
  { name: 'System.Data.DataViewManager', why: 'loads a DataSet from XML' },
  // third-party plugins in ysoserial.net
  { name: 'DotNetNuke.Common.Utilities.FileSystemUtils', why: 'DotNetNuke file read/write gadget', distinctive: true },
  { name: 'System.Windows.Input.BaseActivationFactory', why: 'loads a native library' },
  { name: 'WinRT.BaseActivationFactory', why: 'loads a native library', distinctive: true },
];
