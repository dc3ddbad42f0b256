/**
 * MS-NRBF (BinaryFormatter) record parser. Walks a stream from its
 * SerializationHeaderRecord to MessageEnd without recursion: inline class and
 * array records push frames on an explicit, depth-limited stack. It extracts
 * every type name (class records, member/array additional type infos, generic
 * arguments, MethodCall type names) and library name with offsets, and the
 * spans of string values and byte arrays (bridge gadgets hide nested payloads
 * there). It never throws: the report says where and why parsing stopped and
 * keeps everything seen before.
 */
import { asBuffer, ByteCursor } from './bytes.js';
import {
  arrayHasLowerBounds,
  BinaryType,
  INVALID,
  MessageFlag,
  NRBF_DEFAULT_LIMITS,
  NRBF_HEADER_LENGTH,
  Primitive,
  primitiveSize,
  RecordType,
  VAR_CHAR,
  VAR_LPS,
  type NrbfLimits,
} from './nrbf-format.js';
import {
  plausibleTypeName,
  type NrbfLibrary,
  type NrbfName,
  type NrbfNameKind,
  type NrbfReport,
  type NrbfSpan,
  type NrbfStop,
} from './nrbf-report.js';
import { splitTypeName } from './typename.js';

export { NRBF_DEFAULT_LIMITS, type NrbfLimits } from './nrbf-format.js';
export { nrbfLooksReal } from './nrbf-report.js';
export type { NrbfLibrary, NrbfName, NrbfNameKind, NrbfReport, NrbfSpan, NrbfStop } from './nrbf-report.js';

/** Member layout of a class: per member 0 = a record follows, else the primitive type code. */
interface ClassMeta {
  readonly prims: Uint8Array;
}

interface Frame {
  /** Class member layout, or null for array elements (records only). */
  readonly prims: Uint8Array | null;
  remaining: number;
  index: number;
}

const EMPTY = new Uint8Array(0);

class NrbfParser {
  private readonly cur: ByteCursor;
  private readonly stack: Frame[] = [];
  private readonly classes = new Map<number, ClassMeta>();
  private readonly seenNames = new Set<string>();
  private items = 0;
  private recordStart = 0;
  private lastStringAt = 0;

  stop: NrbfStop = 'truncated';
  detail = '';
  stopOffset = 0;
  complete = false;
  records = 0;
  classRecords = 0;
  plausibleClasses = 0;
  untyped = false;
  listsTruncated = false;
  readonly typeNames: NrbfName[] = [];
  readonly libraries: NrbfLibrary[] = [];
  readonly strings: NrbfSpan[] = [];
  readonly byteArrays: NrbfSpan[] = [];

  constructor(
    buf: Buffer,
    readonly start: number,
    private readonly lim: NrbfLimits,
  ) {
    const end = Math.min(buf.length, start + Math.max(0, lim.maxBytes));
    this.cur = new ByteCursor(buf, Math.max(0, start), Math.max(start, end));
  }

  get end(): number {
    return this.cur.pos;
  }

  /** Record a stop; returns false so callers can `return this.fail(...)`. */
  private fail(stop: NrbfStop, detail: string, at: number = this.recordStart): false {
    this.stop = stop;
    this.detail = detail;
    this.stopOffset = at;
    return false;
  }

  /** Turn a cursor failure into a stop. */
  private cursorFail(what: string): false {
    const f = this.cur.failure ?? 'truncated';
    return this.fail(f, `${f === 'truncated' ? 'data ends inside' : 'parse window ends inside'} ${what}`);
  }

  run(): void {
    if (!this.header()) return;
    for (;;) {
      if (++this.items > this.lim.maxItems) {
        this.fail('limit-items', `more than ${this.lim.maxItems} records/values`, this.cur.pos);
        return;
      }
      const top = this.stack[this.stack.length - 1];
      if (top) {
        if (top.remaining <= 0) {
          this.stack.pop();
          this.items--;
          continue;
        }
        const prim = top.prims ? (top.prims[top.index] ?? 0) : 0;
        if (prim !== 0) {
          this.recordStart = this.cur.pos;
          if (!this.primitiveValue(prim)) return;
          top.index++;
          top.remaining--;
          continue;
        }
      }
      this.recordStart = this.cur.pos;
      const rt = this.cur.u8();
      if (!this.cur.ok) {
        this.cursorFail(top ? 'a member value' : 'the record stream (no MessageEnd)');
        return;
      }
      this.records++;
      if (rt === RecordType.MessageEnd) {
        if (this.stack.length > 0) {
          this.fail('unexpected-record', 'MessageEnd while member values are pending');
          return;
        }
        this.complete = true;
        this.stop = 'message-end';
        this.detail = 'MessageEnd';
        this.stopOffset = this.recordStart;
        return;
      }
      if (!this.record(rt)) return;
    }
  }

