/**
 * Checks the schema cannot express: references between keys, URL and port
 * validity, allow-list settings that only some families support.
 */
import type { Config } from './schema.js';
import { validateFamilySettings } from '../policy/family-settings.js';
import { compileTrustedProxies } from '../forward/trusted.js';
import { prepareGuards } from '../policy/guards/compile.js';

export interface SemanticProblem {
  readonly path: string;
  readonly message: string;
}

/** Policies every config has, whether or not the file defines them. */
export const BUILTIN_POLICIES = ['default'] as const;

const ALLOWLIST_FAMILIES = new Set(['pickle', 'java']);

/**
 * `baseDir`: directory that relative schema and key file paths of route
 * guards resolve against (the config file's directory; default: the working
 * directory). Route guards are compiled here, once per config.
 */
export function checkSemantics(config: Config, baseDir?: string): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  checkHostPort(config.listen, '/listen', problems);
  checkHostPort(config.admin.listen, '/admin/listen', problems);
  if (config.upstream !== null) {
    try {
      const u = new URL(config.upstream);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push({ path: '/upstream', message: 'must be an http:// or https:// URL' });
      if (u.search || u.hash) problems.push({ path: '/upstream', message: 'must not carry a query string or fragment' });
    } catch {
      problems.push({ path: '/upstream', message: 'is not a valid URL' });
    }
  }
  try {
    compileTrustedProxies(config.trustedProxies);
  } catch (err) {
    problems.push({ path: '/trustedProxies', message: (err as Error).message.replace(/^trustedProxies: /, '') });
  }
  if (config.timeouts.headersMs > config.timeouts.requestMs && config.timeouts.requestMs > 0) {
    problems.push({ path: '/timeouts/headersMs', message: 'must not exceed timeouts.requestMs' });
  }
  const policyNames = new Set([...BUILTIN_POLICIES, ...Object.keys(config.policies)]);
  config.routes.forEach((route, i) => {
    if (!policyNames.has(route.policy)) {
      problems.push({ path: `/routes/${i}/policy`, message: `unknown policy "${route.policy}" (defined: ${[...policyNames].join(', ')})` });
    }
    if (route.match.path?.includes('***')) problems.push({ path: `/routes/${i}/match/path`, message: 'glob may use * and ** only' });
  });
  for (const [name, policy] of Object.entries(config.policies)) {
    for (const [family, setting] of Object.entries(policy.families ?? {})) {
      if (setting === undefined) continue;
      const action = typeof setting === 'string' ? setting : setting.action;
      const base = `/policies/${name}/families/${family}`;
      if (action === 'allowlist') {
        if (!ALLOWLIST_FAMILIES.has(family)) {
          problems.push({ path: base, message: `allowlist is supported for pickle and java only, not ${family}` });
          continue;
        }
        if (typeof setting === 'string') {
          problems.push({ path: base, message: `allowlist needs an object with ${family === 'java' ? '"filter"' : '"allow"'}` });
          continue;
        }
        if (family === 'pickle' && !setting.allow?.length) problems.push({ path: base, message: 'pickle allowlist needs a non-empty "allow" list' });
        if (family === 'java' && !setting.filter && !setting.allow?.length) problems.push({ path: base, message: 'java allowlist needs "filter" (JEP 290 syntax) or "allow" patterns' });
        for (const p of validateFamilySettings(family, setting)) problems.push({ path: `${base}/${p.key}`, message: p.message });
      } else if (typeof setting === 'object' && (setting.allow || setting.filter)) {
        problems.push({ path: base, message: `"allow"/"filter" only apply with action: allowlist (action is ${action})` });
      }
    }
    (policy.exclusions ?? []).forEach((ex, i) => {
      if (ex.param !== undefined && ex.pointer !== undefined) {
        problems.push({ path: `/policies/${name}/exclusions/${i}`, message: 'set "param" or "pointer", not both' });
      }
      if (ex.param !== undefined && !/^(query|form|cookie|header|multipart|path):[^\s]+$/.test(ex.param)) {
        problems.push({ path: `/policies/${name}/exclusions/${i}/param`, message: 'must look like query:name, form:name, cookie:name, header:name, multipart:name or path:/prefix' });
      }
      if (ex.pointer !== undefined && !ex.pointer.startsWith('/')) {
        problems.push({ path: `/policies/${name}/exclusions/${i}/pointer`, message: 'must be a JSON pointer starting with /' });
      }
      if (!/^DW-[A-Z0-9-]+(\*)?$/.test(ex.rule)) {
        problems.push({ path: `/policies/${name}/exclusions/${i}/rule`, message: 'must be a rule id like DW-XML-002 or a prefix like DW-XML-*' });
      }
    });
  }
  problems.push(...prepareGuards(config, baseDir));
  return problems;
}

function checkHostPort(value: string, path: string, problems: SemanticProblem[]): void {
  const port = Number(value.slice(value.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push({ path, message: `port ${port} is out of range` });
}

/** Split `host:port` (IPv6 in brackets) into parts. */
export function splitHostPort(value: string): { host: string; port: number } {
  const i = value.lastIndexOf(':');
  let host = value.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port: Number(value.slice(i + 1)) };
}
