/**
 * The value `parseJavaStream` returns: every class name the stream names, the
 * counters a JEP 290 filter needs (depth, references, array lengths, bytes),
 * why parsing stopped, and nested streams found inside byte arrays or block data.
 */

/** How a class name occurs in a stream (bit mask, a name can have several roles). */
export const JavaRole = Object.freeze({
  /** A TC_CLASSDESC (also when used as a superclass, by TC_CLASS, TC_ARRAY or TC_ENUM). */
  CLASSDESC: 1,
  /** An interface of a TC_PROXYCLASSDESC. */
  PROXY_INTERFACE: 2,
  /** The class descriptor of a TC_ENUM. */
  ENUM: 4,
  /** Named by a TC_CLASS (a java.lang.Class value). */
  CLASS_VALUE: 8,
  /** Used as the superclass of another descriptor. */
  SUPERCLASS: 16,
  /** Named only by a field type descriptor (`Ljava/lang/Runtime;`): declared, not instantiated. */
  FIELD_TYPE: 32,
  /** The class descriptor of an object that was instantiated (TC_OBJECT). */
  INSTANTIATED: 64,
  /**
   * Found only by carving the stream bytes for descriptor structures, not by
   * the grammar walk (a parser differential or bytes the walk skipped as data).
   */
  CARVED: 128,
});

/** Roles that make a class subject to class filters (everything but FIELD_TYPE). */
export const JAVA_FILTERED_ROLES = JavaRole.CLASSDESC | JavaRole.PROXY_INTERFACE | JavaRole.ENUM | JavaRole.CARVED;

export interface JavaClassRef {
  /** Decoded binary name as written (`java.util.HashMap`, `[Ljava.lang.String;`); field types are dotted. */
  readonly name: string;
  /** Offset of the first occurrence's name bytes in the parsed buffer. */
  readonly offset: number;
  /** JavaRole bits. */
  readonly roles: number;
  /** True when the name only occurs as a field type descriptor. */
  readonly descriptorOnly: boolean;
  /** True when a 2- or 3-byte overlong modified-UTF-8 form was used for this name. */
  readonly overlong: boolean;
  /** Occurrences: new descriptors plus TC_REFERENCE back-references to them. */
  readonly uses: number;
  /** Class descriptor flags of the first descriptor (SC_*), -1 for proxy interfaces and field types. */
  readonly flags: number;
  /** For array names: the element (class name or primitive code). */
  readonly element?: string;
  readonly elementPrimitive?: boolean;
  /** True when the decoded name was longer than the cap and was cut. */
  readonly truncated: boolean;
}

export type JavaStopReason =
  /** The buffer ended at a content boundary. */
  | 'end'
  /** A byte that starts no content followed complete contents (the stream is over). */
  | 'trailing-data'
  /** The buffer ended inside a content. */
  | 'truncated'
  | 'bad-magic'
  | 'bad-tag'
  | 'bad-utf'
  | 'bad-handle'
  | 'bad-classdesc'
  | 'bad-array'
  | 'bad-blockdata'
  | 'bad-string'
  | 'reset-in-object'
  | 'unexpected-blockdata'
  | 'unexpected-endblockdata'
  /** Externalizable data without SC_BLOCK_DATA (protocol 1) cannot be walked without the class. */
  | 'externalizable-v1'
  | 'limit';

export interface JavaStreamStats {
  /** New TC_CLASSDESC descriptors. */
  readonly descriptors: number;
  /** New descriptors whose name and flags are plausible (structural validity). */
  readonly plausibleDescriptors: number;
  readonly proxies: number;
  readonly objects: number;
  readonly arrays: number;
  readonly strings: number;
  readonly enums: number;
  readonly classValues: number;
  /** TC_REFERENCE back-references. */
  readonly references: number;
  /** Object reads (like the JDK's totalObjectRefs: every value, element, annotation item). */
  readonly refs: number;
  readonly resets: number;
  readonly exceptions: number;
  readonly blockData: number;
  /** Deepest object nesting seen (top-level object = 1). */
  readonly maxDepth: number;
  /** Longest array (-1 when no array). */
  readonly maxArrayLength: number;
  /** Top-level contents started. */
  readonly topLevel: number;
  /** TC_STRING/TC_LONGSTRING values that used overlong forms. */
  readonly overlongStrings: number;
  /** Class names found only by carving (JavaRole.CARVED). */
  readonly carved: number;
}

export interface JavaStreamReport {
  /** Offset of `AC ED 00 05` in the parsed buffer. */
  readonly start: number;
  /** Offset where parsing stopped (exclusive end of what was consumed). */
  readonly end: number;
  readonly stop: JavaStopReason;
  /** Short explanation of the stop (no raw bytes). */
  readonly detail: string;
  /** For stop `limit`: the limit's name (`maxDepth` ...). */
  readonly limit?: string;
  /**
   * True when parsing stopped between top-level contents at the end of the
   * input or at bytes that start no content (never after a truncation or a limit).
   */
  readonly complete: boolean;
  /**
   * Structural validity: at least one plausible class descriptor, string
   * contents that parsed to the end, or well-formed content up to a limit.
   * Random bytes after the magic are not valid.
   */
  readonly valid: boolean;
  /** Every class name, in order of first appearance (capped by maxClasses). */
  readonly classes: readonly JavaClassRef[];
  /** True when more class names existed than were recorded. */
  readonly classesTruncated: boolean;
  readonly stats: JavaStreamStats;
  /** True when any class name or string used an overlong form. */
  readonly overlong: boolean;
  /** Offsets of byte arrays that start with `CA FE BA BE` (embedded class files). */
  readonly classFiles: readonly number[];
  /** True when a descriptor declares a `_bytecodes` field (TemplatesImpl). */
  readonly bytecodesField: boolean;
  /** Streams found inside byte arrays or block data (flat list, all levels). */
  readonly nested: readonly JavaNestedStream[];
}

export interface JavaNestedStream {
  /** 1 for a stream inside the outer stream, 2 inside that one ... */
  readonly level: number;
  readonly container: 'byte-array' | 'block-data';
  /** Offset in the outermost buffer of the container data (approximate for reassembled block data). */
  readonly outerOffset: number;
  /** True when the nested report's offsets refer to a reassembled copy, not the outer buffer. */
  readonly copied: boolean;
  readonly report: JavaStreamReport;
}
