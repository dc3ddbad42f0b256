/**
 * The audit log: when `audit.enabled`, subscribes to the `deserwall:request`
 * diagnostics channel and writes one JSON record per request with findings
 * (and every blocked request) to stdout or a size-rotated file, through a
 * bounded, non-blocking writer. Each proxy process (single process or
 * cluster worker) runs its own; workers write one file each (see paths.ts).
 *
 * startAudit() fails with a clear config error when the file cannot be
 * opened; apply() switches to a reloaded `audit` section (keeping the old
 * destination if the new one cannot be opened).
 */
import diagnostics_channel from 'node:diagnostics_channel';
import { Counter, type Registry } from 'prom-client';
import type { Config } from '../../config/schema.js';
import { ConfigError } from '../../errors.js';
import { REQUEST_CHANNEL, type RequestEvent } from '../events.js';
import type { Logger } from '../logger.js';
import { resolveDestination, slotPath, workerSlot } from './paths.js';
import { auditLine, auditRecord, wantsAudit } from './record.js';
import { RotatingFileSink } from './rotating-file.js';
import { FdSink, type Sink } from './sink.js';
import { AuditWriter } from './writer.js';

export type AuditConfig = Config['audit'];

export interface AuditDeps {
  readonly logger: Logger;
  readonly configFile: string;
  /** Registry to count records on (`deserwall_audit_records_total`). */
  readonly registry?: Registry;
  /** Worker slot; defaults to this process's (null outside cluster mode). */
  readonly slot?: number | null;
  /** Queue bound of the writer (tests use small ones). */
  readonly maxQueuedBytes?: number;
}

export interface AuditLog {
  /** Where records go now, or null when the audit log is off. */
  readonly destination: string | null;
  readonly writer: AuditWriter | null;
  apply(cfg: AuditConfig): Promise<void>;
  /** Resolves once records queued so far are written. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const counters = new WeakMap<Registry, Counter<'result'>>();

function counterFor(registry: Registry | undefined): Counter<'result'> | null {
  if (!registry) return null;
  let c = counters.get(registry);
  if (!c) {
    c = new Counter({
      name: 'deserwall_audit_records_total',
      help: 'Audit records by result (written, dropped because the sink could not keep up, failed to write).',
      labelNames: ['result'] as const,
      registers: [registry],
    });
    counters.set(registry, c);
  }
  return c;
}

export async function startAudit(cfg: AuditConfig, deps: AuditDeps): Promise<AuditLog> {
  const slot = deps.slot === undefined ? workerSlot() : deps.slot;
  const counter = counterFor(deps.registry);
  let current: AuditConfig | null = null;
  let writer: AuditWriter | null = null;
  let subscribed = false;

  const onEvent = (message: unknown): void => {
    const w = writer;
    if (!w) return;
    const e = message as RequestEvent;
    if (!wantsAudit(e)) return;
    w.push(auditLine(auditRecord(e, slot)));
  };

  const open = async (c: AuditConfig): Promise<AuditWriter> => {
    const sink = await openSink(c, deps.configFile, slot);
    return new AuditWriter({
      sink,
      logger: deps.logger,
      ...(deps.maxQueuedBytes !== undefined ? { maxQueuedBytes: deps.maxQueuedBytes } : {}),
      onCount: (result, n) => counter?.inc({ result }, n),
    });
  };

  const log: AuditLog = {
    get destination() {
      return writer ? writer.sinkName : null;
    },
    get writer() {
      return writer;
    },
    async apply(next: AuditConfig) {
      if (current && sameAudit(current, next)) return;
      let fresh: AuditWriter | null = null;
      if (next.enabled) {
        try {
          fresh = await open(next);
        } catch (err) {
          deps.logger.error({ destination: next.destination, err: (err as Error).message, msg: 'cannot open the new audit destination; keeping the current one' });
          return;
        }
      }
      const old = writer;
      writer = fresh;
      current = next;
      if (fresh && !subscribed) {
        diagnostics_channel.subscribe(REQUEST_CHANNEL, onEvent);
        subscribed = true;
      } else if (!fresh && subscribed) {
        diagnostics_channel.unsubscribe(REQUEST_CHANNEL, onEvent);
        subscribed = false;
      }
      if (old) await old.close();
      if (fresh) deps.logger.info({ destination: fresh.sinkName, msg: 'audit log enabled' });
    },
    flush: () => writer?.flush() ?? Promise.resolve(),
    async close() {
      if (subscribed) diagnostics_channel.unsubscribe(REQUEST_CHANNEL, onEvent);
      subscribed = false;
      const w = writer;
      writer = null;
      if (w) await w.close();
    },
  };

  if (cfg.enabled) {
    try {
      writer = await open(cfg);
    } catch (err) {
      throw openError(cfg, deps.configFile, slot, err);
    }
    diagnostics_channel.subscribe(REQUEST_CHANNEL, onEvent);
    subscribed = true;
    deps.logger.info({ destination: writer.sinkName, msg: 'audit log enabled' });
  }
  current = cfg;
  return log;
}

/**
 * Cluster primary: check before forking that every worker's audit file can
 * be opened, so a bad path is one clear error, not a crash loop of workers.
 */
export async function preflightAudit(cfg: AuditConfig, configFile: string, workers: number): Promise<void> {
  if (!cfg.enabled || cfg.destination === 'stdout') return;
  for (let slot = 1; slot <= workers; slot++) {
    try {
      const sink = await openSink(cfg, configFile, slot);
      await sink.close();
    } catch (err) {
      throw openError(cfg, configFile, slot, err);
    }
  }
}

async function openSink(c: AuditConfig, configFile: string, slot: number | null): Promise<Sink> {
  if (c.destination === 'stdout') return new FdSink('stdout', 1);
  const file = slotPath(resolveDestination(c.destination, configFile), slot);
  return RotatingFileSink.open(file, c.maxBytes, c.maxFiles);
}

function openError(c: AuditConfig, configFile: string, slot: number | null, err: unknown): ConfigError {
  const file = slotPath(resolveDestination(c.destination, configFile), slot);
  return new ConfigError([
    { file: configFile, line: 0, column: 0, path: '/audit/destination', message: `cannot open audit file ${file}: ${(err as Error).message}` },
  ]);
}

function sameAudit(a: AuditConfig, b: AuditConfig): boolean {
  return a.enabled === b.enabled && a.destination === b.destination && a.maxBytes === b.maxBytes && a.maxFiles === b.maxFiles;
}
