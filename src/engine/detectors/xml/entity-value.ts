/**
 * Analysis of one internal entity value (EntityValue literal), without
 * expanding anything: numeric character references are decoded once, as a
 * parser does when it declares the entity, and the result is scanned for
 * general-entity references (`&name;`), parameter-entity references
 * (`%name;`) and markup declarations (`<!`). Character references that
 * produce `%` references or `<!` markup are what parameter-laughs and
 * declaration-smuggling payloads are built from.
 */
import { decodeCharRefs } from '../../charset/char-refs.js';
import { AMP, BANG, HASH_SIGN, LT, PERCENT, SEMI, latin1, nameEnd } from './bytes.js';

export interface ValueAnalysis {
  /** Bytes of the replacement text that are not entity references. */
  readonly plainBytes: number;
  /** Non-predefined general-entity references by name (distinct names capped). */
  readonly generalRefs: ReadonlyMap<string, number>;
  /** Parameter-entity references by name (distinct names capped). */
  readonly paramRefs: ReadonlyMap<string, number>;
  /** Total general / parameter references (also those beyond the name cap). */
  readonly generalRefCount: number;
  readonly paramRefCount: number;
  /** The replacement text contains `<!` (a markup declaration, comment or doctype). */
  readonly declMarkup: boolean;
  /** Character references produced `%name;` or `<!` that the literal did not contain. */
  readonly charRefMarkup: boolean;
  /** The value after numeric character references are decoded (the value itself when it has none). */
  readonly decoded: Uint8Array;
}

const PREDEFINED = new Set(['lt', 'gt', 'amp', 'quot', 'apos']);

export function analyzeEntityValue(value: Uint8Array, maxNameBytes: number, maxDistinctNames: number): ValueAnalysis {
  const decoded = decodeCharRefs(value, { named: false, requireSemicolon: true }) ?? value;
  const generalRefs = new Map<string, number>();
  const paramRefs = new Map<string, number>();
  let plain = 0;
  let generalRefCount = 0;
  let paramRefCount = 0;
  let decl = 0;
  const n = decoded.length;
  let i = 0;
  while (i < n) {
    const c = decoded[i]!;
    if (c === AMP || c === PERCENT) {
      if (c === AMP && decoded[i + 1] === HASH_SIGN) {
        plain++;
        i++;
        continue;
      }
      const ne = nameEnd(decoded, i + 1, n);
      if (ne > i + 1 && decoded[ne] === SEMI) {
        const name = latin1(decoded, i + 1, ne, maxNameBytes);
        if (c === AMP) {
          if (PREDEFINED.has(name)) {
            plain++;
          } else {
            generalRefCount++;
            bump(generalRefs, name, maxDistinctNames);
          }
        } else {
          paramRefCount++;
          bump(paramRefs, name, maxDistinctNames);
        }
        i = ne + 1;
        continue;
      }
    } else if (c === LT && decoded[i + 1] === BANG) {
      decl++;
    }
    plain++;
    i++;
  }
  let charRefMarkup = false;
  if (decoded !== value) {
    const raw = markupCounts(value);
    charRefMarkup = paramRefCount > raw.pe || decl > raw.decl;
  }
  return {
    plainBytes: plain,
    generalRefs,
    paramRefs,
    generalRefCount,
    paramRefCount,
    declMarkup: decl > 0,
    charRefMarkup,
    decoded,
  };
}

function bump(m: Map<string, number>, name: string, cap: number): void {
  const v = m.get(name);
  if (v !== undefined) m.set(name, v + 1);
  else if (m.size < cap) m.set(name, 1);
}

/** `%name;` references and `<!` occurrences in a literal as written. */
function markupCounts(b: Uint8Array): { pe: number; decl: number } {
  let pe = 0;
  let decl = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === PERCENT) {
      const ne = nameEnd(b, i + 1, b.length);
      if (ne > i + 1 && b[ne] === SEMI) pe++;
    } else if (c === LT && b[i + 1] === BANG) {
      decl++;
    }
  }
  return { pe, decl };
}
