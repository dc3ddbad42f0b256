/**
 * The .NET text-layer scan: JSON type keys (DW-DOTNET-004), XML formatter
 * payloads (DW-DOTNET-005) and XAML (DW-DOTNET-006) over one layer. Also the
 * trigger literals that make the engine hand a layer to it.
 */
import { textDoc } from './bytes.js';
import { scanJsonTypeKeys } from './json-type.js';
import type { TextFinding } from './text-finding.js';
import { GADGET_TRIGGER_NAMES } from './types.js';
import { scanXaml } from './xaml.js';
import { scanXmlFormatters } from './xml-formatter.js';

export type { TextFinding } from './text-finding.js';

export interface DotnetTextLimits {
  /** Bytes of a layer scanned (from its start). */
  readonly maxBytes: number;
  /** Findings returned per layer. */
  readonly maxFindings: number;
}

export const DOTNET_TEXT_DEFAULT_LIMITS: DotnetTextLimits = {
  maxBytes: 16 * 1024 * 1024,
  maxFindings: 16,
};

/**
 * Case-insensitive trigger literals: format markers plus the distinctive
 * gadget simple names (so XmlSerializer/`type=` payloads naming any of them
 * are looked at even without a format marker).
 */
export const DOTNET_TEXT_TRIGGERS: readonly string[] = [
  '$type',
  '__type',
  '\\u0024type',
  '\\u005f\\u005ftype',
  '_\\u005ftype',
  '\\u005f_type',
  'schemas.microsoft.com/clr/',
  'schemas.microsoft.com/2003/10/serialization',
  'clr-namespace:',
  'resourcedictionary',
  ...new Set(GADGET_TRIGGER_NAMES),
];

/** Run every .NET text scan over `bytes`; never throws. */
export function scanDotnetText(bytes: Uint8Array, limits: Partial<DotnetTextLimits> = {}): TextFinding[] {
  const lim: DotnetTextLimits = { ...DOTNET_TEXT_DEFAULT_LIMITS, ...limits };
  const doc = textDoc(bytes, lim.maxBytes);
  const out: TextFinding[] = [];
  scanJsonTypeKeys(doc, out);
  scanXmlFormatters(doc, out);
  scanXaml(doc, out);
  return out.length > lim.maxFindings ? out.slice(0, lim.maxFindings) : out;
}
