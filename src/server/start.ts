/**
 * Starting one proxy process: runtime, proxy listener, admin listener, signal
 * handling (graceful shutdown on SIGTERM/SIGINT, reload on SIGHUP).
 */
import { watchFile } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/schema.js';
import { loadConfig, type Override } from '../config/load.js';
import { splitHostPort } from '../config/semantics.js';
import { ConfigError, DwError } from '../errors.js';
import { createLogger, type Logger } from '../observe/logger.js';
import { createMetrics, type Metrics } from '../observe/metrics.js';
import { startAudit } from '../observe/audit/index.js';
import { mountDashboard, type Dashboard } from '../observe/dashboard/index.js';
import { AdminServer } from './admin.js';
import { ProxyServer } from './listener.js';
import { buildRuntime, type Runtime } from './runtime.js';

export interface StartOptions {
  readonly config: Config;
  readonly configFile: string;
  readonly overrides: readonly Override[];
  /** Upstream URL to use (the config's, or the demo app's); null in ext_authz mode. */
  readonly upstreamUrl: string | null;
  /** Run the admin listener in this process. */
  readonly admin: boolean;
  /** Install signal handlers (SIGTERM/SIGINT/SIGHUP). */
  readonly signals: boolean;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Called once the process should exit (after a graceful shutdown). */
  readonly onExit?: (code: number) => void;
}

export interface Running {
  readonly proxy: ProxyServer;
  readonly proxyAddress: AddressInfo;
  readonly adminAddress: AddressInfo | null;
  readonly logger: Logger;
  readonly metrics: Metrics;
  reload(): Promise<boolean>;
  shutdown(): Promise<void>;
}

