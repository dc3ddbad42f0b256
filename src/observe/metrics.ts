/**
 * Prometheus metrics (prom-client). One registry per process; in cluster mode
 * the primary aggregates the workers' registries (see server/cluster.ts).
 * Names follow Prometheus conventions: `deserwall_*_total`, `_seconds`, `_bytes`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly requests: Counter<'route' | 'action'>;
  readonly findings: Counter<'family' | 'rule' | 'action'>;
  readonly inspectionSeconds: Histogram<'route'>;
  readonly bodyBytes: Counter<'direction'>;
  readonly upstreamErrors: Counter<'kind'>;
  readonly inFlight: Gauge;
  readonly reloads: Counter<'result'>;
}

export function createMetrics(options: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaults !== false) collectDefaultMetrics({ register: registry, prefix: 'deserwall_process_' });
  return {
    registry,
    requests: new Counter({
      name: 'deserwall_requests_total',
      help: 'Requests by route and final action (forwarded, blocked, logged, refused, error).',
      labelNames: ['route', 'action'] as const,
      registers: [registry],
    }),
    findings: new Counter({
      name: 'deserwall_findings_total',
      help: 'Findings by family, rule and action (blocked, logged, excluded).',
      labelNames: ['family', 'rule', 'action'] as const,
      registers: [registry],
    }),
    inspectionSeconds: new Histogram({
      name: 'deserwall_inspection_duration_seconds',
      help: 'Time the engine spent inspecting one request (head and body).',
      labelNames: ['route'] as const,
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    bodyBytes: new Counter({
      name: 'deserwall_body_bytes_total',
      help: 'Body bytes received from clients (in) and relayed from upstreams (out).',
      labelNames: ['direction'] as const,
      registers: [registry],
    }),
    upstreamErrors: new Counter({
      name: 'deserwall_upstream_errors_total',
      help: 'Upstream failures by kind (refused, reset, timeout, connect-timeout, protocol ...).',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'deserwall_requests_in_flight',
      help: 'Requests being received, inspected or forwarded right now.',
      registers: [registry],
    }),
    reloads: new Counter({
      name: 'deserwall_config_reloads_total',
      help: 'Configuration reloads by result (success, failure).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
}
