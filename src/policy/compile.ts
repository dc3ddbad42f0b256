/**
 * Turns the `policies` and `routes` sections of the config into immutable
 * compiled objects. Family settings that need compiling (pickle allow-lists,
 * Java class filters) are compiled by the functions registered in
 * family-settings.ts, once per config.
 */
import type { Config, PolicyConfig } from '../config/schema.js';
import { ATTACK_FAMILIES, type AttackFamily } from '../engine/types.js';
import type { FamilyAction } from '../engine/detectors/detector.js';
import { compileFamilySettings } from './family-settings.js';
import { compileHostPattern, compilePathPattern } from './match.js';
import { compileGuards } from './guards/compile.js';
import type { CompiledExclusion, CompiledPolicy, CompiledRoute } from './types.js';

export interface CompiledRouting {
  readonly routes: readonly CompiledRoute[];
  readonly fallback: CompiledRoute;
  readonly policies: ReadonlyMap<string, CompiledPolicy>;
}

export function compileRouting(config: Config): CompiledRouting {
  const policies = new Map<string, CompiledPolicy>();
  const names = new Set(['default', ...Object.keys(config.policies)]);
  for (const name of names) policies.set(name, compilePolicy(name, config.policies[name] ?? {}, config));
  const routes = config.routes.map((r, i): CompiledRoute => {
    const host = r.match.host !== undefined ? compileHostPattern(r.match.host) : null;
    const path = r.match.path !== undefined ? compilePathPattern(r.match.path) : null;
    const methods = r.match.methods ? new Set(r.match.methods) : null;
    return {
      name: r.name ?? `routes[${i}]`,
      policy: policies.get(r.policy)!,
      mode: r.mode ?? config.mode,
      websocket: r.websocket ?? 'allow',
      guards: compileGuards(r, i),
      matches: (h, m, p) => (host === null || host(h)) && (methods === null || methods.has(m)) && (path === null || path(p)),
    };
  });
  const fallback: CompiledRoute = {
    name: 'default',
    policy: policies.get('default')!,
    mode: config.mode,
    websocket: 'allow',
    guards: [],
    matches: () => true,
  };
  return { routes, fallback, policies };
}

export function selectRoute(routing: CompiledRouting, host: string, method: string, path: string): CompiledRoute {
  for (const r of routing.routes) if (r.matches(host, method, path)) return r;
  return routing.fallback;
}

function compilePolicy(name: string, p: PolicyConfig, config: Config): CompiledPolicy {
  const actions = {} as Record<AttackFamily, FamilyAction>;
  const rawSettings = new Map<AttackFamily, { allow?: string[]; filter?: string }>();
  for (const f of ATTACK_FAMILIES) {
    const s = p.families?.[f];
    if (s === undefined) actions[f] = 'block';
    else if (typeof s === 'string') actions[f] = s;
    else {
      actions[f] = s.action;
      rawSettings.set(f, { ...(s.allow ? { allow: s.allow } : {}), ...(s.filter ? { filter: s.filter } : {}) });
    }
  }
  const exclusions: CompiledExclusion[] = (p.exclusions ?? []).map((e) => ({
    rule: e.rule.endsWith('*') ? e.rule.slice(0, -1) : e.rule,
    prefix: e.rule.endsWith('*'),
    reason: e.reason,
    // Header names are case-insensitive; findings name them in lower case.
    ...(e.param !== undefined ? { param: e.param.startsWith('header:') ? e.param.toLowerCase() : e.param } : {}),
    ...(e.pointer !== undefined ? { pointer: e.pointer } : {}),
  }));
  return {
    name,
    actions,
    settings: compileFamilySettings(actions, rawSettings),
    limits: { ...config.limits, ...(p.limits ?? {}) },
    exclusions,
    onError: p.onError ?? 'block',
  };
}
