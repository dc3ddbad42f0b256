/**
 * Class descriptors and strings of a Java stream: TC_CLASSDESC (name,
 * serialVersionUID, flags, field descriptors with their type strings),
 * TC_PROXYCLASSDESC (interface names), back-references to them, superclass
 * chains, and TC_STRING/TC_LONGSTRING values. Names are decoded as modified
 * UTF-8 (overlong forms included) and recorded in the class table.
 */
import {
  JDK_MAX_PROXY_INTERFACES,
  SC_ENUM,
  SC_EXTERNALIZABLE,
  SC_KNOWN_BITS,
  SC_SERIALIZABLE,
  SC_WRITE_METHOD,
  TC_CLASSDESC,
  TC_LONGSTRING,
  TC_NULL,
  TC_PROXYCLASSDESC,
  TC_REFERENCE,
  TC_STRING,
  primitiveSize,
} from './constants.js';
import type { MutableClassRef } from './class-table.js';
import { hex2 } from './bytes.js';
import { StreamCursor, T_ANNOT, T_DESC_SUPER, type Task } from './cursor.js';
import { H_DESC, H_STRING } from './handles.js';
import { decodeModifiedUtf8, validateModifiedUtf8 } from './mutf8.js';
import { arrayElement, fieldDescriptorClass, isPlausibleClassName } from './names.js';
import { JavaRole } from './report.js';

export interface Desc {
  readonly ref: MutableClassRef | null;
  readonly flags: number;
  readonly proxy: boolean;
  readonly primSize: number;
  readonly objFields: number;
  /** Element size for primitive arrays (0: elements are objects). */
  readonly elemPrimSize: number;
  readonly elemIsByte: boolean;
  /** -2: not yet read, -1: none, else a descriptor id. */
  superId: number;
  chain: number[] | null;
}

const MAX_FIELD_NAME_CHARS = 256;

export abstract class DescriptorReader extends StreamCursor {
  protected readonly descs: Desc[] = [];

