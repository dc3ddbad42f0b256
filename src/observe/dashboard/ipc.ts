/**
 * Cluster mode: workers send a compact form of each request event to the
 * primary over the cluster IPC channel; the primary feeds them into its
 * dashboard state. Workers batch the events of one event-loop turn into one
 * message, keep at most MAX_IN_FLIGHT messages unacknowledged and at most
 * MAX_PENDING events waiting; beyond that events are dropped and the count
 * travels with the next batch (the dashboard shows it).
 */
import cluster, { type Worker } from 'node:cluster';
import diagnostics_channel from 'node:diagnostics_channel';
import { REQUEST_CHANNEL, type RequestEvent } from '../events.js';
import { compactEvent, readCompact, type CompactEvent } from './compact.js';
import type { DashboardState } from './state.js';

export const IPC_TYPE = 'deserwall:dashboard-events';
const MAX_BATCH = 256;
const MAX_PENDING = 2048;
const MAX_IN_FLIGHT = 32;

interface Batch {
  readonly type: typeof IPC_TYPE;
  readonly events: CompactEvent[];
  readonly dropped: number;
}

/** Worker side. Returns a function that stops forwarding. */
export function startWorkerForwarder(send: ((msg: unknown, cb: (err: Error | null) => void) => boolean) | null = defaultSend()): () => void {
  if (!send) return () => undefined;
  let pending: CompactEvent[] = [];
  let dropped = 0;
  let inFlight = 0;
  let scheduled = false;
  let stopped = false;

  const flush = (): void => {
    scheduled = false;
    // Bounded: each round sends up to MAX_BATCH events and stops at MAX_IN_FLIGHT.
    while (!stopped && pending.length > 0 && inFlight < MAX_IN_FLIGHT) {
      const events = pending.length <= MAX_BATCH ? pending : pending.slice(0, MAX_BATCH);
      pending = pending.length <= MAX_BATCH ? [] : pending.slice(MAX_BATCH);
      const msg: Batch = { type: IPC_TYPE, events, dropped };
      dropped = 0;
      inFlight++;
      try {
        send(msg, () => {
          inFlight--;
          if (pending.length > 0) schedule();
        });
      } catch {
        inFlight--;
        stopped = true; // the channel is gone: the primary is exiting
      }
    }
  };
  const schedule = (): void => {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(flush);
  };
  const onEvent = (message: unknown): void => {
    if (pending.length >= MAX_PENDING) {
      dropped++;
      return;
    }
    pending.push(compactEvent(message as RequestEvent));
    schedule();
  };
  diagnostics_channel.subscribe(REQUEST_CHANNEL, onEvent);
  return () => {
    stopped = true;
    diagnostics_channel.unsubscribe(REQUEST_CHANNEL, onEvent);
  };
}

function defaultSend(): ((msg: unknown, cb: (err: Error | null) => void) => boolean) | null {
  if (!cluster.isWorker || typeof process.send !== 'function') return null;
  return (msg, cb) => process.send!(msg, undefined, {}, cb);
}

/** Primary side: feed workers' batches into `state`. Returns a function that stops listening. */
export function receiveWorkerEvents(state: DashboardState): () => void {
  const onMessage = (worker: Worker, msg: unknown): void => {
    if (typeof msg !== 'object' || msg === null || (msg as { type?: unknown }).type !== IPC_TYPE) return;
    const b = msg as Partial<Batch>;
    if (!Array.isArray(b.events) || b.events.length > MAX_BATCH) return state.addMalformed();
    for (const raw of b.events) {
      const e = readCompact(raw);
      if (e) state.add(e, slotOf(worker));
      else state.addMalformed();
    }
    if (typeof b.dropped === 'number') state.addDropped(b.dropped);
  };
  cluster.on('message', onMessage);
  return () => void cluster.off('message', onMessage);
}

const slots = new WeakMap<Worker, number>();

/** Record a worker's slot (1..N) so the dashboard names workers stably. */
export function setWorkerSlot(worker: Worker, slot: number): void {
  slots.set(worker, slot);
}

function slotOf(worker: Worker): number {
  return slots.get(worker) ?? worker.id;
}

/** The slot a worker was forked for (its cluster id when none was recorded). */
export function workerSlotOf(worker: Worker): number {
  return slotOf(worker);
}
