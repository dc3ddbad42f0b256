/**
 * Header hygiene for forwarding. The upstream never sees the client's framing:
 * hop-by-hop headers (RFC 9110 §7.6.1 plus every name listed in Connection)
 * are dropped, Content-Length is recomputed from the held body, and
 * X-Forwarded-For/-Proto/-Host are set. Response headers get the same
 * hop-by-hop treatment on the way back.
 */
import { isIP } from 'node:net';
import type { TrustedProxies } from './trusted.js';

/** Always dropped in both directions (lower-case). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'proxy-authenticate',
  'proxy-authorization',
]);

/** Request headers the proxy sets itself. */
const REQUEST_OWNED = new Set(['content-length', 'host', 'expect', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);

/** Names listed in Connection headers (lower-case), which are hop-by-hop too. */
function connectionTokens(rawHeaders: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== 'connection') continue;
    for (const t of rawHeaders[i + 1]!.split(',')) {
      const name = t.trim().toLowerCase();
      if (name) out.add(name);
    }
  }
  return out;
}

export interface ForwardHeaderOptions {
  readonly remoteAddress: string;
  readonly trusted: TrustedProxies;
  /** Host header to send upstream. */
  readonly host: string;
  /** Body length to announce, or null when the request had no body framing. */
  readonly contentLength: number | null;
  readonly requestId: string;
}

/**
 * Build the upstream request's header list (flat [name, value, ...] array, the
 * client's order and spelling kept for end-to-end headers).
 */
export function upstreamRequestHeaders(rawHeaders: readonly string[], opts: ForwardHeaderOptions): string[] {
  const listed = connectionTokens(rawHeaders);
  const out: string[] = ['host', opts.host];
  let xff: string | undefined;
  let xfProto: string | undefined;
  let xfHost: string | undefined;
  let clientHost: string | undefined;
  let hasRequestId = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    const lower = name.toLowerCase();
    if (lower === 'host') clientHost = value;
    if (lower === 'x-forwarded-for') xff = xff === undefined ? value : `${xff}, ${value}`;
    if (lower === 'x-forwarded-proto') xfProto = value;
    if (lower === 'x-forwarded-host') xfHost = value;
    if (lower === 'x-request-id') hasRequestId = true;
    if (HOP_BY_HOP.has(lower) || REQUEST_OWNED.has(lower) || listed.has(lower)) continue;
    out.push(name, value);
  }
  const peerTrusted = opts.trusted.contains(opts.remoteAddress);
  const peer = opts.remoteAddress.startsWith('::ffff:') && isIP(opts.remoteAddress.slice(7)) === 4 ? opts.remoteAddress.slice(7) : opts.remoteAddress;
  out.push('x-forwarded-for', peerTrusted && xff ? `${xff}, ${peer}` : peer);
  out.push('x-forwarded-proto', peerTrusted && xfProto ? lastToken(xfProto) : 'http');
  const fwdHost = peerTrusted && xfHost ? lastToken(xfHost) : clientHost;
  if (fwdHost !== undefined) out.push('x-forwarded-host', fwdHost);
  if (!hasRequestId) out.push('x-request-id', opts.requestId);
  if (opts.contentLength !== null) out.push('content-length', String(opts.contentLength));
  return out;
}

function lastToken(v: string): string {
  const i = v.lastIndexOf(',');
  return (i === -1 ? v : v.slice(i + 1)).trim();
}

/** Response headers to relay to the client (flat array), hop-by-hop removed. */
export function clientResponseHeaders(rawHeaders: readonly string[]): string[] {
  const listed = connectionTokens(rawHeaders);
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const lower = rawHeaders[i]!.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed.has(lower)) continue;
    out.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  return out;
}
