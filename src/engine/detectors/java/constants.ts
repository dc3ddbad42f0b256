/**
 * Java Object Serialization Stream constants (java.io.ObjectStreamConstants)
 * and the parser's default limits.
 */

export const STREAM_MAGIC_0 = 0xac;
export const STREAM_MAGIC_1 = 0xed;
export const STREAM_VERSION = 0x0005;
/** `AC ED 00 05`: magic + version, the start of every stream. */
export const JAVA_STREAM_MAGIC: Uint8Array = Uint8Array.of(0xac, 0xed, 0x00, 0x05);
/** `CA FE BA BE`: the start of a JVM class file. */
export const CLASS_FILE_MAGIC: Uint8Array = Uint8Array.of(0xca, 0xfe, 0xba, 0xbe);

export const TC_NULL = 0x70;
export const TC_REFERENCE = 0x71;
export const TC_CLASSDESC = 0x72;
export const TC_OBJECT = 0x73;
export const TC_STRING = 0x74;
export const TC_ARRAY = 0x75;
export const TC_CLASS = 0x76;
export const TC_BLOCKDATA = 0x77;
export const TC_ENDBLOCKDATA = 0x78;
export const TC_RESET = 0x79;
export const TC_BLOCKDATALONG = 0x7a;
export const TC_EXCEPTION = 0x7b;
export const TC_LONGSTRING = 0x7c;
export const TC_PROXYCLASSDESC = 0x7d;
export const TC_ENUM = 0x7e;

export const BASE_WIRE_HANDLE = 0x7e0000;

export const SC_WRITE_METHOD = 0x01;
export const SC_SERIALIZABLE = 0x02;
export const SC_EXTERNALIZABLE = 0x04;
export const SC_BLOCK_DATA = 0x08;
export const SC_ENUM = 0x10;
/** Every flag bit the JDK defines; others make a descriptor implausible. */
export const SC_KNOWN_BITS = 0x1f;

/** The JDK refuses proxy descriptors with more interfaces than this. */
export const JDK_MAX_PROXY_INTERFACES = 65535;

/** Size in bytes of a primitive field or array element, by JVM type code; 0 = not primitive. */
export function primitiveSize(code: number): number {
  switch (code) {
    case 0x42: // B byte
    case 0x5a: // Z boolean
      return 1;
    case 0x43: // C char
    case 0x53: // S short
      return 2;
    case 0x49: // I int
    case 0x46: // F float
      return 4;
    case 0x4a: // J long
    case 0x44: // D double
      return 8;
    default:
      return 0;
  }
}

/** Limits of one `parseJavaStream` call (nested streams included). */
export interface JavaLimits {
  /** Bytes of one stream that are parsed; the rest is not looked at (stop `limit`). */
  readonly maxBytes: number;
  /** Object nesting depth (like the JDK's `depth`). */
  readonly maxDepth: number;
  /** Entries of the parser's work stack (class descriptor chains count too). */
  readonly maxStack: number;
  /** Wire handles assigned between resets. */
  readonly maxHandles: number;
  /** Distinct class names recorded per stream (further names still parse, unrecorded). */
  readonly maxClasses: number;
  /** Field descriptors per stream, in total. */
  readonly maxFields: number;
  /** Object reads (every value, element and annotation item) per stream. */
  readonly maxObjects: number;
  /** Superclass chain length of one object. */
  readonly maxChain: number;
  /** Characters kept of a decoded class or field name. */
  readonly maxNameChars: number;
  /** Nested `AC ED 00 05` streams (inside byte[] or block data) parsed per call. */
  readonly maxNested: number;
  /** Nesting level of nested streams (1 = a stream inside the outer stream). */
  readonly maxNestedLevel: number;
  /** Bytes copied to reassemble block data split over several segments. */
  readonly maxBlockCopyBytes: number;
  /** Class-file hits (`CA FE BA BE` in byte arrays) recorded. */
  readonly maxClassFiles: number;
}

export const DEFAULT_JAVA_LIMITS: JavaLimits = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 256,
  maxStack: 4096,
  maxHandles: 1_000_000,
  maxClasses: 4096,
  maxFields: 100_000,
  maxObjects: 2_000_000,
  maxChain: 256,
  maxNameChars: 1024,
  maxNested: 16,
  maxNestedLevel: 3,
  maxBlockCopyBytes: 4 * 1024 * 1024,
  maxClassFiles: 64,
});
