/**
 * ObjectStateFormatter / LosFormatter token walker for decoded `__VIEWSTATE`
 * (and `__EVENTVALIDATION`, `__VIEWSTATE` fragments ...) bytes that start with
 * `FF 01`. Iterative (explicit stack of pending value counts), bounded. It
 * reports Token_BinarySerialized (0x32) blobs, whose payload ASP.NET hands to
 * BinaryFormatter, and every type name the stream references (Token_Type,
 * TypeRefAdd(Local), IntEnum, StringFormatted, Array/SparseArray element
 * types). Trailing bytes after a complete state (the MAC) are not an error.
 */
import { asBuffer, ByteCursor } from './bytes.js';

/** Token values of System.Web.UI.ObjectStateFormatter. */
export const VsToken = {
  Int16: 1,
  Int32: 2,
  Byte: 3,
  Char: 4,
  String: 5,
  DateTime: 6,
  Double: 7,
  Single: 8,
  Color: 9,
  KnownColor: 10,
  IntEnum: 11,
  EmptyColor: 12,
  Pair: 15,
  Triplet: 16,
  Array: 20,
  StringArray: 21,
  ArrayList: 22,
  Hashtable: 23,
  HybridDictionary: 24,
  Type: 25,
  Unit: 27,
  EmptyUnit: 28,
  EventValidationStore: 29,
  IndexedStringAdd: 30,
  IndexedString: 31,
  StringFormatted: 40,
  TypeRefAdd: 41,
  TypeRefAddLocal: 42,
  TypeRef: 43,
  BinarySerialized: 50,
  SparseArray: 60,
  Null: 100,
  EmptyString: 101,
  ZeroInt32: 102,
  True: 103,
  False: 104,
} as const;

export const VIEWSTATE_MARKER = Uint8Array.of(0xff, 0x01);
/** EventValidationStore entries are 16-byte hashes. */
const EVENT_VALIDATION_HASH = 16;

export interface ViewStateLimits {
  readonly maxBytes: number;
  readonly maxTokens: number;
  readonly maxDepth: number;
  readonly maxTypeNames: number;
  readonly maxBlobs: number;
  readonly maxNameBytes: number;
}

export const VIEWSTATE_DEFAULT_LIMITS: ViewStateLimits = {
  maxBytes: 8 * 1024 * 1024,
  maxTokens: 500_000,
  maxDepth: 128,
  maxTypeNames: 256,
  maxBlobs: 32,
  maxNameBytes: 2048,
};

export interface ViewStateTypeName {
  readonly name: string;
  readonly offset: number;
}

export interface ViewStateBlob {
  /** Offset of the blob's first byte (after the length) in the input. */
  readonly offset: number;
  /** Declared length. */
  readonly length: number;
  /** The blob bytes present in the input (shorter than `length` when truncated); a view, not a copy. */
  readonly bytes: Uint8Array;
  /** Offset of the 0x32 token. */
  readonly tokenOffset: number;
}

export type ViewStateStop =
  | 'complete'
  | 'not-viewstate'
  | 'truncated'
  | 'bad-token'
  | 'bad-value'
  | 'limit-bytes'
  | 'limit-tokens'
  | 'limit-depth';

export interface ViewStateReport {
  readonly complete: boolean;
  readonly stop: ViewStateStop;
  readonly stopOffset: number;
  readonly detail: string;
  /** Offset just after the state (the MAC, if any, starts here when complete). */
  readonly end: number;
  readonly tokens: number;
  readonly blobs: readonly ViewStateBlob[];
  readonly typeNames: readonly ViewStateTypeName[];
}

interface Frame {
  remaining: number;
  /** SparseArray: every value is preceded by its index. */
  readonly sparse: boolean;
}

