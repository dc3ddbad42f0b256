/**
 * The order in which a route's guards see a request, shared by plain
 * requests and WebSocket upgrades: head checks before the body is read; then,
 * with the complete body, the guards that may vouch (signature) before the
 * engine's decision and the validation guards (schema, safetensors) only once
 * the decision lets the body through.
 */
import type { RequestHead } from '../../engine/api.js';
import type { GuardBody, GuardRefusal, RouteGuard } from './guard.js';

export interface GuardStop {
  readonly guard: string;
  readonly refusal: GuardRefusal;
}

export function guardsOnHead(guards: readonly RouteGuard[], head: RequestHead): GuardStop | null {
  for (const g of guards) {
    const o = g.checkHead?.(head);
    if (o && 'refusal' in o) return { guard: g.name, refusal: o.refusal };
  }
  return null;
}

/** Before the decision: a refusal, or the guard that vouched for the body (if any). */
export function guardsBeforeVerdict(guards: readonly RouteGuard[], head: RequestHead, body: () => GuardBody): GuardStop | { readonly vouchedBy: string | undefined } {
  let vouchedBy: string | undefined;
  for (const g of guards) {
    if (g.afterVerdict || !g.checkBody) continue;
    const o = g.checkBody(head, body());
    if (!o) continue;
    if ('refusal' in o) return { guard: g.name, refusal: o.refusal };
    vouchedBy = o.vouched;
  }
  return { vouchedBy };
}

/** Once the decision let the body through. */
export function guardsAfterVerdict(guards: readonly RouteGuard[], head: RequestHead, body: () => GuardBody): GuardStop | null {
  for (const g of guards) {
    if (!g.afterVerdict || !g.checkBody) continue;
    const o = g.checkBody(head, { ...body(), verdictPassed: true });
    if (o && 'refusal' in o) return { guard: g.name, refusal: o.refusal };
  }
  return null;
}
