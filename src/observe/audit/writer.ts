/**
 * The audit writer: a bounded queue in front of a sink. push() never blocks
 * and never waits: a line is queued (at most maxQueuedBytes in total) and
 * written in the background, one batch at a time; when the sink cannot keep
 * up the line is dropped, counted, and a warning is logged (at most one per
 * warnEveryMs, carrying the number dropped since the last one).
 */
import type { Logger } from '../logger.js';
import type { Sink } from './sink.js';

export interface WriterCounts {
  written: number;
  dropped: number;
  failed: number;
}

export interface AuditWriterOptions {
  readonly sink: Sink;
  readonly logger: Logger;
  /** Bytes queued (not yet written) above which new lines are dropped. */
  readonly maxQueuedBytes?: number;
  /** Bytes handed to the sink in one batch. */
  readonly batchBytes?: number;
  readonly warnEveryMs?: number;
  /** Called with each outcome so a metric can count it. */
  readonly onCount?: (result: keyof WriterCounts, n: number) => void;
}

export class AuditWriter {
  readonly counts: WriterCounts = { written: 0, dropped: 0, failed: 0 };
  private queue: string[] = [];
  private head = 0;
  private queuedBytes = 0;
  private draining = false;
  private closed = false;
  private idle: (() => void)[] = [];
  private lastWarn = -Infinity;
  private droppedSinceWarn = 0;
  private failedSinceWarn = 0;
  private readonly maxQueuedBytes: number;
  private readonly batchBytes: number;
  private readonly warnEveryMs: number;

  constructor(private readonly o: AuditWriterOptions) {
    this.maxQueuedBytes = o.maxQueuedBytes ?? 4 * 1024 * 1024;
    this.batchBytes = o.batchBytes ?? 64 * 1024;
    this.warnEveryMs = o.warnEveryMs ?? 10_000;
  }

  get sinkName(): string {
    return this.o.sink.name;
  }

  /** Queue one record (without its newline). False when it was dropped. */
  push(line: string): boolean {
    const bytes = line.length * 3 + 1; // upper bound of the UTF-8 size, without encoding it twice
    if (this.closed || this.queuedBytes + bytes > this.maxQueuedBytes) {
      this.count('dropped', 1);
      this.droppedSinceWarn++;
      this.maybeWarn();
      return false;
    }
    this.queue.push(line + '\n');
    this.queuedBytes += bytes;
    if (!this.draining) void this.drain();
    return true;
  }

  /** Resolves once everything queued so far has been handed to the sink. */
  flush(): Promise<void> {
    if (!this.draining && this.head >= this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Stop accepting lines, write what is queued, close the sink. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    this.maybeWarn(true);
    await this.o.sink.close().catch(() => undefined);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      // Each round takes at least one line off the queue, so this ends.
      while (this.head < this.queue.length) {
        const batch: string[] = [];
        let bytes = 0;
        while (this.head < this.queue.length && (batch.length === 0 || bytes + this.queue[this.head]!.length <= this.batchBytes)) {
          const line = this.queue[this.head++]!;
          batch.push(line);
          bytes += line.length;
        }
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        try {
          await this.o.sink.write(batch);
          this.count('written', batch.length);
        } catch (err) {
          this.count('failed', batch.length);
          this.failedSinceWarn += batch.length;
          this.maybeWarn(false, err as Error);
        }
        for (const l of batch) this.queuedBytes -= (l.length - 1) * 3 + 1;
      }
      this.queue = [];
      this.head = 0;
      this.queuedBytes = 0;
    } finally {
      this.draining = false;
      for (const r of this.idle.splice(0)) r();
    }
  }

  private count(result: keyof WriterCounts, n: number): void {
    this.counts[result] += n;
    this.o.onCount?.(result, n);
  }

  private maybeWarn(final = false, err?: Error): void {
    if (this.droppedSinceWarn === 0 && this.failedSinceWarn === 0) return;
    const now = Date.now();
    if (!final && now - this.lastWarn < this.warnEveryMs) return;
    this.lastWarn = now;
    this.o.logger.warn({
      type: 'audit-sink',
      destination: this.o.sink.name,
      dropped: this.droppedSinceWarn,
      failed: this.failedSinceWarn,
      droppedTotal: this.counts.dropped,
      failedTotal: this.counts.failed,
      ...(err ? { err: err.message } : {}),
      msg: this.droppedSinceWarn > 0 ? 'audit log cannot keep up: records dropped' : 'audit log write failed: records lost',
    });
    this.droppedSinceWarn = 0;
    this.failedSinceWarn = 0;
  }
}
