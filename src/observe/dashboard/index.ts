/**
 * The live dashboard on the admin listener. mountDashboard() wires it for
 * one process (state fed from this process's `deserwall:request` channel);
 * mountClusterDashboard() for a cluster primary (state fed by the workers
 * over IPC, see ipc.ts; workers call startWorkerForwarder()). Both register
 * the routes (routes.ts) and return a handle whose close() stops the event
 * stream and unsubscribes.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import type { AdminServer } from '../../server/admin.js';
import { REQUEST_CHANNEL, type RequestEvent } from '../events.js';
import type { Logger } from '../logger.js';
import { ASSET_DIR, loadAssets, type Asset } from './assets.js';
import { compactEvent } from './compact.js';
import { receiveWorkerEvents } from './ipc.js';
import { registerRoutes } from './routes.js';
import { SseHub } from './sse.js';
import { DashboardState } from './state.js';
import { summarizeConfig, type SummaryInput } from './summary.js';

export { startWorkerForwarder, setWorkerSlot, workerSlotOf } from './ipc.js';

export interface DashboardOptions {
  readonly logger: Logger;
  /** The current configuration (read on each request, so reloads show). */
  readonly summary: () => SummaryInput;
  /** Where the static files are (tests); static/dashboard/ by default. */
  readonly assetDir?: string;
}

export interface Dashboard {
  readonly state: DashboardState;
  close(): void;
}

export async function mountDashboard(admin: AdminServer, o: DashboardOptions): Promise<Dashboard> {
  const d = await mount(admin, o);
  const onEvent = (message: unknown): void => d.state.add(compactEvent(message as RequestEvent), 0);
  diagnostics_channel.subscribe(REQUEST_CHANNEL, onEvent);
  return {
    state: d.state,
    close: () => {
      diagnostics_channel.unsubscribe(REQUEST_CHANNEL, onEvent);
      d.close();
    },
  };
}

export async function mountClusterDashboard(admin: AdminServer, o: DashboardOptions): Promise<Dashboard> {
  const d = await mount(admin, o);
  const stop = receiveWorkerEvents(d.state);
  return {
    state: d.state,
    close: () => {
      stop();
      d.close();
    },
  };
}

async function mount(admin: AdminServer, o: DashboardOptions): Promise<Dashboard> {
  const state = new DashboardState();
  let assets: Map<string, Asset> | null = null;
  let missing = '';
  try {
    assets = await loadAssets(o.assetDir);
  } catch (err) {
    missing = `${o.assetDir ?? ASSET_DIR} (${(err as Error).message})`;
    o.logger.error({ err: (err as Error).message, dir: o.assetDir ?? ASSET_DIR, msg: 'dashboard assets not found; the dashboard page answers 503 (is static/ installed?)' });
  }
  const config = () => summarizeConfig(o.summary());
  const stats = () => ({ ...state.snapshot(), config: config() });
  const hub = new SseHub({ stats: () => state.snapshot(), config });
  state.onChange(() => hub.notify());
  registerRoutes(admin, { assets, missing, stats, hub });
  return { state, close: () => hub.close() };
}
