/**
 * The DTD tokenizer: walks markup declarations of an internal subset (after
 * `<!DOCTYPE name [`) or of a DTD fragment (a `<!ENTITY` outside a DOCTYPE, a
 * decoded entity value) and records entity declarations, parameter-entity
 * references, conditional sections and anything malformed. It tolerates any
 * XML whitespace, comments and PIs between declarations and either quote
 * style; literals are skipped with `indexOf`, so the walk is linear in the
 * bytes it covers. No recursion; every loop is bounded by the input length
 * and `maxItems`.
 */
import {
  BANG,
  DASH,
  GT,
  LBRACKET,
  LT,
  NAME_CHAR,
  PERCENT,
  QMARK,
  RBRACKET,
  SEMI,
  asBuffer,
  isQuote,
  latin1,
  matchKeyword,
  nameEnd,
  skipSpace,
  spaceLength,
} from './bytes.js';
import { type ExternalId, atExternalIdKeyword, readExternalId, readLiteral } from './external-id.js';

export interface DtdLimits {
  /** Declarations, PE references, comments and PIs walked per scan. */
  readonly maxItems: number;
  /** Entity declarations kept for analysis (later ones are only counted). */
  readonly maxEntities: number;
  /** Bytes of an entity name kept. */
  readonly maxNameBytes: number;
  /** Conditional-section nesting tracked. */
  readonly maxConditionalDepth: number;
}

export const DEFAULT_DTD_LIMITS: DtdLimits = {
  maxItems: 100_000,
  maxEntities: 4096,
  maxNameBytes: 128,
  maxConditionalDepth: 32,
};

export interface EntityDecl {
  /** Offset of `<!` in the scanned bytes. */
  readonly offset: number;
  /** Bytes from `<!` to the end of the declaration. */
  readonly length: number;
  readonly parameter: boolean;
  /** Entity name (latin1, capped). */
  readonly name: string;
  /** Set for external entities (`SYSTEM` / `PUBLIC`). */
  readonly external?: ExternalId;
  /** Literal value of an internal entity (a view, without quotes). */
  readonly value?: Uint8Array;
}

/** closed: `]` ended the subset; content: a fragment met non-DTD bytes; eof: input ended; limit: maxItems. */
export type DtdStop = 'closed' | 'content' | 'eof' | 'limit';

