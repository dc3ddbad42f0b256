/**
 * A miniature engine for the XML tests: finds trigger hits naively, runs the
 * given detectors on a layer, follows nested layers (transcoded text,
 * character-reference decoding as the engine does for layers with `&#`) up
 * to a depth limit, and collects findings with their layer location.
 */
import { decodeCharRefs } from '../../../src/engine/charset/char-refs.js';
import type {
  DetectorContext,
  LayerInfo,
  ReportedFinding,
  StructuralDetector,
  TriggerHit,
} from '../../../src/engine/detectors/detector.js';
import { xmlEncodingDetector, xxeDetector } from '../../../src/engine/detectors/xml/index.js';

export interface LocatedFinding extends ReportedFinding {
  readonly location: string;
}

export interface RunResult {
  readonly findings: LocatedFinding[];
  readonly layers: { location: string; bytes: Uint8Array }[];
  readonly rules: Set<string>;
}

export const XML_DETECTORS: readonly StructuralDetector[] = [xmlEncodingDetector, xxeDetector];

function fold(b: Uint8Array): Buffer {
  const out = Buffer.from(b);
  for (let i = 0; i < out.length; i++) {
    const c = out[i]!;
    if (c >= 0x41 && c <= 0x5a) out[i] = c + 0x20;
  }
  return out;
}

export function findHits(bytes: Uint8Array, d: StructuralDetector): TriggerHit[] {
  const hay = d.caseInsensitive ? fold(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hits: TriggerHit[] = [];
  d.triggers.forEach((t, trigger) => {
    let needle = typeof t === 'string' ? Buffer.from(t, 'latin1') : Buffer.from(t);
    if (d.caseInsensitive) needle = fold(needle);
    for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) hits.push({ trigger, offset: at });
  });
  return hits.sort((a, b) => a.offset - b.offset || a.trigger - b.trigger);
}

export function run(
  input: Uint8Array | string,
  options: { detectors?: readonly StructuralDetector[]; layer?: Partial<LayerInfo>; maxDepth?: number } = {},
): RunResult {
  const detectors = options.detectors ?? XML_DETECTORS;
  const maxDepth = options.maxDepth ?? 6;
  const findings: LocatedFinding[] = [];
  const layers: { location: string; bytes: Uint8Array }[] = [];
  const root = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const work: { bytes: Uint8Array; info: LayerInfo }[] = [
    { bytes: root, info: { location: 'body', depth: 0, isValue: false, ...options.layer } },
  ];
  for (let k = 0; k < work.length && k < 64; k++) {
    const { bytes, info } = work[k]!;
    layers.push({ location: info.location, bytes });
    const ctx: DetectorContext = {
      report: (f) => findings.push({ ...f, location: info.location }),
      nested: (nb, label, o) => {
        if (info.depth + 1 > maxDepth) return;
        work.push({
          bytes: nb,
          info: {
            location: `${info.location}>${label}`,
            depth: info.depth + (o?.decoder === false ? 0 : 1),
            isValue: o?.isValue ?? false,
            ...(o?.contentType ? { contentType: o.contentType } : {}),
            ...(o?.filename ? { filename: o.filename } : {}),
          },
        });
      },
      action: () => 'block',
      settings: () => undefined,
      exhausted: () => false,
    };
    for (const d of detectors) {
      const hits = findHits(bytes, d);
      if (hits.length > 0 || d.triggers.length === 0) d.inspect(bytes, hits, info, ctx);
    }
    if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf('&#') >= 0) {
      const decoded = decodeCharRefs(bytes);
      if (decoded) ctx.nested(decoded, 'charref', { decoder: true });
    }
  }
  return { findings, layers, rules: new Set(findings.map((f) => f.rule)) };
}

/** Rule ids reported for the input (sorted, unique). */
export function rulesOf(input: Uint8Array | string, layer?: Partial<LayerInfo>): string[] {
  return [...run(input, layer ? { layer } : {}).rules].sort();
}

export const utf16le = (s: string): Buffer => Buffer.from(s, 'utf16le');
export const utf16be = (s: string): Buffer => Buffer.from(s, 'utf16le').swap16();
export const bom16le = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(s)]);
export const bom16be = (s: string): Buffer => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(s)]);
