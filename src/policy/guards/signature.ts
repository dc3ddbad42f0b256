/**
 * The signed-body route guard. The request head must carry exactly one
 * signature header `t=<unix>,kid=<id>,sig=<hex>` naming a configured key and
 * a time within maxSkewSeconds of now (either way); that is checked before
 * the body is read. With the complete body, the HMAC-SHA256 over `<t>.` and
 * the raw body is compared in constant time. A valid signature vouches for
 * the body: the engine's attack findings are logged, not blocked. Refusals
 * are 401 with a reason code only (missing, malformed, unknown key, expired,
 * invalid); nothing tells the client which byte or key was wrong.
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHead } from '../../engine/api.js';
import type { GuardBody, GuardOutcome, GuardRefusal, RouteGuard } from './guard.js';
import { headerValues } from './headers.js';
import { parseSignatureHeader, signatureMac, type SignatureHeader } from './signature-header.js';

export interface SignatureGuardOptions {
  /** Header name as configured (matched case-insensitively). */
  readonly header: string;
  /** Secret bytes by key id (several at once during a rotation). */
  readonly keys: ReadonlyMap<string, Buffer>;
  readonly maxSkewSeconds: number;
  /** Clock in milliseconds (tests may pin it). */
  readonly now?: () => number;
}

export type SignatureCode = 'DW_ERR_SIGNATURE_MISSING' | 'DW_ERR_SIGNATURE_MALFORMED' | 'DW_ERR_SIGNATURE_UNKNOWN_KEY' | 'DW_ERR_SIGNATURE_EXPIRED' | 'DW_ERR_SIGNATURE_INVALID';

function refusal(code: SignatureCode): { refusal: GuardRefusal } {
  return { refusal: { status: 401, code, reason: 'signature refused' } };
}

export function signatureGuard(o: SignatureGuardOptions): RouteGuard {
  const lower = o.header.toLowerCase();
  const now = o.now ?? Date.now;

  /** The parsed header with its key, or the refusal. */
  const check = (head: RequestHead): { sig: SignatureHeader; key: Buffer } | { refusal: GuardRefusal } => {
    const values = headerValues(head.rawHeaders, lower);
    if (values.length === 0) return refusal('DW_ERR_SIGNATURE_MISSING');
    if (values.length > 1) return refusal('DW_ERR_SIGNATURE_MALFORMED');
    const sig = parseSignatureHeader(values[0]!);
    if (sig === null) return refusal('DW_ERR_SIGNATURE_MALFORMED');
    const key = o.keys.get(sig.kid);
    if (key === undefined) return refusal('DW_ERR_SIGNATURE_UNKNOWN_KEY');
    const skew = Math.abs(Math.floor(now() / 1000) - sig.time);
    if (!(skew <= o.maxSkewSeconds)) return refusal('DW_ERR_SIGNATURE_EXPIRED');
    return { sig, key };
  };

  return {
    name: 'signature',
    checkHead(head: RequestHead): GuardOutcome {
      const r = check(head);
      return 'refusal' in r ? r : null;
    },
    checkBody(head: RequestHead, body: GuardBody): GuardOutcome {
      const r = check(head);
      if ('refusal' in r) return r;
      const mac = signatureMac(r.key, r.sig.t, body.raw);
      // Both are 32 bytes (the parser only accepts 64 hex digits): timingSafeEqual needs equal lengths.
      if (mac.length !== r.sig.sig.length || !timingSafeEqual(mac, r.sig.sig)) return refusal('DW_ERR_SIGNATURE_INVALID');
      return { vouched: `signature kid=${r.sig.kid}` };
    },
  };
}
