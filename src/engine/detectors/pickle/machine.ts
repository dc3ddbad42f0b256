/**
 * State of the simulated pickle machine, with CPython `_pickle` stack semantics: one object stack,
 * a MARK stack whose top is a fence no opcode may pop below, the memo, and the record of imports and
 * calls. The opcode dispatch lives in simulate.ts.
 */
import { resolveImportName } from './compat.js';
import type { PickleLimitName, PickleLimits } from './limits.js';
import { PickleReader } from './reader.js';
import type {
  PickleCall,
  PickleCallOpcode,
  PickleImport,
  PickleImportOpcode,
  PickleRun,
  PickleStopReason,
} from './types.js';
import { Kind, isContainer, object, type Val } from './values.js';

/** String/bytes operands at least this long are remembered as blobs (a pickle could hide inside). */
export const BLOB_MIN_BYTES = 16;
const MAX_BLOBS = 256;

export class Machine {
  readonly r: PickleReader;
  readonly stack: Val[] = [];
  readonly marks: number[] = [];
  readonly memo = new Map<number, Val>();
  readonly imports: PickleImport[] = [];
  private readonly importIndex = new Map<string, number>();
  readonly calls: PickleCall[] = [];
  readonly blobs: (readonly [number, number])[] = [];
  callCount = 0;
  importCount = 0;
  importCalls = 0;
  persistentIds = 0;
  ops = 0;
  proto = 0;
  maxProto = 0;
  headerProtocol = -1;
  framed = false;

  stopReason: PickleStopReason | null = null;
  detail = '';
  limitName: PickleLimitName | undefined;
  end = 0;

  constructor(
    readonly buf: Uint8Array,
    readonly start: number,
    readonly limits: PickleLimits,
  ) {
    this.r = new PickleReader(buf, start);
  }

  /** Top mark (the fence), 0 without marks. */
  fence(): number {
    const n = this.marks.length;
    return n === 0 ? 0 : (this.marks[n - 1] ?? 0);
  }

  // ---- stopping -------------------------------------------------------------------------------

  /** Stop at the opcode being executed. Always returns false (so handlers can `return m.fail(...)`). */
  fail(reason: PickleStopReason, detail: string, limit?: PickleLimitName): false {
    this.stopReason = reason;
    this.detail = detail;
    this.limitName = limit;
    this.end = this.r.opStart;
    return false;
  }

  truncated(): false {
    return this.fail('truncated', 'pickle data was truncated');
  }

  underflow(detail = 'stack underflow'): false {
    return this.fail('stackUnderflow', detail);
  }

  // ---- stack --------------------------------------------------------------------------------

  push(v: Val): boolean {
    if (this.stack.length + this.marks.length >= this.limits.maxStackDepth) {
      return this.fail('limit', 'stack depth limit', 'maxStackDepth');
    }
    this.stack.push(v);
    return true;
  }

  pushMark(): boolean {
    if (this.stack.length + this.marks.length >= this.limits.maxStackDepth) {
      return this.fail('limit', 'stack depth limit', 'maxStackDepth');
    }
    this.marks.push(this.stack.length);
    return true;
  }

  /** Pop one item above the fence, or undefined on underflow (caller reports). */
  pop(): Val | undefined {
    if (this.stack.length <= this.fence()) return undefined;
    return this.stack.pop();
  }

  /** Top item above the fence, or undefined. */
  top(): Val | undefined {
    if (this.stack.length <= this.fence()) return undefined;
    return this.stack[this.stack.length - 1];
  }

  /** Pop the top mark and return its stack position, or -1 when there is none. */
  marker(): number {
    const m = this.marks.pop();
    return m === undefined ? -1 : m;
  }

  /** Total weight of stack items from `from` to the top. */
  weightFrom(from: number): number {
    let w = 0;
    for (let i = from; i < this.stack.length; i++) w += this.stack[i]?.weight ?? 1;
    return w;
  }

