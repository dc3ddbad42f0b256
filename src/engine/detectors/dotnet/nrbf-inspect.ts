/**
 * Turns NRBF parses of one layer into findings: DW-DOTNET-001 for every
 * BinaryFormatter stream that looks real (never for a header followed by
 * garbage), DW-DOTNET-002 for gadget types it names (class records, member
 * and array types, generic arguments, MethodCall types, type-name strings of
 * reflection holders, and gadget names in data the parser could not walk).
 * Honours the `allowlist` policy mode and hands bridge payloads back as
 * nested layers.
 */
import type { DetectorContext, TriggerHit } from '../detector.js';
import { dotnetAllowance, type TypeAllowance } from './allowlist.js';
import { NRBF_TRIGGERS } from './anchors.js';
import { asBuffer, ciNeedle, findCI } from './bytes.js';
import { nrbfLooksReal, parseNrbf, type NrbfReport } from './nrbf.js';
import { nestNrbfPayloads, NRBF_MAX_NESTED } from './nrbf-nested.js';
import { DOTNET_RULES, DOTNET_SEVERITY } from './rules.js';
import { describeGadget, dotnetGadgetType, GADGET_TRIGGER_NAMES, type GadgetVerdict } from './types.js';

/** Streams parsed per layer. */
export const NRBF_MAX_STREAMS = 8;
/** Bytes after an unparsable point searched for gadget names. */
export const NRBF_TAIL_SCAN_BYTES = 1024 * 1024;
/** Type-name strings judged per stream (reflection holders only). */
export const NRBF_MAX_JUDGED_STRINGS = 64;

/** Classes that turn string members into types/methods. */
const REFLECTION_HOLDERS = ['system.unityserializationholder', 'system.reflection.memberinfoserializationholder', 'system.delegateserializationholder'];

const TAIL_NEEDLES = [...new Set(GADGET_TRIGGER_NAMES)].map(ciNeedle);

/** Header offsets implied by the trigger hits, deduplicated, in order. */
export function nrbfCandidateStarts(buf: Uint8Array, hits: readonly TriggerHit[]): number[] {
  const starts: number[] = [];
  for (const hit of hits) {
    const trigger = NRBF_TRIGGERS[hit.trigger];
    if (!trigger) continue;
    const start = hit.offset - trigger.back;
    if (start < 0 || buf[start] !== 0x00) continue;
    if (starts.includes(start)) continue;
    starts.push(start);
    if (starts.length >= NRBF_MAX_STREAMS * 4) break;
  }
  return starts.sort((a, b) => a - b);
}

interface Judged {
  readonly verdict: GadgetVerdict;
  readonly offset: number;
}

function judgeStream(buf: Buffer, r: NrbfReport): Judged[] {
  const found: Judged[] = [];
  const seen = new Set<string>();
  const add = (name: string, offset: number): void => {
    const verdict = dotnetGadgetType(name, DOTNET_RULES.nrbfGadget);
    if (verdict && !seen.has(verdict.gadget)) {
      seen.add(verdict.gadget);
      found.push({ verdict, offset });
    }
  };
  let holder = false;
  for (const n of r.typeNames) {
    if (n.kind === 'method-name') continue;
    add(n.name, n.offset);
    const lower = n.name.toLowerCase();
    if (REFLECTION_HOLDERS.some((h) => lower.startsWith(h))) holder = true;
  }
  if (holder) {
    let judged = 0;
    for (const s of r.strings) {
      if (judged++ >= NRBF_MAX_JUDGED_STRINGS) break;
      if (s.length > 1024) continue;
      add(buf.toString('utf8', s.offset, s.offset + s.length), s.offset);
    }
  }
  if (!r.complete && !r.stop.startsWith('limit-')) {
    // data the parser could not walk (untyped members, corruption the runtime may accept)
    const end = Math.min(buf.length, r.end + NRBF_TAIL_SCAN_BYTES);
    for (const needle of TAIL_NEEDLES) {
      const at = findCI(buf, needle, r.end, end);
      if (at < 0) continue;
      add(buf.toString('latin1', at, at + needle.bytes.length), at);
    }
  }
  return found;
}

function firstDisallowed(r: NrbfReport, allowed: TypeAllowance): string | null {
  for (const n of r.typeNames) {
    if (n.kind === 'method-name') continue;
    if (!allowed.allows(n.name)) return n.name;
  }
  return null;
}

function describe(r: NrbfReport): string {
  if (r.complete) return `${r.records} records`;
  return `${r.records} records, parse stopped: ${r.detail || r.stop}`;
}

/** Inspect one layer whose NRBF triggers matched. */
export function inspectNrbfLayer(bytes: Uint8Array, hits: readonly TriggerHit[], ctx: DetectorContext): void {
  const buf = asBuffer(bytes);
  const allowed = dotnetAllowance(ctx);
  let coveredUntil = -1;
  let streams = 0;
  let nestedBudget = NRBF_MAX_NESTED;
  for (const start of nrbfCandidateStarts(buf, hits)) {
    // A header inside bytes an earlier parse consumed is data of that stream
    // (nested payloads become layers of their own); this also keeps the total
    // parse work per layer linear in its size.
    if (start < coveredUntil) continue;
    if (streams >= NRBF_MAX_STREAMS || ctx.exhausted()) return;
    const r = parseNrbf(buf, start);
    coveredUntil = Math.max(r.end, start + 1);
    if (!nrbfLooksReal(r)) continue;
    streams++;
    const gadgets = judgeStream(buf, r).filter((g) => !allowed || !allowed.allowsExactly(g.verdict.gadget));
    const first = gadgets[0];
    if (first) {
      const more = gadgets.length > 1 ? ` (+${gadgets.length - 1} more gadget types)` : '';
      ctx.report({
        rule: DOTNET_RULES.nrbfGadget,
        severity: DOTNET_SEVERITY['DW-DOTNET-002'],
        offset: first.offset,
        length: 64,
        message: `BinaryFormatter stream instantiates ${describeGadget(first.verdict)}${more}`,
      });
    }
    if (!allowed) {
      ctx.report({
        rule: DOTNET_RULES.nrbfStream,
        severity: DOTNET_SEVERITY['DW-DOTNET-001'],
        offset: start,
        length: 17,
        message: `BinaryFormatter (MS-NRBF) stream, unsafe on untrusted data (${describe(r)})`,
      });
    } else {
      const outside = firstDisallowed(r, allowed);
      const broken = !r.complete;
      if (outside !== null || broken) {
        ctx.report({
          rule: DOTNET_RULES.nrbfStream,
          severity: DOTNET_SEVERITY['DW-DOTNET-001'],
          offset: start,
          length: 17,
          message:
            outside !== null
              ? `BinaryFormatter stream names a type outside the allow-list (${describe(r)})`
              : `BinaryFormatter stream could not be fully checked against the allow-list (${describe(r)})`,
        });
      }
    }
    nestedBudget = nestNrbfPayloads(buf, r, ctx, nestedBudget);
  }
}
