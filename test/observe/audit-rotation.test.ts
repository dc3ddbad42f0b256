/**
 * The audit writer in-process against real files: size-based rotation
 * (file, file.1 ... file.N, oldest dropped, no file past maxBytes unless one
 * record alone is larger), per-worker file names, and dropping with a
 * counter and a warning when the sink cannot keep up (the queue stays
 * bounded). Records are produced by publishing real request events on the
 * `deserwall:request` diagnostics channel, as the proxy does.
 */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { startAudit } from '../../src/observe/audit/index.js';
import { slotPath, resolveDestination } from '../../src/observe/audit/paths.js';
import type { Sink } from '../../src/observe/audit/sink.js';
import { AuditWriter } from '../../src/observe/audit/writer.js';
import { requestChannel, type RequestEvent } from '../../src/observe/events.js';
import { createLogger } from '../../src/observe/logger.js';

function event(i: number, findings = 1): RequestEvent {
  return {
    time: Date.now(),
    requestId: `req-${i}`,
    method: 'POST',
    path: `/upload/${i}`,
    route: 'default',
    policy: 'default',
    mode: 'block',
    status: 403,
    verdict: 'blocked',
    bytesIn: 100,
    bytesOut: 0,
    durationMs: 1.5,
    findings: Array.from({ length: findings }, () => ({
      finding: { rule: 'DW-XML-001', family: 'xml', severity: 'critical', kind: 'attack', location: 'body', offset: 34, excerpt: '<!ENTITY e SYSTEM \\x22file:///etc/passwd\\x22>', message: 'external entity' },
      action: 'blocked',
    })),
    headers: [['Host', 'app.test'], ['Authorization', 'Bearer not-redacted-upstream']],
    remoteAddress: '127.0.0.1',
  } as RequestEvent;
}

function collectingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: createLogger({ level: 'info', destination: stream }), lines };
}

describe('size-based rotation', () => {
  it('rotates file -> file.1 -> file.2, keeps maxFiles, never lets a file pass maxBytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-rot-'));
    const file = join(dir, 'audit.log');
    writeFileSync(file, 'x'.repeat(600) + '\n'); // an existing file counts towards the limit
    const { logger } = collectingLogger();
    const registry = new Registry();
    const audit = await startAudit({ enabled: true, destination: 'audit.log', maxBytes: 1024, maxFiles: 2 }, { logger, configFile: join(dir, 'config.yaml'), slot: null, registry });
    expect(audit.destination).toBe(file);
    const N = 40;
    for (let i = 0; i < N; i++) requestChannel.publish(event(i));
    await audit.flush();
    await audit.close();

    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
    const ids: number[] = [];
    for (const f of [`${file}.2`, `${file}.1`, file]) {
      expect(statSync(f).size).toBeLessThanOrEqual(1024);
      for (const line of readFileSync(f, 'utf8').split('\n').filter(Boolean)) {
        if (line.startsWith('xxx')) continue;
        const r = JSON.parse(line) as { requestId: string; headers: [string, string][] };
        expect(r.headers).toContainEqual(['Authorization', '[Redacted]']);
        ids.push(Number(r.requestId.slice(4)));
      }
    }
    // Oldest files hold the oldest records; the newest records are all there, in order.
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.at(-1)).toBe(N - 1);
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBe(ids[i - 1]! + 1);
    expect(ids.length).toBeLessThan(N); // the oldest were rotated away
    const metrics = await registry.metrics();
    expect(metrics).toContain(`deserwall_audit_records_total{result="written"} ${N}`);
  });

  it('gives a record larger than maxBytes a file of its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-rot-big-'));
    const file = join(dir, 'a.log');
    const { logger } = collectingLogger();
    const audit = await startAudit({ enabled: true, destination: file, maxBytes: 1024, maxFiles: 3 }, { logger, configFile: '<defaults>', slot: null });
    requestChannel.publish(event(1));
    requestChannel.publish(event(2, 20)); // about 4 KiB
    requestChannel.publish(event(3));
    await audit.close();
    const lines = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { requestId: string }).requestId);
    expect(lines(`${file}.2`)).toEqual(['req-1']);
    expect(lines(`${file}.1`)).toEqual(['req-2']);
    expect(lines(file)).toEqual(['req-3']);
    expect(statSync(`${file}.1`).size).toBeGreaterThan(1024);
  });

  it('does not write clean requests; stops writing once closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-rot-clean-'));
    const file = join(dir, 'a.log');
    const { logger } = collectingLogger();
    const audit = await startAudit({ enabled: true, destination: file, maxBytes: 4096, maxFiles: 1 }, { logger, configFile: '<defaults>', slot: null });
    requestChannel.publish({ ...event(1, 0), verdict: 'forwarded', status: 200 });
    requestChannel.publish(event(2));
    await audit.close();
    requestChannel.publish(event(3));
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { requestId: string }).requestId)).toEqual(['req-2']);
  });
});