  private header(): boolean {
    this.recordStart = this.cur.pos;
    if (!this.cur.need(NRBF_HEADER_LENGTH)) return this.cursorFail('the SerializationHeaderRecord');
    if (this.cur.u8() !== RecordType.SerializedStreamHeader) return this.fail('bad-header', 'no SerializationHeaderRecord');
    this.cur.i32(); // RootId: any value
    this.cur.i32(); // HeaderId: any value
    const major = this.cur.i32();
    const minor = this.cur.i32();
    if (major !== 1 || minor !== 0) return this.fail('bad-header', 'unsupported NRBF version');
    return true;
  }

  /** Consume `n` member/element slots of the current frame. */
  private consume(n: number): boolean {
    const top = this.stack[this.stack.length - 1];
    if (!top) return true;
    if (n > top.remaining) return this.fail('bad-value', 'null count exceeds the pending member values');
    top.remaining -= n;
    top.index += n;
    return true;
  }

  private push(prims: Uint8Array | null, count: number): boolean {
    if (count <= 0) return true;
    if (this.stack.length >= this.lim.maxDepth) {
      return this.fail('limit-depth', `nesting deeper than ${this.lim.maxDepth}`);
    }
    this.stack.push({ prims, remaining: count, index: 0 });
    return true;
  }

  private inMember(): boolean {
    return this.stack.length > 0;
  }

  /** Parse one record body (the type byte is already read). */
  private record(rt: number): boolean {
    const cur = this.cur;
    switch (rt) {
      case RecordType.ClassWithId: {
        cur.i32(); // ObjectId
        const metadataId = cur.i32();
        if (!cur.ok) return this.cursorFail('a ClassWithId record');
        const meta = this.classes.get(metadataId);
        if (!meta) return this.fail('unknown-metadata', 'ClassWithId refers to unknown class metadata');
        return this.consume(1) && this.push(meta.prims, meta.prims.length);
      }
      case RecordType.SystemClassWithMembers:
      case RecordType.ClassWithMembers:
      case RecordType.SystemClassWithMembersAndTypes:
      case RecordType.ClassWithMembersAndTypes:
        return this.classRecord(rt);
      case RecordType.BinaryObjectString: {
        cur.i32();
        if (this.lps('string') === null) return false;
        return this.consume(1);
      }
      case RecordType.BinaryArray:
        return this.binaryArray();
      case RecordType.MemberPrimitiveTyped: {
        const p = cur.u8();
        if (!cur.ok) return this.cursorFail('a MemberPrimitiveTyped record');
        return this.primitiveValue(p) && this.consume(1);
      }
      case RecordType.MemberReference:
        cur.i32();
        if (!cur.ok) return this.cursorFail('a MemberReference record');
        return this.consume(1);
      case RecordType.ObjectNull:
        return this.consume(1);
      case RecordType.BinaryLibrary: {
        const id = cur.i32();
        if (!cur.ok) return this.cursorFail('a BinaryLibrary record');
        const name = this.lps('library');
        if (name === null) return false;
        if (this.libraries.length < this.lim.maxNames) this.libraries.push({ id, name, offset: this.lastStringAt });
        else this.listsTruncated = true;
        return true; // precedes the record it belongs to: consumes no slot
      }
      case RecordType.ObjectNullMultiple256: {
        const n = cur.u8();
        if (!cur.ok) return this.cursorFail('an ObjectNullMultiple256 record');
        return this.consume(n);
      }
      case RecordType.ObjectNullMultiple: {
        const n = cur.i32();
        if (!cur.ok) return this.cursorFail('an ObjectNullMultiple record');
        if (n < 0) return this.fail('bad-value', 'negative null count');
        return this.consume(n);
      }
      case RecordType.ArraySinglePrimitive: {
        cur.i32();
        const length = cur.i32();
        const p = cur.u8();
        if (!cur.ok) return this.cursorFail('an ArraySinglePrimitive record');
        if (length < 0) return this.fail('bad-value', 'negative array length');
        if (!this.consume(1)) return false;
        if ((p === Primitive.Byte || p === Primitive.SByte) && length > 0) {
          this.addSpan(this.byteArrays, this.lim.maxByteArrays, cur.pos, Math.min(length, cur.remaining));
        }
        return this.primitiveValues(p, length);
      }
      case RecordType.ArraySingleObject:
      case RecordType.ArraySingleString: {
        cur.i32();
        const length = cur.i32();
        if (!cur.ok) return this.cursorFail('an ArraySingle record');
        if (length < 0) return this.fail('bad-value', 'negative array length');
        return this.consume(1) && this.push(null, length);
      }
      case RecordType.CrossAppDomainString:
        cur.i32();
        cur.i32();
        if (!cur.ok) return this.cursorFail('a CrossAppDomainString record');
        return this.consume(1);
      case RecordType.CrossAppDomainAssembly:
        cur.i32();
        cur.i32();
        if (!cur.ok) return this.cursorFail('a CrossAppDomainAssembly record');
        return true;
      case RecordType.MethodCall:
      case RecordType.MethodReturn:
        if (this.inMember()) return this.fail('unexpected-record', 'method message inside an object');
        return rt === RecordType.MethodCall ? this.methodCall() : this.methodReturn();
      case RecordType.SerializedStreamHeader:
        return this.fail('unexpected-record', 'second SerializationHeaderRecord');
      case RecordType.CrossAppDomainMap:
        return this.fail('unsupported-record', 'CrossAppDomainMap record');
      default:
        return this.fail('bad-record', `unknown record type ${rt}`);
    }
  }

