/**
 * The pino logger: JSON lines on stdout (or a file descriptor), written
 * asynchronously: while one write is in flight the next lines are batched, so
 * under load a write syscall carries many lines, and at rest a line goes out
 * at once; flushed on exit. Request data is never logged raw: the
 * proxy builds its own log objects (paths escaped, findings with escaped,
 * length-capped excerpts) and never passes headers, cookies or bodies to the
 * logger, so no redaction pass runs per line. Header values that carry
 * secrets are redacted where headers are reported at all (see events.ts).
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export interface LoggerOptions {
  readonly level: LevelWithSilent;
  /** Destination file descriptor or stream; stdout by default. */
  readonly destination?: NodeJS.WritableStream | number;
}

export function createLogger(options: LoggerOptions): Logger {
  const dest = options.destination ?? 1;
  if (typeof dest !== 'number') return build(options.level, dest);
  const stream = pino.destination({ dest, sync: false, minLength: 0 });
  // Flush what is buffered when the process ends, whatever the reason.
  process.once('exit', () => {
    try {
      stream.flushSync();
    } catch {
      // the stream may already be closed
    }
  });
  return build(options.level, stream);
}

function build(level: LevelWithSilent, stream: NodeJS.WritableStream | pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}
