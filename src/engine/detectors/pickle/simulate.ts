/**
 * `simulatePickle`: run one pickle (protocols 0-5) through a bounded model of CPython's `_pickle`
 * Unpickler, from `start` until STOP, an error CPython would raise, or one of our limits. It yields
 * the imports the load would perform and the calls it would make, in order, with where and why it
 * stopped. Everything before a break counts: a broken pickle has already run its payload (P5).
 *
 * Where CPython's C and Python unpicklers differ, or where an app could configure the load
 * differently (persistent_load, buffers, extension registry), the model takes the reading that
 * executes more: it never stops earlier than the consumer could.
 */
import { resolvePickleLimits, type PickleLimits } from './limits.js';
import { Machine } from './machine.js';
import { call, inst, stackGlobal, textImport } from './import-ops.js';
import { parseDecimal } from './operands.js';
import { HIGHEST_PROTOCOL, OP } from './opcodes.js';
import { i32le, u16le, u32le, u64le } from './text.js';
import type { PickleImportOpcode, PickleRun } from './types.js';
import {
  Kind,
  StrEnc,
  V_BOOL,
  V_BUFFER,
  V_BYTES,
  V_FLOAT,
  V_INT,
  V_NONE,
  container,
  isNeverCallable,
  object,
  str,
  type Val,
} from './values.js';

export interface SimulateOptions {
  /**
   * Opcode budget shared with other candidates (findPickles). When it is smaller than
   * `maxOpcodes` and runs out, the run stops with limit `scanBudget`.
   */
  readonly budget?: number;
}

export function simulatePickle(
  buf: Uint8Array,
  start: number,
  limits?: Partial<PickleLimits>,
  options?: SimulateOptions,
): PickleRun {
  const lim = resolvePickleLimits(limits);
  const m = new Machine(buf, start, lim);
  const budget = options?.budget ?? Infinity;
  const maxOps = Math.min(lim.maxOpcodes, budget);
  const r = m.r;
  const len = buf.length;
  if (start < 0 || start > len) {
    m.fail('truncated', 'start outside the data');
    return m.result();
  }
  for (;;) {
    const at = r.pos;
    r.opStart = at;
    if (m.ops >= maxOps) {
      if (maxOps < lim.maxOpcodes) m.fail('limit', 'scan budget exhausted', 'scanBudget');
      else m.fail('limit', 'opcode limit', 'maxOpcodes');
      break;
    }
    if (at >= len) {
      m.truncated();
      break;
    }
    const op = buf[at] ?? 0;
    r.pos = at + 1;
    m.ops++;
    if (!step(m, op)) break;
  }
  return m.result();
}

