/**
 * Quoted literals and ExternalID (`SYSTEM "sys"` / `PUBLIC "pub" "sys"`) as
 * they appear in DOCTYPE, ENTITY and NOTATION declarations. Either quote
 * style; a literal runs to the next identical quote, exactly as in XML (there
 * are no escapes), found with `indexOf`.
 */
import { asBuffer, isQuote, matchKeyword, skipSpace } from './bytes.js';

export interface ExternalId {
  readonly keyword: 'SYSTEM' | 'PUBLIC';
  /** Public identifier literal content (PUBLIC only). */
  readonly publicId?: Uint8Array;
  /** System literal content (absent for `PUBLIC "pub"` with no system literal). */
  readonly systemId?: Uint8Array;
}

export interface Literal {
  readonly value: Uint8Array;
  /** Offset after the closing quote. */
  readonly next: number;
}

/** 'none': no quote at pos; 'unterminated': opening quote without a closing one. */
export function readLiteral(b: Uint8Array, pos: number): Literal | 'none' | 'unterminated' {
  const q = b[pos];
  if (!isQuote(q)) return 'none';
  const close = asBuffer(b).indexOf(q!, pos + 1);
  if (close < 0) return 'unterminated';
  return { value: b.subarray(pos + 1, close), next: close + 1 };
}

export interface ExternalIdRead {
  readonly id: ExternalId;
  readonly next: number;
}

/** True when `SYSTEM` or `PUBLIC` (any case) starts at pos. */
export function atExternalIdKeyword(b: Uint8Array, pos: number, end: number): boolean {
  return matchKeyword(b, pos, end, 'SYSTEM') || matchKeyword(b, pos, end, 'PUBLIC');
}

/**
 * Reads an ExternalID at pos (which must be at SYSTEM/PUBLIC). 'none' when the
 * keyword is not followed by a literal, 'unterminated' when a literal never closes.
 */
export function readExternalId(b: Uint8Array, pos: number, end: number): ExternalIdRead | 'none' | 'unterminated' {
  const keyword = matchKeyword(b, pos, end, 'SYSTEM') ? 'SYSTEM' : matchKeyword(b, pos, end, 'PUBLIC') ? 'PUBLIC' : null;
  if (!keyword) return 'none';
  let p = skipSpace(b, pos + 6, end);
  const first = readLiteral(b, p);
  if (first === 'none' || first === 'unterminated') return first;
  if (keyword === 'SYSTEM') return { id: { keyword, systemId: first.value }, next: first.next };
  p = skipSpace(b, first.next, end);
  const second = readLiteral(b, p);
  if (second === 'unterminated') return second;
  if (second === 'none') return { id: { keyword, publicId: first.value }, next: first.next };
  return { id: { keyword, publicId: first.value, systemId: second.value }, next: second.next };
}
