/**
 * Result types of the pickle machine simulation: the imports a load would perform, the calls it
 * would make, and where and why the machine stopped.
 */
import type { PickleLimitName } from './limits.js';

/** Opcodes that import a global (`find_class`). */
export type PickleImportOpcode = 'GLOBAL' | 'STACK_GLOBAL' | 'INST' | 'EXT1' | 'EXT2' | 'EXT4';

/** Opcodes that call a callable found on the stack. */
export type PickleCallOpcode = 'REDUCE' | 'OBJ' | 'INST' | 'NEWOBJ' | 'NEWOBJ_EX' | 'BUILD';

export interface PickleImport {
  /** Module after the Python 2 name mapping (protocol < 3), `?` when not statically known. */
  readonly module: string;
  /** Attribute name after the Python 2 mapping (may be dotted), `?` when not statically known. */
  readonly name: string;
  /** Module and name exactly as written in the pickle. */
  readonly rawModule: string;
  readonly rawName: string;
  readonly opcode: PickleImportOpcode;
  /** Offset of the import opcode (first occurrence when the same import repeats). */
  readonly offset: number;
  /** True when both operands were string constants (inline, or string opcodes reached via DUP/memo). */
  readonly literal: boolean;
  /** True when the protocol is >= 4 and the name contains a dot: CPython walks the attribute path. */
  readonly dotted: boolean;
  /** True when `_compat_pickle` renamed module or name. */
  readonly mapped: boolean;
  /** Extension registry code for EXT1/EXT2/EXT4. */
  readonly extCode?: number;
  /** Protocol in force when the import ran. */
  readonly protocol: number;
}

export interface PickleCall {
  readonly opcode: PickleCallOpcode;
  readonly offset: number;
  /** Index into `imports` of the import the callee (or built instance) comes from, or -1. */
  readonly callee: number;
}

/**
 * Why the machine stopped. `stop` is a clean STOP; everything else is an error CPython would raise
 * (or a limit of ours). `malformed` covers the remaining loader errors (bad literal, non-callable
 * callee, STACK_GLOBAL on non-strings, unsupported protocol, import name that cannot exist ...).
 */
export type PickleStopReason =
  | 'stop'
  | 'truncated'
  | 'invalidOpcode'
  | 'stackUnderflow'
  | 'badMemo'
  | 'malformed'
  | 'limit';

export interface PickleFrameStraddle {
  /** Offset of the opcode whose operand crosses the frame end. */
  readonly offset: number;
  /** First byte after the frame. */
  readonly frameEnd: number;
}

export interface PickleRun {
  /** Offset of the first opcode. */
  readonly start: number;
  /** After a clean STOP: the offset after it; otherwise the offset of the opcode that failed. */
  readonly end: number;
  readonly stop: PickleStopReason;
  /** Short explanation of the stop (never raw bytes). */
  readonly detail: string;
  /** For stop `limit`: which limit. */
  readonly limit?: PickleLimitName;
  /** Protocol declared by a PROTO opcode at `start`, or -1 when the pickle has no header. */
  readonly headerProtocol: number;
  /** Highest protocol any PROTO opcode declared (0 when none). */
  readonly protocol: number;
  /** Opcodes executed (including the one that failed). */
  readonly opcodes: number;
  /** Distinct imports, in the order they first ran. */
  readonly imports: readonly PickleImport[];
  /** Import opcodes executed (counting repeats). */
  readonly importCount: number;
  /** Calls in order (at most `maxCalls`). */
  readonly calls: readonly PickleCall[];
  readonly callCount: number;
  /** Calls whose callee comes from an import (the payload actually uses what it imported). */
  readonly importCalls: number;
  /** PERSID/BINPERSID opcodes executed (PyTorch storages). */
  readonly persistentIds: number;
  /** First opcode operand that crosses a FRAME end (P29), if any. */
  readonly frameStraddle?: PickleFrameStraddle;
  /** True when the pickle starts with PROTO >= 4 immediately followed by a FRAME that fits. */
  readonly framed: boolean;
  /** Byte ranges of large string/bytes operands (candidates for pickles hidden inside data). */
  readonly blobs: readonly (readonly [number, number])[];
}