/** Execute one opcode; false when the machine stopped (STOP included). */
function step(m: Machine, op: number): boolean {
  const r = m.r;
  const buf = m.buf;
  switch (op) {
    case OP.MARK:
      return m.pushMark();
    case OP.STOP: {
      if (m.pop() === undefined) return m.underflow('STOP with empty stack');
      m.stopReason = 'stop';
      m.detail = 'STOP';
      m.end = r.pos;
      return false;
    }
    case OP.POP: {
      // CPython: a MARK on top of the stack is popped instead of an object.
      const n = m.marks.length;
      if (n > 0 && m.marks[n - 1] === m.stack.length) {
        m.marks.pop();
        return true;
      }
      return m.pop() === undefined ? m.underflow() : true;
    }
    case OP.POP_MARK: {
      const mark = m.marker();
      if (mark < 0) return m.underflow('could not find MARK');
      m.stack.length = mark;
      return true;
    }
    case OP.DUP: {
      const v = m.top();
      return v === undefined ? m.underflow() : m.push(v);
    }
    case OP.INT:
    case OP.LONG:
      return r.line() < 0 ? m.truncated() : m.push(V_INT);
    case OP.FLOAT:
      return r.line() < 0 ? m.truncated() : m.push(V_FLOAT);
    case OP.BININT:
      return r.take(4) < 0 ? m.truncated() : m.push(V_INT);
    case OP.BININT1:
      return r.take(1) < 0 ? m.truncated() : m.push(V_INT);
    case OP.BININT2:
      return r.take(2) < 0 ? m.truncated() : m.push(V_INT);
    case OP.LONG1: {
      const p = r.take(1);
      if (p < 0 || r.take(buf[p] ?? 0) < 0) return m.truncated();
      return m.push(V_INT);
    }
    case OP.LONG4: {
      const p = r.take(4);
      if (p < 0) return m.truncated();
      const n = i32le(buf, p);
      if (n < 0) return m.fail('malformed', 'LONG pickle has negative byte count');
      return r.take(n) < 0 ? m.truncated() : m.push(V_INT);
    }
    case OP.BINFLOAT:
      return r.take(8) < 0 ? m.truncated() : m.push(V_FLOAT);
    case OP.NONE:
      return m.push(V_NONE);
    case OP.NEWTRUE:
    case OP.NEWFALSE:
      return m.push(V_BOOL);
    case OP.STRING:
      return quotedString(m);
    case OP.BINSTRING: {
      const p = r.take(4);
      if (p < 0) return m.truncated();
      const n = i32le(buf, p);
      if (n < 0) return m.fail('malformed', 'BINSTRING pickle has negative byte count');
      return sized(m, n, StrEnc.Latin1);
    }
    case OP.SHORT_BINSTRING:
      return shortSized(m, StrEnc.Latin1);
    case OP.UNICODE: {
      const s = r.pos;
      const nl = r.line();
      if (nl < 0) return m.truncated();
      m.noteBlob(s, nl);
      return m.push(str(s, nl, StrEnc.RawUnicode));
    }
    case OP.BINUNICODE: {
      const p = r.take(4);
      return p < 0 ? m.truncated() : sized(m, u32le(buf, p), StrEnc.Utf8);
    }
    case OP.SHORT_BINUNICODE:
      return shortSized(m, StrEnc.Utf8);
    case OP.BINUNICODE8: {
      const p = r.take(8);
      return p < 0 ? m.truncated() : sized(m, u64le(buf, p), StrEnc.Utf8);
    }
    case OP.BINBYTES: {
      const p = r.take(4);
      return p < 0 ? m.truncated() : bytesOperand(m, u32le(buf, p));
    }
    case OP.SHORT_BINBYTES: {
      const p = r.take(1);
      return p < 0 ? m.truncated() : bytesOperand(m, buf[p] ?? 0);
    }
    case OP.BINBYTES8:
    case OP.BYTEARRAY8: {
      const p = r.take(8);
      return p < 0 ? m.truncated() : bytesOperand(m, u64le(buf, p));
    }
    case OP.NEXT_BUFFER:
      // Raises unless the app passes `buffers=`; with buffers it pushes one.
      return m.push(V_BUFFER);
    case OP.READONLY_BUFFER:
      return m.top() === undefined ? m.underflow() : true;
    case OP.EMPTY_TUPLE:
      return m.push(container(Kind.Tuple, 1));
    case OP.TUPLE:
      return fromMark(m, Kind.Tuple);
    case OP.TUPLE1:
    case OP.TUPLE2:
    case OP.TUPLE3: {
      const from = m.stack.length - (op - OP.TUPLE1 + 1);
      if (from < m.fence() || from < 0) return m.underflow();
      const w = 1 + m.weightFrom(from);
      m.stack.length = from;
      return m.checkWeight(w) && m.push(container(Kind.Tuple, w));
    }
    case OP.EMPTY_LIST:
      return m.push(container(Kind.List, 1));
    case OP.LIST:
      return fromMark(m, Kind.List);
    case OP.APPEND: {
      if (m.stack.length - 1 <= m.fence()) return m.underflow();
      const v = m.stack.pop() as Val;
      return m.grow(m.stack[m.stack.length - 1], v.weight);
    }
    case OP.APPENDS:
    case OP.ADDITEMS: {
      const mark = m.marker();
      if (mark < 0) return m.underflow('could not find MARK');
      if (mark > m.stack.length || mark <= m.fence()) return m.underflow();
      const w = m.weightFrom(mark);
      m.stack.length = mark;
      return m.grow(m.stack[mark - 1], w);
    }
    case OP.EMPTY_DICT:
      return m.push(container(Kind.Dict, 1));
    case OP.DICT: {
      const mark = m.marker();
      if (mark < 0) return m.underflow('could not find MARK');
      if ((m.stack.length - mark) % 2 !== 0) return m.fail('malformed', 'odd number of items for DICT');
      const w = 1 + m.weightFrom(mark);
      m.stack.length = mark;
      return m.checkWeight(w) && m.push(container(Kind.Dict, w));
    }
    case OP.SETITEM:
      return setItems(m, m.stack.length - 2);
    case OP.SETITEMS: {
      const mark = m.marker();
      if (mark < 0) return m.underflow('could not find MARK');
      return setItems(m, mark);
    }
    case OP.EMPTY_SET:
      return m.push(container(Kind.Set, 1));
    case OP.FROZENSET:
      return fromMark(m, Kind.FrozenSet);
    case OP.GET: {
      const nl = r.line();
      if (nl < 0) return m.truncated();
      const key = parseDecimal(buf, r.opStart + 1, nl);
      if (Number.isNaN(key)) return m.fail('malformed', 'GET argument is not an integer');
      return m.memoGet(key);
    }
    case OP.BINGET: {
      const p = r.take(1);
      return p < 0 ? m.truncated() : m.memoGet(buf[p] ?? 0);
    }
    case OP.LONG_BINGET: {
      const p = r.take(4);
      return p < 0 ? m.truncated() : m.memoGet(u32le(buf, p));
    }
    case OP.PUT: {
      const nl = r.line();
      if (nl < 0) return m.truncated();
      const key = parseDecimal(buf, r.opStart + 1, nl);
      if (Number.isNaN(key)) return m.fail('malformed', 'PUT argument is not an integer');
      if (key < 0) return m.fail('malformed', 'negative PUT argument');
      return m.memoPut(key);
    }
    case OP.BINPUT: {
      const p = r.take(1);
      return p < 0 ? m.truncated() : m.memoPut(buf[p] ?? 0);
    }
    case OP.LONG_BINPUT: {
      const p = r.take(4);
      return p < 0 ? m.truncated() : m.memoPut(u32le(buf, p));
    }
    case OP.MEMOIZE:
      return m.memoPut(m.memo.size);
    case OP.PROTO: {
      const p = r.take(1);
      if (p < 0) return m.truncated();
      const v = buf[p] ?? 0;
      if (v > HIGHEST_PROTOCOL) return m.fail('malformed', 'unsupported pickle protocol');
      if (r.opStart === m.start) m.headerProtocol = v;
      m.proto = v;
      if (v > m.maxProto) m.maxProto = v;
      return true;
    }
    case OP.FRAME: {
      const p = r.take(8);
      if (p < 0) return m.truncated();
      const n = u64le(buf, p);
      if (n > buf.length - r.pos) return m.truncated();
      if (r.opStart === m.start + 2 && m.headerProtocol >= 4) m.framed = true;
      r.enterFrame(n);
      return true;
    }
    case OP.GLOBAL:
      return textImport(m, 'GLOBAL');
    case OP.INST:
      return inst(m);
    case OP.STACK_GLOBAL:
      return stackGlobal(m);
    case OP.EXT1:
    case OP.EXT2:
    case OP.EXT4: {
      const n = op === OP.EXT1 ? 1 : op === OP.EXT2 ? 2 : 4;
      const p = r.take(n);
      if (p < 0) return m.truncated();
      const code = n === 1 ? (buf[p] ?? 0) : n === 2 ? u16le(buf, p) : i32le(buf, p);
      if (code <= 0) return m.fail('malformed', 'EXT specifies code <= 0');
      const name: PickleImportOpcode = op === OP.EXT1 ? 'EXT1' : op === OP.EXT2 ? 'EXT2' : 'EXT4';
      // The copyreg extension registry is empty unless the app fills it: the import is unknowable.
      return m.importGlobal('?', '?', name, false, code);
    }
    case OP.REDUCE: {
      const args = m.pop();
      const fn = args === undefined ? undefined : m.pop();
      if (args === undefined || fn === undefined) return m.underflow();
      return call(m, 'REDUCE', fn, args, undefined);
    }
    case OP.NEWOBJ: {
      const args = m.pop();
      const cls = args === undefined ? undefined : m.pop();
      if (args === undefined || cls === undefined) return m.underflow();
      return call(m, 'NEWOBJ', cls, args, undefined);
    }
    case OP.NEWOBJ_EX: {
      const kwargs = m.pop();
      const args = kwargs === undefined ? undefined : m.pop();
      const cls = args === undefined ? undefined : m.pop();
      if (kwargs === undefined || args === undefined || cls === undefined) return m.underflow();
      return call(m, 'NEWOBJ_EX', cls, args, kwargs);
    }
    case OP.OBJ: {
      const mark = m.marker();
      if (mark < 0) return m.underflow('could not find MARK');
      if (m.stack.length - mark < 1) return m.underflow();
      const cls = m.stack[mark] as Val;
      if (isNeverCallable(cls)) return m.fail('malformed', 'OBJ callee is not callable');
      m.stack.length = mark;
      m.recordCall('OBJ', cls);
      return m.push(object(Kind.Object, cls.origin));
    }
    case OP.BUILD: {
      const state = m.pop();
      const inst = state === undefined ? undefined : m.top();
      if (state === undefined || inst === undefined) return m.underflow();
      // __setstate__ / __dict__.update on an imported class or an object a call produced.
      if (inst.kind >= Kind.Global) m.recordCall('BUILD', inst);
      return m.grow(inst, state.weight);
    }
    case OP.PERSID: {
      if (r.line() < 0) return m.truncated();
      m.persistentIds++;
      return m.push(object(Kind.Persistent, -1));
    }
    case OP.BINPERSID: {
      if (m.pop() === undefined) return m.underflow();
      m.persistentIds++;
      return m.push(object(Kind.Persistent, -1));
    }
    default:
      return m.fail('invalidOpcode', 'invalid load key');
  }
}

