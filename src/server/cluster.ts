/**
 * `workers: N`: the primary forks N worker processes that share the proxy
 * port (node:cluster, round-robin), runs the admin listener itself and sums
 * the workers' metrics (prom-client AggregatorRegistry). Signals are relayed:
 * SIGTERM/SIGINT drain the workers gracefully, SIGHUP makes each reload.
 * A worker that dies unexpectedly is replaced (in the same slot 1..N).
 * The primary's dashboard is fed by the workers over IPC
 * (observe/dashboard/ipc.ts); each worker writes its own audit file.
 */
import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from '../config/schema.js';
import type { Override } from '../config/load.js';
import { splitHostPort } from '../config/semantics.js';
import { demoBanner, type DemoApp } from '../demo/app.js';
import { createLogger } from '../observe/logger.js';
import { preflightAudit } from '../observe/audit/index.js';
import { WORKER_SLOT_ENV } from '../observe/audit/paths.js';
import { mountClusterDashboard, setWorkerSlot, startWorkerForwarder, workerSlotOf, type Dashboard } from '../observe/dashboard/index.js';
import { AdminServer } from './admin.js';
import { startProxy } from './start.js';

export interface PrimaryOptions {
  readonly config: Config;
  readonly file: string;
  readonly workers: number;
  readonly upstreamUrl: string | null;
  readonly demo: DemoApp | null;
  readonly demoEnv: string;
}

export async function runPrimary(o: PrimaryOptions): Promise<void> {
  const logger = createLogger({ level: o.config.logging.level });
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let listening = 0;
  const env = o.demo && o.upstreamUrl ? { [o.demoEnv]: o.upstreamUrl } : {};
  // Each worker has a stable slot 1..N (its audit file name, its name on the dashboard).
  await preflightAudit(o.config.audit, o.file, o.workers);
  const fork = (slot: number): Worker => {
    const w = cluster.fork({ ...env, [WORKER_SLOT_ENV]: String(slot) });
    setWorkerSlot(w, slot);
    w.on('listening', () => {
      listening++;
      if (listening === o.workers && o.demo) process.stderr.write(demoBanner(`http://${o.config.listen}`) + '\n');
    });
    return w;
  };
  for (let i = 1; i <= o.workers; i++) fork(i);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ worker: worker.process.pid, code, signal, msg: 'worker exited unexpectedly; starting a new one' });
    fork(workerSlotOf(worker));
  });

  let admin: AdminServer | null = null;
  let adminAddress: AddressInfo | null = null;
  let dashboard: Dashboard | null = null;
  if (o.config.admin.enabled) {
    admin = new AdminServer({
      ready: () => !stopping && Object.keys(cluster.workers ?? {}).length > 0,
      metrics: async () => ({ contentType: aggregator.contentType, body: await (await aggregator.clusterMetrics()) }),
    });
    // Live dashboard (observe/dashboard), aggregating the workers' events.
    if (o.config.admin.dashboard) dashboard = await mountClusterDashboard(admin, { logger, summary: () => ({ config: o.config, configFile: o.file, upstream: o.upstreamUrl, workers: o.workers }) });
    const a = splitHostPort(o.config.admin.listen);
    adminAddress = await admin.listen(a.host, a.port);
  }
  const adminAt = adminAddress ? (adminAddress.family === 'IPv6' ? `[${adminAddress.address}]:${adminAddress.port}` : `${adminAddress.address}:${adminAddress.port}`) : null;
  // A lifecycle line, written at any level but silent (as the workers' start lines are); it names the admin address.
  (logger.level === 'silent' ? logger : logger.child({}, { level: 'info' })).info({ msg: 'deserwall primary started', workers: o.workers, listen: o.config.listen, admin: adminAt, upstream: o.upstreamUrl, config: o.file, mode: o.config.mode });

  const stop = (sig: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal: sig, msg: 'stopping workers' });
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    let left = workers.length;
    const finish = async () => {
      dashboard?.close();
      if (admin) await admin.close();
      if (o.demo) await o.demo.close();
      process.exit(0);
    };
    if (left === 0) void finish();
    for (const w of workers) {
      w.once('exit', () => {
        if (--left === 0) void finish();
      });
      w.process.kill('SIGTERM');
    }
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP');
  });
}

export async function runWorker(config: Config, file: string, overrides: readonly Override[], upstreamUrl: string | null): Promise<void> {
  // Dashboard events go to the primary, which runs the admin listener.
  if (config.admin.enabled && config.admin.dashboard) startWorkerForwarder();
  const running = await startProxy({
    config,
    configFile: file,
    overrides,
    upstreamUrl,
    admin: false,
    signals: true,
    onExit: (code) => process.exit(code),
  });
  // Answer the primary's metrics requests with this worker's own registry (prom-client's
  // worker side listens once an AggregatorRegistry exists in the worker).
  AggregatorRegistry.setRegistries([running.metrics.registry]);
  new AggregatorRegistry();
  // SIGINT reaches every process of the group; the primary coordinates, workers drain on SIGTERM.
  process.removeAllListeners('SIGINT');
  process.on('SIGINT', () => undefined);
}
