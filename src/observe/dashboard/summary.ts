/**
 * The active configuration as the dashboard shows it: mode, listeners,
 * upstream (credentials, query and fragment removed), workers, audit
 * destination, routes with their match and policy, and each policy's family
 * actions, exclusions and error handling. Never secrets: signature keys are
 * shown by id only.
 */
import type { Config } from '../../config/schema.js';
import { FAMILY_KEYS } from '../../config/schema.js';

export interface ConfigSummary {
  readonly mode: string;
  readonly listen: string;
  readonly admin: string;
  readonly upstream: string;
  readonly workers: string;
  readonly configFile: string;
  readonly blockStatus: number;
  readonly maxBodyBytes: number;
  readonly audit: { readonly enabled: boolean; readonly destination: string };
  readonly routes: readonly { name: string; host: string; methods: string; path: string; policy: string; mode: string }[];
  readonly policies: readonly { name: string; description: string; families: Record<string, string>; exclusions: number; onError: string }[];
}

export interface SummaryInput {
  readonly config: Config;
  readonly configFile: string;
  /** The address the proxy really listens on (differs from config when port 0). */
  readonly listen?: string;
  readonly admin?: string;
  /** The upstream in use (the demo app's when config.upstream is null); null in ext_authz mode. */
  readonly upstream?: string | null;
  readonly workers?: number;
}

const MAX_ROUTES = 200;
const MAX_POLICIES = 100;

export function summarizeConfig(i: SummaryInput): ConfigSummary {
  const c = i.config;
  const routes = c.routes.slice(0, MAX_ROUTES).map((r, n) => ({
    name: r.name ?? `route-${n + 1}`,
    host: r.match.host ?? '*',
    methods: r.match.methods?.join(',') ?? '*',
    path: r.match.path ?? '/',
    policy: r.policy,
    mode: r.mode ?? c.mode,
  }));
  const names = Object.keys(c.policies);
  if (!names.includes('default')) names.unshift('default');
  const policies = names.slice(0, MAX_POLICIES).map((name) => {
    const p = c.policies[name];
    const families: Record<string, string> = {};
    for (const fam of FAMILY_KEYS) {
      const s = p?.families?.[fam];
      families[fam] = s === undefined ? 'block' : typeof s === 'string' ? s : s.action;
    }
    return { name, description: p?.description ?? '', families, exclusions: p?.exclusions?.length ?? 0, onError: p?.onError ?? 'block' };
  });
  const upstream = i.upstream === undefined ? c.upstream : i.upstream;
  return {
    mode: c.mode,
    listen: i.listen ?? c.listen,
    admin: i.admin ?? c.admin.listen,
    upstream: c.extAuthz.enabled ? '(none: ext_authz service)' : upstream === null ? '(embedded demo app)' : safeUrl(upstream) + (c.upstream === null ? ' (embedded demo app)' : ''),
    workers: String(i.workers ?? c.workers),
    configFile: i.configFile,
    blockStatus: c.blockStatus,
    maxBodyBytes: c.limits.maxBodyBytes,
    audit: { enabled: c.audit.enabled, destination: c.audit.enabled ? c.audit.destination : '' },
    routes,
    policies,
  };
}

/** The URL without user info, query or fragment. */
export function safeUrl(href: string): string {
  try {
    const u = new URL(href);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.href;
  } catch {
    return '[invalid url]';
  }
}
