/**
 * Class-name shapes inside a Java stream: array binary names (`[Ljava.lang.String;`,
 * `[[B`), JVM field descriptors (`Ljava/lang/Runtime;`) and a plausibility test
 * used to decide whether bytes after `AC ED 00 05` really are a stream.
 * Operates on already decoded, length-capped strings; no RegExp.
 */

/** The element of an array class name: a class name, or a primitive type code. */
export interface ArrayElement {
  /** Dotted class name, or the one-letter primitive code (`B`, `I` ...). */
  readonly name: string;
  readonly primitive: boolean;
  /** Number of leading `[`. */
  readonly dims: number;
}

const PRIMITIVE_CODES = 'BCDFIJSZ';

/**
 * Element type of an array class name (`[Ljava.lang.String;` -> java.lang.String,
 * `[[I` -> I). Returns null when `name` is not an array name. Slashes are
 * turned into dots (field descriptors use slashes).
 */
export function arrayElement(name: string): ArrayElement | null {
  let dims = 0;
  while (dims < name.length && name.charCodeAt(dims) === 0x5b) dims++;
  if (dims === 0) return null;
  const rest = name.slice(dims);
  if (rest.length === 1 && PRIMITIVE_CODES.includes(rest)) return { name: rest, primitive: true, dims };
  if (rest.length >= 2 && rest.charCodeAt(0) === 0x4c && rest.charCodeAt(rest.length - 1) === 0x3b) {
    return { name: slashesToDots(rest.slice(1, -1)), primitive: false, dims };
  }
  // Not a JVM array name; the JDK would not resolve it. Report the remainder as a class.
  return { name: slashesToDots(rest), primitive: false, dims };
}

/**
 * The class a field type descriptor names: `Ljava/lang/Runtime;` -> java.lang.Runtime,
 * `[Ljava/lang/Object;` -> java.lang.Object, `[I` -> null (primitive).
 */
export function fieldDescriptorClass(descriptor: string): string | null {
  if (descriptor.length === 0) return null;
  const first = descriptor.charCodeAt(0);
  if (first === 0x5b) {
    const el = arrayElement(descriptor);
    return el === null || el.primitive || el.name.length === 0 ? null : el.name;
  }
  if (first === 0x4c && descriptor.length >= 3 && descriptor.charCodeAt(descriptor.length - 1) === 0x3b) {
    return slashesToDots(descriptor.slice(1, -1));
  }
  return null;
}

export function slashesToDots(s: string): string {
  return s.includes('/') ? s.split('/').join('.') : s;
}

/**
 * True when `name` looks like a JVM binary class name or array name: non-empty,
 * no control characters, spaces or characters the JVM forbids in names
 * (`/` is allowed only in field descriptors, not here).
 */
export function isPlausibleClassName(name: string): boolean {
  const n = name.length;
  if (n === 0 || n > 4096) return false;
  if (name.charCodeAt(0) !== 0x5b) return plausibleBinaryName(name);
  const el = arrayElement(name);
  if (el === null) return false;
  if (el.primitive) return true;
  if (name.charCodeAt(el.dims) !== 0x4c) return false;
  return el.name.charCodeAt(0) !== 0x5b && plausibleBinaryName(el.name);
}

function plausibleBinaryName(name: string): boolean {
  const n = name.length;
  if (n === 0) return false;
  let prevDot = true;
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2e) {
      if (prevDot) return false;
      prevDot = true;
      continue;
    }
    prevDot = false;
    if (c < 0x21 || c === 0x7f) return false;
    if (c === 0x2f || c === 0x3b || c === 0x5b || c === 0x3c || c === 0x3e) return false; // / ; [ < >
  }
  return !prevDot;
}