  private classRecord(rt: number): boolean {
    const cur = this.cur;
    const objectId = cur.i32();
    const name = this.lps('class');
    if (name === null) return false;
    this.classRecords++;
    if (plausibleTypeName(name)) this.plausibleClasses++;
    const count = cur.i32();
    if (!cur.ok) return this.cursorFail('a class record');
    if (count < 0) return this.fail('bad-value', 'negative member count');
    if (count > this.lim.maxMembers) return this.fail('limit-members', `class with more than ${this.lim.maxMembers} members`);
    if (!cur.need(count)) return this.cursorFail('member names');
    for (let i = 0; i < count; i++) {
      if (this.lps('skip') === null) return false;
    }
    let prims: Uint8Array;
    const typed = rt === RecordType.SystemClassWithMembersAndTypes || rt === RecordType.ClassWithMembersAndTypes;
    if (typed) {
      const got = this.memberTypes(count);
      if (got === null) return false;
      prims = got;
    } else {
      // No member types on the wire: assume every member is a record (TypesWhenNeeded
      // would write raw primitives here; if so the next read fails and says so).
      this.untyped = true;
      prims = count === 0 ? EMPTY : new Uint8Array(count);
    }
    if (rt === RecordType.ClassWithMembers || rt === RecordType.ClassWithMembersAndTypes) {
      cur.i32(); // LibraryId
      if (!cur.ok) return this.cursorFail('a class record library id');
    }
    if (!this.classes.has(objectId) && this.classes.size >= this.lim.maxClasses) {
      return this.fail('limit-classes', `more than ${this.lim.maxClasses} class records`);
    }
    this.classes.set(objectId, { prims });
    return this.consume(1) && this.push(prims, count);
  }

