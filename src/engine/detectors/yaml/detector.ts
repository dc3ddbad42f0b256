/**
 * The YAML tag detector: a tag scanner over text layers, not a YAML parser
 * (the `yaml` package is never run on request data). It finds tags in every
 * spelling a loader accepts: secondary handle `!!python/...`, verbatim
 * `!<tag:yaml.org,2002:...>`, `%TAG` handles mapped to a dangerous prefix,
 * `%HH` escapes inside tags, flow style and later documents (scan.ts).
 *
 * Strictness: a tag counts only where a YAML parser reads a node tag (line
 * start, after `key: `, `- `, `? `, `--- `, an anchor, inside `[...]`/`{...}`;
 * see tag-token.ts `inTagPosition`). Prose that names a tag after a word
 * ("tags such as !!python/object are rejected") is clean, as are comments
 * and quoted strings; a prose line that starts with a tag, or puts one after
 * `word: `, reads as YAML and is reported.
 *
 * Rules: DW-YAML-001 PyYAML import/call tags, DW-YAML-002 SnakeYAML class
 * tags, DW-YAML-003 Psych Ruby object tags (classify.ts). DW-YAML-004 alias
 * expansion bombs: anchor triggers (`&name` where a node starts) wake the
 * detector, a gate (alias-gate.ts) checks that an anchor is aliased at all,
 * and a one-pass estimate (aliases.ts) sizes the expansion without doing it.
 */
import type { DetectorContext, LayerInfo, StructuralDetector, TriggerHit } from '../detector.js';
import { mayHoldAliases } from './alias-gate.js';
import { isTextLike } from '../../decode/text-like.js';
import { findAliasBomb } from './aliases.js';
import { classifyTag, printable } from './classify.js';
import { forEachTag, isAnchorHit, YAML_TRIGGERS } from './scan.js';

const MAX_FINDINGS = 32;

/**
 * Policy settings read in `allowlist` mode: tag targets that may pass, e.g.
 * `numpy.core.multiarray.scalar` or `pathlib.PosixPath` for ML configs.
 */
export interface YamlAllowSettings {
  readonly allow?: readonly string[];
}

export const yamlDetector: StructuralDetector = {
  name: 'yaml',
  family: 'yaml',
  triggers: YAML_TRIGGERS,
  inspect(bytes: Uint8Array, hits: readonly TriggerHit[], _layer: LayerInfo, ctx: DetectorContext): void {
    const allowed = ctx.action('yaml') === 'allowlist' ? new Set(ctx.settings<YamlAllowSettings>('yaml')?.allow ?? []) : undefined;
    // YAML parsers refuse C0 control bytes, so a binary layer cannot be an alias bomb: skip the scan.
    if (hits.some(isAnchorHit) && isTextLike(bytes) && mayHoldAliases(bytes, hits)) {
      const bomb = findAliasBomb(bytes, () => ctx.exhausted());
      if (bomb !== undefined) {
        ctx.report({
          rule: 'DW-YAML-004',
          offset: bomb.offset,
          length: Math.min(64, bomb.length),
          message: `YAML alias expansion: aliases add ${bomb.added >= 2 ** 50 ? 'over 2^50' : `about ${bomb.added}`} nodes to ${bomb.literal} written ones (largest: *${printable(bomb.name, 64)})`,
        });
      }
    }
    let findings = 0;
    forEachTag(bytes, hits, (t) => {
      if (ctx.exhausted()) return false;
      const verdict = classifyTag(t.tag);
      if (verdict === undefined || (allowed !== undefined && allowed.has(verdict.target))) return true;
      ctx.report({ rule: verdict.rule, offset: t.offset, length: Math.min(64, t.end - t.offset), message: verdict.message });
      return ++findings < MAX_FINDINGS;
    });
  },
};