describe('reload', () => {
  it('apply() switches the audit log on, to a new file, and off; a bad new destination keeps the current one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-reload-'));
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    const { logger, lines } = collectingLogger();
    const base = { maxBytes: 4096, maxFiles: 1 };
    const audit = await startAudit({ enabled: false, destination: 'stdout', ...base }, { logger, configFile: '<defaults>', slot: null });
    expect(audit.destination).toBeNull();
    requestChannel.publish(event(0));
    await audit.apply({ enabled: true, destination: a, ...base });
    requestChannel.publish(event(1));
    await audit.flush();
    await audit.apply({ enabled: true, destination: join(a, 'not-a-dir', 'c.log'), ...base });
    expect(audit.destination).toBe(a);
    expect(lines.some((l) => l.msg === 'cannot open the new audit destination; keeping the current one')).toBe(true);
    await audit.apply({ enabled: true, destination: b, ...base });
    requestChannel.publish(event(2));
    await audit.flush();
    await audit.apply({ enabled: false, destination: b, ...base });
    requestChannel.publish(event(3));
    await audit.close();
    const ids = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { requestId: string }).requestId);
    expect(ids(a)).toEqual(['req-1']);
    expect(ids(b)).toEqual(['req-2']);
  });
});

describe('per-worker files and relative paths', () => {
  it('names one file per worker slot and resolves relative destinations against the config file', () => {
    expect(slotPath('/var/log/dw/audit.log', 1)).toBe('/var/log/dw/audit.w1.log');
    expect(slotPath('/var/log/dw/audit', 2)).toBe('/var/log/dw/audit.w2');
    expect(slotPath('/var/log/dw/.audit', 3)).toBe('/var/log/dw/.audit.w3');
    expect(slotPath('/var/log/dw/audit.log', null)).toBe('/var/log/dw/audit.log');
    expect(resolveDestination('logs/a.log', '/etc/deserwall/config.yaml')).toBe('/etc/deserwall/logs/a.log');
    expect(resolveDestination('/abs/a.log', '/etc/deserwall/config.yaml')).toBe('/abs/a.log');
  });
});

describe('a sink that cannot keep up', () => {
  it('drops records beyond the queue bound, counts them and warns once per interval', async () => {
    // A sink whose writes complete only when the test says so.
    const calls: (() => void)[] = [];
    let notify: (() => void) | null = null;
    const written: string[] = [];
    const stuck: Sink = {
      name: 'stuck-sink',
      write: (batch) =>
        new Promise<void>((resolve) => {
          calls.push(() => {
            written.push(...batch);
            resolve();
          });
          notify?.();
        }),
      close: async () => undefined,
    };
    const nextCall = (): Promise<void> => (calls.length > 0 ? Promise.resolve() : new Promise<void>((r) => (notify = r)));
    const { logger, lines } = collectingLogger();
    const w = new AuditWriter({ sink: stuck, logger, maxQueuedBytes: 10_000, warnEveryMs: 60_000 });
    const line = 'y'.repeat(1000);
    let accepted = 0;
    for (let i = 0; i < 50; i++) if (w.push(line)) accepted++;
    // ~3 bytes budgeted per char: a handful fit, the rest are dropped.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(10);
    expect(w.counts.dropped).toBe(50 - accepted);
    const warns = lines.filter((l) => l.msg === 'audit log cannot keep up: records dropped');
    expect(warns).toHaveLength(1); // rate-limited
    expect(warns[0]).toMatchObject({ level: 'warn', destination: 'stuck-sink', dropped: 1 });
    // The sink catches up: everything accepted is written, in order.
    const flushed = w.flush();
    while (written.length < accepted) {
      await nextCall();
      calls.shift()!();
    }
    await flushed;
    expect(written).toHaveLength(accepted);
    expect(w.counts.written).toBe(accepted);
    await w.close();
    const final = lines.filter((l) => l.msg === 'audit log cannot keep up: records dropped').at(-1)!;
    expect(final.droppedTotal).toBe(50 - accepted);
  });
});
