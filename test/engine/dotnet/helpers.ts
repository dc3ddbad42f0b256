/**
 * Test helpers for the .NET detectors: the generated fixtures
 * (test/fixtures/dotnet/payloads.json), a recording DetectorContext, and a
 * tiny stand-in for the engine that finds trigger hits and follows nested
 * layers (bounded) so bridge payloads can be checked end to end.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type {
  DetectorContext,
  FamilyAction,
  ReportedFinding,
  StructuralDetector,
  TriggerHit,
} from '../../../src/engine/detectors/detector.js';
import { DOTNET_DETECTORS } from '../../../src/engine/detectors/dotnet/detector.js';

export interface Fixture {
  readonly b64: string;
  readonly note: string;
}

const fixturePath = fileURLToPath(new URL('../../fixtures/dotnet/payloads.json', import.meta.url));
export const FIXTURES: Readonly<Record<string, Fixture>> = JSON.parse(readFileSync(fixturePath, 'utf8'));

export function fixture(name: string): Buffer {
  const f = FIXTURES[name];
  if (!f) throw new Error(`no fixture ${name}`);
  return Buffer.from(f.b64, 'base64');
}

export interface Recorded extends ReportedFinding {
  readonly location: string;
}

export interface NestedLayer {
  readonly bytes: Uint8Array;
  readonly label: string;
}

export interface RecordingContext extends DetectorContext {
  readonly findings: Recorded[];
  readonly nestedLayers: NestedLayer[];
}

export function recordingContext(
  location = 'body',
  action: FamilyAction = 'block',
  settings?: unknown,
): RecordingContext {
  const findings: Recorded[] = [];
  const nestedLayers: NestedLayer[] = [];
  return {
    findings,
    nestedLayers,
    report: (f) => findings.push({ ...f, location }),
    nested: (bytes, label) => nestedLayers.push({ bytes, label }),
    action: () => action,
    settings: <T>() => settings as T | undefined,
    exhausted: () => false,
  };
}

/** Trigger hits of one detector in `bytes` (naive search, fine for tests). */
export function triggerHits(det: StructuralDetector, bytes: Uint8Array): TriggerHit[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hay = det.caseInsensitive ? Buffer.from(buf.toString('latin1').toLowerCase(), 'latin1') : buf;
  const hits: TriggerHit[] = [];
  det.triggers.forEach((t, i) => {
    const lit = typeof t === 'string' ? Buffer.from(det.caseInsensitive ? t.toLowerCase() : t, 'latin1') : Buffer.from(t);
    for (let p = hay.indexOf(lit); p >= 0; p = hay.indexOf(lit, p + 1)) hits.push({ trigger: i, offset: p });
  });
  return hits.sort((a, b) => a.offset - b.offset);
}

/** Run one detector over one layer (if any trigger hits). */
export function runDetector(
  det: StructuralDetector,
  bytes: Uint8Array,
  ctx: RecordingContext = recordingContext(),
  depth = 1,
): RecordingContext {
  const hits = triggerHits(det, bytes);
  if (hits.length > 0) det.inspect(bytes, hits, { location: 'body', depth, isValue: depth > 0 }, ctx);
  return ctx;
}

/** Run all .NET detectors over a layer and, breadth-first, over the layers they hand back. */
export function scanAll(
  bytes: Uint8Array,
  action: FamilyAction = 'block',
  settings?: unknown,
  maxLayers = 32,
): Recorded[] {
  const out: Recorded[] = [];
  const queue: { bytes: Uint8Array; location: string; depth: number }[] = [{ bytes, location: 'body', depth: 1 }];
  for (let n = 0; n < maxLayers; n++) {
    const layer = queue.shift();
    if (!layer) break;
    const ctx = recordingContext(layer.location, action, settings);
    for (const det of DOTNET_DETECTORS) runDetector(det, layer.bytes, ctx, layer.depth);
    out.push(...ctx.findings);
    for (const nl of ctx.nestedLayers) queue.push({ bytes: nl.bytes, location: `${layer.location}>${nl.label}`, depth: layer.depth + 1 });
  }
  return out;
}

export function rules(findings: readonly { rule: string }[]): string[] {
  return [...new Set(findings.map((f) => f.rule))].sort();
}
