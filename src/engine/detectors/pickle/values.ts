/**
 * The abstract values the simulated pickle machine keeps on its stack and in its memo. Only what
 * detection needs is tracked: the kind (to know what CPython would reject), where a string operand
 * lies (decoded lazily, only when it feeds an import), which import a value derives from, and a
 * logical element count for containers (expansion through shared references, P39).
 */

export const Kind = {
  None: 0,
  Bool: 1,
  Int: 2,
  Float: 3,
  Str: 4,
  Bytes: 5,
  Tuple: 6,
  List: 7,
  Dict: 8,
  Set: 9,
  FrozenSet: 10,
  /** Result of an import. */
  Global: 11,
  /** Result of a call, or anything else whose type the machine cannot know. */
  Object: 12,
  /** Result of `persistent_load`. */
  Persistent: 13,
  /** Out-of-band buffer (NEXT_BUFFER). */
  Buffer: 14,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** How a string operand's bytes become text. */
export const StrEnc = {
  Utf8: 0,
  Latin1: 1,
  /** STRING: Python bytes escapes between the quotes. */
  PyEscape: 2,
  /** UNICODE: raw-unicode-escape. */
  RawUnicode: 3,
} as const;
export type StrEnc = (typeof StrEnc)[keyof typeof StrEnc];

export class Val {
  constructor(
    readonly kind: Kind,
    /** Index of the import this value is or derives from (callee of the call that made it), or -1. */
    readonly origin: number,
    /** String operands: byte range inside the pickle. */
    readonly start: number,
    readonly end: number,
    readonly enc: StrEnc,
    /** Logical element count (containers grow when items are added). */
    public weight: number,
  ) {}
}

const shared = (kind: Kind): Val => new Val(kind, -1, 0, 0, StrEnc.Latin1, 1);

/** Immutable scalars are shared: the machine allocates only for strings, containers and objects. */
export const V_NONE = shared(Kind.None);
export const V_BOOL = shared(Kind.Bool);
export const V_INT = shared(Kind.Int);
export const V_FLOAT = shared(Kind.Float);
export const V_BYTES = shared(Kind.Bytes);
export const V_BUFFER = shared(Kind.Buffer);

export function container(kind: Kind, weight: number): Val {
  return new Val(kind, -1, 0, 0, StrEnc.Latin1, weight);
}

export function str(start: number, end: number, enc: StrEnc): Val {
  return new Val(Kind.Str, -1, start, end, enc, 1);
}

export function object(kind: Kind, origin: number): Val {
  return new Val(kind, origin, 0, 0, StrEnc.Latin1, 1);
}

/** True for kinds CPython can never call (calling them raises TypeError). */
export function isNeverCallable(v: Val): boolean {
  return v.kind <= Kind.FrozenSet;
}

/** True for kinds that can never be a tuple (REDUCE/NEWOBJ argument lists). */
export function isNeverTuple(v: Val): boolean {
  return v.kind <= Kind.FrozenSet && v.kind !== Kind.Tuple;
}

/** True for kinds that can never be a dict (NEWOBJ_EX keyword arguments). */
export function isNeverDict(v: Val): boolean {
  return v.kind <= Kind.FrozenSet && v.kind !== Kind.Dict;
}

/** True for mutable containers whose weight grows in place. */
export function isContainer(v: Val): boolean {
  return v.kind === Kind.List || v.kind === Kind.Dict || v.kind === Kind.Set;
}
