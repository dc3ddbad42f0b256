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
  /** Request headers with secrets redacted; built on first read. */
  readonly headers: readonly [string, string][];
  readonly remoteAddress: string;
  /** The DW_ERR_* code of a refused or failed request (docs/errors.md). */
  readonly error?: string;
}

type EventFields = Omit<RequestEvent, 'headers'>;

/** A RequestEvent whose redacted headers are only built if a subscriber reads them (most never do). */
export class PublishedRequestEvent implements RequestEvent {
  readonly time: number;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly policy: string;
  readonly mode: 'block' | 'log';
  readonly status: number;
  readonly verdict: string;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly durationMs: number;
  readonly findings: RequestEvent['findings'];
  readonly remoteAddress: string;
  readonly error: string | undefined;
  #headers: [string, string][] | undefined;
  readonly #raw: readonly string[];

  constructor(f: EventFields, rawHeaders: readonly string[]) {
    this.time = f.time;
    this.requestId = f.requestId;
    this.method = f.method;
    this.path = f.path;
    this.route = f.route;
    this.policy = f.policy;
    this.mode = f.mode;
    this.status = f.status;
    this.verdict = f.verdict;
    this.bytesIn = f.bytesIn;
    this.bytesOut = f.bytesOut;
    this.durationMs = f.durationMs;
    this.findings = f.findings;
    this.remoteAddress = f.remoteAddress;
    this.error = f.error;
    this.#raw = rawHeaders;
  }

  get headers(): readonly [string, string][] {
    return (this.#headers ??= redactHeaders(this.#raw));
  }
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

/**
 * The event for a request refused before it became an exchange (Node's parser gave up on it, or an
 * upgrade was denied): no route, no findings, only what the head showed.
 */
export function publishRefusal(f: { requestId: string; method: string; target: string; status: number; error: string; mode: 'block' | 'log'; remoteAddress: string; rawHeaders?: readonly string[] }): void {
  if (!requestChannel.hasSubscribers) return;
  const q = f.target.indexOf('?');
  requestChannel.publish(
    new PublishedRequestEvent(
      {
        time: Date.now(),
        requestId: f.requestId,
        method: f.method,
        path: q === -1 ? f.target : f.target.slice(0, q),
        route: '-',
        policy: '-',
        mode: f.mode,
        status: f.status,
        verdict: 'refused',
        bytesIn: 0,
        bytesOut: 0,
        durationMs: 0,
        findings: [],
        remoteAddress: f.remoteAddress,
        error: f.error,
      },
      f.rawHeaders ?? [],
    ),
  );
}
