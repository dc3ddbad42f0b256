/**
 * Request outcome events on node:diagnostics_channel. The proxy publishes one
 * `deserwall:request` event per finished request; the audit log, the
 * dashboard and tests subscribe. Publishing costs nothing when nobody
 * subscribes (`hasSubscribers` is checked first).
 *
 * Events never carry raw request bytes: findings hold escaped excerpts,
 * headers are a redacted copy.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import type { Finding } from '../engine/types.js';
import type { FindingAction } from '../policy/decide.js';

export const REQUEST_CHANNEL = 'deserwall:request';

export interface RequestEvent {
  readonly time: number;
  readonly requestId: string;
  readonly method: string;
  /** Path without the query string (escaped when logged). */
  readonly path: string;
  readonly route: string;
  readonly policy: string;
  readonly mode: 'block' | 'log';
  readonly status: number;
  /** forwarded, logged (forwarded with findings), blocked, refused, upstream-error, client-abort */
  readonly verdict: string;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly durationMs: number;
  readonly findings: readonly { readonly finding: Finding; readonly action: FindingAction }[];
  /** Request headers with secrets redacted; only built when someone subscribes. */
  readonly headers: readonly [string, string][];
  readonly remoteAddress: string;
}

export const requestChannel = diagnostics_channel.channel(REQUEST_CHANNEL);

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** Header pairs with secret values replaced, names and values capped. */
export function redactHeaders(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length && out.length < 100; i += 2) {
    const name = raw[i]!.slice(0, 64);
    const value = SECRET_HEADERS.has(name.toLowerCase()) ? '[Redacted]' : raw[i + 1]!.slice(0, 256);
    out.push([name, value]);
  }
  return out;
}
