/**
 * The engine compiled for one config: every structural detector's trigger
 * literals, every byte-literal and RE2-anchor signature and the base64
 * realignment anchors go into ONE Aho-Corasick automaton, so a layer is read
 * once whatever the number of rules. Built once per config and shared by all
 * requests (immutable).
 */
import type { StructuralDetector } from './detectors/detector.js';
import { AhoCorasick } from './match/aho-corasick.js';
import { buildAnchors, DEFAULT_MAGICS, type Base64Anchor } from './decode/b64-anchors.js';
import type { Rule } from './signatures.js';

export type PatternRole =
  | { readonly role: 'trigger'; readonly detector: number; readonly trigger: number; readonly exact: Uint8Array | null }
  | { readonly role: 'rule'; readonly rule: Rule; readonly exact: Uint8Array | null }
  | { readonly role: 're2'; readonly rule: Rule }
  | { readonly role: 'anchor'; readonly anchor: Base64Anchor; readonly exact: Uint8Array };

export interface CompiledEngine {
  readonly ac: AhoCorasick;
  readonly roles: readonly PatternRole[];
  readonly detectors: readonly StructuralDetector[];
  /** Detectors with no triggers: run on every layer (subject to their startBytes). */
  readonly everyLayer: readonly number[];
  /** Per first byte: whether any every-layer detector wants to see a layer starting with it. */
  readonly everyLayerStart: Uint8Array;
  /**
   * A byte no pattern contains: on it the automaton returns to its start state,
   * so values joined with it are scanned in one pass exactly as if one by one.
   */
  readonly separator: number;
  readonly rules: ReadonlyMap<string, Rule>;
}

export function compileEngine(detectors: readonly StructuralDetector[], rules: readonly Rule[]): CompiledEngine {
  const patterns: Uint8Array[] = [];
  const roles: PatternRole[] = [];
  const everyLayer: number[] = [];
  // `engine`: refusals the engine itself reports (views, codings, limits, faults).
  const known = new Set(['engine', ...detectors.map((d) => d.name)]);
  detectors.forEach((d, di) => {
    if (d.triggers.length === 0) everyLayer.push(di);
    d.triggers.forEach((t, ti) => {
      const bytes = typeof t === 'string' ? Buffer.from(t, 'latin1') : t;
      patterns.push(bytes);
      roles.push({ role: 'trigger', detector: di, trigger: ti, exact: d.caseInsensitive ? null : bytes });
    });
  });
  for (const r of rules) {
    if (r.matcher.type === 'bytes') {
      for (const lit of r.matcher.literals) {
        patterns.push(lit);
        roles.push({ role: 'rule', rule: r, exact: r.matcher.caseInsensitive ? null : lit });
      }
    } else if (r.matcher.type === 're2') {
      for (const a of r.matcher.anchors) {
        patterns.push(a);
        roles.push({ role: 're2', rule: r });
      }
    } else if (!known.has(r.matcher.detector)) {
      throw new Error(`${r.file}: ${r.id}: no structural detector named "${r.matcher.detector}" (known: ${[...known].join(', ')})`);
    }
  }
  for (const a of buildAnchors(DEFAULT_MAGICS)) {
    const bytes = Buffer.from(a.text, 'latin1');
    patterns.push(bytes);
    roles.push({ role: 'anchor', anchor: a, exact: bytes });
  }
  const everyLayerStart = new Uint8Array(256);
  for (const di of everyLayer) {
    const sb = detectors[di]!.startBytes;
    if (sb === undefined) everyLayerStart.fill(1);
    else for (const b of sb) everyLayerStart[b] = 1;
  }
  const ac = new AhoCorasick(patterns);
  let separator = -1;
  for (const candidate of [0x1f, 0x1e, 0x1d, 0x1c, 0x7f, 0x19, 0x18, 0x17]) {
    if (ac.classOf[candidate] === 0) {
      separator = candidate;
      break;
    }
  }
  if (separator === -1) separator = ac.classOf.indexOf(0);
  if (separator === -1) throw new Error('aho-corasick: every byte value occurs in some pattern; no separator byte left');
  return {
    ac,
    separator,
    everyLayerStart,
    roles,
    detectors,
    everyLayer,
    rules: new Map(rules.map((r) => [r.id, r])),
  };
}
