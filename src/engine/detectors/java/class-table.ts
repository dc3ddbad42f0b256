/**
 * Records the class names a stream names, once per name, with their roles,
 * first offset, overlong flag and use count. Capped: past `max` names the
 * table only notes that it was truncated.
 */
import { arrayElement } from './names.js';
import { JavaRole, type JavaClassRef } from './report.js';

export interface MutableClassRef {
  name: string;
  offset: number;
  roles: number;
  descriptorOnly: boolean;
  overlong: boolean;
  uses: number;
  flags: number;
  element?: string;
  elementPrimitive?: boolean;
  truncated: boolean;
}

export class ClassTable {
  readonly list: MutableClassRef[] = [];
  truncated = false;
  private readonly byName = new Map<string, MutableClassRef>();

  constructor(private readonly max: number) {}

  /** Record one occurrence of `name` in `role`; returns the entry (null when the table is full). */
  note(name: string, offset: number, role: number, overlong: boolean, flags: number, truncatedName: boolean): MutableClassRef | null {
    let ref = this.byName.get(name);
    if (ref === undefined) {
      if (this.list.length >= this.max) {
        this.truncated = true;
        return null;
      }
      ref = { name, offset, roles: 0, descriptorOnly: true, overlong: false, uses: 0, flags, truncated: truncatedName };
      if (name.charCodeAt(0) === 0x5b) {
        const el = arrayElement(name);
        if (el !== null) {
          ref.element = el.name;
          ref.elementPrimitive = el.primitive;
        }
      }
      this.byName.set(name, ref);
      this.list.push(ref);
    }
    ref.roles |= role;
    if (role !== JavaRole.FIELD_TYPE) {
      ref.descriptorOnly = false;
      ref.uses++;
      if (ref.flags === -1 && flags !== -1) ref.flags = flags;
    }
    if (overlong) ref.overlong = true;
    return ref;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  snapshot(): readonly JavaClassRef[] {
    return this.list;
  }
}