export interface DtdScan {
  readonly stop: DtdStop;
  /** Offset where the walk ended (after `]` when closed). */
  readonly end: number;
  readonly entities: readonly EntityDecl[];
  /** Entity declarations seen, including those beyond maxEntities. */
  readonly entityCount: number;
  /** Parameter-entity references (`%name;`) between or inside declarations. */
  readonly peRefs: number;
  readonly firstPeRef: number;
  /** ELEMENT / ATTLIST / NOTATION declarations. */
  readonly declarations: number;
  readonly conditionalSections: number;
  /** Declarations or bytes a conforming parser rejects. */
  readonly malformed: number;
  readonly firstMalformed: number;
  readonly malformedReason: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function scanDtd(
  b: Uint8Array,
  start: number,
  mode: 'subset' | 'fragment',
  limits: DtdLimits = DEFAULT_DTD_LIMITS,
): DtdScan {
  const buf = asBuffer(b);
  const end = b.length;
  const entities: EntityDecl[] = [];
  const r: Mutable<DtdScan> = {
    stop: 'eof',
    end,
    entities,
    entityCount: 0,
    peRefs: 0,
    firstPeRef: -1,
    declarations: 0,
    conditionalSections: 0,
    malformed: 0,
    firstMalformed: -1,
    malformedReason: '',
  };
  const bad = (at: number, why: string): void => {
    r.malformed++;
    if (r.firstMalformed < 0) {
      r.firstMalformed = at;
      r.malformedReason = why;
    }
  };
  const peRef = (at: number): void => {
    r.peRefs++;
    if (r.firstPeRef < 0) r.firstPeRef = at;
  };

  /** Skips to after the `>` closing a declaration, over quoted literals; stops before a stray `<`. */
  const skipDecl = (from: number, declStart: number): number => {
    let p = from;
    while (p < end) {
      const c = b[p]!;
      if (isQuote(c)) {
        const close = buf.indexOf(c, p + 1);
        if (close < 0) {
          bad(declStart, 'unterminated literal');
          return end;
        }
        p = close + 1;
        continue;
      }
      if (c === GT) return p + 1;
      if (c === PERCENT) {
        const ne = nameEnd(b, p + 1, end);
        if (ne > p + 1 && b[ne] === SEMI) {
          peRef(p);
          p = ne + 1;
          continue;
        }
      }
      if (c === LT) {
        bad(declStart, 'unterminated declaration');
        return p;
      }
      p++;
    }
    bad(declStart, 'unterminated declaration');
    return end;
  };

  const parseEntity = (declStart: number): number => {
    let p = skipSpace(b, declStart + 8, end);
    let parameter = false;
    if (b[p] === PERCENT) {
      if (p + 1 < end && spaceLength(b, p + 1) > 0) {
        parameter = true;
        p = skipSpace(b, p + 1, end);
      } else {
        peRef(p);
        bad(declStart, 'parameter-entity reference in place of an entity name');
        return skipDecl(p + 1, declStart);
      }
    }
    const ne = nameEnd(b, p, end);
    if (ne === p) {
      bad(declStart, 'entity declaration without a name');
      return skipDecl(p, declStart);
    }
    const name = latin1(b, p, ne, limits.maxNameBytes);
    p = skipSpace(b, ne, end);
    r.entityCount++;
    const keep = entities.length < limits.maxEntities;
    if (isQuote(b[p])) {
      const lit = readLiteral(b, p);
      if (lit === 'unterminated' || lit === 'none') {
        bad(declStart, 'unterminated entity value');
        if (keep) entities.push({ offset: declStart, length: end - declStart, parameter, name, value: b.subarray(p + 1) });
        return end;
      }
      const next = skipDecl(lit.next, declStart);
      if (keep) entities.push({ offset: declStart, length: next - declStart, parameter, name, value: lit.value });
      return next;
    }
    if (atExternalIdKeyword(b, p, end)) {
      const ext = readExternalId(b, p, end);
      if (ext === 'unterminated') {
        bad(declStart, 'unterminated external identifier');
        if (keep) entities.push({ offset: declStart, length: end - declStart, parameter, name, external: { keyword: 'SYSTEM' } });
        return end;
      }
      if (ext === 'none') {
        bad(declStart, 'external identifier without a literal');
        return skipDecl(p, declStart);
      }
      const next = skipDecl(ext.next, declStart);
      if (keep) entities.push({ offset: declStart, length: next - declStart, parameter, name, external: ext.id });
      return next;
    }
    r.entityCount--;
    bad(declStart, 'entity declaration without a value');
    return skipDecl(p, declStart);
  };

  let pos = start;
  let cond = 0;
  for (let items = 0; ; items++) {
    if (items >= limits.maxItems) {
      r.stop = 'limit';
      break;
    }
    pos = skipSpace(b, pos, end);
    if (pos >= end) {
      r.stop = 'eof';
      break;
    }
    const c = b[pos]!;
    if (c === RBRACKET) {
      if (cond > 0 && b[pos + 1] === RBRACKET && b[pos + 2] === GT) {
        cond--;
        pos += 3;
        continue;
      }
      if (mode === 'subset') {
        pos++;
        r.stop = 'closed';
      } else {
        r.stop = 'content';
      }
      break;
    }
    if (c === PERCENT) {
      const ne = nameEnd(b, pos + 1, end);
      if (ne > pos + 1 && b[ne] === SEMI) {
        peRef(pos);
        pos = ne + 1;
        continue;
      }
      if (mode === 'fragment') {
        r.stop = 'content';
        break;
      }
      bad(pos, 'stray % in the internal subset');
      pos++;
      continue;
    }
    if (c === LT && b[pos + 1] === QMARK) {
      const close = buf.indexOf('?>', pos + 2, 'latin1');
      if (close < 0) {
        bad(pos, 'unterminated processing instruction');
        pos = end;
        r.stop = 'eof';
        break;
      }
      pos = close + 2;
      continue;
    }
    if (c === LT && b[pos + 1] === BANG) {
      if (b[pos + 2] === DASH && b[pos + 3] === DASH) {
        const close = buf.indexOf('-->', pos + 4, 'latin1');
        if (close < 0) {
          bad(pos, 'unterminated comment');
          pos = end;
          r.stop = 'eof';
          break;
        }
        pos = close + 3;
        continue;
      }
      if (b[pos + 2] === LBRACKET) {
        pos = conditionalStart(pos);
        continue;
      }
      const kw = pos + 2;
      if (matchKeyword(b, kw, end, 'ENTITY')) {
        pos = parseEntity(pos);
        continue;
      }
      if (matchKeyword(b, kw, end, 'ELEMENT') || matchKeyword(b, kw, end, 'ATTLIST')) {
        r.declarations++;
        pos = skipDecl(kw + 7, pos);
        continue;
      }
      if (matchKeyword(b, kw, end, 'NOTATION')) {
        r.declarations++;
        pos = skipDecl(kw + 8, pos);
        continue;
      }
      if (mode === 'fragment') {
        r.stop = 'content';
        break;
      }
      bad(pos, matchKeyword(b, kw, end, 'DOCTYPE') ? 'DOCTYPE inside a DTD' : 'unknown markup declaration');
      pos = skipDecl(kw, pos);
      continue;
    }
    if (mode === 'fragment') {
      r.stop = 'content';
      break;
    }
    bad(pos, c === LT ? 'element markup inside the internal subset' : 'unexpected bytes in the internal subset');
    pos++;
    while (pos < end) {
      const d = b[pos]!;
      if (d === LT || d === RBRACKET || d === PERCENT) break;
      pos++;
    }
  }
  r.end = Math.min(pos, end);
  return r;

  /** `<![ INCLUDE [`, `<![ IGNORE [` or `<![ %pe; [`: the content is walked like the rest. */
  function conditionalStart(at: number): number {
    r.conditionalSections++;
    if (mode === 'subset') bad(at, 'conditional section in the internal subset');
    let p = skipSpace(b, at + 3, end);
    if (matchKeyword(b, p, end, 'INCLUDE')) p += 7;
    else if (matchKeyword(b, p, end, 'IGNORE')) p += 6;
    else if (b[p] === PERCENT) {
      const ne = nameEnd(b, p + 1, end);
      if (ne > p + 1 && b[ne] === SEMI) {
        peRef(p);
        p = ne + 1;
      } else {
        bad(at, 'malformed conditional section');
      }
    } else {
      bad(at, 'malformed conditional section');
    }
    p = skipSpace(b, p, end);
    if (b[p] === LBRACKET) p++;
    else bad(at, 'malformed conditional section');
    if (cond < limits.maxConditionalDepth) cond++;
    return Math.max(p, at + 3);
  }
}

/** True when the byte at pos can start a name (used to tell `%name;` from a literal percent sign). */
export function startsName(b: Uint8Array, pos: number): boolean {
  return pos < b.length && NAME_CHAR[b[pos]!] === 1;
}
