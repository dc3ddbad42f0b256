/**
 * The grammar walk over one Java Object Serialization Stream (protocol
 * version 5), following java.io.ObjectInputStream's reading rules without the
 * classes: contents, objects with class data along the superclass chain,
 * custom (SC_WRITE_METHOD) and externalizable annotations, arrays, enums,
 * class values, back-references, resets, block data and exceptions. Class
 * descriptors and strings are read by descriptors.ts, positions and state
 * live in cursor.ts.
 *
 * Iterative: a work stack of small tasks replaces the JDK's recursion, every
 * loop consumes input or is bounded by a limit, and any error ends the pass
 * with a stop reason while keeping everything seen so far. Byte arrays and
 * block data that contain `AC ED 00 05` are returned as regions for the
 * caller (stream.ts) to parse as nested streams; afterwards the bytes are
 * carved for descriptors the walk did not see (carve.ts).
 */
import {
  CLASS_FILE_MAGIC,
  SC_BLOCK_DATA,
  SC_ENUM,
  SC_EXTERNALIZABLE,
  SC_WRITE_METHOD,
  TC_ARRAY,
  TC_BLOCKDATA,
  TC_BLOCKDATALONG,
  TC_CLASS,
  TC_CLASSDESC,
  TC_ENDBLOCKDATA,
  TC_ENUM,
  TC_EXCEPTION,
  TC_LONGSTRING,
  TC_NULL,
  TC_OBJECT,
  TC_PROXYCLASSDESC,
  TC_REFERENCE,
  TC_RESET,
  TC_STRING,
  type JavaLimits,
} from './constants.js';
import { hex2, indexOfByte, indexOfMagic, indexOfSeq, readI32 } from './bytes.js';
import { carveClassNames, type CarveRange } from './carve.js';
import {
  T_ANNOT,
  T_ARRAY,
  T_CLASS,
  T_CLASSDATA,
  T_DESC_SUPER,
  T_ENUM,
  T_EXCEPTION,
  T_OBJECT,
  T_TOP,
  T_VALUES,
  type Task,
} from './cursor.js';
import { DescriptorReader, type Desc } from './descriptors.js';
import { H_ARRAY, H_CLASS, H_DESC, H_ENUM, H_OBJECT, H_STRING } from './handles.js';
import type { JavaStreamReport, JavaStreamStats } from './report.js';
import { JavaRole } from './report.js';

export { indexOfMagic } from './bytes.js';

/** A byte range that contains `AC ED 00 05` (inside a byte[] or block data). */
export interface NestedRegion {
  readonly buf: Uint8Array;
  readonly from: number;
  readonly to: number;
  readonly container: 'byte-array' | 'block-data';
  readonly copied: boolean;
  /** Offset of the region in the buffer this parser parsed. */
  readonly offsetInParent: number;
  /** The bytes the region covers in the parsed buffer (block data: the whole run, headers included). */
  readonly parentFrom: number;
  readonly parentTo: number;
}

export interface ParseResult {
  readonly report: JavaStreamReport;
  readonly regions: readonly NestedRegion[];
}

const MAX_BLOCK_SEGMENTS = 65536;
/** T_VALUES step marker: the values belong to a class with writeObject(). */
const SOFT = 1;
/** Data ranges shorter than this are carved anyway (too short to matter). */
const MIN_DATA_RANGE = 16;
const MAX_DATA_RANGES = 8192;

export class StreamParser extends DescriptorReader {
  private readonly regions: NestedRegion[] = [];
  private readonly classFiles: number[] = [];
  /** Primitive array contents and block data runs, in stream order: never descriptors for the JDK. */
  private readonly dataRanges: CarveRange[] = [];

  constructor(
    buf: Uint8Array,
    start: number,
    bufEnd: number,
    limits: JavaLimits,
    private readonly findNested: boolean,
  ) {
    super(buf, start, bufEnd, limits);
  }

