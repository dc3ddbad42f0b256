/**
 * The pickle StructuralDetector: gates on literals every realistic pickle payload contains, then
 * finds and simulates every pickle in the layer (findPickles) and reports what the policy says.
 * Containers (zip, npy, joblib, tar) are not handled here: their members arrive as nested layers.
 *
 * Triggers (a gate, not the candidate list: findPickles scans the whole layer once any fires).
 * Binary layers fire anyway (two-byte literals hit ~15/MB each on random data), so the choice
 * matters for ASCII text, where a pickle can only be protocol 0/1 without a header:
 * - `80 02`..`80 05`: PROTO header of every protocol 2-5 pickle.
 * - Protocol 0/1 pickles import through `c`/`i` lines and call through R/o/i/b; the literals are the
 *   junctions those opcodes form, rare at line starts in prose/JSON/CSV: `\n(` MARK after a text
 *   line (arguments after a GLOBAL or PUT line), `\n)` empty arguments, `\n.` STOP after INST,
 *   `\nR` `tR` `)R` REDUCE after a PUT/GET line or a tuple, `\nq` BINPUT after a GLOBAL (protocol
 *   1), `\no` `\nb` OBJ/BUILD after a text argument, `(c` `(i` MARK then GLOBAL/INST, `\ni` INST
 *   after a text argument, `\np0\n` the first memo PUT pickle.dumps writes.
 * - Headerless binary pickles (P2): STACK_GLOBAL, NEWOBJ, TUPLE1-3 and MEMOIZE next to the opcodes
 *   that build or use their operands; each literal contains a byte >= 0x80, so ASCII text never
 *   hits them.
 * Known gap: a headerless pickle whose only junctions are ASCII pairs not listed (e.g. INST after a
 * binary argument, then a PUT: `(X\x02\x00\x00\x00idios\nsystem\np1\n`) is only seen when
 * another trigger fires in the same layer.
 */
import type { DetectorContext, LayerInfo, StructuralDetector, TriggerHit } from '../detector.js';
import { defaultPickleAllowlist, type PickleAllowlist } from './allowlist.js';
import { findPickles } from './find.js';
import { judgePickleRuns } from './policy.js';

const TRIGGERS: readonly string[] = [
  // PROTO headers
  '\x80\x02',
  '\x80\x03',
  '\x80\x04',
  '\x80\x05',
  // protocol 0/1 text junctions (ASCII: kept rare in prose, JSON and CSV)
  '\n(',
  '\n)',
  '\n.',
  '\nR',
  'tR',
  ')R',
  '\nq',
  '\no',
  '\nb',
  '(c',
  '(i',
  '\ni',
  '\np0\n',
  // binary junctions (contain a non-ASCII byte: free on ASCII text)
  '\n\x93',
  '\n\x85',
  '\n\x8c',
  '\n\x94',
  '\n\x81',
  '(\x8c',
  '\x85R',
  '\x86R',
  '\x87R',
  '\x94R',
  '\x94\x93',
  '\x93\x94',
  '\x93q',
  '\x93(',
  '\x93)',
  '\x93\x8c',
  '\x93X',
  '\x93U',
  '\x93S',
  '\x93V',
  '\x93N',
  '\x93\x85',
  '\x93h',
  '\x930',
  '\x93.',
  '\x81.',
  '\x81}',
  '\x81q',
  '\x81\x94',
];

/** Start suggested by a trigger hit (a PROTO or a MARK), or -1. */
function hintFor(trigger: string, offset: number): number {
  if (trigger.startsWith('\x80') || trigger.startsWith('(')) return offset;
  return trigger === '\n(' ? offset + 1 : -1;
}

/** Hints passed on to findPickles at most (the finder scans the layer itself anyway). */
const MAX_HINTS = 4096;

export const pickleDetector: StructuralDetector = {
  name: 'pickle',
  family: 'pickle',
  triggers: TRIGGERS,
  inspect(bytes: Uint8Array, hits: readonly TriggerHit[], _layer: LayerInfo, ctx: DetectorContext): void {
    const action = ctx.action('pickle');
    if (action === 'allow' || ctx.exhausted()) return;
    const mode = action === 'allowlist' ? 'allowlist' : 'deny';
    const allow: PickleAllowlist | undefined =
      mode === 'allowlist' ? (ctx.settings<PickleAllowlist>('pickle') ?? defaultPickleAllowlist()) : undefined;
    const hints: number[] = [];
    for (const h of hits) {
      if (hints.length >= MAX_HINTS) break;
      const t = TRIGGERS[h.trigger];
      const p = t === undefined ? -1 : hintFor(t, h.offset);
      if (p >= 0) hints.push(p);
    }
    const runs = findPickles(bytes, { hints, exhausted: () => ctx.exhausted() });
    for (const f of judgePickleRuns(runs, mode, allow)) {
      ctx.report({
        rule: f.rule,
        offset: f.offset,
        length: 32,
        message: f.message,
        severity: f.severity,
        kind: f.kind,
        ...(f.limit !== undefined ? { limit: f.limit } : {}),
      });
    }
  },
};
