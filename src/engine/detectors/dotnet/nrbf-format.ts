/**
 * MS-NRBF wire constants: record types, binary/primitive type enumerations,
 * primitive value sizes, MessageFlags bits, and the parser's default limits.
 */

export const RecordType = {
  SerializedStreamHeader: 0,
  ClassWithId: 1,
  SystemClassWithMembers: 2,
  ClassWithMembers: 3,
  SystemClassWithMembersAndTypes: 4,
  ClassWithMembersAndTypes: 5,
  BinaryObjectString: 6,
  BinaryArray: 7,
  MemberPrimitiveTyped: 8,
  MemberReference: 9,
  ObjectNull: 10,
  MessageEnd: 11,
  BinaryLibrary: 12,
  ObjectNullMultiple256: 13,
  ObjectNullMultiple: 14,
  ArraySinglePrimitive: 15,
  ArraySingleObject: 16,
  ArraySingleString: 17,
  CrossAppDomainMap: 18,
  CrossAppDomainString: 19,
  CrossAppDomainAssembly: 20,
  MethodCall: 21,
  MethodReturn: 22,
} as const;

export const BinaryType = {
  Primitive: 0,
  String: 1,
  Object: 2,
  SystemClass: 3,
  Class: 4,
  ObjectArray: 5,
  StringArray: 6,
  PrimitiveArray: 7,
} as const;

export const Primitive = {
  Boolean: 1,
  Byte: 2,
  Char: 3,
  Decimal: 5,
  Double: 6,
  Int16: 7,
  Int32: 8,
  Int64: 9,
  SByte: 10,
  Single: 11,
  TimeSpan: 12,
  DateTime: 13,
  UInt16: 14,
  UInt32: 15,
  UInt64: 16,
  Null: 17,
  String: 18,
} as const;

/** Size in bytes of a primitive value; VAR_CHAR = one UTF-8 char, VAR_LPS = LengthPrefixedString, INVALID otherwise. */
export const VAR_CHAR = -1;
export const VAR_LPS = -2;
export const INVALID = -3;
export const PRIMITIVE_SIZE: readonly number[] = [
  INVALID, 1, 1, VAR_CHAR, INVALID, VAR_LPS, 8, 2, 4, 8, 1, 4, 8, 8, 2, 4, 8, 0, VAR_LPS,
];

export function primitiveSize(code: number): number {
  return PRIMITIVE_SIZE[code] ?? INVALID;
}

/** BinaryArrayTypeEnumeration values that carry LowerBounds. */
export function arrayHasLowerBounds(arrayType: number): boolean {
  return arrayType === 3 || arrayType === 4 || arrayType === 5;
}

export const MessageFlag = {
  ArgsInline: 0x2,
  ContextInline: 0x20,
  ReturnValueInline: 0x800,
} as const;

/** The canonical SerializationHeaderRecord (RootId 1, HeaderId -1, version 1.0). */
export const NRBF_HEADER = Uint8Array.of(
  0x00, 0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
);
export const NRBF_HEADER_LENGTH = 17;

export interface NrbfLimits {
  /** Bytes of the buffer the parser may look at, from `start`. */
  readonly maxBytes: number;
  /** Records plus untyped member values. */
  readonly maxItems: number;
  /** Nesting of inline class/array records. */
  readonly maxDepth: number;
  /** Members of one class record. */
  readonly maxMembers: number;
  /** Class metadata kept for ClassWithId references. */
  readonly maxClasses: number;
  /** Distinct type names reported. */
  readonly maxNames: number;
  /** Bytes of one name decoded into a string. */
  readonly maxNameBytes: number;
  /** String values (spans) reported. */
  readonly maxStrings: number;
  /** Byte arrays (spans) reported. */
  readonly maxByteArrays: number;
}

export const NRBF_DEFAULT_LIMITS: NrbfLimits = {
  maxBytes: 16 * 1024 * 1024,
  maxItems: 1_000_000,
  maxDepth: 256,
  maxMembers: 4096,
  maxClasses: 8192,
  maxNames: 1024,
  maxNameBytes: 2048,
  maxStrings: 256,
  maxByteArrays: 64,
};