export async function startProxy(opts: StartOptions): Promise<Running> {
  const logger = opts.logger ?? createLogger({ level: opts.config.logging.level });
  const metrics = opts.metrics ?? createMetrics();
  let generation = 1;
  const runtime = buildRuntime(opts.config, opts.configFile, opts.upstreamUrl, logger, metrics, generation);
  // Audit log (observe/audit): opened before listening, so a bad destination fails the start.
  const audit = await startAudit(opts.config.audit, { logger, configFile: opts.configFile, registry: metrics.registry });
  const proxy = new ProxyServer(runtime);
  const { host, port } = splitHostPort(opts.config.listen);
  const proxyAddress = await proxy.listen(host, port);

  let admin: AdminServer | null = null;
  let adminAddress: AddressInfo | null = null;
  let dashboard: Dashboard | null = null;
  if (opts.admin && opts.config.admin.enabled) {
    admin = new AdminServer({
      ready: () => !proxy.isClosing,
      metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
    });
    // Live dashboard (observe/dashboard) at / on the admin listener.
    if (opts.config.admin.dashboard) {
      dashboard = await mountDashboard(admin, {
        logger,
        summary: () => ({ config: proxy.current.config, configFile: proxy.current.configFile, listen: fmt(proxyAddress), ...(adminAddress ? { admin: fmt(adminAddress) } : {}), upstream: opts.upstreamUrl, workers: 1 }),
      });
    }
    const a = splitHostPort(opts.config.admin.listen);
    adminAddress = await admin.listen(a.host, a.port);
  }
  // Lifecycle lines (start, reload, stop) are always written unless logging is silent.
  const life = logger.level === 'silent' ? logger : logger.child({}, { level: 'info' });
  logStartup(life, runtime, proxyAddress, adminAddress);

  let shuttingDown: Promise<void> | null = null;
  const shutdown = (): Promise<void> => {
    if (shuttingDown) return shuttingDown;
    life.info({ inFlight: proxy.inFlightCount, graceMs: proxy.current.config.timeouts.shutdownGraceMs, msg: 'shutting down: finishing in-flight requests' });
    shuttingDown = (async () => {
      await proxy.shutdown(proxy.current.config.timeouts.shutdownGraceMs);
      await proxy.current.upstream?.close().catch(() => undefined);
      dashboard?.close();
      await audit.close();
      if (admin) await admin.close();
      life.info({ msg: 'stopped' });
    })();
    return shuttingDown;
  };

  const reload = async (): Promise<boolean> => {
    const current = proxy.current;
    try {
      const { config } = loadConfig(current.configFile === '<defaults>' ? undefined : current.configFile, opts.overrides);
      const next = buildRuntime(config, current.configFile, opts.upstreamUrl, logger, metrics, ++generation);
      const old = proxy.swap(next);
      void audit.apply(config.audit);
      metrics.reloads.inc({ result: 'success' });
      logStartup(life, next, proxyAddress, adminAddress, 'config reloaded');
      // Requests in flight keep the old runtime; close its pool once they are done.
      setTimeout(() => void old.upstream?.close().catch(() => undefined), old.config.timeouts.shutdownGraceMs).unref();
      return true;
    } catch (err) {
      metrics.reloads.inc({ result: 'failure' });
      if (err instanceof ConfigError) {
        logger.error({ code: err.code, problems: err.problems, msg: 'config reload failed; keeping the running config' });
      } else {
        logger.error({ code: err instanceof DwError ? err.code : 'DW_ERR_RELOAD', err: (err as Error).message, msg: 'config reload failed; keeping the running config' });
      }
      return false;
    }
  };

  if (opts.config.watchConfig && opts.configFile !== '<defaults>') watchConfigFile(opts.configFile, reload, life);

  if (opts.signals) {
    const onSignal = (sig: string) => {
      life.info({ signal: sig, msg: 'signal received' });
      void shutdown().then(() => opts.onExit?.(0));
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGHUP', () => void reload());
  }

  return { proxy, proxyAddress, adminAddress, logger, metrics, reload, shutdown };
}

/**
 * `watchConfig: true`: reload when the file changes. Polls the file's stat once
 * a second (fs.watchFile), which also sees Kubernetes ConfigMap updates (they
 * swap a symlink, which inotify-based watching of the old inode misses).
 */
function watchConfigFile(file: string, reload: () => Promise<boolean>, logger: Logger): void {
  watchFile(file, { interval: 1000, persistent: false }, (cur, prev) => {
    if (cur.mtimeMs === prev.mtimeMs && cur.size === prev.size && cur.ino === prev.ino) return;
    logger.info({ file, msg: 'config file changed: reloading' });
    void reload();
  });
}

function logStartup(logger: Logger, rt: Runtime, proxy: AddressInfo, admin: AddressInfo | null, msg = 'deserwall listening'): void {
  const exclusions = [...rt.routing.policies.values()].flatMap((p) => p.exclusions.map((e) => ({ policy: p.name, rule: e.rule + (e.prefix ? '*' : ''), ...(e.param ? { param: e.param } : {}), ...(e.pointer ? { pointer: e.pointer } : {}), reason: e.reason })));
  logger.info({
    msg,
    mode: rt.config.mode,
    listen: `${fmt(proxy)}`,
    upstream: rt.upstream ? redactUrl(rt.upstream.origin.href) : null,
    service: rt.config.extAuthz.enabled ? 'ext_authz' : 'proxy',
    config: rt.configFile,
    admin: admin ? fmt(admin) : null,
    routes: rt.routing.routes.map((r) => ({ name: r.name, policy: r.policy.name, mode: r.mode })),
    policies: [...rt.routing.policies.values()].map((p) => ({ name: p.name, actions: p.actions })),
    exclusions,
    generation: rt.generation,
    node: process.version,
  });
}

function fmt(a: AddressInfo): string {
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

function redactUrl(href: string): string {
  try {
    const u = new URL(href);
    if (u.username || u.password) {
      u.username = '[redacted]';
      u.password = '';
    }
    return u.href;
  } catch {
    return '[invalid url]';
  }
}
