/**
 * The state every part of the Java stream parser shares: the buffer and read
 * position with bounds-checked big-endian reads, the handle and class tables,
 * the counters, the work stack of tasks, and the stop reason. A failed read
 * records why and where parsing stopped; nothing throws.
 */
import { ClassTable } from './class-table.js';
import { BASE_WIRE_HANDLE, type JavaLimits } from './constants.js';
import { HandleTable } from './handles.js';
import { readI32 } from './bytes.js';
import type { JavaStopReason } from './report.js';

/** One unit of pending work on the parser's explicit stack. */
export interface Task {
  k: number;
  step: number;
  n: number;
  chain: number[] | null;
  /** True when popping this task leaves one object nesting level. */
  counted: boolean;
}

export const T_TOP = 0;
export const T_ANNOT = 1;
export const T_VALUES = 2;
export const T_DESC_SUPER = 3;
export const T_OBJECT = 4;
export const T_CLASSDATA = 5;
export const T_ARRAY = 6;
export const T_CLASS = 7;
export const T_ENUM = 8;
export const T_EXCEPTION = 9;

const POOL_SIZE = 64;

export abstract class StreamCursor {
  protected pos: number;
  protected readonly end: number;
  protected readonly handles: HandleTable;
  protected readonly classes: ClassTable;
  protected readonly stack: Task[] = [];
  /** Popped tasks, reused to keep allocation off the per-object path. */
  private readonly pool: Task[] = [];
  protected result = -1;
  protected depth = 0;
  protected inContent = false;
  protected fieldTotal = 0;
  protected bytecodesField = false;
  protected overlong = false;
  protected stopped = false;
  protected stop: JavaStopReason = 'end';
  protected detail = '';
  protected limitName: string | undefined;
  protected complete = true;
  protected readonly st = {
    descriptors: 0,
    plausibleDescriptors: 0,
    proxies: 0,
    objects: 0,
    arrays: 0,
    strings: 0,
    enums: 0,
    classValues: 0,
    references: 0,
    refs: 0,
    resets: 0,
    exceptions: 0,
    blockData: 0,
    maxDepth: 0,
    maxArrayLength: -1,
    topLevel: 0,
    overlongStrings: 0,
    carved: 0,
  };

  constructor(
    protected readonly buf: Uint8Array,
    protected readonly start: number,
    bufEnd: number,
    protected readonly limits: JavaLimits,
  ) {
    this.pos = start;
    this.end = Math.min(bufEnd, buf.length, start + Math.max(0, limits.maxBytes));
    this.handles = new HandleTable(limits.maxHandles);
    this.classes = new ClassTable(limits.maxClasses);
  }

  protected pushTask(k: number, counted: boolean): Task | null {
    if (this.stack.length >= this.limits.maxStack) {
      this.fail('limit', 'work stack too deep', 'maxStack');
      return null;
    }
    const t = this.pool.pop() ?? { k, step: 0, n: 0, chain: null, counted };
    t.k = k;
    t.step = 0;
    t.n = 0;
    t.chain = null;
    t.counted = counted;
    this.stack.push(t);
    if (counted) this.depth++;
    return t;
  }
  /** A point where the JDK would call the deserialization filter, at this nesting depth (JEP 290 maxdepth). */
  protected filterDepth(d: number): void {
    if (d > this.st.maxDepth) this.st.maxDepth = d;
  }
  protected popTask(): void {
    const t = this.stack.pop();
    if (t === undefined) return;
    if (t.counted) this.depth--;
    if (this.pool.length < POOL_SIZE) this.pool.push(t);
  }
  protected resetHandles(): void {
    this.handles.reset();
    this.st.resets++;
  }
  protected readHandle(): number {
    const v = this.u32();
    if (v < 0) return -1;
    const idx = v - BASE_WIRE_HANDLE;
    if (idx < 0 || idx >= this.handles.count) {
      this.fail('bad-handle', 'reference to an unassigned handle');
      return -1;
    }
    return idx;
  }
  protected need(n: number, what: string): boolean {
    if (n <= this.end - this.pos) return true;
    this.truncated(what);
    return false;
  }
  protected truncated(what: string): void {
    if (this.end < this.buf.length && this.end - this.start >= this.limits.maxBytes) {
      this.fail('limit', `stream longer than maxBytes (inside ${what})`, 'maxBytes');
    } else this.fail('truncated', `input ends inside ${what}`);
  }
  protected u16(): number {
    if (!this.need(2, 'length')) return -1;
    const v = ((this.buf[this.pos] as number) << 8) | (this.buf[this.pos + 1] as number);
    this.pos += 2;
    return v;
  }
  protected u32(): number {
    if (!this.need(4, 'integer')) return -1;
    const v = readI32(this.buf, this.pos) >>> 0;
    this.pos += 4;
    return v;
  }
  /** Signed 32-bit read; check `stopped` afterwards (any value is legal). */
  protected i32(): number {
    if (!this.need(4, 'integer')) return 0;
    const v = readI32(this.buf, this.pos);
    this.pos += 4;
    return v;
  }
  protected checkMagic(): boolean {
    const b = this.buf;
    const s = this.start;
    return s >= 0 && this.end - s >= 4 && b[s] === 0xac && b[s + 1] === 0xed && b[s + 2] === 0x00 && b[s + 3] === 0x05;
  }
  protected fail(reason: JavaStopReason, detail: string, limit?: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stop = reason;
    this.detail = detail;
    this.limitName = limit;
    this.complete = !this.inContent && this.stack.length <= 1;
  }
  protected finish(reason: JavaStopReason, detail: string, limit?: string): void {
    this.fail(reason, detail, limit);
    this.complete = true;
  }
}
