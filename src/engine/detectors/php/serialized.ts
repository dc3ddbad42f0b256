/**
 * Iterative parser for PHP's serialize() format, following the grammar of
 * php-src `ext/standard/var_unserializer.re`: `N;`, `b:`, `i:`, `d:`,
 * `r:`/`R:`, `s:<len>:"...";` (length-counted, binary safe), `S:` (hex
 * escapes), `a:<n>:{...}`, `O:<len>:"Class":<n>:{...}`,
 * `C:<len>:"Class":<len>:{raw}` and `E:<len>:"Class:Case";`. Lengths and
 * counts accept PHP 5's leading `+` (`O:+8:`). Containers use an explicit
 * stack; the parser never throws and says where and why it stopped.
 */
import { scanEscaped } from './escaped.js';
import {
  COLON, LBRACE, QUOTE, RBRACE, SEMI, SYNTAX, TRUNCATED, readQuotedName, readUiv, scratch, skipDouble, skipIv, validClassName,
} from './tokens.js';

export interface PhpParseLimits {
  /** Maximum nesting of arrays and objects. */
  readonly maxDepth: number;
  /** Maximum number of values (keys count as values). */
  readonly maxItems: number;
  /** Maximum object headers recorded in one result (the count goes on). */
  readonly maxObjects: number;
  /** Maximum nested regions (escaped strings, custom payloads) recorded. */
  readonly maxNested: number;
}

export const PHP_PARSE_LIMITS: PhpParseLimits = {
  maxDepth: 256,
  maxItems: 200_000,
  maxObjects: 256,
  maxNested: 1024,
};

export type PhpParseStatus = 'ok' | 'truncated' | 'syntax' | 'limit';

export interface PhpObjectHeader {
  /** `O` (object) or `C` (Serializable custom object). */
  readonly kind: 'O' | 'C';
  /** Offset of the `O`/`C` byte. */
  readonly offset: number;
  readonly nameStart: number;
  readonly nameEnd: number;
  /** True once the closing `}` was read (PHP destructs only complete objects). */
  readonly complete: boolean;
}

/** A region whose bytes may hold further serialized data. */
export interface PhpNestedRegion {
  /** `escaped`: raw bytes of an `S:` string with `\xx` escapes; `custom`: a `C:` payload. */
  readonly kind: 'escaped' | 'custom';
  readonly start: number;
  readonly end: number;
}

export interface PhpParseResult {
  readonly status: PhpParseStatus;
  readonly start: number;
  /** After the value when `ok`, else where parsing stopped. */
  readonly end: number;
  /** Why parsing stopped (`ok` when it did not fail). */
  readonly reason: string;
  readonly objects: readonly PhpObjectHeader[];
  /** Objects seen, including those beyond `maxObjects`. */
  readonly objectCount: number;
  readonly completeObjects: number;
  readonly nested: readonly PhpNestedRegion[];
  /** True when more nested regions existed than `maxNested` (the caller must fail closed). */
  readonly nestedOverflow: boolean;
  readonly items: number;
}

interface Frame {
  /** Values still expected (keys and values); odd/even tells key from value. */
  remaining: number;
  /** Index into the object list, or -1 for arrays and unrecorded objects. */
  object: number;
  /** True for `O:` frames (counted when complete even if unrecorded). */
  isObject: boolean;
}

interface MutableHeader {
  kind: 'O' | 'C';
  offset: number;
  nameStart: number;
  nameEnd: number;
  complete: boolean;
}

/**
 * Parses one serialized value starting at `start`, reading no byte at or
 * after `end`. `seen`, when given, receives the offset of every nested
 * value that begins with `O`, `C`, `a`, `s` or `S` (so a caller scanning
 * trigger hits can skip values already parsed).
 */
