/**
 * The PHP structural detector: serialized objects (`O:`, `C:`, also reached
 * through arrays and `S:`/`s:` strings that hold serialized data) and phar
 * archives (stub token `__HALT_COMPILER();`, matched case-insensitively as
 * ext/phar does, followed by a manifest whose metadata is serialized PHP).
 *
 * Rules: DW-PHP-001 (object instantiated), DW-PHP-002 (phar archive),
 * DW-PHP-003 (known gadget class, even in a truncated stream), DW-PHP-004
 * (parser limit: fail closed).
 */
import type { DetectorContext, LayerInfo, StructuralDetector, TriggerHit } from '../detector.js';
import { normalizePhpClass } from './gadgets.js';
import { HALT_TOKEN_LENGTH, parsePharManifest, type PharManifest } from './phar.js';
import { PHP_SCAN_LIMITS, newScanState, scanSerializedAt, type PhpScanState, type PhpValueReport } from './scan.js';

/** Trigger literals; the detector folds ASCII case, so `o:`/`c:` hits are filtered by the scanner. */
const TRIGGERS = ['O:', 'C:', 'a:', 's:', '__HALT_COMPILER();'] as const;
const PHAR_TRIGGER = TRIGGERS.indexOf('__HALT_COMPILER();');

/** Findings reported per layer at most (a flood says nothing more). */
const MAX_FINDINGS = 32;

/** Policy settings read in `allowlist` mode: class names PHP may instantiate. */
export interface PhpAllowSettings {
  readonly allow?: readonly string[];
}

const allowCache = new WeakMap<object, ReadonlySet<string>>();

function allowedClasses(ctx: DetectorContext): ReadonlySet<string> | undefined {
  if (ctx.action('php') !== 'allowlist') return undefined;
  const settings = ctx.settings<PhpAllowSettings>('php');
  if (settings === undefined) return new Set();
  let set = allowCache.get(settings);
  if (set === undefined) {
    set = new Set((settings.allow ?? []).map(normalizePhpClass));
    allowCache.set(settings, set);
  }
  return set;
}

/** True for members of a tar-based phar that hold serialized metadata. */
export function isPharMetadataName(filename: string | undefined): boolean {
  if (filename === undefined || filename.length > 4096) return false;
  let i = 0;
  if (filename.startsWith('./')) i = 2;
  while (i < filename.length && filename.charCodeAt(i) === 0x2f) i++;
  return filename.startsWith('.phar/', i) && filename.endsWith('.metadata.bin');
}

function listNames(names: readonly string[]): string {
  return names.slice(0, 3).join(', ') + (names.length > 3 ? ', ...' : '');
}

function reportValue(v: PhpValueReport, ctx: DetectorContext, allowed: ReadonlySet<string> | undefined): number {
  let n = 0;
  const where = v.hidden ? ' hidden in a serialized string' : '';
  if (v.completeObjects > 0) {
    const disallowed = allowed === undefined ? v.classes : v.classes.filter((c) => !allowed.has(normalizePhpClass(c)));
    // Objects beyond the recorded names were not checked against the allow-list: fail closed.
    const unchecked = v.objectCount > v.classes.length;
    if (disallowed.length > 0 || unchecked) {
      const broken = v.status === 'ok' ? '' : ` (then ${v.reason}; PHP still destructs the objects)`;
      ctx.report({
        rule: 'DW-PHP-001',
        offset: v.offset,
        length: v.length,
        message: `serialized PHP instantiates ${listNames(disallowed.length > 0 ? disallowed : v.classes)}${unchecked ? ` and ${v.objectCount - v.classes.length} more objects` : ''}${where}${broken}`,
      });
      n++;
    }
  }
  const gadgets = allowed === undefined ? v.gadgets : v.gadgets.filter((g) => !allowed.has(normalizePhpClass(g.name)));
  if (gadgets.length > 0) {
    const families = [...new Set(gadgets.map((g) => g.family))].join(', ');
    ctx.report({
      rule: 'DW-PHP-003',
      offset: v.offset,
      length: v.length,
      message: `PHP gadget class ${listNames(gadgets.map((g) => g.name))} (${families})${where}`,
    });
    n++;
  }
  if (v.status === 'limit') {
    ctx.report({ rule: 'DW-PHP-004', kind: 'limit', limit: 'php.parse', offset: v.offset, message: `serialized PHP: ${v.reason}` });
    n++;
  }
  return n;
}

function metadataObjects(bytes: Uint8Array, m: PharManifest, state: PhpScanState): PhpValueReport[] {
  const found: PhpValueReport[] = [];
  const regions = m.metadata !== undefined ? [m.metadata, ...m.entryMetadata] : m.entryMetadata;
  for (const r of regions) {
    scanSerializedAt(bytes.subarray(0, r.end), r.start, state, found);
  }
  return found;
}

function inspectPhar(bytes: Uint8Array, offset: number, state: PhpScanState, ctx: DetectorContext): number {
  const m = parsePharManifest(bytes, offset + HALT_TOKEN_LENGTH);
  if (!m.headerOk) return 0;
  const found = metadataObjects(bytes, m, state).filter((v) => v.completeObjects > 0 || v.gadgets.length > 0);
  if (!m.ok && found.length === 0) return 0;
  const classes = found.flatMap((v) => v.classes);
  const holds = classes.length > 0 ? `; its metadata holds ${listNames(classes)}` : '';
  ctx.report({
    rule: 'DW-PHP-002',
    offset,
    length: HALT_TOKEN_LENGTH,
    message: `phar archive stub with a manifest (${m.entryCount} entries)${holds}`,
  });
  let n = 1;
  for (const v of found) n += reportValue(v, ctx, undefined);
  return n;
}

export const phpDetector: StructuralDetector = {
  name: 'php',
  family: 'php',
  triggers: TRIGGERS,
  caseInsensitive: true,
  inspect(bytes: Uint8Array, hits: readonly TriggerHit[], layer: LayerInfo, ctx: DetectorContext): void {
    const state = newScanState(bytes.length, PHP_SCAN_LIMITS);
    const allowed = allowedClasses(ctx);
    let reported = 0;
    const pharMember = isPharMetadataName(layer.filename);
    const values: PhpValueReport[] = [];
    for (const hit of hits) {
      if (reported >= MAX_FINDINGS || ctx.exhausted()) break;
      if (hit.trigger === PHAR_TRIGGER) {
        reported += inspectPhar(bytes, hit.offset, state, ctx);
        continue;
      }
      values.length = 0;
      scanSerializedAt(bytes, hit.offset, state, values);
      for (const v of values) {
        if (pharMember && v.completeObjects > 0) {
          ctx.report({
            rule: 'DW-PHP-002',
            offset: v.offset,
            length: v.length,
            message: `phar metadata member holds ${listNames(v.classes)}`,
          });
          reported++;
        }
        reported += reportValue(v, ctx, allowed);
      }
      if (state.exhausted) {
        ctx.report({
          rule: 'DW-PHP-004',
          kind: 'limit',
          limit: 'php.maxWork',
          offset: hit.offset,
          message: 'serialized PHP: inspection work budget exhausted',
        });
        break;
      }
    }
  },
};
