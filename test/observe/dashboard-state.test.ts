/**
 * The dashboard's rolling state and its IPC input, in-process: totals by
 * verdict, one-second series, capped maps (rules past the cap count under
 * "(other)"), a bounded latest-findings list, and malformed IPC batches
 * rejected and counted. Memory stays bounded whatever is fed in.
 */
import { describe, expect, it } from 'vitest';
import { compactEvent, readCompact, type CompactEvent } from '../../src/observe/dashboard/compact.js';
import { safeJson } from '../../src/observe/dashboard/safe-json.js';
import { DashboardState, LATEST_SHOWN, SERIES_SECONDS } from '../../src/observe/dashboard/state.js';
import type { RequestEvent } from '../../src/observe/events.js';

function ev(over: Partial<RequestEvent> & { rule?: string } = {}): RequestEvent {
  const rule = over.rule ?? 'DW-XML-001';
  return {
    time: over.time ?? Date.now(),
    requestId: 'r1',
    method: 'POST',
    path: '/a',
    route: 'default',
    policy: 'default',
    mode: 'block',
    status: 403,
    verdict: 'blocked',
    bytesIn: 1,
    bytesOut: 0,
    durationMs: 1,
    findings: [{ finding: { rule, family: 'xml', severity: 'critical', kind: 'attack', location: 'body', offset: 3, excerpt: '<!ENTITY', message: 'm' }, action: 'blocked' }],
    headers: [],
    remoteAddress: '127.0.0.1',
    ...over,
  } as RequestEvent;
}

describe('dashboard state', () => {
  it('counts by verdict and fills the per-second series', () => {
    const s = new DashboardState();
    const now = Date.now();
    s.add(compactEvent(ev({ time: now })));
    s.add(compactEvent(ev({ time: now, verdict: 'forwarded', status: 200, findings: [] })));
    s.add(compactEvent(ev({ time: now - 2000, verdict: 'refused', status: 400, findings: [] })));
    s.add(compactEvent(ev({ time: now, verdict: 'logged', status: 200 })));
    const snap = s.snapshot(now);
    expect(snap.totals).toMatchObject({ requests: 4, blocked: 1, forwarded: 1, refused: 1, logged: 1, findings: 2 });
    expect(snap.series.blocked).toHaveLength(SERIES_SECONDS);
    expect(snap.series.blocked.at(-1)).toBe(1);
    expect(snap.series.forwarded.at(-1)).toBe(1);
    expect(snap.series.refused.at(-3)).toBe(1);
    expect(snap.topFamilies).toEqual([{ family: 'xml', count: 2 }]);
  });

  it('stays bounded: capped rule map, latest list, ignores events older than the window', () => {
    const s = new DashboardState();
    for (let i = 0; i < 5000; i++) s.add(compactEvent(ev({ rule: `R-${i}` })), i % 700);
    const snap = s.snapshot();
    expect(snap.topRules).toHaveLength(10);
    expect(snap.topRules[0]!.rule).toBe('(other)');
    expect(snap.topRules[0]!.count).toBe(5000 - 256); // 256 rules kept by name
    expect(snap.latest).toHaveLength(LATEST_SHOWN);
    expect(snap.latest[0]!.rule).toBe('R-4999'); // newest first
    expect(snap.workers.length).toBeLessThanOrEqual(512);
    s.add(compactEvent(ev({ time: Date.now() - 3_600_000 })));
    expect(s.snapshot().series.blocked.reduce((a, b) => a + b, 0)).toBe(5000);
  });

  it('escapes request data in compact events and in the JSON it serves', () => {
    const c = compactEvent(ev({ path: '/<img src=x onerror=alert(1)>"\x1b', requestId: 'id\n2' }));
    expect(c.path).toBe('/<img src=x onerror=alert(1)>\\x22\\x1b');
    expect(c.id).toBe('id\\x0a2');
    const json = safeJson(c);
    expect(json).not.toContain('<');
    expect(json).not.toContain('>');
    expect((JSON.parse(json) as CompactEvent).path).toBe(c.path);
  });
});

describe('IPC input', () => {
  it('accepts a well-formed compact event and re-caps its strings', () => {
    const c = compactEvent(ev());
    expect(readCompact(JSON.parse(JSON.stringify(c)))).toEqual(c);
    const long = readCompact({ ...c, path: 'p'.repeat(10_000), findings: [{ ...c.findings[0], excerpt: 'e\u0000'.repeat(1000) }] })!;
    expect(long.path.length).toBeLessThanOrEqual(257);
    expect(long.findings[0]!.excerpt.length).toBeLessThanOrEqual(301 * 6);
    expect(long.findings[0]!.excerpt).not.toContain('\u0000');
  });

  it('rejects malformed events', () => {
    const c = compactEvent(ev());
    for (const bad of [null, 1, 'x', [], { ...c, t: 'now' }, { ...c, verdict: 'pwned' }, { ...c, findings: 'x' }, { ...c, findings: [null] }, { ...c, status: Infinity }]) {
      expect(readCompact(bad)).toBeNull();
    }
  });
});