  /** MemberTypeInfo: BinaryTypeEnums then AdditionalInfos; returns the member layout. */
  private memberTypes(count: number): Uint8Array | null {
    const cur = this.cur;
    if (!cur.need(count)) {
      this.cursorFail('member types');
      return null;
    }
    const typesAt = cur.pos;
    cur.pos += count;
    const prims = count === 0 ? EMPTY : new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const bt = cur.buf[typesAt + i] ?? 0xff;
      const info = this.additionalInfo(bt, 'member-type');
      if (info < 0) return null;
      if (bt === BinaryType.Primitive) prims[i] = info;
    }
    return prims;
  }

  /**
   * Read the AdditionalInfo of one BinaryTypeEnum. Returns the primitive code
   * for Primitive/PrimitiveArray, 0 for the others, -1 after a failure.
   */
  private additionalInfo(bt: number, kind: NrbfNameKind): number {
    const cur = this.cur;
    switch (bt) {
      case BinaryType.Primitive:
      case BinaryType.PrimitiveArray: {
        const p = cur.u8();
        if (!cur.ok) {
          this.cursorFail('a primitive type code');
          return -1;
        }
        const size = primitiveSize(p);
        if (size === INVALID || (bt === BinaryType.Primitive && p === Primitive.Null)) {
          this.fail('bad-value', `invalid primitive type ${p}`, cur.pos - 1);
          return -1;
        }
        return p;
      }
      case BinaryType.String:
      case BinaryType.Object:
      case BinaryType.ObjectArray:
      case BinaryType.StringArray:
        return 0;
      case BinaryType.SystemClass:
        return this.lps(kind) === null ? -1 : 0;
      case BinaryType.Class:
        if (this.lps(kind) === null) return -1;
        cur.i32();
        if (!cur.ok) {
          this.cursorFail('a class type library id');
          return -1;
        }
        return 0;
      default:
        this.fail('bad-value', `invalid binary type ${bt}`, cur.pos);
        return -1;
    }
  }

  private binaryArray(): boolean {
    const cur = this.cur;
    cur.i32(); // ObjectId
    const arrayType = cur.u8();
    const rank = cur.i32();
    if (!cur.ok) return this.cursorFail('a BinaryArray record');
    if (arrayType > 5) return this.fail('bad-value', `invalid array type ${arrayType}`);
    if (rank < 1 || rank > 32) return this.fail('bad-value', `invalid array rank ${rank}`);
    let total = 1;
    for (let i = 0; i < rank; i++) {
      const len = cur.i32();
      if (!cur.ok) return this.cursorFail('array lengths');
      if (len < 0) return this.fail('bad-value', 'negative array length');
      total = Math.min(total * len, Number.MAX_SAFE_INTEGER);
    }
    if (arrayHasLowerBounds(arrayType) && !cur.skip(4 * rank)) return this.cursorFail('array lower bounds');
    const bt = cur.u8();
    if (!cur.ok) return this.cursorFail('an array element type');
    const info = this.additionalInfo(bt, 'array-type');
    if (info < 0) return false;
    if (!this.consume(1)) return false;
    if (bt === BinaryType.Primitive) return this.primitiveValues(info, total);
    return this.push(null, total);
  }

  /** One untyped primitive value of type `p`. */
  private primitiveValue(p: number): boolean {
    const cur = this.cur;
    const size = primitiveSize(p);
    if (size >= 0) return cur.skip(size) || this.cursorFail('a primitive value');
    if (size === VAR_LPS) return this.lps(p === Primitive.String ? 'string' : 'skip') !== null;
    if (size === VAR_CHAR) {
      const lead = cur.u8();
      if (!cur.ok) return this.cursorFail('a char value');
      const extra = lead < 0xc0 ? 0 : lead < 0xe0 ? 1 : lead < 0xf0 ? 2 : lead < 0xf8 ? 3 : 0;
      return cur.skip(extra) || this.cursorFail('a char value');
    }
    return this.fail('bad-value', `invalid primitive type ${p}`);
  }

  /** `count` consecutive primitive values (array contents). */
  private primitiveValues(p: number, count: number): boolean {
    const size = primitiveSize(p);
    if (size === INVALID) return this.fail('bad-value', `invalid primitive type ${p}`);
    if (size >= 0) {
      return this.cur.skip(size * count) || this.cursorFail('primitive array contents');
    }
    // variable-size values: at least one byte each
    if (!this.cur.need(count)) return this.cursorFail('primitive array contents');
    for (let i = 0; i < count; i++) {
      if (++this.items > this.lim.maxItems) return this.fail('limit-items', `more than ${this.lim.maxItems} records/values`);
      if (!this.primitiveValue(p)) return false;
    }
    return true;
  }

  /** StringValueWithCode: primitive code 18 then a LengthPrefixedString. */
  private stringWithCode(kind: NrbfNameKind | 'skip'): boolean {
    const code = this.cur.u8();
    if (!this.cur.ok) return this.cursorFail('a method message string');
    if (code !== Primitive.String) return this.fail('bad-value', 'method message string without string code');
    return this.lps(kind) !== null;
  }

  private valueWithCode(): boolean {
    const p = this.cur.u8();
    if (!this.cur.ok) return this.cursorFail('a method message value');
    return this.primitiveValue(p);
  }

  private inlineArgs(): boolean {
    const n = this.cur.i32();
    if (!this.cur.ok) return this.cursorFail('method arguments');
    if (n < 0) return this.fail('bad-value', 'negative argument count');
    if (!this.cur.need(n)) return this.cursorFail('method arguments');
    for (let i = 0; i < n; i++) {
      if (++this.items > this.lim.maxItems) return this.fail('limit-items', `more than ${this.lim.maxItems} records/values`);
      if (!this.valueWithCode()) return false;
    }
    return true;
  }

  private methodCall(): boolean {
    const flags = this.cur.i32();
    if (!this.cur.ok) return this.cursorFail('a MethodCall record');
    if (!this.stringWithCode('method-name') || !this.stringWithCode('method-type')) return false;
    if ((flags & MessageFlag.ContextInline) !== 0 && !this.stringWithCode('skip')) return false;
    if ((flags & MessageFlag.ArgsInline) !== 0 && !this.inlineArgs()) return false;
    return true;
  }

  private methodReturn(): boolean {
    const flags = this.cur.i32();
    if (!this.cur.ok) return this.cursorFail('a MethodReturn record');
    if ((flags & MessageFlag.ReturnValueInline) !== 0 && !this.valueWithCode()) return false;
    if ((flags & MessageFlag.ContextInline) !== 0 && !this.stringWithCode('skip')) return false;
    if ((flags & MessageFlag.ArgsInline) !== 0 && !this.inlineArgs()) return false;
    return true;
  }

  private addSpan(list: NrbfSpan[], max: number, offset: number, length: number): void {
    if (list.length < max) list.push({ offset, length });
    else this.listsTruncated = true;
  }

  /**
   * LengthPrefixedString. `kind` says what to do with it: decode and report a
   * type name, a library name, record a string span, or just skip. Returns the
   * decoded name ('' for skipped/string values) or null after a failure.
   */
  private lps(kind: NrbfNameKind | 'library' | 'string' | 'skip'): string | null {
    const cur = this.cur;
    const len = cur.varint();
    if (!cur.ok) {
      this.cursorFail('a string length');
      return null;
    }
    if (len < 0) {
      this.fail('bad-value', 'invalid string length');
      return null;
    }
    const at = cur.pos;
    if (!cur.need(len)) {
      this.cursorFail('a string');
      return null;
    }
    cur.pos += len;
    if (kind === 'skip') return '';
    if (kind === 'string') {
      this.addSpan(this.strings, this.lim.maxStrings, at, len);
      return '';
    }
    this.lastStringAt = at;
    const text = cur.buf.toString('utf8', at, at + Math.min(len, this.lim.maxNameBytes));
    if (kind === 'library') return text;
    this.addName(text, at, kind);
    return text;
  }

  private addName(text: string, offset: number, kind: NrbfNameKind): void {
    if (this.seenNames.has(text)) return;
    if (this.typeNames.length >= this.lim.maxNames) {
      this.listsTruncated = true;
      return;
    }
    this.seenNames.add(text);
    this.typeNames.push({ name: text, offset, kind });
    if (kind === 'method-name') return;
    const parts = splitTypeName(text);
    for (let i = 1; i < parts.types.length; i++) {
      const arg = parts.types[i];
      if (arg === undefined || this.seenNames.has(arg)) continue;
      if (this.typeNames.length >= this.lim.maxNames) {
        this.listsTruncated = true;
        return;
      }
      this.seenNames.add(arg);
      this.typeNames.push({ name: arg, offset, kind: 'generic-arg' });
    }
  }
}

/**
 * Parse an MS-NRBF stream whose SerializationHeaderRecord starts at `start`.
 * Never throws; see `NrbfReport.stop` for why parsing ended.
 */
export function parseNrbf(buf: Uint8Array, start: number, limits: Partial<NrbfLimits> = {}): NrbfReport {
  const lim: NrbfLimits = { ...NRBF_DEFAULT_LIMITS, ...limits };
  const parser = new NrbfParser(asBuffer(buf), start, lim);
  parser.run();
  return {
    start,
    end: parser.end,
    complete: parser.complete,
    stop: parser.stop,
    stopOffset: parser.stopOffset,
    detail: parser.detail,
    records: parser.records,
    classRecords: parser.classRecords,
    plausibleClasses: parser.plausibleClasses,
    untyped: parser.untyped,
    typeNames: parser.typeNames,
    libraries: parser.libraries,
    strings: parser.strings,
    byteArrays: parser.byteArrays,
    listsTruncated: parser.listsTruncated,
  };
}
