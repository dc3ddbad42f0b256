/**
 * Decides what a resolved YAML tag asks the loader to do. Input is the
 * full tag after handle resolution and `%HH` decoding.
 *
 * - PyYAML (`tag:yaml.org,2002:python/...`): `object`, `object/apply`,
 *   `object/new`, `name`, `module` import or call -> DW-YAML-001. The
 *   data-only tags (`tuple`, `list`, `dict`, `str`, `bytes`, ...) are clean.
 * - SnakeYAML (`tag:yaml.org,2002:<fqcn>`): class instantiation -> DW-YAML-002.
 * - Psych (`!ruby/...`, also `tag:ruby.yaml.org,2002:` and `!!ruby/`, plus
 *   the subclass forms `!map:`, `!seq:`, `!str:` with a class):
 *   object/struct/class/module/exception/marshalable/data/hash:/array:/
 *   string: -> DW-YAML-003. `!ruby/sym`, `range`, `regexp`, `encoding` are clean.
 * - YAML 1.1 standard tags and other local tags (`!Ref`, `!GetAtt`) are clean.
 */
import { rubyGadgetFamily } from '../ruby/gadgets.js';
import { isJavaClassName, javaClassNote } from './java-class.js';

export interface TagVerdict {
  readonly rule: 'DW-YAML-001' | 'DW-YAML-002' | 'DW-YAML-003';
  /** The class, callable or module the tag names (may be empty). */
  readonly target: string;
  readonly message: string;
}

const YAML_ORG = 'tag:yaml.org,2002:';
const RUBY_ORG = 'tag:ruby.yaml.org,2002:';

const PYTHON_DANGEROUS = ['object', 'name', 'module'];
const RUBY_DANGEROUS = ['object', 'struct', 'class', 'module', 'marshalable', 'exception', 'data', 'hash-with-ivars'];
const RUBY_WITH_CLASS = ['hash:', 'array:', 'string:'];

/** Printable, capped rendering of attacker text for messages. */
export function printable(s: string, max = 128): string {
  let out = '';
  for (let i = 0; i < s.length && i < max; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x20 && c < 0x7f ? s[i] : '?';
  }
  return s.length > max ? `${out}...` : out;
}

function afterColon(s: string): string {
  const i = s.indexOf(':');
  return i < 0 ? '' : printable(s.slice(i + 1));
}

function python(suffix: string, local: boolean): TagVerdict | undefined {
  if (!PYTHON_DANGEROUS.some((d) => suffix.startsWith(d))) return undefined;
  const kind = printable(suffix.split(':', 1)[0] ?? suffix, 32);
  const target = afterColon(suffix);
  const note = local ? ' (local tag: PyYAML would not resolve it; reported as an attempt)' : '';
  return {
    rule: 'DW-YAML-001',
    target,
    message: `PyYAML python/${kind} tag${target ? ` naming ${target}` : ''} imports or calls Python code${note}`,
  };
}

function ruby(suffix: string): TagVerdict | undefined {
  const dangerous = RUBY_DANGEROUS.some((d) => suffix.startsWith(d)) ||
    RUBY_WITH_CLASS.some((d) => suffix.startsWith(d) && suffix.length > d.length);
  if (!dangerous) return undefined;
  const kind = printable(suffix.split(':', 1)[0] ?? suffix, 32);
  const target = afterColon(suffix).trim();
  const family = target ? rubyGadgetFamily(target) : undefined;
  return {
    rule: 'DW-YAML-003',
    target,
    message: `Psych !ruby/${kind} tag${target ? ` naming ${target}` : ''} instantiates Ruby objects${family ? ` (${family})` : ''}`,
  };
}

/** Classifies a fully resolved, %-decoded tag. */
export function classifyTag(tag: string): TagVerdict | undefined {
  if (tag.startsWith(YAML_ORG)) {
    const suffix = tag.slice(YAML_ORG.length);
    if (suffix.startsWith('python/')) return python(suffix.slice(7), false);
    if (suffix.startsWith('ruby/')) return ruby(suffix.slice(5));
    if (isJavaClassName(suffix)) {
      const note = javaClassNote(suffix);
      return {
        rule: 'DW-YAML-002',
        target: suffix,
        message: `SnakeYAML global tag instantiates Java class ${printable(suffix)}${note ? ` (${note})` : ''}`,
      };
    }
    return undefined;
  }
  if (tag.startsWith(RUBY_ORG)) return ruby(tag.slice(RUBY_ORG.length));
  if (tag.startsWith('!ruby/')) return ruby(tag.slice(6));
  if (tag.startsWith('!python/')) return python(tag.slice(8), true);
  for (const p of ['!map:', '!seq:', '!str:']) {
    if (tag.startsWith(p) && tag.length > p.length) return ruby(`${p === '!map:' ? 'hash' : p === '!seq:' ? 'array' : 'string'}:${tag.slice(p.length)}`);
  }
  return undefined;
}