  parse(): ParseResult {
    if (!this.checkMagic()) {
      this.stopped = true;
      this.stop = 'bad-magic';
      this.detail = 'no AC ED 00 05 at start';
      this.complete = false;
    } else {
      this.pos += 4;
      this.run();
      // Garbage after a magic is not judged, so it is not worth carving.
      if (this.st.plausibleDescriptors > 0 || this.st.strings > 0 || this.stop === 'limit') this.carve();
    }
    return { report: this.makeReport(), regions: this.regions };
  }
  private run(): void {
    this.pushTask(T_TOP, false);
    // Every step consumes input, pops a task or advances a task's step; the
    // guard only protects against a bug turning this into an endless loop.
    const guard = (this.end - this.pos + 16) * 8 + 1024;
    let steps = 0;
    while (!this.stopped) {
      if (++steps > guard) {
        this.fail('limit', 'step guard reached', 'maxSteps');
        break;
      }
      const t = this.stack[this.stack.length - 1];
      if (t === undefined) break;
      switch (t.k) {
        case T_TOP:
          this.stepTop();
          break;
        case T_ANNOT:
          this.stepAnnotation();
          break;
        case T_VALUES:
          if (t.n === 0 || (t.step === SOFT && this.customDataStarts())) this.popTask();
          else {
            t.n--;
            this.beginObject();
          }
          break;
        case T_DESC_SUPER:
          this.stepDescSuper(t);
          break;
        case T_OBJECT:
          this.stepObject(t);
          break;
        case T_CLASSDATA:
          this.stepClassData(t);
          break;
        case T_ARRAY:
          this.stepArray(t);
          break;
        case T_CLASS:
          this.stepClass(t);
          break;
        case T_ENUM:
          this.stepEnum(t);
          break;
        case T_EXCEPTION:
          this.stepException(t);
          break;
        default:
          this.fail('bad-tag', 'internal task error');
      }
    }
  }
  private stepTop(): void {
    this.inContent = false;
    if (this.pos >= this.end) {
      if (this.end < this.buf.length && this.end - this.start >= this.limits.maxBytes) {
        this.finish('limit', 'stream longer than maxBytes', 'maxBytes');
      } else this.finish('end', 'end of input');
      return;
    }
    const tag = this.buf[this.pos] as number;
    if (tag === TC_RESET) {
      this.pos++;
      this.resetHandles();
      return;
    }
    if (tag === TC_BLOCKDATA || tag === TC_BLOCKDATALONG) {
      this.skipBlockData();
      return;
    }
    if (tag === TC_ENDBLOCKDATA) {
      this.finish('unexpected-endblockdata', 'TC_ENDBLOCKDATA at top level');
      return;
    }
    if (tag < TC_NULL || tag > TC_ENUM) {
      this.finish('trailing-data', `byte 0x${hex2(tag)} after the last content`);
      return;
    }
    this.inContent = true;
    this.st.topLevel++;
    this.beginObject();
  }
  private stepAnnotation(): void {
    if (this.pos >= this.end) {
      this.truncated('annotation');
      return;
    }
    const tag = this.buf[this.pos] as number;
    if (tag === TC_ENDBLOCKDATA) {
      this.pos++;
      this.popTask();
    } else if (tag === TC_BLOCKDATA || tag === TC_BLOCKDATALONG) {
      this.skipBlockData();
    } else if (tag === TC_RESET) {
      this.fail('reset-in-object', 'TC_RESET inside an object');
    } else {
      this.beginObject();
    }
  }
  /** readObject0: read one content where an object is expected. */
  private beginObject(): void {
    if (++this.st.refs > this.limits.maxObjects) {
      this.fail('limit', 'too many objects', 'maxObjects');
      return;
    }
    if (this.pos >= this.end) {
      this.truncated('object');
      return;
    }
    const d = this.depth + 1;
    if (d > this.limits.maxDepth) {
      this.fail('limit', 'object nesting too deep', 'maxDepth');
      return;
    }
    const tag = this.buf[this.pos] as number;
    this.pos++;
    // The filter depth is where the JDK calls the filter: TC_NULL and strings never do; objects,
    // arrays, classes and enums do when their class descriptor is read (readClassDesc).
    if (tag === TC_REFERENCE || tag === TC_CLASSDESC || tag === TC_PROXYCLASSDESC) this.filterDepth(d);
    switch (tag) {
      case TC_NULL:
        return;
      case TC_REFERENCE: {
        const h = this.readHandle();
        if (h < 0) return;
        this.st.references++;
        if (this.handles.kindOf(h) === H_DESC) this.useDesc(this.handles.aOf(h));
        return;
      }
      case TC_STRING:
        this.readNewString(false, false);
        return;
      case TC_LONGSTRING:
        this.readNewString(true, false);
        return;
      case TC_CLASSDESC:
        this.readNewClassDesc();
        return;
      case TC_PROXYCLASSDESC:
        this.readNewProxyDesc();
        return;
      case TC_OBJECT:
        this.pushTask(T_OBJECT, true);
        return;
      case TC_ARRAY:
        this.pushTask(T_ARRAY, true);
        return;
      case TC_CLASS:
        this.pushTask(T_CLASS, true);
        return;
      case TC_ENUM:
        this.pushTask(T_ENUM, true);
        return;
      case TC_EXCEPTION:
        this.resetHandles();
        this.pushTask(T_EXCEPTION, true);
        return;
      case TC_RESET:
        this.pos--;
        this.fail('reset-in-object', 'TC_RESET inside an object');
        return;
      case TC_BLOCKDATA:
      case TC_BLOCKDATALONG:
        this.pos--;
        this.fail('unexpected-blockdata', 'block data where an object was expected');
        return;
      case TC_ENDBLOCKDATA:
        this.pos--;
        this.fail('unexpected-endblockdata', 'TC_ENDBLOCKDATA where an object was expected');
        return;
      default:
        this.pos--;
        this.fail('bad-tag', `byte 0x${hex2(tag)} where an object was expected`);
    }
  }
  private stepObject(t: Task): void {
    if (t.step === 0) {
      t.step = 1;
      this.readClassDesc();
      return;
    }
    const id = this.result;
    const desc = id >= 0 ? this.descs[id] : undefined;
    if (desc === undefined) {
      this.fail('bad-classdesc', 'object without a class descriptor');
      return;
    }
    if (this.handles.assign(H_OBJECT, id, 0) < 0) {
      this.fail('limit', 'too many handles', 'maxHandles');
      return;
    }
    this.st.objects++;
    if (desc.ref !== null) desc.ref.roles |= JavaRole.INSTANTIATED;
    if (!desc.proxy && (desc.flags & SC_EXTERNALIZABLE) !== 0) {
      if ((desc.flags & SC_BLOCK_DATA) === 0) {
        this.fail('externalizable-v1', 'externalizable data without block data (protocol 1)');
        return;
      }
      t.k = T_ANNOT;
      t.step = 0;
      return;
    }
    const chain = this.dataChain(id);
    if (chain === null) return;
    if (chain.length === 0) {
      this.popTask();
      return;
    }
    t.k = T_CLASSDATA;
    t.chain = chain;
    t.n = 0;
  }
  private stepClassData(t: Task): void {
    const chain = t.chain as number[];
    if (t.n >= chain.length) {
      this.popTask();
      return;
    }
    const desc = this.descs[chain[t.n++] as number] as Desc;
    const custom = (desc.flags & SC_WRITE_METHOD) !== 0;
    if (custom && this.fieldsAbsent(desc)) {
      // writeObject() did not call defaultWriteObject(): only custom data follows.
      this.pushTask(T_ANNOT, false);
      return;
    }
    if (desc.primSize > 0) {
      if (!this.need(desc.primSize, 'primitive field values')) return;
      this.pos += desc.primSize;
    }
    if (custom && this.pushTask(T_ANNOT, false) === null) return;
    if (desc.objFields > 0) {
      const v = this.pushTask(T_VALUES, false);
      if (v === null) return;
      v.n = desc.objFields;
      // Object fields of a class with writeObject(): block data where a value is
      // due means the fields were not written; the annotation task takes over.
      if (custom) v.step = SOFT;
    }
  }
  /**
   * For a class with writeObject() and primitive fields: true when the bytes
   * only make sense as custom data (block data now, and no valid tag where the
   * values would end). The JDK decides with the local class; without it we
   * pick the reading that does not fail, as the JDK would have to.
   */
  private fieldsAbsent(desc: Desc): boolean {
    if (desc.primSize === 0 || !this.customDataStarts()) return false;
    const after = this.pos + desc.primSize;
    if (after >= this.end) return true;
    const tag = this.buf[after] as number;
    return desc.objFields > 0 ? !isValueTag(tag) : !isAnnotationTag(tag);
  }
  /** True when the next byte starts block data or ends an annotation. */
  private customDataStarts(): boolean {
    const tag = this.buf[this.pos];
    return tag === TC_BLOCKDATA || tag === TC_BLOCKDATALONG || tag === TC_ENDBLOCKDATA;
  }
  private stepArray(t: Task): void {
    if (t.step === 0) {
      t.step = 1;
      this.readClassDesc();
      return;
    }
    const desc = this.result >= 0 ? this.descs[this.result] : undefined;
    if (desc === undefined) {
      this.fail('bad-array', 'array without a class descriptor');
      return;
    }
    if (this.handles.assign(H_ARRAY, this.result, 0) < 0) {
      this.fail('limit', 'too many handles', 'maxHandles');
      return;
    }
    const len = this.i32();
    if (this.stopped) return;
    if (len < 0) {
      this.fail('bad-array', 'negative array length');
      return;
    }
    this.st.arrays++;
    if (len > this.st.maxArrayLength) this.st.maxArrayLength = len;
    if (desc.elemPrimSize > 0) {
      const total = len * desc.elemPrimSize;
      if (!this.need(total, 'array elements')) return;
      if (desc.elemIsByte) this.inspectBytes(this.pos, len);
      this.addDataRange(this.pos, this.pos + total);
      this.pos += total;
      this.popTask();
      return;
    }
    if (len === 0) {
      this.popTask();
      return;
    }
    t.k = T_VALUES;
    t.n = len;
  }
  private stepClass(t: Task): void {
    if (t.step === 0) {
      t.step = 1;
      this.readClassDesc();
      return;
    }
    const desc = this.result >= 0 ? this.descs[this.result] : undefined;
    if (desc === undefined) {
      this.fail('bad-classdesc', 'class value without a descriptor');
      return;
    }
    if (this.handles.assign(H_CLASS, this.result, 0) < 0) {
      this.fail('limit', 'too many handles', 'maxHandles');
      return;
    }
    this.st.classValues++;
    if (desc.ref !== null) desc.ref.roles |= JavaRole.CLASS_VALUE;
    this.popTask();
  }
  private stepEnum(t: Task): void {
    if (t.step === 0) {
      t.step = 1;
      this.readClassDesc();
      return;
    }
    const desc = this.result >= 0 ? this.descs[this.result] : undefined;
    if (desc === undefined || (desc.flags & SC_ENUM) === 0) {
      this.fail('bad-classdesc', 'enum constant of a non-enum class');
      return;
    }
    if (this.handles.assign(H_ENUM, this.result, 0) < 0) {
      this.fail('limit', 'too many handles', 'maxHandles');
      return;
    }
    if (!this.need(1, 'enum constant name')) return;
    const tag = this.buf[this.pos++] as number;
    if (tag === TC_STRING || tag === TC_LONGSTRING) {
      this.readNewString(tag === TC_LONGSTRING, false);
    } else if (tag === TC_REFERENCE) {
      const h = this.readHandle();
      if (h < 0) return;
      if (this.handles.kindOf(h) !== H_STRING) {
        this.fail('bad-handle', 'enum constant name refers to a non-string');
        return;
      }
      this.st.references++;
    } else {
      this.pos--;
      this.fail('bad-tag', 'enum constant name is not a string');
      return;
    }
    if (this.stopped) return;
    this.st.enums++;
    if (desc.ref !== null) desc.ref.roles |= JavaRole.ENUM;
    this.popTask();
  }
  private stepException(t: Task): void {
    if (t.step === 0) {
      t.step = 1;
      this.beginObject();
      return;
    }
    // The reader throws WriteAbortedException: everything open is abandoned.
    this.resetHandles();
    this.st.exceptions++;
    this.stack.length = 1;
    this.depth = 0;
  }
  private skipBlockData(): void {
    let segments = 0;
    let first = -1;
    let firstLen = 0;
    let total = 0;
    let sawMagicByte = false;
    const runStart = this.pos;
    while (this.pos < this.end) {
      const tag = this.buf[this.pos] as number;
      let len: number;
      let hdr: number;
      if (tag === TC_BLOCKDATA) {
        if (!this.need(2, 'block data header')) return;
        len = this.buf[this.pos + 1] as number;
        hdr = 2;
      } else if (tag === TC_BLOCKDATALONG) {
        if (!this.need(5, 'block data header')) return;
        len = readI32(this.buf, this.pos + 1);
        hdr = 5;
        if (len < 0) {
          this.fail('bad-blockdata', 'negative block data length');
          return;
        }
      } else break;
      if (this.pos + hdr + len > this.end) {
        this.pos += hdr;
        this.truncated('block data');
        return;
      }
      const data = this.pos + hdr;
      if (first < 0) {
        first = data;
        firstLen = len;
      }
      if (this.findNested && len > 0 && !sawMagicByte && indexOfByte(this.buf, 0xac, data, data + len) >= 0) sawMagicByte = true;
      total += len;
      segments++;
      this.st.blockData++;
      this.pos = data + len;
      if (segments >= MAX_BLOCK_SEGMENTS) break;
    }
    this.addDataRange(runStart, this.pos);
    if (!this.findNested || !sawMagicByte || total < 4) return;
    if (segments === 1) {
      if (indexOfMagic(this.buf, first, first + firstLen) >= 0) this.addRegion(this.buf, first, first + firstLen, 'block-data', false, first, runStart, this.pos);
      return;
    }
    if (total > this.limits.maxBlockCopyBytes) return;
    const copy = new Uint8Array(total);
    let o = 0;
    let p = runStart;
    for (let s = 0; s < segments; s++) {
      const tag = this.buf[p] as number;
      const hdr = tag === TC_BLOCKDATA ? 2 : 5;
      const len = tag === TC_BLOCKDATA ? (this.buf[p + 1] as number) : readI32(this.buf, p + 1);
      copy.set(this.buf.subarray(p + hdr, p + hdr + len), o);
      o += len;
      p += hdr + len;
    }
    if (indexOfMagic(copy, 0, copy.length) >= 0) this.addRegion(copy, 0, copy.length, 'block-data', true, first, runStart, this.pos);
  }
  private inspectBytes(at: number, len: number): void {
    if (len < 4) return;
    const b = this.buf;
    if (b[at] === 0xca && b[at + 1] === 0xfe && b[at + 2] === 0xba && b[at + 3] === 0xbe) {
      if (this.classFiles.length < this.limits.maxClassFiles) this.classFiles.push(at);
    } else if (this.classFiles.length < this.limits.maxClassFiles && indexOfSeq(b, CLASS_FILE_MAGIC, at, at + len) >= 0) {
      // A class file that does not start the array (wrapped in a jar, a serialized byte[] ...).
      this.classFiles.push(at);
    }
    if (this.findNested && indexOfMagic(b, at, at + len) >= 0) this.addRegion(b, at, at + len, 'byte-array', false, at, at, at + len);
  }
  private addDataRange(from: number, to: number): void {
    if (to - from >= MIN_DATA_RANGE && this.dataRanges.length < MAX_DATA_RANGES) this.dataRanges.push({ from, to });
  }
  private addRegion(
    buf: Uint8Array,
    from: number,
    to: number,
    container: 'byte-array' | 'block-data',
    copied: boolean,
    offsetInParent: number,
    parentFrom: number,
    parentTo: number,
  ): void {
    if (this.regions.length >= this.limits.maxNested) return;
    this.regions.push({ buf, from, to, container, copied, offsetInParent, parentFrom, parentTo });
  }
  /**
   * Carve the stream's bytes (up to the next stream magic after where the walk
   * stopped) for descriptors the walk did not see. Primitive arrays and block
   * data (which hold the nested streams) are skipped: the JDK never reads a
   * descriptor from them, and random binary there would only add noise.
   */
  private carve(): void {
    const stopAt = Math.min(this.pos, this.end);
    const next = indexOfMagic(this.buf, stopAt, this.end);
    const to = next >= 0 ? next : this.end;
    this.st.carved = carveClassNames(this.buf, this.start + 4, to, this.classes, this.dataRanges, this.limits.maxNameChars);
  }
  private makeReport(): JavaStreamReport {
    const st: JavaStreamStats = { ...this.st };
    // A limit is only reached by well-formed content (garbage stops long before),
    // so a stream cut by a limit counts as valid and incomplete: fail closed.
    const valid =
      this.stop !== 'bad-magic' &&
      (st.plausibleDescriptors > 0 || (st.strings > 0 && st.descriptors === 0 && this.stop === 'end') || this.stop === 'limit');
    const boundary = this.stop === 'end' || this.stop === 'trailing-data' || this.stop === 'unexpected-endblockdata';
    const report: JavaStreamReport = {
      start: this.start,
      end: Math.min(this.pos, this.end),
      stop: this.stop,
      detail: this.detail,
      complete: this.complete && boundary,
      valid,
      classes: this.classes.snapshot(),
      classesTruncated: this.classes.truncated,
      stats: st,
      overlong: this.overlong,
      classFiles: this.classFiles,
      bytecodesField: this.bytecodesField,
      nested: [],
    };
    return this.limitName === undefined ? report : { ...report, limit: this.limitName };
  }
}

/** A tag that can start an object value (readObject0 at depth > 0). */
function isValueTag(tag: number): boolean {
  return tag >= TC_NULL && tag <= TC_ENUM && tag !== TC_BLOCKDATA && tag !== TC_ENDBLOCKDATA && tag !== TC_RESET && tag !== TC_BLOCKDATALONG;
}

/** A tag that can start an annotation item (object, block data or its end). */
function isAnnotationTag(tag: number): boolean {
  return tag >= TC_NULL && tag <= TC_ENUM && tag !== TC_RESET;
}
