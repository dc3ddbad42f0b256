/**
 * Route guards: checks a route adds on top of payload inspection — an
 * HMAC-signed body, JSON Schema validation of the body, query and form. A
 * guard sees the request head (before the body is read) and the complete held
 * body (after the engine's verdict), and either refuses with its own status
 * or, for a valid signature, vouches for the body: attack findings are then
 * logged instead of blocked.
 */
import type { RequestHead } from '../../engine/api.js';

export interface GuardRefusal {
  readonly status: number;
  /** Stable DW_ERR_* code, documented in docs/errors.md. */
  readonly code: string;
  /** Short reason; never echoes request values. */
  readonly reason: string;
  /** Extra JSON fields for the answer (e.g. schema errors as pointer + keyword). */
  readonly details?: Record<string, unknown>;
}

export type GuardOutcome = null | { readonly refusal: GuardRefusal } | { readonly vouched: string };

export interface GuardBody {
  /** The body exactly as received (still content-encoded). */
  readonly raw: Buffer;
  /** Lower-cased media type essence of the body, if declared. */
  readonly contentType?: string;
  /** Content-Encoding applied to `raw`, if any. */
  readonly contentEncoding?: string;
  /**
   * True when the engine's decision has already let this body through (set
   * by the proxy when it runs `afterVerdict` guards after the decision): a
   * body the guard cannot read was not refused by the engine and must be
   * refused by the guard.
   */
  readonly verdictPassed?: boolean;
}

export interface RouteGuard {
  readonly name: string;
  /**
   * When true, checkBody is meant to run only once the engine's decision lets
   * the body through (validation guards: a body the engine refused never
   * reaches them). Default false: it runs before the decision, so that a
   * vouching guard (signature) can turn attack findings into logged ones.
   */
  readonly afterVerdict?: boolean;
  /** Before the body is read: refuse early (e.g. a missing signature header, an invalid query). */
  checkHead?(head: RequestHead): GuardOutcome;
  /** With the complete body: before the engine's decision, or once it let the body through (`afterVerdict`). */
  checkBody?(head: RequestHead, body: GuardBody): GuardOutcome;
}