class ViewStateWalker {
  private readonly cur: ByteCursor;
  private readonly stack: Frame[] = [];
  private tokenStart = 0;
  stop: ViewStateStop = 'truncated';
  stopOffset = 0;
  detail = '';
  complete = false;
  tokens = 0;
  readonly blobs: ViewStateBlob[] = [];
  readonly typeNames: ViewStateTypeName[] = [];

  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly lim: ViewStateLimits,
  ) {
    const end = Math.min(buf.length, start + Math.max(0, lim.maxBytes));
    this.cur = new ByteCursor(buf, start, Math.max(start, end));
  }

  get end(): number {
    return this.cur.pos;
  }

  private fail(stop: ViewStateStop, detail: string): false {
    this.stop = stop;
    this.detail = detail;
    this.stopOffset = this.tokenStart;
    return false;
  }

  private cursorFail(what: string): false {
    const f = this.cur.failure ?? 'truncated';
    return this.fail(f, `${f === 'truncated' ? 'data ends inside' : 'parse window ends inside'} ${what}`);
  }

  run(): void {
    const cur = this.cur;
    this.tokenStart = cur.pos;
    if (cur.u8() !== 0xff || cur.u8() !== 0x01 || !cur.ok) {
      this.fail('not-viewstate', 'no FF 01 marker');
      return;
    }
    this.stack.push({ remaining: 1, sparse: false });
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (!top) {
        this.complete = true;
        this.stop = 'complete';
        this.detail = 'complete state';
        this.stopOffset = cur.pos;
        return;
      }
      if (top.remaining <= 0) {
        this.stack.pop();
        continue;
      }
      if (++this.tokens > this.lim.maxTokens) {
        this.fail('limit-tokens', `more than ${this.lim.maxTokens} tokens`);
        return;
      }
      top.remaining--;
      this.tokenStart = cur.pos;
      if (top.sparse) {
        const index = cur.varint();
        if (!cur.ok) return void this.cursorFail('a sparse array index');
        if (index < 0) return void this.fail('bad-value', 'invalid sparse array index');
      }
      this.tokenStart = cur.pos;
      const token = cur.u8();
      if (!cur.ok) return void this.cursorFail('a token');
      if (!this.value(token)) return;
    }
  }

  private push(count: number, sparse = false): boolean {
    if (count < 0) return this.fail('bad-value', 'invalid count');
    if (count === 0) return true;
    // every value takes at least one byte
    if (!this.cur.need(count)) return this.cursorFail('a collection');
    if (this.stack.length >= this.lim.maxDepth) return this.fail('limit-depth', `nesting deeper than ${this.lim.maxDepth}`);
    this.stack.push({ remaining: count, sparse });
    return true;
  }

  /** The value that follows `token`. Containers push their element counts. */
  private value(token: number): boolean {
    const cur = this.cur;
    switch (token) {
      case VsToken.Int16:
        return cur.skip(2) || this.cursorFail('an Int16');
      case VsToken.Int32:
      case VsToken.KnownColor:
        return this.varint('an Int32') >= 0;
      case VsToken.Byte:
        return cur.skip(1) || this.cursorFail('a Byte');
      case VsToken.Char:
        return this.utf8Char();
      case VsToken.String:
      case VsToken.IndexedStringAdd:
        return this.string(false);
      case VsToken.IndexedString:
        return cur.skip(1) || this.cursorFail('an indexed string');
      case VsToken.DateTime:
      case VsToken.Double:
        return cur.skip(8) || this.cursorFail('a DateTime/Double');
      case VsToken.Single:
      case VsToken.Color:
        return cur.skip(4) || this.cursorFail('a Single/Color');
      case VsToken.Unit:
        return cur.skip(12) || this.cursorFail('a Unit');
      case VsToken.EmptyColor:
      case VsToken.EmptyUnit:
      case VsToken.Null:
      case VsToken.EmptyString:
      case VsToken.ZeroInt32:
      case VsToken.True:
      case VsToken.False:
        return true;
      case VsToken.IntEnum:
        return this.type() && this.varint('an enum value') >= 0;
      case VsToken.Pair:
        return this.push(2);
      case VsToken.Triplet:
        return this.push(3);
      case VsToken.Array: {
        if (!this.type()) return false;
        const n = this.varint('an array length');
        return n >= 0 && this.push(n);
      }
      case VsToken.ArrayList: {
        const n = this.varint('a list length');
        return n >= 0 && this.push(n);
      }
      case VsToken.Hashtable:
      case VsToken.HybridDictionary: {
        const n = this.varint('a dictionary size');
        return n >= 0 && this.push(n * 2);
      }
      case VsToken.StringArray: {
        const n = this.varint('a string array length');
        if (n < 0) return false;
        if (!cur.need(n)) return this.cursorFail('a string array');
        for (let i = 0; i < n; i++) {
          if (++this.tokens > this.lim.maxTokens) return this.fail('limit-tokens', `more than ${this.lim.maxTokens} tokens`);
          if (!this.string(false)) return false;
        }
        return true;
      }
      case VsToken.Type:
        return this.type();
      case VsToken.StringFormatted:
        // a TypeConverter of the named type parses the string
        return this.type() && this.string(false);
      case VsToken.EventValidationStore: {
        const version = cur.u8();
        if (!cur.ok) return this.cursorFail('an EventValidationStore');
        if (version !== 0) return this.fail('bad-value', 'unknown EventValidationStore version');
        const n = this.varint('an EventValidationStore count');
        if (n < 0) return false;
        return cur.skip(n * EVENT_VALIDATION_HASH) || this.cursorFail('an EventValidationStore');
      }
      case VsToken.BinarySerialized:
        return this.binarySerialized();
      case VsToken.SparseArray: {
        if (!this.type()) return false;
        const count = this.varint('a sparse array length');
        if (count < 0) return false;
        const items = this.varint('a sparse array item count');
        if (items < 0) return false;
        if (items > count) return this.fail('bad-value', 'sparse array item count exceeds its length');
        return this.push(items, true);
      }
      default:
        return this.fail('bad-token', `unknown token ${token}`);
    }
  }

  private varint(what: string): number {
    const v = this.cur.varint();
    if (!this.cur.ok) {
      this.cursorFail(what);
      return -1;
    }
    if (v < 0) {
      this.fail('bad-value', `invalid value in ${what}`);
      return -1;
    }
    return v;
  }

  private utf8Char(): boolean {
    const lead = this.cur.u8();
    if (!this.cur.ok) return this.cursorFail('a Char');
    const extra = lead < 0xc0 ? 0 : lead < 0xe0 ? 1 : lead < 0xf0 ? 2 : lead < 0xf8 ? 3 : 0;
    return this.cur.skip(extra) || this.cursorFail('a Char');
  }

  /** A BinaryWriter string; with `asType`, its (capped) text is recorded as a type name. */
  private string(asType: boolean): boolean {
    const len = this.varint('a string length');
    if (len < 0) return false;
    const at = this.cur.pos;
    if (!this.cur.skip(len)) return this.cursorFail('a string');
    if (asType) {
      if (this.typeNames.length < this.lim.maxTypeNames) {
        const name = this.buf.toString('utf8', at, at + Math.min(len, this.lim.maxNameBytes));
        this.typeNames.push({ name, offset: at });
      }
    }
    return true;
  }

  /** DeserializeType: TypeRef index, or TypeRefAdd/TypeRefAddLocal with a type name. */
  private type(): boolean {
    const token = this.cur.u8();
    if (!this.cur.ok) return this.cursorFail('a type reference');
    if (token === VsToken.TypeRef) return this.varint('a type reference index') >= 0;
    if (token === VsToken.TypeRefAdd || token === VsToken.TypeRefAddLocal) return this.string(true);
    return this.fail('bad-token', `invalid type token ${token}`);
  }

  private binarySerialized(): boolean {
    const tokenOffset = this.tokenStart;
    const len = this.varint('a BinarySerialized length');
    if (len < 0) return false;
    const at = this.cur.pos;
    // ASP.NET reads what is there (ReadBytes may return fewer bytes) and deserializes it.
    const present = Math.min(len, this.buf.length - at);
    if (this.blobs.length < this.lim.maxBlobs) {
      this.blobs.push({ offset: at, length: len, bytes: this.buf.subarray(at, at + present), tokenOffset });
    }
    return this.cur.skip(len) || this.cursorFail('a BinarySerialized blob');
  }
}

/**
 * Walk an ObjectStateFormatter stream starting at `start` (which must hold
 * `FF 01`). Never throws; blobs and type names seen before a stop are kept.
 */
export function parseViewState(
  buf: Uint8Array,
  start = 0,
  limits: Partial<ViewStateLimits> = {},
): ViewStateReport {
  const lim: ViewStateLimits = { ...VIEWSTATE_DEFAULT_LIMITS, ...limits };
  const walker = new ViewStateWalker(asBuffer(buf), Math.max(0, start), lim);
  walker.run();
  return {
    complete: walker.complete,
    stop: walker.stop,
    stopOffset: walker.stopOffset,
    detail: walker.detail,
    end: walker.end,
    tokens: walker.tokens,
    blobs: walker.blobs,
    typeNames: walker.typeNames,
  };
}
