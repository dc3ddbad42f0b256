/**
 * Builds each route's guards from the config, once per config: the signed-
 * body guard (keys read now, from the environment or files), the schema guard
 * (schemas read and compiled now) and, on model-upload routes (pickle action
 * `allowlist`), the safetensors header check. `prepareGuards` runs during
 * config validation (src/config/semantics.ts) with the config file's
 * directory, reports every problem with its config key path, and keeps the
 * compiled guards for `compileGuards`, which the routing compiler calls.
 */
import type { Config, PolicyConfig, RouteConfig } from '../../config/schema.js';
import type { RouteGuard } from './guard.js';
import { loadKey } from './keys.js';
import { compileSchema, loadSchemaSource, type CompiledSchema } from './schema-compile.js';
import { schemaGuard } from './schema.js';
import { safetensorsGuard } from './safetensors.js';
import { signatureGuard } from './signature.js';

export interface GuardProblem {
  /** Config key path, e.g. `/routes/0/signature/keys/1/env`. */
  readonly path: string;
  readonly message: string;
}

/** Guards compiled during validation, by route object (the config the loader returns). */
const prepared = new WeakMap<RouteConfig, RouteGuard[]>();

/**
 * Check and compile the guards of every route. `baseDir` resolves relative
 * schema and key file paths (the config file's directory).
 */
export function prepareGuards(config: Config, baseDir: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): GuardProblem[] {
  const problems: GuardProblem[] = [];
  config.routes.forEach((route, i) => {
    let r: { guards: RouteGuard[]; problems: GuardProblem[] };
    try {
      r = buildGuards(config, route, i, baseDir, env);
    } catch {
      // Only a config that failed schema validation has shapes buildGuards does not expect;
      // the schema errors name it. Other routes are still checked.
      return;
    }
    if (r.problems.length > 0) problems.push(...r.problems);
    else prepared.set(route, r.guards);
  });
  return problems;
}

/** The guards of a route of a validated config (see prepareGuards). */
export function compileGuards(route: RouteConfig, index: number): RouteGuard[] {
  const guards = prepared.get(route);
  if (guards) return guards;
  if (route.signature === undefined && route.schema === undefined) return [];
  throw new Error(`routes[${index}]: signature/schema guards are compiled during config validation; load the config with loadConfig/parseConfig`);
}

function policyOf(config: Config, route: RouteConfig): PolicyConfig {
  return config.policies[route.policy] ?? {};
}

/** True when an exclusion could switch off the engine's refusals of unreadable bodies. */
function excludesRefusals(policy: PolicyConfig): boolean {
  return (policy.exclusions ?? []).some((e) => {
    const prefix = e.rule.endsWith('*');
    const rule = prefix ? e.rule.slice(0, -1) : e.rule;
    return ['DW-PROTOCOL-', 'DW-LIMIT-'].some((family) => rule.startsWith(family.slice(0, -1)) || (prefix && family.startsWith(rule)));
  });
}

function buildGuards(config: Config, route: RouteConfig, i: number, baseDir: string, env: NodeJS.ProcessEnv): { guards: RouteGuard[]; problems: GuardProblem[] } {
  const guards: RouteGuard[] = [];
  const problems: GuardProblem[] = [];
  const base = `/routes/${i}`;
  const policy = policyOf(config, route);
  const limits = { ...config.limits, ...(policy.limits ?? {}) };

  const sig = route.signature;
  if (sig !== undefined) {
    const keys = new Map<string, Buffer>();
    const ids = new Set<string>();
    sig.keys.forEach((k, j) => {
      const path = `${base}/signature/keys/${j}`;
      if (ids.has(k.id)) {
        problems.push({ path: `${path}/id`, message: `duplicate key id "${k.id}"` });
        return;
      }
      ids.add(k.id);
      const loaded = loadKey(k, baseDir, env);
      if (loaded.ok) keys.set(k.id, loaded.key);
      else problems.push({ path: loaded.key === '' ? path : `${path}/${loaded.key}`, message: loaded.message });
    });
    guards.push(signatureGuard({ header: sig.header, keys, maxSkewSeconds: sig.maxSkewSeconds }));
  }

  const sch = route.schema;
  if (sch !== undefined) {
    const compiled: { body?: CompiledSchema; query?: CompiledSchema; form?: CompiledSchema } = {};
    for (const part of ['body', 'query', 'form'] as const) {
      const ref = sch[part];
      if (ref === undefined) continue;
      const path = `${base}/schema/${part}`;
      const source = loadSchemaSource(ref, baseDir);
      if ('problem' in source) {
        problems.push({ path, message: source.problem.message });
        continue;
      }
      const c = compileSchema(source.schema);
      if ('compiled' in c) compiled[part] = c.compiled;
      else {
        // Inline schemas are part of the YAML: point at the exact key. File schemas: name the place in the file.
        const inline = typeof ref !== 'string';
        for (const p of c.problems) problems.push(inline || p.path === '' ? { path: `${path}${p.path}`, message: p.message } : { path, message: `${ref}#${p.path}: ${p.message}` });
      }
    }
    guards.push(schemaGuard({ ...compiled, limits, engineRefusesUnreadable: (policy.onError ?? 'block') === 'block' && !excludesRefusals(policy) }));
  }

  const pickle = policy.families?.pickle;
  if (pickle !== undefined && (typeof pickle === 'string' ? pickle : pickle.action) === 'allowlist') guards.push(safetensorsGuard(limits));

  return { guards, problems };
}
