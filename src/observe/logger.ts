/**
 * The pino logger. JSON lines on stdout; header values that carry secrets are
 * redacted wherever they appear under a `headers` object. Request data is
 * never logged raw: findings carry escaped, length-capped excerpts only.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const REDACTED_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'] as const;

export interface LoggerOptions {
  readonly level: LevelWithSilent;
  /** Destination file descriptor or stream; stdout by default. */
  readonly destination?: NodeJS.WritableStream | number;
}

export function createLogger(options: LoggerOptions): Logger {
  const dest = options.destination ?? 1;
  const stream = typeof dest === 'number' ? pino.destination({ dest, sync: true }) : dest;
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: REDACTED_HEADERS.flatMap((h) => [`headers["${h}"]`, `*.headers["${h}"]`]),
        censor: '[Redacted]',
      },
    },
    stream,
  );
}
