/**
 * Opcode handlers of the simulated pickle machine that import and call: GLOBAL, INST,
 * STACK_GLOBAL and the call opcodes' shared checks (what CPython rejects before calling).
 */
import type { Machine } from './machine.js';
import { nameFromBytes, nameFromValue } from './operands.js';
import type { PickleCallOpcode } from './types.js';
import { Kind, isNeverCallable, isNeverDict, isNeverTuple, object, type Val } from './values.js';

/** Record a call of `fn` and push its result (an object of unknown type derived from fn's import). */
export function call(m: Machine, opcode: PickleCallOpcode, fn: Val, args: Val, kwargs: Val | undefined): boolean {
  if (isNeverCallable(fn)) return m.fail('malformed', `${opcode} callee is not callable`);
  if (isNeverTuple(args)) return m.fail('malformed', `${opcode} argument list is not a tuple`);
  if (kwargs !== undefined && isNeverDict(kwargs)) return m.fail('malformed', 'NEWOBJ_EX keywords are not a dict');
  m.recordCall(opcode, fn);
  return m.push(object(Kind.Object, fn.origin));
}

/** Read one import-name line of GLOBAL/INST; returns the name, or null after stopping the machine. */
function nameLine(m: Machine): string | null {
  const s = m.r.pos;
  const nl = m.r.line();
  if (nl < 0) {
    m.truncated();
    return null;
  }
  const res = nameFromBytes(m.buf, s, nl, m.limits.maxStringBytes);
  if (res.ok) return res.name;
  if (res.reason === 'limit') m.fail('limit', 'import name longer than the string limit', 'maxStringBytes');
  else m.fail('malformed', 'import name cannot name a module or attribute');
  return null;
}

export function textImport(m: Machine, opcode: 'GLOBAL' | 'INST'): boolean {
  const module = nameLine(m);
  if (module === null) return false;
  const name = nameLine(m);
  if (name === null) return false;
  return m.importGlobal(module, name, opcode, true);
}

/**
 * INST: import, then call it with the items above the MARK. The C unpickler looks for the MARK
 * first, the Python one imports first; the import is recorded either way.
 */
export function inst(m: Machine): boolean {
  if (!textImport(m, 'INST')) return false;
  const cls = m.stack.pop() as Val;
  const mark = m.marker();
  if (mark < 0) return m.underflow('could not find MARK');
  m.stack.length = mark;
  m.recordCall('INST', cls);
  return m.push(object(Kind.Object, cls.origin));
}

/** STACK_GLOBAL: module and name popped from the stack (literal strings, or values known only at load time). */
export function stackGlobal(m: Machine): boolean {
  const nameV = m.pop();
  const modV = nameV === undefined ? undefined : m.pop();
  if (nameV === undefined || modV === undefined) return m.underflow();
  const modStr = modV.kind === Kind.Str;
  const nameStr = nameV.kind === Kind.Str;
  // CPython raises unless both are str; values of unknown type (call results, imports,
  // persistent ids, memo entries of those) may be str at run time.
  if ((!modStr && modV.kind <= Kind.FrozenSet) || (!nameStr && nameV.kind <= Kind.FrozenSet)) {
    return m.fail('malformed', 'STACK_GLOBAL requires str');
  }
  if (modStr && nameStr) {
    const mod = nameFromValue(m.buf, modV, m.limits.maxStringBytes);
    const name = nameFromValue(m.buf, nameV, m.limits.maxStringBytes);
    if (mod.ok && name.ok) return m.importGlobal(mod.name, name.name, 'STACK_GLOBAL', true);
    if ((!mod.ok && mod.reason === 'limit') || (!name.ok && name.reason === 'limit')) {
      return m.fail('limit', 'import name longer than the string limit', 'maxStringBytes');
    }
    return m.fail('malformed', 'import name cannot name a module or attribute');
  }
  const knownMod = modStr ? nameFromValue(m.buf, modV, m.limits.maxStringBytes) : null;
  const knownName = nameStr ? nameFromValue(m.buf, nameV, m.limits.maxStringBytes) : null;
  return m.importGlobal(knownMod?.ok ? knownMod.name : '?', knownName?.ok ? knownName.name : '?', 'STACK_GLOBAL', false);
}
