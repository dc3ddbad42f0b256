/**
 * Error classes with stable codes. Every code is documented in docs/errors.md
 * (a test checks that each `DW_ERR_*` code in src/ appears there).
 *
 * A refused request is not an exception: the engine returns a Verdict and the
 * proxy answers from it. These classes are for real failures: bad config,
 * framing the proxy refuses before inspection, upstream faults, limits.
 */

const kDwError = Symbol.for('deserwall.error');

export class DwError extends Error {
  /** Stable machine-readable code, e.g. `DW_ERR_BODY_TOO_LARGE`. */
  readonly code: string;
  /** HTTP status the proxy answers with when this error ends a request. */
  readonly status: number;

  constructor(code: string, message: string, status = 500, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DwError';
    this.code = code;
    this.status = status;
    (this as unknown as Record<symbol, boolean>)[kDwError] = true;
  }

  /**
   * `instanceof DwError` holds for any deserwall error, even from another copy
   * of the package (brand check); subclasses use the ordinary prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const branded = typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kDwError] === true;
    if (this === DwError) return branded;
    return branded && Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/** One problem found in a config file: where it is and what is wrong. */
export interface ConfigProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** JSON-pointer-like key path, e.g. `/limits/maxBodyBytes`. */
  readonly path: string;
  readonly message: string;
}

export class ConfigError extends DwError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
    super('DW_ERR_CONFIG_INVALID', formatProblems(sorted), 1, options);
    this.name = 'ConfigError';
    this.problems = sorted;
  }
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems
    .map((p) => (p.line > 0 ? `${p.file}:${p.line}:${p.column}: ${p.path || '/'}: ${p.message}` : `${p.file}: ${p.path || '/'}: ${p.message}`))
    .join('\n');
}

export class ConfigReadError extends DwError {
  constructor(file: string, cause: unknown) {
    super('DW_ERR_CONFIG_READ', `cannot read config file ${file}: ${(cause as Error)?.message ?? String(cause)}`, 1, { cause });
    this.name = 'ConfigReadError';
  }
}

export class UsageError extends DwError {
  constructor(message: string) {
    super('DW_ERR_USAGE', message, 2);
    this.name = 'UsageError';
  }
}

/**
 * Refusals decided by the server before a request reaches the engine
 * (framing, header limits, timeouts). `status` is what the client gets.
 */
export class RequestRefusedError extends DwError {
  constructor(code: string, message: string, status: number) {
    super(code, message, status);
    this.name = 'RequestRefusedError';
  }
}

export class UpstreamError extends DwError {
  /** Short kind for metrics and logs: refused, reset, timeout, connect-timeout, protocol ... */
  readonly kind: string;
  constructor(code: string, kind: string, message: string, status: number, options?: { cause?: unknown }) {
    super(code, message, status, options);
    this.name = 'UpstreamError';
    this.kind = kind;
  }
}

/** The catalogue of request-refusal codes, with the status each one answers. */
export const REFUSALS = {
  DW_ERR_BAD_FRAMING: 400,
  DW_ERR_BAD_HEADER: 400,
  DW_ERR_DUPLICATE_HEADER: 400,
  DW_ERR_TOO_MANY_HEADERS: 431,
  DW_ERR_HEADERS_TOO_LARGE: 431,
  DW_ERR_URI_TOO_LONG: 414,
  DW_ERR_METHOD_NOT_ALLOWED: 405,
  DW_ERR_HTTP_VERSION: 505,
  DW_ERR_EXPECTATION_FAILED: 417,
  DW_ERR_BODY_TOO_LARGE: 413,
  DW_ERR_BODY_NOT_ALLOWED: 400,
  DW_ERR_REQUEST_TIMEOUT: 408,
  DW_ERR_UPGRADE_REFUSED: 400,
  DW_ERR_SHUTTING_DOWN: 503,
  DW_ERR_OVERLOADED: 503,
  DW_ERR_PARTIAL_BODY: 413,
} as const;

export type RefusalCode = keyof typeof REFUSALS;

export function refuse(code: RefusalCode, message: string): RequestRefusedError {
  return new RequestRefusedError(code, message, REFUSALS[code]);
}
