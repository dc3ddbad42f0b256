/**
 * Where audit lines go. A sink takes a batch of complete lines (each ending
 * in "\n") and resolves once they are written; the writer (writer.ts) never
 * has more than one batch in flight. The stdout sink writes through the
 * libuv thread pool (fs.write on fd 1), one line per write, so a line of up
 * to PIPE_BUF (4096) bytes lands on a pipe in one piece even when log lines
 * are written at the same time.
 */
import { write } from 'node:fs';

export interface Sink {
  /** Human-readable destination for log lines. */
  readonly name: string;
  write(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Retries of one write that keeps failing with EAGAIN (non-blocking fd, full pipe). */
const EAGAIN_RETRIES = 200;
const EAGAIN_BACKOFF_MS = 10;

/** Write all of `buf` to `fd`, handling short writes and EAGAIN; bounded. */
export async function writeFully(fd: number, buf: Buffer): Promise<void> {
  let off = 0;
  let again = 0;
  while (off < buf.length) {
    const n = await new Promise<number>((resolve, reject) => {
      write(fd, buf, off, buf.length - off, null, (err, written) => {
        if (err && (err as NodeJS.ErrnoException).code === 'EAGAIN') resolve(-1);
        else if (err) reject(err);
        else resolve(written);
      });
    });
    if (n < 0) {
      if (++again > EAGAIN_RETRIES) throw new Error('output stays full (EAGAIN)');
      await new Promise((r) => setTimeout(r, EAGAIN_BACKOFF_MS));
      continue;
    }
    if (n === 0) throw new Error('write made no progress');
    off += n;
  }
}

export class FdSink implements Sink {
  constructor(
    readonly name: string,
    private readonly fd: number,
  ) {}

  async write(lines: readonly string[]): Promise<void> {
    for (const line of lines) await writeFully(this.fd, Buffer.from(line, 'utf8'));
  }

  async close(): Promise<void> {
    // fd 1 belongs to the process; nothing to close.
  }
}
