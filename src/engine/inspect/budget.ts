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
  private readonly deadline: number;
  /** Set once a limit was hit: its config name. */
  exhaustedBy: string | null = null;

  constructor(private readonly limits: BudgetLimits) {
    this.deadline = limits.inspectionBudgetMs > 0 ? performance.now() + limits.inspectionBudgetMs : Infinity;
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
    if (this.deadline !== Infinity && performance.now() > this.deadline) {
      this.exhaustedBy = 'inspectionBudgetMs';
      return true;
    }
    return false;
  }

  get decodedBytes(): number {
    return this.decodedTotal;
  }
}