  /** readClassDesc: sets `result` now (null/reference) or pushes tasks that set it. */
  protected readClassDesc(): void {
    if (this.pos >= this.end) {
      this.truncated('class descriptor');
      return;
    }
    const tag = this.buf[this.pos] as number;
    this.pos++;
    switch (tag) {
      case TC_NULL:
        this.result = -1;
        return;
      case TC_REFERENCE: {
        this.filterDepth(this.depth);
        const h = this.readHandle();
        if (h < 0) return;
        if (this.handles.kindOf(h) !== H_DESC) {
          this.fail('bad-handle', 'reference to a non-descriptor where a class descriptor was expected');
          return;
        }
        this.st.references++;
        const id = this.handles.aOf(h);
        this.useDesc(id);
        this.result = id;
        return;
      }
      case TC_CLASSDESC:
        this.filterDepth(this.depth);
        this.readNewClassDesc();
        return;
      case TC_PROXYCLASSDESC:
        this.filterDepth(this.depth);
        this.readNewProxyDesc();
        return;
      default:
        this.pos--;
        this.fail('bad-classdesc', `byte 0x${hex2(tag)} where a class descriptor was expected`);
    }
  }
  protected readNewClassDesc(): void {
    const nameLen = this.u16();
    if (nameLen < 0) return;
    const nameAt = this.pos;
    if (!this.need(nameLen, 'class name')) return;
    const name = decodeModifiedUtf8(this.buf, nameAt, nameLen, this.limits.maxNameChars);
    if (!name.ok) {
      this.pos = name.errorAt;
      this.fail('bad-utf', 'malformed modified UTF-8 in a class name');
      return;
    }
    this.pos += nameLen;
    if (!this.need(8, 'serialVersionUID')) return;
    let suidZero = true;
    for (let i = 0; i < 8; i++) if (this.buf[this.pos + i] !== 0) suidZero = false;
    this.pos += 8;
    const id = this.descs.length;
    if (this.handles.assign(H_DESC, id, 0) < 0) {
      this.fail('limit', 'too many handles', 'maxHandles');
      return;
    }
    if (!this.need(1, 'class flags')) return;
    const flags = this.buf[this.pos++] as number;
    const fieldCount = this.u16();
    if (fieldCount < 0) return;
    if ((flags & SC_SERIALIZABLE) !== 0 && (flags & SC_EXTERNALIZABLE) !== 0) {
      this.fail('bad-classdesc', 'serializable and externalizable flags conflict');
      return;
    }
    if ((flags & SC_ENUM) !== 0 && (!suidZero || fieldCount !== 0)) {
      this.fail('bad-classdesc', 'enum descriptor with a serialVersionUID or fields');
      return;
    }
    this.st.descriptors++;
    if (name.overlong) this.overlong = true;
    const ref = this.classes.note(name.value, nameAt, JavaRole.CLASSDESC, name.overlong, flags, name.truncated);
    let primSize = 0;
    let objFields = 0;
    for (let f = 0; f < fieldCount; f++) {
      if (++this.fieldTotal > this.limits.maxFields) {
        this.fail('limit', 'too many field descriptors', 'maxFields');
        return;
      }
      if (!this.need(1, 'field type')) return;
      const code = this.buf[this.pos++] as number;
      const fnLen = this.u16();
      if (fnLen < 0) return;
      const fnAt = this.pos;
      if (!this.need(fnLen, 'field name')) return;
      const fieldName = decodeModifiedUtf8(this.buf, fnAt, fnLen, MAX_FIELD_NAME_CHARS);
      if (!fieldName.ok) {
        this.pos = fieldName.errorAt;
        this.fail('bad-utf', 'malformed modified UTF-8 in a field name');
        return;
      }
      if (fieldName.overlong) this.overlong = true;
      this.pos += fnLen;
      if (fieldName.value === '_bytecodes') this.bytecodesField = true;
      if (code === 0x4c || code === 0x5b) {
        const typeAt = this.pos;
        const type = this.readTypeString();
        if (this.stopped) return;
        objFields++;
        const cls = fieldDescriptorClass(type);
        if (cls !== null) this.classes.note(cls, typeAt, JavaRole.FIELD_TYPE, false, -1, false);
      } else {
        const size = primitiveSize(code);
        if (size === 0) {
          this.fail('bad-classdesc', `unknown field type code 0x${hex2(code)}`);
          return;
        }
        if (objFields > 0) {
          this.fail('bad-classdesc', 'illegal field order');
          return;
        }
        primSize += size;
      }
    }
    let elemPrimSize = 0;
    let elemIsByte = false;
    if (name.value.charCodeAt(0) === 0x5b) {
      const el = arrayElement(name.value);
      if (el !== null && el.primitive && el.dims === 1) {
        elemPrimSize = primitiveSize(el.name.charCodeAt(0));
        elemIsByte = el.name === 'B';
      }
    }
    if ((flags & ~SC_KNOWN_BITS) === 0 && isPlausibleClassName(name.value)) this.st.plausibleDescriptors++;
    this.descs.push({ ref, flags, proxy: false, primSize, objFields, elemPrimSize, elemIsByte, superId: -2, chain: null });
    this.pushDescTail(id);
  }
  protected readNewProxyDesc(): void {
    const id = this.descs.length;
    if (this.handles.assign(H_DESC, id, 0) < 0) {
      this.fail('limit', 'too many handles', 'maxHandles');
      return;
    }
    const count = this.i32();
    if (this.stopped) return;
    if (count < 0 || count > JDK_MAX_PROXY_INTERFACES) {
      this.fail('bad-classdesc', 'proxy interface count out of range');
      return;
    }
    let plausible = count > 0;
    for (let i = 0; i < count; i++) {
      if (++this.fieldTotal > this.limits.maxFields) {
        this.fail('limit', 'too many proxy interfaces', 'maxFields');
        return;
      }
      const len = this.u16();
      if (len < 0) return;
      const at = this.pos;
      if (!this.need(len, 'proxy interface name')) return;
      const name = decodeModifiedUtf8(this.buf, at, len, this.limits.maxNameChars);
      if (!name.ok) {
        this.pos = name.errorAt;
        this.fail('bad-utf', 'malformed modified UTF-8 in a proxy interface name');
        return;
      }
      this.pos += len;
      if (name.overlong) this.overlong = true;
      if (!isPlausibleClassName(name.value)) plausible = false;
      this.classes.note(name.value, at, JavaRole.PROXY_INTERFACE, name.overlong, -1, name.truncated);
    }
    this.st.proxies++;
    if (plausible) this.st.plausibleDescriptors++;
    this.descs.push({ ref: null, flags: SC_SERIALIZABLE, proxy: true, primSize: 0, objFields: 0, elemPrimSize: 0, elemIsByte: false, superId: -2, chain: null });
    this.pushDescTail(id);
  }
  /**
   * After a new descriptor: its class annotation, then its superclass descriptor. As in the JDK's
   * readNonProxyDesc/readProxyDesc, a new descriptor counts as one object reference (maxrefs) and its
   * superclass descriptor is read one level deeper (maxdepth).
   */
  protected pushDescTail(id: number): void {
    this.st.refs++;
    const t = this.pushTask(T_DESC_SUPER, false);
    if (t === null) return;
    t.n = id;
    this.pushTask(T_ANNOT, false);
  }
  protected stepDescSuper(t: Task): void {
    if (t.step === 0) {
      t.step = 1;
      this.depth++;
      this.readClassDesc();
      return;
    }
    this.depth--;
    const desc = this.descs[t.n];
    if (desc !== undefined) {
      desc.superId = this.result;
      const sup = this.result >= 0 ? this.descs[this.result] : undefined;
      if (sup !== undefined && sup.ref !== null) sup.ref.roles |= JavaRole.SUPERCLASS;
    }
    this.result = t.n;
    this.popTask();
  }
  /** readTypeString: the JVM descriptor of an object field (new string or back-reference). */
  protected readTypeString(): string {
    if (!this.need(1, 'field type string')) return '';
    const tag = this.buf[this.pos++] as number;
    if (tag === TC_STRING || tag === TC_LONGSTRING) return this.readNewString(tag === TC_LONGSTRING, true);
    if (tag === TC_REFERENCE) {
      const h = this.readHandle();
      if (h < 0) return '';
      if (this.handles.kindOf(h) !== H_STRING) {
        this.fail('bad-handle', 'field type refers to a non-string');
        return '';
      }
      this.st.references++;
      const at = this.handles.aOf(h);
      const len = this.handles.bOf(h);
      return decodeModifiedUtf8(this.buf, at, len, this.limits.maxNameChars).value;
    }
    this.pos--;
    this.fail('bad-classdesc', 'field type is not a string');
    return '';
  }
  protected readNewString(long: boolean, wantValue: boolean): string {
    let len: number;
    if (long) {
      const hi = this.u32();
      if (hi < 0) return '';
      const lo = this.u32();
      if (lo < 0) return '';
      if (hi > 0x001fffff) {
        this.truncated('long string');
        return '';
      }
      len = hi * 0x100000000 + lo;
    } else {
      len = this.u16();
      if (len < 0) return '';
    }
    const at = this.pos;
    if (!this.need(len, 'string')) return '';
    let value = '';
    let overlong = false;
    if (wantValue) {
      const r = decodeModifiedUtf8(this.buf, at, len, this.limits.maxNameChars);
      if (!r.ok) {
        this.pos = r.errorAt;
        this.fail('bad-utf', 'malformed modified UTF-8 in a string');
        return '';
      }
      value = r.value;
      overlong = r.overlong;
    } else {
      const o = { overlong: false };
      const bad = validateModifiedUtf8(this.buf, at, len, o);
      if (bad >= 0) {
        this.pos = bad;
        this.fail('bad-utf', 'malformed modified UTF-8 in a string');
        return '';
      }
      overlong = o.overlong;
    }
    if (this.handles.assign(H_STRING, at, len) < 0) {
      this.fail('limit', 'too many handles', 'maxHandles');
      return '';
    }
    this.pos += len;
    this.st.strings++;
    if (overlong) {
      this.st.overlongStrings++;
      this.overlong = true;
    }
    return value;
  }
  /** Descriptor ids with class data, superclass first. Cached once the chain is fully read. */
  protected dataChain(id: number): number[] | null {
    const top = this.descs[id] as Desc;
    if (top.chain !== null) return top.chain;
    const ids: number[] = [];
    let complete = true;
    let cur = id;
    while (cur >= 0) {
      if (ids.length >= this.limits.maxChain) {
        this.fail('limit', 'superclass chain too long', 'maxChain');
        return null;
      }
      ids.push(cur);
      const d = this.descs[cur] as Desc;
      if (d.superId === -2) complete = false;
      cur = d.superId;
    }
    const chain: number[] = [];
    for (let i = ids.length - 1; i >= 0; i--) {
      const d = this.descs[ids[i] as number] as Desc;
      if (d.proxy) continue;
      if (d.primSize > 0 || d.objFields > 0 || (d.flags & SC_WRITE_METHOD) !== 0) chain.push(ids[i] as number);
    }
    if (complete) top.chain = chain;
    return chain;
  }
  protected useDesc(id: number): void {
    const d = this.descs[id];
    if (d !== undefined && d.ref !== null) d.ref.uses++;
  }
}
