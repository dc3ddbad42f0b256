/**
 * Alignment-safe base64 anchors for Ruby Marshal streams, for the engine's
 * base64 layer. A 4.8 header `04 08` plus its first type byte encodes to
 * different characters depending on where it falls in a 3-byte group; only
 * characters fully determined by those three bytes are kept (see
 * detection-anchors.md §1.8 for the flaw in edge-padded signatures). At
 * offset 0 (a cookie or field that is the whole stream) the anchor is
 * `BAh` or `BAg` plus one character naming the type (`BAhv` object, `BAhb`
 * array, `BAhJ` ivar-wrapped string, `BAhV` marshal_load, `BAh7` hash).
 * Offsets 1 and 2 give only three stable characters (`QI?`, `EC?`): use
 * them to pick base64 runs to decode, never as a verdict.
 */

export interface MarshalB64Anchor {
  /** Position of the `04` byte modulo 3 inside the decoded buffer. */
  readonly offsetMod3: 0 | 1 | 2;
  /** The Marshal type byte this anchor assumes after `04 08`. */
  readonly type: string;
  readonly anchor: string;
  /** True when this type makes Ruby resolve a class (o u U S d c m M e C). */
  readonly instantiates: boolean;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const TYPES = '0TFi:;@"I[{}flo/cmMuUeCSd';
const INSTANTIATING = new Set('ouUSdcmMeC');

function sextet(bits: number): string {
  return ALPHABET[bits & 0x3f] ?? '';
}

function anchorFor(offset: 0 | 1 | 2, type: number): string {
  if (offset === 0) {
    // [04 08 t] -> four characters, all determined.
    return sextet(0x04 >> 2) + sextet(((0x04 & 3) << 4) | (0x08 >> 4)) + sextet(((0x08 & 0xf) << 2) | (type >> 6)) + sextet(type);
  }
  if (offset === 1) {
    // [x 04 08] [t ..]: third and fourth characters of the first group, first of the next.
    return sextet(((0x04 & 0xf) << 2) | (0x08 >> 6)) + sextet(0x08) + sextet(type >> 2);
  }
  // [x y 04] [08 t ..]: fourth character of the first group, first two of the next.
  return sextet(0x04) + sextet(0x08 >> 2) + sextet(((0x08 & 3) << 4) | (type >> 4));
}

function build(): MarshalB64Anchor[] {
  const out: MarshalB64Anchor[] = [];
  for (const offsetMod3 of [0, 1, 2] as const) {
    for (const ch of TYPES) {
      out.push({ offsetMod3, type: ch, anchor: anchorFor(offsetMod3, ch.charCodeAt(0)), instantiates: INSTANTIATING.has(ch) });
    }
  }
  return out;
}

/** Every (offset, type) anchor; the engine may deduplicate the strings. */
export const MARSHAL_B64_ANCHORS: readonly MarshalB64Anchor[] = build();

/** The distinct anchor strings for streams starting a base64 value (offset 0). */
export const MARSHAL_B64_START_ANCHORS: readonly string[] = [
  ...new Set(MARSHAL_B64_ANCHORS.filter((a) => a.offsetMod3 === 0).map((a) => a.anchor)),
];
