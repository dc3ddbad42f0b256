/**
 * Everything a request needs, built once from a validated config: routing and
 * policies, the compiled engine, the upstream pool, trusted proxies. A reload
 * builds a new Runtime and swaps it in; requests in flight keep the one they
 * started with.
 */
import type { Config } from '../config/schema.js';
import type { Engine } from '../engine/api.js';
import { createEngine } from '../engine/create.js';
import { compileTrustedProxies, type TrustedProxies } from '../forward/trusted.js';
import { Upstream } from '../forward/upstream.js';
import type { Logger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import { compileRouting, type CompiledRouting } from '../policy/compile.js';

export interface Runtime {
  readonly config: Config;
  readonly configFile: string;
  readonly routing: CompiledRouting;
  readonly engine: Engine;
  /** The upstream pool; null in ext_authz mode, where nothing is forwarded. */
  readonly upstream: Upstream | null;
  readonly trusted: TrustedProxies;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Monotonic id of this runtime (1 for the first config, +1 per reload). */
  readonly generation: number;
}

export function buildRuntime(config: Config, configFile: string, upstreamUrl: string | null, logger: Logger, metrics: Metrics, generation: number): Runtime {
  const routing = compileRouting(config);
  const engine = createEngine(config);
  const t = config.timeouts;
  const upstream = upstreamUrl === null ? null : new Upstream(new URL(upstreamUrl), {
    connections: config.upstreamPool.connections,
    keepAliveMs: config.upstreamPool.keepAliveMs,
    maxRequestsPerConnection: config.upstreamPool.maxRequestsPerConnection,
    connectTimeoutMs: t.upstreamConnectMs,
    headersTimeoutMs: t.upstreamHeadersMs,
    bodyIdleTimeoutMs: t.upstreamBodyIdleMs,
  });
  return {
    config,
    configFile,
    routing,
    engine,
    upstream,
    trusted: compileTrustedProxies(config.trustedProxies),
    logger,
    metrics,
    generation,
  };
}
