/**
 * The engine's shared vocabulary. Nothing in here knows about HTTP.
 *
 * A request is inspected by a Transaction (see transaction.ts). Every detector
 * reports what it found as a Finding; the transaction returns a Verdict value.
 * A block is a value, never an exception.
 */

/** Payload families, plus the engine's own classes of refusal. */
export type Family =
  | 'pickle'
  | 'java'
  | 'dotnet'
  | 'xml'
  | 'yaml'
  | 'php'
  | 'ruby'
  | 'node'
  | 'jsonpoly'
  | 'protocol'
  | 'limit'
  | 'policy';

/** The attack families a policy can set an action for. */
export const ATTACK_FAMILIES = ['pickle', 'java', 'dotnet', 'xml', 'yaml', 'php', 'ruby', 'node', 'jsonpoly'] as const;
export type AttackFamily = (typeof ATTACK_FAMILIES)[number];

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/**
 * What kind of refusal a finding is. It decides the HTTP status the proxy
 * answers with: attacks get the configured block status (403), malformed or
 * ambiguous input 400, unsupported encodings 415, exceeded size limits 413,
 * and an internal inspection fault (a detector threw) the block status too:
 * the engine fails closed.
 */
export type FindingKind = 'attack' | 'malformed' | 'unsupported' | 'limit' | 'error';

export interface Finding {
  /** Stable rule id, e.g. `DW-PICKLE-001`. */
  readonly rule: string;
  readonly family: Family;
  readonly severity: Severity;
  readonly kind: FindingKind;
  /** Where in the request: `body`, `query:data`, `body>json:/a/b>base64>gzip`. */
  readonly location: string;
  /** Byte offset of the match inside the layer named by `location`. */
  readonly offset: number;
  /** Short, escaped excerpt of the matched bytes (at most 64 source bytes). */
  readonly excerpt: string;
  /** One-line explanation, e.g. `pickle imports posix.system`. Never raw request bytes. */
  readonly message: string;
  /** The limit that was hit, for `kind: 'limit'` findings (e.g. `maxBodyBytes`). */
  readonly limit?: string;
  /** Request parameter the location belongs to (query/form/cookie/json pointer), for exclusions. */
  readonly param?: string;
}

export interface Verdict {
  /** True when nothing was found. */
  readonly clean: boolean;
  readonly findings: readonly Finding[];
  /** Bytes inspected across all layers (raw and decoded). */
  readonly inspectedBytes: number;
}