  /** Grow a container in place; false when the expansion limit is hit. */
  grow(target: Val | undefined, w: number): boolean {
    if (target === undefined || !isContainer(target)) return true;
    target.weight += w;
    if (target.weight > this.limits.maxExpansion) {
      return this.fail('limit', 'container expansion limit', 'maxExpansion');
    }
    return true;
  }

  checkWeight(w: number): boolean {
    if (w > this.limits.maxExpansion) return this.fail('limit', 'container expansion limit', 'maxExpansion');
    return true;
  }

  // ---- memo ---------------------------------------------------------------------------------

  memoPut(key: number): boolean {
    const v = this.top();
    if (v === undefined) return this.underflow();
    if (!this.memo.has(key) && this.memo.size >= this.limits.maxMemoSize) {
      return this.fail('limit', 'memo size limit', 'maxMemoSize');
    }
    this.memo.set(key, v);
    return true;
  }

  memoGet(key: number): boolean {
    const v = this.memo.get(key);
    if (v === undefined) return this.fail('badMemo', 'memo key not found');
    return this.push(v);
  }

  // ---- imports and calls --------------------------------------------------------------------

  /**
   * Record an import and push its result. Literal imports get the Python 2 mapping below
   * protocol 3; `?` marks operands the machine cannot know.
   */
  importGlobal(rawModule: string, rawName: string, opcode: PickleImportOpcode, literal: boolean, extCode?: number): boolean {
    const at = this.r.opStart;
    this.importCount++;
    const mapped = literal ? resolveImportName(rawModule, rawName, this.proto) : { module: rawModule, name: rawName, mapped: false };
    const dotted = literal && this.proto >= 4 && mapped.name.includes('.');
    const key = `${opcode}\n${mapped.module}\n${mapped.name}\n${literal ? 1 : 0}\n${dotted ? 1 : 0}\n${extCode ?? ''}`;
    let idx = this.importIndex.get(key);
    if (idx === undefined) {
      if (this.imports.length >= this.limits.maxImports) return this.fail('limit', 'import count limit', 'maxImports');
      idx = this.imports.length;
      this.importIndex.set(key, idx);
      const imp: PickleImport = {
        module: mapped.module,
        name: mapped.name,
        rawModule,
        rawName,
        opcode,
        offset: at,
        literal,
        dotted,
        mapped: mapped.mapped,
        protocol: this.proto,
        ...(extCode !== undefined ? { extCode } : {}),
      };
      this.imports.push(imp);
    }
    return this.push(object(Kind.Global, idx));
  }

  recordCall(opcode: PickleCallOpcode, callee: Val): void {
    this.callCount++;
    if (callee.origin >= 0) this.importCalls++;
    if (this.calls.length < this.limits.maxCalls) {
      this.calls.push({ opcode, offset: this.r.opStart, callee: callee.origin });
    }
  }

  noteBlob(start: number, end: number): void {
    if (end - start >= BLOB_MIN_BYTES && this.blobs.length < MAX_BLOBS) this.blobs.push([start, end]);
  }

  // ---- result -------------------------------------------------------------------------------

  result(): PickleRun {
    const r = this.r;
    return {
      start: this.start,
      end: this.end,
      stop: this.stopReason ?? 'truncated',
      detail: this.detail,
      ...(this.limitName !== undefined ? { limit: this.limitName } : {}),
      headerProtocol: this.headerProtocol,
      protocol: this.maxProto,
      opcodes: this.ops,
      imports: this.imports,
      importCount: this.importCount,
      calls: this.calls,
      callCount: this.callCount,
      importCalls: this.importCalls,
      persistentIds: this.persistentIds,
      ...(r.straddleAt >= 0 ? { frameStraddle: { offset: r.straddleAt, frameEnd: r.straddleFrameEnd } } : {}),
      framed: this.framed,
      blobs: this.blobs,
    };
  }
}
