/** A finding produced by one of the .NET text scanners, before it is reported. */
import type { DotnetRuleId } from './rules.js';

export interface TextFinding {
  readonly rule: DotnetRuleId;
  /** Offset of the matched construct in the layer. */
  readonly offset: number;
  /** Bytes the excerpt should show. */
  readonly length: number;
  /** One line; names types, never echoes request bytes. */
  readonly message: string;
}
