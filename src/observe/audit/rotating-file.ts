/**
 * An append-only audit file rotated by size: before a write would take the
 * file past maxBytes it is renamed to file.1 (file.1 to file.2 ... up to
 * file.N, the oldest dropped) and a new file is started. A single line
 * longer than maxBytes gets a file of its own. Only one write or rotation
 * runs at a time (the writer awaits each batch).
 */
import { open, rename, type FileHandle } from 'node:fs/promises';
import type { Sink } from './sink.js';

export class RotatingFileSink implements Sink {
  private fh: FileHandle | null = null;
  private size = 0;

  private constructor(
    readonly name: string,
    private readonly maxBytes: number,
    private readonly maxFiles: number,
  ) {}

  /** Opens (creates) the file for appending; throws when it cannot be opened. */
  static async open(path: string, maxBytes: number, maxFiles: number): Promise<RotatingFileSink> {
    const sink = new RotatingFileSink(path, maxBytes, maxFiles);
    await sink.reopen();
    return sink;
  }

  async write(lines: readonly string[]): Promise<void> {
    let chunk: Buffer[] = [];
    let chunkBytes = 0;
    for (const line of lines) {
      const b = Buffer.from(line, 'utf8');
      if (this.size + chunkBytes + b.length > this.maxBytes && this.size + chunkBytes > 0) {
        await this.append(chunk, chunkBytes);
        chunk = [];
        chunkBytes = 0;
        await this.rotate();
      }
      chunk.push(b);
      chunkBytes += b.length;
    }
    if (chunkBytes > 0) await this.append(chunk, chunkBytes);
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    if (fh) await fh.close();
  }

  private async append(chunk: Buffer[], bytes: number): Promise<void> {
    if (bytes === 0) return;
    if (!this.fh) await this.reopen();
    const buf = Buffer.concat(chunk, bytes);
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await this.fh!.write(buf, off, buf.length - off, null);
      if (bytesWritten <= 0) throw new Error(`cannot write to ${this.name}: no progress`);
      off += bytesWritten;
      this.size += bytesWritten;
    }
  }

  private async rotate(): Promise<void> {
    await this.close();
    for (let i = this.maxFiles - 1; i >= 1; i--) await renameIfPresent(`${this.name}.${i}`, `${this.name}.${i + 1}`);
    await renameIfPresent(this.name, `${this.name}.1`);
    await this.reopen();
  }

  private async reopen(): Promise<void> {
    this.fh = await open(this.name, 'a', 0o640);
    this.size = (await this.fh.stat()).size;
  }
}

async function renameIfPresent(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
