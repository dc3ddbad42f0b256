/**
 * Walks one DOCTYPE declaration starting at its `<!DOCTYPE` (any case):
 * name, optional ExternalID, optional internal subset (handed to the DTD
 * tokenizer) and the closing `>`. Bytes that do not have the shape of a
 * doctype (`<!DOCTYPE declarations are ...` in prose) give `valid: false`
 * after a few bytes, so a page that merely mentions the keyword costs nothing.
 */
import { GT, LBRACKET, latin1, nameEnd, skipSpace } from './bytes.js';
import { type DtdLimits, type DtdScan, DEFAULT_DTD_LIMITS, scanDtd } from './dtd-scan.js';
import { type ExternalId, atExternalIdKeyword, readExternalId } from './external-id.js';

const DOCTYPE_LENGTH = 9; // '<!DOCTYPE'

export interface DoctypeScan {
  /** Offset of `<!DOCTYPE`. */
  readonly offset: number;
  /** The bytes had the shape of a doctype: a name followed by an ExternalID, `[` or `>`. */
  readonly valid: boolean;
  /** Root element name (latin1, capped). */
  readonly name: string;
  readonly external?: ExternalId;
  /** The internal subset, when there is one. */
  readonly subset?: DtdScan;
  /** Offset where the walk ended. */
  readonly end: number;
  /** The closing `>` was seen. */
  readonly terminated: boolean;
  /** Why the declaration is not well-formed (unterminated literal or subset, bytes after the subset ...). */
  readonly malformed?: string;
}

export function scanDoctype(b: Uint8Array, start: number, limits: DtdLimits = DEFAULT_DTD_LIMITS): DoctypeScan {
  const end = b.length;
  let p = skipSpace(b, Math.min(end, start + DOCTYPE_LENGTH), end);
  const ne = nameEnd(b, p, end);
  const invalid = (at: number): DoctypeScan => ({ offset: start, valid: false, name: '', end: at, terminated: false });
  if (ne === p) return invalid(p);
  const name = latin1(b, p, ne, limits.maxNameBytes);
  p = skipSpace(b, ne, end);
  let external: ExternalId | undefined;
  if (atExternalIdKeyword(b, p, end)) {
    const ext = readExternalId(b, p, end);
    if (ext === 'none') return invalid(p);
    if (ext === 'unterminated') {
      return {
        offset: start,
        valid: true,
        name,
        external: { keyword: 'SYSTEM' },
        end,
        terminated: false,
        malformed: 'unterminated literal in DOCTYPE',
      };
    }
    external = ext.id;
    p = skipSpace(b, ext.next, end);
  }
  // Plain object literals: conditional spreads cost ~30x here (hot on pages full of doctypes).
  const done = (at: number, terminated: boolean, subset?: DtdScan, malformed?: string): DoctypeScan => ({
    offset: start,
    valid: true,
    name,
    external,
    subset,
    end: at,
    terminated,
    malformed,
  });
  if (b[p] === GT) return done(p + 1, true);
  if (b[p] !== LBRACKET) {
    if (!external) return invalid(p);
    return done(p, false, undefined, 'unexpected bytes after the external identifier');
  }
  const subset = scanDtd(b, p + 1, 'subset', limits);
  if (subset.stop !== 'closed') {
    const why = subset.stop === 'limit' ? 'internal subset exceeds the declaration limit' : 'unterminated internal subset';
    return done(subset.end, false, subset, why);
  }
  p = skipSpace(b, subset.end, end);
  if (b[p] === GT) return done(p + 1, true, subset);
  return done(p, false, subset, 'unexpected bytes after the internal subset');
}
