/**
 * Heap-based load shedding: a sampler reads the JS heap in use a few times a
 * second (v8.getHeapStatistics, a few microseconds) and says whether new
 * requests should be shed. Requests already in flight are never cut; the
 * listener answers new ones 503 with Retry-After until the heap is back under
 * the threshold.
 */
import { getHeapStatistics } from 'node:v8';

const SAMPLE_MS = 250;

export class HeapShedder {
  private timer: NodeJS.Timeout | null = null;
  private over = false;

  /** `threshold()` is read at every sample, so a config reload takes effect at once. */
  constructor(private readonly threshold: () => number) {}

  start(): void {
    if (this.timer) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** True while the last sample was above the threshold. */
  get overloaded(): boolean {
    return this.over;
  }

  /** Sample now (after a reload changed the threshold). */
  refresh(): void {
    this.sample();
  }

  private sample(): void {
    const limit = this.threshold();
    this.over = limit > 0 && getHeapStatistics().used_heap_size > limit;
  }
}
