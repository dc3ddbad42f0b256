/**
 * The dashboard's rolling state, fed with compact request events (from this
 * process's diagnostics channel, or from cluster workers over IPC). Memory is
 * bounded whatever the traffic: totals are plain counters, the time series is
 * a ring of one-second buckets, the latest findings a ring of rows, and the
 * per-rule / per-family / per-route / per-worker maps are capped (keys past
 * the cap are counted under "(other)").
 */
import type { CompactEvent, CompactFinding } from './compact.js';

/** Seconds of history kept; the chart shows the last SERIES_SECONDS of it. */
const RING_SECONDS = 300;
export const SERIES_SECONDS = 120;
const LATEST_KEPT = 100;
export const LATEST_SHOWN = 50;
const TOP_SHOWN = 10;
const OTHER = '(other)';

export interface Totals {
  requests: number;
  forwarded: number;
  logged: number;
  blocked: number;
  refused: number;
  upstreamError: number;
  clientAbort: number;
  other: number;
  findings: number;
}

/** One finding of the latest requests, with the request it belongs to. */
export interface LatestRow extends CompactFinding {
  readonly t: number;
  readonly requestId: string;
  readonly worker: number;
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly verdict: string;
  readonly status: number;
}

export interface Snapshot {
  readonly now: number;
  readonly startedAt: number;
  readonly totals: Totals;
  readonly series: { readonly end: number; readonly step: number; readonly forwarded: number[]; readonly logged: number[]; readonly blocked: number[]; readonly refused: number[] };
  readonly topRules: { rule: string; family: string; count: number }[];
  readonly topFamilies: { family: string; count: number }[];
  readonly routes: { route: string; requests: number }[];
  readonly workers: { id: number; requests: number }[];
  readonly latest: LatestRow[];
  readonly dropped: { readonly events: number; readonly malformed: number };
}

interface Bucket {
  sec: number;
  forwarded: number;
  logged: number;
  blocked: number;
  refused: number;
}

/** A string-keyed counter map that stops growing at `cap` keys. */
class CappedCounts<V extends { count: number }> {
  readonly map = new Map<string, V>();
  constructor(
    private readonly cap: number,
    private readonly make: (key: string) => V,
  ) {}
  add(key: string, n = 1): void {
    let v = this.map.get(key);
    if (!v) {
      if (this.map.size >= this.cap) key = OTHER;
      v = this.map.get(key);
      if (!v) {
        v = this.make(key);
        this.map.set(key, v);
      }
    }
    v.count += n;
  }
  top(n: number): V[] {
    return [...this.map.values()].sort((a, b) => b.count - a.count).slice(0, n);
  }
}

export class DashboardState {
  readonly startedAt = Date.now();
  readonly totals: Totals = { requests: 0, forwarded: 0, logged: 0, blocked: 0, refused: 0, upstreamError: 0, clientAbort: 0, other: 0, findings: 0 };
  private readonly ring: Bucket[] = Array.from({ length: RING_SECONDS }, () => ({ sec: -1, forwarded: 0, logged: 0, blocked: 0, refused: 0 }));
  private readonly latest: (LatestRow | undefined)[] = new Array<LatestRow | undefined>(LATEST_KEPT);
  private latestNext = 0;
  private readonly rules = new CappedCounts(256, (rule) => ({ rule, family: '', count: 0 }));
  private readonly families = new CappedCounts(32, (family) => ({ family, count: 0 }));
  private readonly routes = new CappedCounts(64, (route) => ({ route, count: 0 }));
  private readonly workers = new Map<number, { id: number; count: number }>();
  private droppedEvents = 0;
  private malformed = 0;
  private listeners: (() => void)[] = [];

  /** Called (synchronously) after each change; the SSE hub throttles. */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  add(e: CompactEvent, worker = 0): void {
    const t = this.totals;
    t.requests++;
    switch (e.verdict) {
      case 'forwarded': t.forwarded++; break;
      case 'logged': t.logged++; break;
      case 'blocked': t.blocked++; break;
      case 'refused': t.refused++; break;
      case 'upstream-error': t.upstreamError++; break;
      case 'client-abort': t.clientAbort++; break;
      default: t.other++;
    }
    t.findings += e.findingCount;
    this.bucket(e);
    this.routes.add(e.route);
    this.countWorker(worker);
    for (const f of e.findings) {
      this.rules.add(f.rule);
      const r = this.rules.map.get(f.rule);
      if (r && r.family === '') r.family = f.family;
      this.families.add(f.family);
      this.latest[this.latestNext] = {
        t: e.t, requestId: e.id, worker, method: e.method, path: e.path, route: e.route, verdict: e.verdict, status: e.status,
        rule: f.rule, family: f.family, action: f.action, location: f.location, offset: f.offset, excerpt: f.excerpt, message: f.message,
      };
      this.latestNext = (this.latestNext + 1) % LATEST_KEPT;
    }
    this.changed();
  }

  /** Events a worker could not send (its queue was full), as it reported them. */
  addDropped(n: number): void {
    if (n > 0 && Number.isFinite(n)) {
      this.droppedEvents += n;
      this.changed();
    }
  }

  /** A message over IPC that was not a valid batch or event. */
  addMalformed(): void {
    this.malformed++;
  }

  snapshot(now = Date.now()): Snapshot {
    const end = Math.floor(now / 1000);
    const series = { end, step: 1, forwarded: [] as number[], logged: [] as number[], blocked: [] as number[], refused: [] as number[] };
    for (let s = end - SERIES_SECONDS + 1; s <= end; s++) {
      const b = this.ring[s % RING_SECONDS]!;
      const hit = b.sec === s;
      series.forwarded.push(hit ? b.forwarded : 0);
      series.logged.push(hit ? b.logged : 0);
      series.blocked.push(hit ? b.blocked : 0);
      series.refused.push(hit ? b.refused : 0);
    }
    const latest: LatestRow[] = [];
    for (let i = 1; i <= LATEST_KEPT && latest.length < LATEST_SHOWN; i++) {
      const row = this.latest[(this.latestNext - i + LATEST_KEPT) % LATEST_KEPT];
      if (row) latest.push(row);
    }
    return {
      now,
      startedAt: this.startedAt,
      totals: { ...this.totals },
      series,
      topRules: this.rules.top(TOP_SHOWN).map(({ rule, family, count }) => ({ rule, family, count })),
      topFamilies: this.families.top(TOP_SHOWN).map(({ family, count }) => ({ family, count })),
      routes: this.routes.top(TOP_SHOWN).map(({ route, count }) => ({ route, requests: count })),
      workers: [...this.workers.values()].sort((a, b) => a.id - b.id).map(({ id, count }) => ({ id, requests: count })),
      latest,
      dropped: { events: this.droppedEvents, malformed: this.malformed },
    };
  }

  private bucket(e: CompactEvent): void {
    if (e.verdict !== 'forwarded' && e.verdict !== 'logged' && e.verdict !== 'blocked' && e.verdict !== 'refused') return;
    const sec = Math.floor(e.t / 1000);
    if (!Number.isSafeInteger(sec) || sec < 0) return;
    const b = this.ring[sec % RING_SECONDS]!;
    if (b.sec > sec) return; // older than the window
    if (b.sec !== sec) {
      b.sec = sec;
      b.forwarded = b.logged = b.blocked = b.refused = 0;
    }
    b[e.verdict]++;
  }

  private countWorker(id: number): void {
    let w = this.workers.get(id);
    if (!w) {
      if (this.workers.size >= 512) return;
      w = { id, count: 0 };
      this.workers.set(id, w);
    }
    w.count++;
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}
