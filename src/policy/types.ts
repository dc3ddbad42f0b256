/**
 * Compiled route policies: what the engine and the proxy consult per request.
 * Built once per config (see compile.ts); immutable afterwards, so a request
 * keeps the policy it started with across a reload.
 */
import type { AttackFamily } from '../engine/types.js';
import type { FamilyAction } from '../engine/detectors/detector.js';
import type { LimitsConfig } from '../config/schema.js';
import type { RouteGuard } from './guards/guard.js';

export interface CompiledExclusion {
  /** Exact rule id, or a prefix when `prefix` is true (from `DW-XML-*`). */
  readonly rule: string;
  readonly prefix: boolean;
  readonly reason: string;
  /** `query:name`, `form:name`, `cookie:name`, `header:name`, `multipart:name`, `path:/prefix`. */
  readonly param?: string;
  /** JSON pointer in the body. */
  readonly pointer?: string;
}

export interface CompiledPolicy {
  readonly name: string;
  readonly actions: Readonly<Record<AttackFamily, FamilyAction>>;
  /** Family-specific compiled settings (pickle allow-list, Java class filter). */
  readonly settings: ReadonlyMap<AttackFamily, unknown>;
  readonly limits: Readonly<LimitsConfig>;
  readonly exclusions: readonly CompiledExclusion[];
  /** What decoder errors and limit hits do: block (fail closed, default) or log. */
  readonly onError: 'block' | 'log';
}

export interface CompiledRoute {
  readonly name: string;
  readonly policy: CompiledPolicy;
  readonly mode: 'block' | 'log';
  readonly websocket: 'allow' | 'deny';
  /** Checks this route adds (signed bodies, schemas), run in order. */
  readonly guards: readonly RouteGuard[];
  /** Returns true when the request matches. */
  matches(host: string, method: string, path: string): boolean;
}
