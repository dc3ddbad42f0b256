/**
 * The contract between the inspection engine and a structural detector.
 *
 * The engine splits a request into layers (the raw body, a decoded
 * Content-Encoding, a JSON string, a multipart part, a base64 run, a zip
 * member ...). Every layer is scanned once by the byte automaton. When one of
 * a detector's trigger literals matches, the detector is handed the complete
 * bytes of that layer and the offsets where its triggers matched, and it
 * reports findings through its context. Detectors never throw on malformed
 * input, never recurse on attacker data, and bound every loop.
 */
import type { AttackFamily, FindingKind, Severity } from '../types.js';

/** A trigger literal that matched in a layer. */
export interface TriggerHit {
  /** Index into the detector's `triggers` array. */
  readonly trigger: number;
  /** Offset of the first byte of the literal inside the layer. */
  readonly offset: number;
}

/** What a detector knows about the layer it inspects. */
export interface LayerInfo {
  /** Human-readable path of the layer, e.g. `body>multipart[file]>zip[archive/data.pkl]`. */
  readonly location: string;
  /** Number of decoders applied above this layer (0 for the raw body). */
  readonly depth: number;
  /** Media type declared for this layer, lower-cased, without parameters (if any). */
  readonly contentType?: string;
  /** File name declared for this layer (multipart filename, zip member name), if any. */
  readonly filename?: string;
  /** Lower-cased `charset` parameter of the layer's declared Content-Type, if any. */
  readonly charset?: string;
  /** True when the layer is a single value (form field, JSON string, cookie, header ...). */
  readonly isValue: boolean;
}

export interface ReportedFinding {
  readonly rule: string;
  /** Byte offset inside the layer. */
  readonly offset: number;
  /** Number of bytes of the layer the excerpt should show (defaults to 32). */
  readonly length?: number;
  /** One-line explanation; may name classes/modules, never dumps request bytes. */
  readonly message: string;
  readonly severity?: Severity;
  /** Defaults to 'attack'. */
  readonly kind?: FindingKind;
  /** For kind 'limit': the name of the limit (e.g. `pickle.maxOpcodes`). */
  readonly limit?: string;
}

/**
 * The action a route policy sets for a family. `allowlist` means: accept the
 * payload only when everything it would instantiate/import is on the family's
 * allow-list (pickle globals, Java classes ...).
 */
export type FamilyAction = 'block' | 'log' | 'allow' | 'allowlist';

export interface DetectorContext {
  /** Report a finding in the current layer. */
  report(finding: ReportedFinding): void;
  /**
   * Hand decoded or extracted bytes back to the engine as a new layer
   * (a zip member, a decompressed stream, a base64-decoded value ...).
   * `label` is appended to the location (`zip[data.pkl]`, `gzip`).
   * `decoder` says whether producing the layer counted as a decoding step
   * (true: it counts against the decode depth limit).
   */
  nested(bytes: Uint8Array, label: string, options?: NestedOptions): void;
  /** The action the active policy sets for a family. */
  action(family: AttackFamily): FamilyAction;
  /** Family-specific compiled policy settings (allow-lists, class filters), if the policy sets any. */
  settings<T>(family: AttackFamily): T | undefined;
  /** True once the per-request inspection budget (time or bytes) is exhausted; stop early. */
  exhausted(): boolean;
}

export interface NestedOptions {
  readonly decoder?: boolean;
  readonly contentType?: string;
  readonly filename?: string;
  readonly isValue?: boolean;
}

export interface StructuralDetector {
  /** Unique name, used by `matcher: { structural: <name> }` in signatures/*.yaml. */
  readonly name: string;
  readonly family: AttackFamily;
  /**
   * Byte literals that make this detector look at a layer. Strings are
   * taken as latin1 (one char = one byte). Keep them specific: every hit
   * costs a call. An empty list means "every layer" (use sparingly).
   */
  readonly triggers: readonly (string | Uint8Array)[];
  /** ASCII case-insensitive trigger matching (for text markers). */
  readonly caseInsensitive?: boolean;
  /**
   * The detector extracts layers (containers, charset transcoding) rather than
   * judging a payload: it runs even when the policy sets its family to `allow`,
   * so that what it extracts is still inspected for the other families.
   */
  readonly extracts?: boolean;
  /**
   * For detectors without triggers (run on every layer): the first bytes a layer
   * must start with for the detector to care. Layers starting with any other
   * byte skip the call.
   */
  readonly startBytes?: readonly number[];
  /**
   * With startBytes: also run on every layer a base64 or hex decoder produced,
   * whatever its first byte (formats without a magic, such as raw deflate).
   */
  readonly decodedAnyStart?: boolean;
  /** Inspect one complete layer. `hits` is sorted by offset and never empty unless `triggers` is empty. */
  inspect(bytes: Uint8Array, hits: readonly TriggerHit[], layer: LayerInfo, ctx: DetectorContext): void;
}