function sized(m: Machine, n: number, enc: StrEnc): boolean {
  const p = m.r.take(n);
  if (p < 0) return m.truncated();
  m.noteBlob(p, p + n);
  return m.push(str(p, p + n, enc));
}

function shortSized(m: Machine, enc: StrEnc): boolean {
  const p = m.r.take(1);
  return p < 0 ? m.truncated() : sized(m, m.buf[p] ?? 0, enc);
}

function bytesOperand(m: Machine, n: number): boolean {
  const p = m.r.take(n);
  if (p < 0) return m.truncated();
  m.noteBlob(p, p + n);
  return m.push(V_BYTES);
}

/** STRING: a Python string literal in single or double quotes on one line. */
function quotedString(m: Machine): boolean {
  const s = m.r.pos;
  const nl = m.r.line();
  if (nl < 0) return m.truncated();
  const q = m.buf[s] ?? 0;
  if (nl - s < 2 || (q !== 0x27 && q !== 0x22) || m.buf[nl - 1] !== q) {
    return m.fail('malformed', 'the STRING opcode argument must be quoted');
  }
  m.noteBlob(s + 1, nl - 1);
  return m.push(str(s + 1, nl - 1, StrEnc.PyEscape));
}

function fromMark(m: Machine, kind: Kind): boolean {
  const mark = m.marker();
  if (mark < 0) return m.underflow('could not find MARK');
  const w = 1 + m.weightFrom(mark);
  m.stack.length = mark;
  return m.checkWeight(w) && m.push(container(kind, w));
}

function setItems(m: Machine, x: number): boolean {
  const len = m.stack.length;
  if (x > len || x <= m.fence()) return m.underflow();
  if (len === x) return true;
  if ((len - x) % 2 !== 0) return m.fail('malformed', 'odd number of items for SETITEMS');
  const w = m.weightFrom(x);
  m.stack.length = x;
  return m.grow(m.stack[x - 1], w);
}
