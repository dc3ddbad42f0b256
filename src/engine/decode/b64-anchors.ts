/**
 * Alignment-safe base64 anchors. A magic byte sequence inside base64 text
 * looks different depending on its byte offset modulo 3, and the characters
 * at its edges mix bits of the neighbouring bytes (the flaw in CRS 944210,
 * which only matches ~2% of real base64 Java streams). For each magic and
 * each byte phase we keep only the characters whose six bits come entirely
 * from the magic; when one of them is found inside a base64 run at a place
 * that does not line up with the run's own quanta, the run is decoded again
 * from the quantum grid the anchor implies.
 */

export interface Base64Anchor {
  /** Anchor text (standard alphabet). */
  readonly text: string;
  /** Position of the anchor's first character within its 4-character quantum (0..3). */
  readonly charPhase: number;
  /** The magic this anchor encodes (for diagnostics). */
  readonly magic: string;
}

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Stable base64 characters of `magic` placed at byte phase `phase` (0, 1 or 2). */
export function stableAnchor(magic: Uint8Array, phase: number): { text: string; charPhase: number } | null {
  const bits = 8 * magic.length;
  const startBit = 8 * phase;
  const j0 = Math.ceil(startBit / 6);
  const j1 = Math.floor((startBit + bits) / 6) - 1;
  if (j1 < j0) return null;
  const padded = new Uint8Array(phase + magic.length + 3);
  padded.set(magic, phase);
  let text = '';
  for (let j = j0; j <= j1; j++) {
    const bit = 6 * j;
    const byte = bit >> 3;
    const off = bit & 7;
    const word = (padded[byte]! << 8) | (padded[byte + 1] ?? 0);
    text += STD[(word >> (10 - off)) & 63];
  }
  return { text, charPhase: j0 % 4 };
}

/** Anchors for every phase of every magic whose stable part is at least `minChars` long. */
export function buildAnchors(magics: readonly { name: string; bytes: Uint8Array }[], minChars = 4): Base64Anchor[] {
  const out: Base64Anchor[] = [];
  const seen = new Set<string>();
  for (const m of magics) {
    for (let phase = 0; phase < 3; phase++) {
      const a = stableAnchor(m.bytes, phase);
      if (!a || a.text.length < minChars) continue;
      const key = `${a.text}/${a.charPhase}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ text: a.text, charPhase: a.charPhase, magic: m.name });
    }
  }
  return out;
}

const hex = (h: string) => Buffer.from(h, 'hex');
const txt = (t: string) => Buffer.from(t, 'latin1');

/**
 * Magics worth realigning for: binary serialization headers and the text
 * markers of the text families (their base64 forms appear in cookies and
 * fields behind unrelated prefixes).
 */
export const DEFAULT_MAGICS: readonly { name: string; bytes: Uint8Array }[] = [
  { name: 'java-stream', bytes: hex('aced0005') },
  { name: 'nrbf-header', bytes: hex('0001000000ffffffff01000000') },
  { name: 'pickle-proto4-frame', bytes: hex('800495') },
  { name: 'pickle-proto5-frame', bytes: hex('800595') },
  { name: 'pickle-proto2-global', bytes: hex('800263') },
  { name: 'pickle-proto3-global', bytes: hex('800363') },
  { name: 'gzip', bytes: hex('1f8b08') },
  { name: 'zip', bytes: hex('504b0304') },
  { name: 'ruby-marshal-object', bytes: hex('04086f') },
  { name: 'ruby-marshal-array', bytes: hex('04085b') },
  { name: 'ruby-marshal-usermarshal', bytes: hex('040855') },
  { name: 'php-object', bytes: txt('O:') },
  { name: 'doctype', bytes: txt('<!DOCTYPE') },
  { name: 'entity', bytes: txt('<!ENTITY') },
  { name: 'node-serialize', bytes: txt('_$$ND_FUNC$$_') },
  { name: 'pyyaml', bytes: txt('!!python/') },
  { name: 'pickle-global-os', bytes: txt('cos\nsystem') },
];
