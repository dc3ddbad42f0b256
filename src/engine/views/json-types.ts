/**
 * Polymorphic-typing shapes in JSON, reported without judging them.
 *
 * Consumes JSON tokenizer events (keys are compared after unescaping, so
 * `"\u0040type"` is `@type`) and reports:
 *  - type keys `@type`, `@class`, `@c`, `$type`, `__type`, `$types` with their
 *    string value (fastjson, Jackson Id.CLASS/MINIMAL_CLASS, Json.NET,
 *    JavaScriptSerializer/DataContractJsonSerializer, fastJSON .NET);
 *    ASCII case variants are reported too, flagged `exactKey: false`;
 *  - the keys of a `$types` object (fastJSON .NET: class names are the keys);
 *  - Jackson default-typing wrapper arrays: a two-element array whose first
 *    element is a string (`["com.x.Y", {...}]`, or a scalar argument for
 *    delegating constructors), reported when the array closes;
 *  - prototype-pollution keys `__proto__`, `constructor`, `prototype`.
 * The judges (Java/.NET class lists) are wired by the engine to `onShape`.
 * State is a stack bounded by the tokenizer's depth limit; class names are
 * capped at `maxNameBytes`.
 */
import type { JsonHandlers, JsonPointer, JsonStringRaw } from './json.js';

export type JsonTypeShapeKind = 'type-key' | 'types-map-key' | 'wrapper-array' | 'proto-key';

export interface JsonTypeShape {
  readonly kind: JsonTypeShapeKind;
  /** The key as written after unescaping (`@type`, `$types`, `__proto__` ...); absent for wrapper arrays. */
  readonly key?: string;
  /** False when the key matched a type key only ASCII-case-insensitively. */
  readonly exactKey?: boolean;
  /** The class/type name (string value, `$types` key, or wrapper first element); capped. */
  readonly className?: string;
  readonly truncated?: boolean;
  /** JSON pointer of the value carrying the class name (or of the key's object for proto keys). */
  readonly pointer: string;
  /** Byte offset of the class-name string (or key) in the JSON input. */
  readonly offset: number;
}

export const TYPE_KEYS: readonly string[] = ['@type', '@class', '@c', '$type', '__type', '$types'];
export const PROTO_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
export const DEFAULT_MAX_NAME_BYTES = 1024;

const TYPE_KEY_SET = new Set(TYPE_KEYS);
/** First characters of the type keys (`@`, `$`, `_`): only such keys are compared case-insensitively. */
const TYPE_KEY_FIRST = new Set(TYPE_KEYS.map((k) => k.charCodeAt(0)));

/**
 * Could bytes[s, e) be a Java class name (the first element of a wrapper array)?
 * At least 3 bytes, an identifier start (or `[` / `L` array and descriptor forms),
 * and a `.` or `/` somewhere: "a", "b", "item 3" are not.
 */
function classShaped(b: Uint8Array, s: number, e: number): boolean {
  if (e - s < 3) return false;
  const c = b[s]!;
  if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x24 || c === 0x5b)) return false;
  for (let i = s + 1; i < e; i++) {
    const x = b[i]!;
    if (x === 0x2e || x === 0x2f) return true;
    if (x === 0x20) return false;
  }
  return false;
}
const PROTO_KEY_SET = new Set(PROTO_KEYS);

// Frame kinds.
const F_OBJECT = 0;
const F_ARRAY = 1;
const F_TYPES_MAP = 2;

// Wrapper-array progress (arrays only).
const W_START = 0; // nothing seen yet
const W_FIRST_STRING = 1; // element 0 was a string
const W_SECOND = 2; // ... and there is an element 1 (reported on close if there is no element 2)
const W_DONE = 3;

interface Frame {
  kind: number;
  wrapper: number;
  first: string;
  firstTruncated: boolean;
  firstOffset: number;
}

function lowerAscii(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c | 0x20) : s[i];
  }
  return out;
}

/** A string value as a byte range (no view is allocated unless it is needed). */
interface Str {
  readonly bytes: Uint8Array;
  readonly s: number;
  readonly e: number;
}

function decodeCapped(str: Str, max: number): { text: string; truncated: boolean } {
  const len = str.e - str.s;
  const truncated = len > max;
  const n = truncated ? max : len;
  return { text: Buffer.from(str.bytes.buffer, str.bytes.byteOffset + str.s, n).toString('utf8'), truncated };
}

export class JsonTypeWatcher {
  /** Handlers to give to a JsonTokenizer (alone or through composeJsonHandlers). */
  readonly handlers: JsonHandlers;
  private readonly onShape: (shape: JsonTypeShape) => void;
  private readonly maxName: number;
  private readonly frames: Frame[] = [];
  private depth = 0;
  /** A type key waiting for its value: the key, and whether it matched exactly. */
  private pendingKey: string | undefined;
  private pendingExact = true;
  private pendingLevel = -1;

