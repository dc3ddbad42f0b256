/**
 * The engine's public surface: compile once per config, open one transaction
 * per request, feed it the body as it arrives, get a verdict at the end.
 * No HTTP objects cross this boundary: the head is plain strings.
 */
import type { CompiledPolicy } from '../policy/types.js';
import type { Finding, Verdict } from './types.js';

export interface RequestHead {
  readonly method: string;
  /** The request target as received (origin-form path and query). */
  readonly target: string;
  /** Flat [name, value, name, value ...] list in wire order (Node's rawHeaders). */
  readonly rawHeaders: readonly string[];
  /** File name of the body, when known (`deserwall scan` passes the file's name). */
  readonly filename?: string;
}

export interface Transaction {
  /** Findings from the request head (path, query, cookies, headers), known right after begin(). */
  readonly headFindings: readonly Finding[];
  /** Feed the next body chunk (as received, still content-encoded). */
  write(chunk: Uint8Array): void;
  /** The body is complete: inspect what remains and return the verdict. */
  end(): Verdict;
}

export interface Engine {
  begin(head: RequestHead, policy: CompiledPolicy): Transaction;
}
