/**
 * Rule ids, severities and default limits of the XML detectors
 * (documented with samples in signatures/xml.yaml).
 */
import type { FindingKind, Severity } from '../../types.js';
import { type DtdLimits, DEFAULT_DTD_LIMITS } from './dtd-scan.js';

export interface XmlRule {
  readonly id: string;
  readonly severity: Severity;
  readonly kind: FindingKind;
}

export const XML_RULES = {
  /** External entity (general or parameter): SYSTEM / PUBLIC. */
  externalEntity: { id: 'DW-XML-001', severity: 'critical', kind: 'attack' },
  /** DOCTYPE with an external DTD that is not a well-known public DTD at its canonical URL. */
  externalDtd: { id: 'DW-XML-002', severity: 'high', kind: 'attack' },
  /** Parameter entities, or entity values whose character references / markup build declarations. */
  parameterEntity: { id: 'DW-XML-003', severity: 'high', kind: 'attack' },
  /** Entity expansion: nested references, too many declarations, estimated expansion above the bound. */
  expansion: { id: 'DW-XML-004', severity: 'high', kind: 'attack' },
  /** XInclude, XSD include/import/redefine with schemaLocation, XSLT include/import/extensions. */
  externalReference: { id: 'DW-XML-005', severity: 'high', kind: 'attack' },
  /** Malformed DOCTYPE: unterminated subset or literal, junk in the subset, several DOCTYPEs. */
  malformedDoctype: { id: 'DW-XML-006', severity: 'medium', kind: 'malformed' },
  /** Undecodable or contradictory encoding (declared vs BOM/byte pattern); unknown charset is kind unsupported. */
  encoding: { id: 'DW-XML-007', severity: 'medium', kind: 'malformed' },
  /** An XML inspection limit was exceeded (transcoded output, trigger hits): fail closed. */
  limit: { id: 'DW-XML-008', severity: 'medium', kind: 'limit' },
} as const satisfies Record<string, XmlRule>;

export interface XxeLimits {
  readonly dtd: DtdLimits;
  /** More entity declarations than this in one layer is DW-XML-004. */
  readonly maxEntityDecls: number;
  /** Estimated expansion (bytes) above this is DW-XML-004. */
  readonly maxExpansionBytes: number;
  /** Levels of entity values re-parsed as DTD fragments (char-ref smuggled declarations). */
  readonly maxValueDepth: number;
  /** Total bytes of entity values re-parsed per layer. */
  readonly maxValueBytes: number;
  /** Entity values re-parsed per layer (each has already been reported as DW-XML-003). */
  readonly maxValueFragments: number;
  /** Ampersands examined in the document body when counting entity references. */
  readonly maxBodyRefs: number;
  /** Steps of the expansion-graph walk. */
  readonly maxGraphSteps: number;
  /** Distinct referenced names kept per entity value. */
  readonly maxRefNames: number;
  /** Trigger hits examined per layer; more is DW-XML-008 (limit `xml.maxHits`). */
  readonly maxHits: number;
  /** Well-formed-looking DOCTYPEs walked per layer; more is DW-XML-008 (limit `xml.maxDoctypes`). */
  readonly maxDoctypes: number;
  /** `<!ENTITY` fragments walked per layer; more is DW-XML-008 (limit `xml.maxFragments`). */
  readonly maxFragments: number;
  /** Findings reported per layer (at most 4 per rule). */
  readonly maxFindings: number;
  /** Comments / PIs skipped when deciding whether a DOCTYPE is in the prolog. */
  readonly maxPrologItems: number;
  /** Bytes searched backwards from a schemaLocation hit for its element. */
  readonly tagLookback: number;
}

export const DEFAULT_XXE_LIMITS: XxeLimits = {
  dtd: DEFAULT_DTD_LIMITS,
  maxEntityDecls: 128,
  maxExpansionBytes: 1024 * 1024,
  maxValueDepth: 4,
  maxValueBytes: 1024 * 1024,
  maxValueFragments: 256,
  maxBodyRefs: 200_000,
  maxGraphSteps: 200_000,
  maxRefNames: 256,
  maxHits: 1_000_000,
  maxDoctypes: 256,
  maxFragments: 1024,
  maxFindings: 32,
  maxPrologItems: 64,
  tagLookback: 4096,
};
