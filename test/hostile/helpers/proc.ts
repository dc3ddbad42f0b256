/**
 * Looking at a real process from the outside (Linux /proc): open file
 * descriptors, resident memory and its high-water mark; a condition poller
 * for states no event announces (an fd count returning to its baseline);
 * a free loopback port; raw stdout capture of a started proxy.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';

/** Number of open file descriptors of `pid`. */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Open sockets of `pid` (fd links of the form socket:[inode]). */
export function socketCount(pid: number): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed between readdir and readlink
    }
  }
  return n;
}

/** VmRSS and VmHWM of `pid` in bytes. */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/**
 * Poll `pred` until it holds or `timeoutMs` passes (then reject with `what`).
 * For conditions without an event (fd counts); never a fixed sleep.
 */
export async function waitUntil(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A loopback port that was free a moment ago (bind to 0, read, close). */
export async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  s.close();
  await once(s, 'close');
  return port;
}

/** Collect a child's raw stdout text from now on (the proxy's log stream, byte for byte). */
export function captureStdout(child: ChildProcess): { text: () => string } {
  const parts: string[] = [];
  child.stdout!.on('data', (d: string | Buffer) => parts.push(typeof d === 'string' ? d : d.toString('utf8')));
  return { text: () => parts.join('') };
}
