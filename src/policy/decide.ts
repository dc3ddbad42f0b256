/**
 * From findings to a decision: each finding is blocked, logged or excluded
 * according to the route's mode, the policy's family actions, its exclusions
 * and its onError setting. One effective mode per route, stated in the
 * start-up log; every finding's action is logged.
 */
import type { AttackFamily, Finding } from '../engine/types.js';
import { ATTACK_FAMILIES } from '../engine/types.js';
import type { CompiledExclusion, CompiledRoute } from './types.js';

export type FindingAction = 'blocked' | 'logged' | 'excluded';

export interface DecidedFinding {
  readonly finding: Finding;
  readonly action: FindingAction;
  /** For excluded findings: the exclusion's reason. */
  readonly reason?: string;
}

export interface Decision {
  readonly block: boolean;
  /** HTTP status when blocking. */
  readonly status: number;
  /** The finding the answer names (first blocked one). */
  readonly primary?: Finding;
  readonly findings: readonly DecidedFinding[];
}

const attackFamilies = new Set<string>(ATTACK_FAMILIES);

/**
 * `vouchedBy`: a route guard vouched for the body (a valid HMAC signature):
 * attack findings are logged, not blocked; refusals of malformed input and
 * limits still apply.
 */
export function decide(findings: readonly Finding[], route: CompiledRoute, blockStatus: number, vouchedBy?: string): Decision {
  const decided: DecidedFinding[] = [];
  let primary: Finding | undefined;
  for (const f of findings) {
    const ex = findExclusion(route.policy.exclusions, f);
    if (ex) {
      decided.push({ finding: f, action: 'excluded', reason: ex.reason });
      continue;
    }
    let action: FindingAction = 'blocked';
    if (route.mode === 'log') action = 'logged';
    else if (vouchedBy !== undefined && f.kind === 'attack') {
      decided.push({ finding: f, action: 'logged', reason: vouchedBy });
      continue;
    }
    else if (f.kind === 'attack' && attackFamilies.has(f.family) && route.policy.actions[f.family as AttackFamily] === 'log') action = 'logged';
    else if (f.kind !== 'attack' && route.policy.onError === 'log') action = 'logged';
    if (action === 'blocked' && primary === undefined) primary = f;
    decided.push({ finding: f, action });
  }
  return {
    block: primary !== undefined,
    status: primary ? statusFor(primary, blockStatus) : 200,
    ...(primary ? { primary } : {}),
    findings: decided,
  };
}

export function statusFor(f: Finding, blockStatus: number): number {
  switch (f.kind) {
    case 'attack':
    case 'error':
      return blockStatus;
    case 'malformed':
      return 400;
    case 'unsupported':
      return 415;
    case 'limit':
      return 413;
  }
}

function findExclusion(exclusions: readonly CompiledExclusion[], f: Finding): CompiledExclusion | undefined {
  for (const ex of exclusions) {
    if (ex.prefix ? !f.rule.startsWith(ex.rule) : f.rule !== ex.rule) continue;
    if (ex.param !== undefined && f.param !== ex.param) continue;
    if (ex.pointer !== undefined && !pointerWithin(f.param, ex.pointer)) continue;
    return ex;
  }
  return undefined;
}

/** True when the finding's JSON pointer param (`json:/a/b`) is the exclusion pointer or below it. */
function pointerWithin(param: string | undefined, pointer: string): boolean {
  if (param === undefined || !param.startsWith('json:')) return false;
  const p = param.slice(5);
  return p === pointer || p.startsWith(pointer.endsWith('/') ? pointer : pointer + '/');
}
