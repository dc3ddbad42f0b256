/**
 * Test harness shared by the php, ruby, node and yaml detector tests: finds
 * trigger hits the simple way (indexOf per literal, ASCII case folding when
 * the detector asks for it) and runs a detector on one layer with a
 * recording context.
 */
import type {
  DetectorContext,
  FamilyAction,
  LayerInfo,
  ReportedFinding,
  StructuralDetector,
  TriggerHit,
} from '../../../src/engine/detectors/detector.js';

export function latin1(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}

export function utf8(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf8'));
}

function fold(b: Uint8Array): Buffer {
  const out = Buffer.from(b);
  for (let i = 0; i < out.length; i++) {
    const c = out[i] ?? 0;
    if (c >= 0x41 && c <= 0x5a) out[i] = c + 0x20;
  }
  return out;
}

export function findHits(det: StructuralDetector, bytes: Uint8Array): TriggerHit[] {
  const hay = det.caseInsensitive ? fold(bytes) : Buffer.from(bytes);
  const hits: TriggerHit[] = [];
  det.triggers.forEach((t, trigger) => {
    const raw = typeof t === 'string' ? Buffer.from(t, 'latin1') : Buffer.from(t);
    const needle = det.caseInsensitive ? fold(raw) : raw;
    for (let p = hay.indexOf(needle); p >= 0; p = hay.indexOf(needle, p + 1)) hits.push({ trigger, offset: p });
  });
  return hits.sort((a, b) => a.offset - b.offset || a.trigger - b.trigger);
}

export interface RunOptions {
  readonly layer?: Partial<LayerInfo>;
  readonly action?: FamilyAction;
  readonly settings?: unknown;
  /** Calls to exhausted() that answer false before it answers true. */
  readonly budget?: number;
}

export interface RunResult {
  readonly findings: ReportedFinding[];
  readonly rules: string[];
  readonly nested: { bytes: Uint8Array; label: string }[];
}

export function run(det: StructuralDetector, input: string | Uint8Array, opts: RunOptions = {}): RunResult {
  const bytes = typeof input === 'string' ? latin1(input) : input;
  const findings: ReportedFinding[] = [];
  const nested: { bytes: Uint8Array; label: string }[] = [];
  let calls = 0;
  const ctx: DetectorContext = {
    report: (f) => findings.push(f),
    nested: (b, label) => nested.push({ bytes: b, label }),
    action: () => opts.action ?? 'block',
    settings: <T>() => opts.settings as T | undefined,
    exhausted: () => opts.budget !== undefined && ++calls > opts.budget,
  };
  const layer: LayerInfo = { location: 'body', depth: 0, isValue: false, ...opts.layer };
  const hits = findHits(det, bytes);
  if (hits.length > 0 || det.triggers.length === 0) det.inspect(bytes, hits, layer, ctx);
  return { findings, rules: [...new Set(findings.map((f) => f.rule))].sort(), nested };
}

/** Every finding must point inside the layer and carry a sane message. */
export function assertSane(result: RunResult, length: number): void {
  for (const f of result.findings) {
    if (!(f.offset >= 0 && f.offset <= length)) throw new Error(`offset ${f.offset} outside layer of ${length}`);
    if (f.message.length === 0 || f.message.length > 600) throw new Error(`bad message length ${f.message.length}`);
    for (let i = 0; i < f.message.length; i++) {
      const c = f.message.charCodeAt(i);
      if (c < 0x20 || c === 0x7f) throw new Error(`control character in message: ${JSON.stringify(f.message)}`);
    }
  }
}
