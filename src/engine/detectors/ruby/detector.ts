/**
 * The Ruby Marshal structural detector (trigger `04 08`). A stream must be
 * structurally valid to count, so random bytes that contain `04 08` stay
 * clean. Base64 (`BAh...`) is decoded by the engine before this runs.
 *
 * Rules: DW-RUBY-001 (stream resolves classes/instantiates objects),
 * DW-RUBY-002 (known gadget class, reported even when the stream breaks
 * later: marshal_load/_load of earlier objects already ran), DW-RUBY-003
 * (parser limit: fail closed).
 */
import type { DetectorContext, LayerInfo, StructuralDetector, TriggerHit } from '../detector.js';
import { rubyGadgetFamily } from './gadgets.js';
import { MARSHAL_LIMITS, parseMarshal, type MarshalInstantiation, type MarshalResult } from './marshal.js';

/** Type bytes that may follow the header. */
const FIRST_TYPES = new Set([...'0TFi:"I[{}flo/cmMuUeCSd'].map((c) => c.charCodeAt(0)));

/** Bytes a stream must span before a non-gadget instantiation counts (keeps random `04 08 63 06 41` clean). */
const MIN_STREAM_BYTES = 7;
/** Shortest class name that counts on its own for DW-RUBY-001 (gadget names always count). */
const MIN_NAME_CHARS = 3;
const MAX_FINDINGS = 32;

export interface RubyDetectorLimits {
  /** Parser work per layer: a multiple of the layer size plus a constant. */
  readonly workFactor: number;
  readonly workSlack: number;
}

export const RUBY_DETECTOR_LIMITS: RubyDetectorLimits = { workFactor: 8, workSlack: 1 << 20 };

/** Policy settings read in `allowlist` mode: class/module names the app may load. */
export interface RubyAllowSettings {
  readonly allow?: readonly string[];
}

function list(items: readonly MarshalInstantiation[]): string {
  const names = [...new Set(items.map((i) => `${i.name} (${i.kind})`))];
  return names.slice(0, 3).join(', ') + (names.length > 3 ? ', ...' : '');
}

function allowSet(ctx: DetectorContext): ReadonlySet<string> | undefined {
  if (ctx.action('ruby') !== 'allowlist') return undefined;
  return new Set(ctx.settings<RubyAllowSettings>('ruby')?.allow ?? []);
}

function report(r: MarshalResult, ctx: DetectorContext, allowed: ReadonlySet<string> | undefined): number {
  let n = 0;
  const offset = r.start;
  const length = Math.min(64, Math.max(2, r.end - r.start));
  const seen = allowed === undefined ? r.instantiations : r.instantiations.filter((i) => !allowed.has(i.name));
  const gadgets = seen.filter((i) => rubyGadgetFamily(i.name) !== undefined);
  if (gadgets.length > 0) {
    const families = [...new Set(gadgets.map((g) => rubyGadgetFamily(g.name)))].join(', ');
    ctx.report({ rule: 'DW-RUBY-002', offset, length, message: `Ruby Marshal gadget class ${list(gadgets)} (${families})` });
    n++;
  }
  const plausible = r.status === 'ok' || r.status === 'truncated' || r.status === 'limit';
  const strong = seen.filter((i) => i.name.length >= MIN_NAME_CHARS || rubyGadgetFamily(i.name) !== undefined);
  // Instantiations beyond the recorded ones were not checked against the allow-list: fail closed.
  const unchecked = allowed !== undefined && r.instantiationCount > r.instantiations.length;
  if (plausible && (strong.length > 0 || unchecked) && r.end - r.start >= MIN_STREAM_BYTES) {
    const tail = r.status === 'ok' ? '' : ` (stream then ${r.reason})`;
    const more = unchecked ? ` and ${r.instantiationCount - r.instantiations.length} more` : '';
    ctx.report({ rule: 'DW-RUBY-001', offset, length, message: `Ruby Marshal resolves ${list(strong)}${more}${tail}` });
    n++;
  }
  if (r.status === 'limit') {
    ctx.report({ rule: 'DW-RUBY-003', kind: 'limit', limit: 'ruby.marshal', offset, message: `Ruby Marshal: ${r.reason}` });
    n++;
  }
  return n;
}

export const rubyDetector: StructuralDetector = {
  name: 'ruby',
  family: 'ruby',
  triggers: [new Uint8Array([0x04, 0x08])],
  inspect(bytes: Uint8Array, hits: readonly TriggerHit[], _layer: LayerInfo, ctx: DetectorContext): void {
    const allowed = allowSet(ctx);
    const maxWork = bytes.length * RUBY_DETECTOR_LIMITS.workFactor + RUBY_DETECTOR_LIMITS.workSlack;
    let work = 0;
    let findings = 0;
    for (const hit of hits) {
      if (findings >= MAX_FINDINGS || ctx.exhausted()) break;
      const type = bytes[hit.offset + 2];
      if (type === undefined || !FIRST_TYPES.has(type)) continue;
      if (work > maxWork) {
        ctx.report({
          rule: 'DW-RUBY-003', kind: 'limit', limit: 'ruby.maxWork', offset: hit.offset,
          message: 'Ruby Marshal: inspection work budget exhausted',
        });
        break;
      }
      const r = parseMarshal(bytes, hit.offset, bytes.length, MARSHAL_LIMITS);
      work += Math.max(1, r.end - r.start);
      if (r.instantiationCount === 0 && r.status !== 'limit') continue;
      findings += report(r, ctx, allowed);
    }
  },
};
