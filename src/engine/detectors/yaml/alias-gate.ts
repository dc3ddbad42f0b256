/**
 * Cheap gate in front of the alias fan-out scan (aliases.ts): the scan runs
 * only when an anchor trigger hit names an anchor that some later `*name`
 * could alias. Prose with " & ", JSON, HTML entities and binary data that
 * happen to hit a trigger cost one indexOf per distinct name (at most
 * MAX_GATE_NAMES); past that many names, or MAX_GATE_HITS changes of name
 * from one hit to the next, the
 * gate lets the full scan (linear, fast on text without YAML structure) decide.
 */
import type { TriggerHit } from '../detector.js';
import { isAnchorHit } from './scan.js';

const MAX_GATE_NAMES = 16;
const MAX_GATE_HITS = 1024;
/** Name bytes read at a hit; a longer name sends the layer to the scan. */
const MAX_GATE_NAME = 256;

function nameEnd(b: Uint8Array, p: number): number {
  let q = p;
  const max = Math.min(b.length, p + MAX_GATE_NAME);
  while (q < max) {
    const c = b[q];
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d) break;
    q++;
  }
  return q;
}

function sameBytes(b: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
  if (s1 < 0 || e1 - s1 !== e2 - s2) return false;
  for (let k = 0; k < e1 - s1; k++) if (b[s1 + k] !== b[s2 + k]) return false;
  return true;
}

/** True when the layer may alias one of the anchors its anchor hits define. */
export function mayHoldAliases(b: Uint8Array, hits: readonly TriggerHit[]): boolean {
  const hay = Buffer.from(b.buffer, b.byteOffset, b.length);
  const names = new Map<string, number>();
  let changes = 0;
  let lastStart = -1;
  let lastEnd = -1;
  for (const h of hits) {
    if (!isAnchorHit(h)) continue;
    const start = h.offset + 2;
    const end = nameEnd(b, start);
    if (end === start) continue;
    if (end - start >= MAX_GATE_NAME) return true;
    if (sameBytes(b, lastStart, lastEnd, start, end)) continue; // the name of the previous hit again
    lastStart = start;
    lastEnd = end;
    if (++changes > MAX_GATE_HITS) return true;
    const name = hay.toString('latin1', start, end);
    if (!names.has(name)) names.set(name, end);
    if (names.size > MAX_GATE_NAMES) return true;
  }
  for (const [name, after] of names) if (hay.indexOf(Buffer.from(`*${name}`, 'latin1'), after) >= 0) return true;
  return false;
}
