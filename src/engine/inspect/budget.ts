/**
 * Per-request inspection budget: bytes produced by decoding (per step and in
 * total) and CPU time. Exhausting it is never a silent pass: the inspection
 * records a limit finding and stops (fail closed).
 */
import { performance } from 'node:perf_hooks';

export interface BudgetLimits {
  readonly maxDecodedBytes: number;
  readonly maxDecodedTotalBytes: number;
  readonly inspectionBudgetMs: number;
}

export class Budget {
  private decodedTotal = 0;
  /** Inspection time spent in earlier runs (ms), and when the current run started. */
  private spentMs = 0;
  private runStart = -1;
  /** Set once a limit was hit: its config name. */
  exhaustedBy: string | null = null;

  constructor(private readonly limits: BudgetLimits) {}

  /**
   * The clock runs only while the engine works (between begin() and pause()):
   * time spent waiting for a slow client's next chunk is not inspection time.
   */
  begin(): void {
    if (this.runStart < 0) this.runStart = performance.now();
  }

  pause(): void {
    if (this.runStart >= 0) {
      this.spentMs += performance.now() - this.runStart;
      this.runStart = -1;
    }
  }

  /** Milliseconds of inspection so far. */
  get elapsedMs(): number {
    return this.spentMs + (this.runStart >= 0 ? performance.now() - this.runStart : 0);
  }

  /** Account the output of one decoding step; false (and exhausted) when it is over a limit. */
  takeDecoded(bytes: number): boolean {
    if (this.exhaustedBy) return false;
    if (bytes > this.limits.maxDecodedBytes) {
      this.exhaustedBy = 'maxDecodedBytes';
      return false;
    }
    this.decodedTotal += bytes;
    if (this.decodedTotal > this.limits.maxDecodedTotalBytes) {
      this.exhaustedBy = 'maxDecodedTotalBytes';
      return false;
    }
    return true;
  }

  /** True when the time budget is spent (checked between layers and by detectors). */
  timeUp(): boolean {
    if (this.exhaustedBy) return true;
    if (this.limits.inspectionBudgetMs > 0 && this.elapsedMs > this.limits.inspectionBudgetMs) {
      this.exhaustedBy = 'inspectionBudgetMs';
      return true;
    }
    return false;
  }

  get decodedBytes(): number {
    return this.decodedTotal;
  }
}
