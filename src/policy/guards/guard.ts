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
}

export interface RouteGuard {
  readonly name: string;
  /** Before the body is read: refuse early (e.g. a missing signature header, an invalid query). */
  checkHead?(head: RequestHead): GuardOutcome;
  /** With the complete body, after the engine found no refusal of its own. */
  checkBody?(head: RequestHead, body: GuardBody): GuardOutcome;
}
