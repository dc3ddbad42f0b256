/** Rule ids and severities of the .NET family (documented in signatures/dotnet.yaml). */
import type { Severity } from '../../types.js';

export const DOTNET_RULES = {
  /** A well-formed MS-NRBF (BinaryFormatter) stream. */
  nrbfStream: 'DW-DOTNET-001',
  /** A gadget type named inside an MS-NRBF stream. */
  nrbfGadget: 'DW-DOTNET-002',
  /** ViewState (ObjectStateFormatter/LosFormatter) with a BinaryFormatter blob or a gadget type. */
  viewstate: 'DW-DOTNET-003',
  /** Json.NET `$type` / JavaScriptSerializer `__type` / fastJSON `$types` naming a gadget. */
  jsonTypeKey: 'DW-DOTNET-004',
  /** SoapFormatter / NetDataContractSerializer / XmlSerializer payload instantiating a gadget. */
  xmlFormatter: 'DW-DOTNET-005',
  /** XAML payload (ObjectDataProvider method call, Process via clr-namespace, remote ResourceDictionary). */
  xaml: 'DW-DOTNET-006',
} as const;

export type DotnetRuleId = (typeof DOTNET_RULES)[keyof typeof DOTNET_RULES];

export const DOTNET_SEVERITY: Readonly<Record<DotnetRuleId, Severity>> = {
  'DW-DOTNET-001': 'high',
  'DW-DOTNET-002': 'critical',
  'DW-DOTNET-003': 'critical',
  'DW-DOTNET-004': 'critical',
  'DW-DOTNET-005': 'critical',
  'DW-DOTNET-006': 'critical',
};
