/**
 * Where a process writes its audit records. In cluster mode every worker
 * writes its own file, named after its slot (1..N, stable across worker
 * restarts): `audit.log` becomes `audit.w1.log`, `audit.w2.log` ... (a name
 * without an extension gets `.w1` appended); each file rotates on its own.
 * Relative paths are resolved against the config file's directory.
 */
import cluster from 'node:cluster';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

/** Set by the primary on each forked worker: its slot number, 1..N. */
export const WORKER_SLOT_ENV = 'DESERWALL_WORKER_SLOT';

/** This process's worker slot, or null outside cluster mode. */
export function workerSlot(): number | null {
  if (!cluster.isWorker) return null;
  const v = Number(process.env[WORKER_SLOT_ENV]);
  if (Number.isInteger(v) && v > 0) return v;
  return cluster.worker?.id ?? null;
}

/** The configured destination made absolute (relative to the config file). */
export function resolveDestination(destination: string, configFile: string): string {
  if (isAbsolute(destination)) return destination;
  const base = configFile === '<defaults>' || configFile === '' ? process.cwd() : dirname(resolve(configFile));
  return resolve(base, destination);
}

/** The file one worker slot writes: `dir/name.wN.ext`. */
export function slotPath(file: string, slot: number | null): string {
  if (slot === null) return file;
  const dir = dirname(file);
  const name = basename(file);
  const dot = name.lastIndexOf('.');
  const withSlot = dot > 0 ? `${name.slice(0, dot)}.w${slot}${name.slice(dot)}` : `${name}.w${slot}`;
  return join(dir, withSlot);
}
