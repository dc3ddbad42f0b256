/**
 * Walks the tags of one text layer: the candidate `!` offsets (trigger hits,
 * or every `!` when the layer declares `%TAG` handles), the tag token at
 * each, whether it stands in tag position, and the full tag it resolves to
 * under the handle table of its document (`%HH` escapes decoded).
 */
import type { TriggerHit } from '../detector.js';
import { DirectiveTable, YAML_DEFAULT_HANDLES } from './directives.js';
import { inTagPosition, readTag, tagHandle, tagSuffix, type TagToken } from './tag-token.js';
import { decodeUriEscapes } from './uri.js';

/** Trigger literals of the tag scanner; index 2 is the directive trigger. */
const TAG_TRIGGERS = ['!!', '!<', '%TAG', '!ruby/', '!python/', '!map:', '!seq:', '!str:'] as const;
const TAG_DIRECTIVE = 2;
/**
 * Anchor properties (`&name` where a node starts) for the alias fan-out
 * estimate (aliases.ts). An anchor at offset 0 can only be aliased from
 * inside itself, which expands nothing.
 */
const ANCHOR_TRIGGERS = [' &', '\t&', '\n&', '\r&', '[&', '{&', ',&', ':&'] as const;

/** Trigger literals of the YAML detector: the tag triggers, then the anchor triggers. */
export const YAML_TRIGGERS: readonly string[] = [...TAG_TRIGGERS, ...ANCHOR_TRIGGERS];

/** True for a hit of an anchor trigger (its `&` is at `offset + 1`). */
export function isAnchorHit(h: TriggerHit): boolean {
  return h.trigger >= TAG_TRIGGERS.length;
}

/** `!` bytes examined at most per layer when `%TAG` forces a full scan. */
export const MAX_BANGS = 100_000;

export interface FoundTag {
  /** Offset of the tag's leading `!`. */
  readonly offset: number;
  readonly end: number;
  /** Fully resolved tag, `%HH`-decoded (latin1 code units). */
  readonly tag: string;
}

/** The full tag a token of `b` resolves to under `handles`, or undefined for an undeclared handle. */
export function resolveTag(b: Uint8Array, token: TagToken, handles: ReadonlyMap<string, string>): string | undefined {
  const handle = tagHandle(b, token);
  if (handle === null) return decodeUriEscapes(tagSuffix(b, token));
  const prefix = handles.get(handle);
  return prefix === undefined ? undefined : decodeUriEscapes(prefix + tagSuffix(b, token));
}

function candidates(bytes: Uint8Array, hits: readonly TriggerHit[], full: boolean): number[] {
  const out: number[] = [];
  if (!full) {
    for (const h of hits) if (h.trigger !== TAG_DIRECTIVE && !isAnchorHit(h) && out[out.length - 1] !== h.offset) out.push(h.offset);
    return out;
  }
  const hay = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let p = hay.indexOf(0x21); p >= 0 && out.length < MAX_BANGS; p = hay.indexOf(0x21, p + 1)) out.push(p);
  return out;
}

/**
 * Calls `visit` for every tag in tag position, in layer order, until it
 * returns false.
 */
export function forEachTag(bytes: Uint8Array, hits: readonly TriggerHit[], visit: (t: FoundTag) => boolean): void {
  const directives = hits.some((h) => h.trigger === TAG_DIRECTIVE) ? new DirectiveTable(bytes) : undefined;
  let lastEnd = -1;
  for (const t of candidates(bytes, hits, directives?.hasDirectives === true)) {
    if (t < lastEnd) continue; // inside a tag already read
    const token = readTag(bytes, t);
    if (token === undefined) continue;
    lastEnd = token.end;
    if (!inTagPosition(bytes, t)) continue;
    const tag = resolveTag(bytes, token, directives?.at(t) ?? YAML_DEFAULT_HANDLES);
    if (tag !== undefined && !visit({ offset: t, end: token.end, tag })) return;
  }
}
