/**
 * The pickle StructuralDetector with a stand-in engine: trigger hits are computed here the way the
 * engine's automaton would report them, and findings are collected from a fake context.
 */
import { describe, expect, it } from 'vitest';
import type {
  DetectorContext,
  FamilyAction,
  LayerInfo,
  ReportedFinding,
  TriggerHit,
} from '../../../src/engine/detectors/detector.js';
import { compilePickleAllowlist, type PickleAllowlist } from '../../../src/engine/detectors/pickle/allowlist.js';
import { pickleDetector } from '../../../src/engine/detectors/pickle/detector.js';
import { bytes, fixture, fixtureNames, prng } from './helpers.js';

function hits(buf: Buffer): TriggerHit[] {
  const out: TriggerHit[] = [];
  pickleDetector.triggers.forEach((t, trigger) => {
    const lit = typeof t === 'string' ? Buffer.from(t, 'latin1') : Buffer.from(t);
    for (let i = buf.indexOf(lit); i >= 0; i = buf.indexOf(lit, i + 1)) out.push({ trigger, offset: i });
  });
  return out.sort((a, b) => a.offset - b.offset);
}

const LAYER: LayerInfo = { location: 'body', depth: 0, isValue: false };

function inspect(
  buf: Buffer,
  action: FamilyAction = 'block',
  settings?: PickleAllowlist,
  exhausted = false,
): ReportedFinding[] {
  const found: ReportedFinding[] = [];
  const ctx: DetectorContext = {
    report: (f) => found.push(f),
    nested: () => undefined,
    action: () => action,
    settings: <T>() => settings as T | undefined,
    exhausted: () => exhausted,
  };
  const h = hits(buf);
  if (h.length > 0) pickleDetector.inspect(buf, h, LAYER, ctx);
  return found;
}

describe('pickleDetector', () => {
  it('is the structural detector named pickle', () => {
    expect(pickleDetector.name).toBe('pickle');
    expect(pickleDetector.family).toBe('pickle');
    expect(pickleDetector.caseInsensitive).not.toBe(true);
  });

  it('every attack fixture contains at least one trigger (the gate never hides a payload)', () => {
    const benign = /^(data_|torch_statedict_(p|min)|numpy_|prose_)/;
    for (const name of fixtureNames()) {
      if (benign.test(name)) continue;
      expect(hits(fixture(name)).length, name).toBeGreaterThan(0);
    }
  });

  it('reports rule, offset, severity and kind', () => {
    const f = inspect(fixture('reduce_os_system_p2'));
    expect(f).toEqual([
      {
        rule: 'DW-PICKLE-001',
        offset: 2,
        length: 32,
        message: 'pickle imports posix.system (GLOBAL; posix.*)',
        severity: 'critical',
        kind: 'attack',
      },
    ]);
  });

  it('reports limit findings with the limit name', () => {
    const f = inspect(fixture('p39_expansion'));
    expect(f.map((x) => [x.rule, x.kind, x.limit])).toEqual([['DW-PICKLE-004', 'limit', 'pickle.maxExpansion']]);
  });

  it("'log' behaves like 'block' (the engine decides), 'allow' reports nothing", () => {
    expect(inspect(fixture('reduce_os_system_p4'), 'log').length).toBe(1);
    expect(inspect(fixture('reduce_os_system_p4'), 'allow')).toEqual([]);
  });

  it("'allowlist' uses the policy's list, or the default ML list without one", () => {
    const state = fixture('torch_statedict_p2');
    expect(inspect(state, 'allowlist')).toEqual([]);
    expect(inspect(state, 'block').map((f) => f.rule)).toContain('DW-PICKLE-002');
    const narrow = compilePickleAllowlist(['collections:OrderedDict']);
    const f = inspect(state, 'allowlist', narrow);
    expect(f.map((x) => x.rule)).toContain('DW-PICKLE-002');
    expect(f.some((x) => x.message.includes('torch._utils._rebuild_tensor_v2'))).toBe(true);
  });

  it('does nothing once the request budget is exhausted', () => {
    expect(inspect(fixture('reduce_os_system_p2'), 'block', undefined, true)).toEqual([]);
  });

  it('benign inputs that fire triggers stay clean', () => {
    const samples = [
      bytes('{"rows": "a\\n(b", "tR": ")R"}\n(\n.\n'),
      bytes('getResult setRequest startRun\n(c) 2024 (i) note\n'),
      prng(9, 1 << 20),
      fixture('data_p4'),
    ];
    for (const s of samples) {
      expect(hits(s).length).toBeGreaterThan(0);
      expect(inspect(s)).toEqual([]);
    }
  });
});
