// Linux /proc readings for the benchmarks: CPU time of a process tree, of the
// whole machine, resident memory (VmRSS, VmHWM), machine facts, and a bounded
// wait for the machine to be quiet before a measurement.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICK_MS = 1000 / (Number(tryExec('getconf', ['CLK_TCK'])) || 100);

function tryExec(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The pid and all its descendants (breadth-first, at most 256 processes). */
export function treePids(root) {
  const out = [root];
  for (let i = 0; i < out.length && out.length < 256; i++) {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${out[i]}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      for (const c of read(`/proc/${out[i]}/task/${t}/children`).split(' ')) if (c.trim()) out.push(Number(c));
    }
  }
  return out;
}

/** CPU milliseconds (user + system, all threads) used so far by these pids. */
export function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const s = read(`/proc/${pid}/stat`);
    const close = s.lastIndexOf(')');
    if (close === -1) continue;
    const f = s.slice(close + 2).split(' ');
    ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
  }
  return ticks * TICK_MS;
}

/** Busy and total CPU milliseconds of the whole machine since boot. */
export function machineCpuMs() {
  const line = read('/proc/stat').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = v;
  const busy = user + nice + system + irq + softirq + (steal ?? 0);
  return { busy: busy * TICK_MS, total: (busy + idle + iowait) * TICK_MS };
}

/** Resident memory of one pid in MiB: current (VmRSS) and peak (VmHWM). */
export function rssMiB(pid) {
  const s = read(`/proc/${pid}/status`);
  const kb = (k) => Number((s.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm')) ?? [])[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** Sum of VmRSS over a process tree, MiB. */
export function treeRssMiB(root) {
  return treePids(root).reduce((a, p) => a + rssMiB(p).rss, 0);
}

/**
 * Waits (bounded: at most `maxMs`) until the machine used less than `busyPct`
 * percent of its CPUs over a 1 s window. Returns the last window's busy %.
 */
export async function waitQuiet({ busyPct = 10, maxMs = 30000 } = {}) {
  const deadline = Date.now() + maxMs;
  let pct = 100;
  while (Date.now() < deadline) {
    const a = machineCpuMs();
    await new Promise((r) => setTimeout(r, 1000));
    const b = machineCpuMs();
    pct = (100 * (b.busy - a.busy)) / Math.max(1, b.total - a.total);
    if (pct < busyPct) break;
  }
  return pct;
}

export function hasTaskset() {
  return existsSync('/usr/bin/taskset') || tryExec('sh', ['-c', 'command -v taskset']) !== '';
}

/** Pins an already running process (all its threads) to a CPU list, e.g. "0". */
export function pin(pid, cpus) {
  if (!hasTaskset()) return false;
  return tryExec('taskset', ['-a', '-p', '-c', cpus, String(pid)]) !== '';
}

/** CPU model, cores, memory, kernel, Node version and the git commit under test. */
export function machineFacts(root) {
  const cpus = os.cpus();
  const commit = tryExec('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  const dirty = tryExec('git', ['--no-optional-locks', '-C', root, 'status', '--porcelain', '--untracked-files=no', '--', 'src']) !== '';
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    os: (read('/etc/os-release').match(/^PRETTY_NAME="?([^"\n]+)/m) ?? [])[1] ?? os.platform(),
    node: process.version,
    commit: commit + (dirty ? ' + uncommitted src changes' : ''),
    taskset: hasTaskset(),
  };
}