export function parsePhpSerialized(
  b: Uint8Array,
  start: number,
  end: number = b.length,
  limits: PhpParseLimits = PHP_PARSE_LIMITS,
  seen?: Set<number>,
): PhpParseResult {
  const frames: Frame[] = [];
  const objects: MutableHeader[] = [];
  const nested: PhpNestedRegion[] = [];
  let objectCount = 0;
  let completeObjects = 0;
  let nestedOverflow = false;
  let items = 0;
  let pos = start;

  const stop = (status: PhpParseStatus, reason: string, at: number): PhpParseResult => ({
    status, start, end: at, reason, objects, objectCount, completeObjects, nested, nestedOverflow, items,
  });
  const fail = (code: number, what: string, at: number): PhpParseResult =>
    code === TRUNCATED ? stop('truncated', `input ends inside ${what}`, at) : stop('syntax', `malformed ${what}`, at);
  const addNested = (kind: PhpNestedRegion['kind'], s: number, e: number): void => {
    if (nested.length < limits.maxNested) nested.push({ kind, start: s, end: e });
    else nestedOverflow = true;
  };

  for (;;) {
    const top = frames[frames.length - 1];
    if (top !== undefined && top.remaining === 0) {
      if (pos >= end) return stop('truncated', 'input ends before }', pos);
      if (b[pos] !== RBRACE) return stop('syntax', 'expected } after the last element', pos);
      pos++;
      frames.pop();
      if (top.isObject) {
        completeObjects++;
        const header = top.object >= 0 ? objects[top.object] : undefined;
        if (header !== undefined) header.complete = true;
      }
      if (frames.length === 0) return stop('ok', 'ok', pos);
      continue;
    }
    if (pos >= end) return stop('truncated', 'input ends before a value', pos);
    if (++items > limits.maxItems) return stop('limit', `more than ${limits.maxItems} values`, pos);
    const t = b[pos] ?? 0;
    const isKey = top !== undefined && top.remaining % 2 === 0;
    if (isKey && t !== 0x69 && t !== 0x73 && t !== 0x53) return stop('syntax', 'array/object key is not i:, s: or S:', pos);
    if (top !== undefined && pos !== start && seen !== undefined &&
      (t === 0x4f || t === 0x43 || t === 0x61 || t === 0x73 || t === 0x53)) seen.add(pos);

    if (t === 0x4e) { // N;
      if (pos + 1 >= end) return fail(TRUNCATED, 'N;', pos);
      if (b[pos + 1] !== SEMI) return fail(SYNTAX, 'N;', pos);
      pos += 2;
    } else {
      if (pos + 1 >= end) return fail(TRUNCATED, 'value', pos);
      if (b[pos + 1] !== COLON) return fail(SYNTAX, 'value type', pos);
      const body = pos + 2;
      let p: number;
      switch (t) {
        case 0x62: // b:0;
          p = skipIv(b, body, end);
          if (p >= 0 && b[p] !== SEMI) p = SYNTAX;
          if (p < 0) return fail(p, 'b:', pos);
          pos = p + 1;
          break;
        case 0x69: // i:<iv>;
        case 0x72: // r:<iv>;
        case 0x52: // R:<iv>;
          p = skipIv(b, body, end);
          if (p >= 0 && b[p] !== SEMI) p = SYNTAX;
          if (p < 0) return fail(p, 'integer', pos);
          pos = p + 1;
          break;
        case 0x64: // d:<float>;
          p = skipDouble(b, body, end);
          if (p >= 0 && p >= end) p = TRUNCATED;
          if (p >= 0 && b[p] !== SEMI) p = SYNTAX;
          if (p < 0) return fail(p, 'd:', pos);
          pos = p + 1;
          break;
        case 0x73: // s:<len>:"...";
        case 0x53: { // S:<len>:"...";
          p = readUiv(b, body, end);
          if (p < 0) return fail(p, 'string length', pos);
          const len = scratch.num;
          if (b[p] !== COLON) return fail(SYNTAX, 'string', pos);
          if (p + 1 >= end) return fail(TRUNCATED, 'string', pos);
          if (b[p + 1] !== QUOTE) return fail(SYNTAX, 'string', pos);
          const cs = p + 2;
          let ce: number;
          if (t === 0x73) {
            if (len > end - cs) return fail(TRUNCATED, 'string', pos);
            ce = cs + len;
          } else {
            ce = scanEscaped(b, cs, end, len);
            if (ce < 0) return fail(ce, 'escaped string', pos);
            if (ce - cs > len) addNested('escaped', cs, ce);
          }
          if (ce + 1 >= end) return fail(TRUNCATED, 'string', pos);
          if (b[ce] !== QUOTE || b[ce + 1] !== SEMI) return fail(SYNTAX, 'string end', pos);
          pos = ce + 2;
          break;
        }
        case 0x45: { // E:<len>:"Class:Case";
          p = readQuotedName(b, body, end);
          if (p < 0) return fail(p, 'enum', pos);
          if (p >= end) return fail(TRUNCATED, 'enum', pos);
          if (b[p] !== SEMI || b.subarray(scratch.num, p - 1).indexOf(COLON) < 0) return fail(SYNTAX, 'enum', pos);
          pos = p + 1;
          break;
        }
        case 0x61: { // a:<n>:{
          p = readUiv(b, body, end);
          if (p < 0) return fail(p, 'array header', pos);
          const count = scratch.num;
          if (b[p] !== COLON) return fail(SYNTAX, 'array header', pos);
          if (p + 1 >= end) return fail(TRUNCATED, 'array header', pos);
          if (b[p + 1] !== LBRACE) return fail(SYNTAX, 'array header', pos);
          if (frames.length >= limits.maxDepth) return stop('limit', `nesting deeper than ${limits.maxDepth}`, pos);
          if (top !== undefined) top.remaining--;
          frames.push({ remaining: count * 2, object: -1, isObject: false });
          pos = p + 2;
          continue;
        }
        case 0x4f: // O:<len>:"Class":<n>:{
        case 0x43: { // C:<len>:"Class":<len>:{raw}
          p = readQuotedName(b, body, end);
          if (p < 0) return fail(p, 'class name', pos);
          const nameStart = scratch.num;
          const nameEnd = p - 1;
          if (!validClassName(b, nameStart, nameEnd)) return fail(SYNTAX, 'class name', pos);
          if (p >= end) return fail(TRUNCATED, 'object header', pos);
          if (b[p] !== COLON) return fail(SYNTAX, 'object header', pos);
          const q = readUiv(b, p + 1, end);
          if (q < 0) return fail(q, 'object header', pos);
          const count = scratch.num;
          if (b[q] !== COLON) return fail(SYNTAX, 'object header', pos);
          if (q + 1 >= end) return fail(TRUNCATED, 'object header', pos);
          if (b[q + 1] !== LBRACE) return fail(SYNTAX, 'object header', pos);
          objectCount++;
          let index = -1;
          const header: MutableHeader = { kind: t === 0x4f ? 'O' : 'C', offset: pos, nameStart, nameEnd, complete: false };
          if (objects.length < limits.maxObjects) index = objects.push(header) - 1;
          if (t === 0x43) {
            const rs = q + 2;
            if (count > end - rs - 1) return fail(TRUNCATED, 'custom object payload', pos);
            const re = rs + count;
            if (b[re] !== RBRACE) return fail(SYNTAX, 'custom object end', pos);
            if (count > 0) addNested('custom', rs, re);
            header.complete = true;
            completeObjects++;
            pos = re + 1;
            break;
          }
          if (frames.length >= limits.maxDepth) return stop('limit', `nesting deeper than ${limits.maxDepth}`, pos);
          if (top !== undefined) top.remaining--;
          frames.push({ remaining: count * 2, object: index, isObject: true });
          pos = q + 2;
          continue;
        }
        default:
          return fail(SYNTAX, 'value type', pos);
      }
    }
    if (top === undefined) return stop('ok', 'ok', pos);
    top.remaining--;
  }
}