  constructor(onShape: (shape: JsonTypeShape) => void, maxNameBytes: number = DEFAULT_MAX_NAME_BYTES) {
    this.onShape = onShape;
    this.maxName = maxNameBytes;
    this.handlers = {
      onOpen: (p, kind) => this.open(p, kind === 'array'),
      onClose: (p) => this.close(p),
      onKey: (p, key, raw) => this.key(p, key, raw),
      onStringBytes: (p, bytes, s, e, raw) => this.scalar(p, bytes, s, e, raw.start - 1),
      onNumber: (p, _t, start) => this.scalar(p, undefined, 0, 0, start),
      onLiteral: (p, _v, start) => this.scalar(p, undefined, 0, 0, start),
    };
  }

  private frame(level: number): Frame {
    let f = this.frames[level];
    if (f === undefined) {
      f = { kind: F_OBJECT, wrapper: W_DONE, first: '', firstTruncated: false, firstOffset: 0 };
      this.frames[level] = f;
    }
    return f;
  }

  /**
   * Wrapper-array bookkeeping for a value at `p` inside the current frame:
   * element 0 must be a string, element 1 an object or array.
   */
  private element(p: JsonPointer, container: boolean, bytes: Uint8Array | undefined, s: number, e: number, offset: number): void {
    const level = this.depth;
    if (level === 0) return;
    const parent = this.frame(level);
    if (parent.kind !== F_ARRAY || parent.wrapper === W_DONE) return;
    const idx = p.last;
    if (idx === 0 && bytes !== undefined) {
      // Only strings shaped like a class name can make a wrapper array; skip decoding the rest.
      if (!classShaped(bytes, s, e)) {
        parent.wrapper = W_DONE;
        return;
      }
      const { text, truncated } = decodeCapped({ bytes, s, e }, this.maxName);
      parent.wrapper = W_FIRST_STRING;
      parent.first = text;
      parent.firstTruncated = truncated;
      parent.firstOffset = offset;
      return;
    }
    // The second element may be a bean (object), an array, or a scalar for delegating
    // constructors (CVE-2017-17485: ["...FileSystemXmlApplicationContext", "http://..."]).
    // A wrapper has exactly two elements: it is reported when the array closes.
    if (idx === 1 && parent.wrapper === W_FIRST_STRING) {
      parent.wrapper = W_SECOND;
      return;
    }
    parent.wrapper = W_DONE;
  }

  private open(p: JsonPointer, array: boolean): void {
    this.element(p, true, undefined, 0, 0, 0);
    const typesMap = !array && this.pendingKey === '$types' && this.pendingLevel === this.depth;
    this.pendingKey = undefined;
    this.depth++;
    const f = this.frame(this.depth);
    f.kind = array ? F_ARRAY : typesMap ? F_TYPES_MAP : F_OBJECT;
    f.wrapper = array ? W_START : W_DONE;
    f.first = '';
    f.firstTruncated = false;
    f.firstOffset = 0;
  }

  private close(p: JsonPointer): void {
    this.pendingKey = undefined;
    if (this.depth === 0) return;
    const f = this.frame(this.depth);
    if (f.kind === F_ARRAY && f.wrapper === W_SECOND) {
      this.onShape({ kind: 'wrapper-array', className: f.first, truncated: f.firstTruncated, pointer: p.toString(), offset: f.firstOffset });
    }
    this.depth--;
  }

  private key(parent: JsonPointer, key: string, raw: JsonStringRaw): void {
    const f = this.depth > 0 ? this.frame(this.depth) : undefined;
    if (f !== undefined && f.kind === F_TYPES_MAP) {
      const truncated = key.length > this.maxName;
      this.onShape({
        kind: 'types-map-key',
        key: '$types',
        className: truncated ? key.slice(0, this.maxName) : key,
        truncated,
        pointer: parent.toString(),
        offset: raw.start - 1,
      });
    }
    this.pendingKey = undefined;
    if (TYPE_KEY_SET.has(key)) {
      this.pendingKey = key;
      this.pendingExact = true;
      this.pendingLevel = this.depth;
    } else if (key.length >= 2 && key.length <= 8 && TYPE_KEY_FIRST.has(key.charCodeAt(0))) {
      const folded = lowerAscii(key);
      if (folded !== key && TYPE_KEY_SET.has(folded)) {
        this.pendingKey = folded;
        this.pendingExact = false;
        this.pendingLevel = this.depth;
      }
    }
    if (PROTO_KEY_SET.has(key)) {
      this.onShape({ kind: 'proto-key', key, pointer: parent.toString(), offset: raw.start - 1 });
    }
  }

  private scalar(p: JsonPointer, bytes: Uint8Array | undefined, s: number, e: number, offset: number): void {
    this.element(p, false, bytes, s, e, offset);
    const key = this.pendingKey;
    if (key === undefined) return;
    this.pendingKey = undefined;
    if (bytes === undefined || this.pendingLevel !== this.depth) return;
    const { text, truncated } = decodeCapped({ bytes, s, e }, this.maxName);
    this.onShape({ kind: 'type-key', key, exactKey: this.pendingExact, className: text, truncated, pointer: p.toString(), offset });
  }
}

/** Pointer of the parent of `p` (drop the last segment). */
function pointerUp(p: JsonPointer): string {
  const s = p.toString();
  const cut = s.lastIndexOf('/');
  return cut <= 0 ? '' : s.slice(0, cut);
}
