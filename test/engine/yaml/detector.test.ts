import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { yamlDetector } from '../../../src/engine/detectors/yaml/detector.js';
import { classifyTag } from '../../../src/engine/detectors/yaml/classify.js';
import { forEachTag } from '../../../src/engine/detectors/yaml/scan.js';
import { assertSane, findHits, run, utf8 } from '../php/harness.js';

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly rules: string[];
  readonly pyyamlTags?: string[];
  readonly pyyamlError?: string;
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/yaml/tags.json', import.meta.url), 'utf8')) as { cases: Case[] };

function scannerTags(text: string): string[] {
  const b = utf8(text);
  const out: string[] = [];
  forEachTag(b, findHits(yamlDetector, b), (t) => {
    out.push(t.tag);
    return true;
  });
  return out;
}

const dangerous = (tags: readonly string[]) => tags.filter((t) => classifyTag(t) !== undefined);

describe('yamlDetector against PyYAML tag resolution (tags.json)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = run(yamlDetector, utf8(c.yaml));
    expect([...new Set(r.rules)]).toEqual(c.rules);
    assertSane(r, utf8(c.yaml).length);
    if (c.pyyamlTags !== undefined) {
      // Every dangerous tag PyYAML resolves is found, and nothing dangerous that PyYAML does not resolve.
      expect(dangerous(scannerTags(c.yaml)).sort()).toEqual(dangerous(c.pyyamlTags).sort());
    }
  });
});

describe('yamlDetector: details', () => {
  it('names the callable, class or Ruby gadget', () => {
    expect(run(yamlDetector, '!!python/object/apply:os.system ["id"]').findings[0]?.message).toContain('os.system');
    expect(run(yamlDetector, '!!javax.script.ScriptEngineManager []').findings[0]?.message).toContain('javax.script.ScriptEngineManager');
    expect(run(yamlDetector, '--- !ruby/object:Gem::Requirement {}').findings[0]?.message).toContain('RubyGems');
  });

  it('reports each dangerous tag of a chain at its offset', () => {
    const text = '!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://x/"]]]]';
    const r = run(yamlDetector, text);
    expect(r.findings.map((f) => f.offset)).toEqual([0, 36, 64]);
  });

  it('a tag inside a decoded JSON/form value layer', () => {
    expect(run(yamlDetector, '!!python/object/new:os.system ["id"]\n', { layer: { isValue: true } }).rules).toEqual(['DW-YAML-001']);
  });

  it('directives apply to their own document only', () => {
    const text = '%TAG !p! tag:yaml.org,2002:python/\n--- !p!tuple [1]\n...\n%TAG !p! tag:example.com,2000:\n--- !p!object/apply:x [1]\n';
    expect(run(yamlDetector, text).findings).toEqual([]);
  });

  it('an undeclared named handle is not resolved', () => {
    expect(run(yamlDetector, '%TAG !q! tag:example.com,2000:\n---\n!p!object/apply:os.system [id]\n').findings).toEqual([]);
  });

  it('a tag after an indicator with a tab, and after a quoted JSON key without space', () => {
    expect(run(yamlDetector, 'a:\t!!python/name:os.system\n').rules).toEqual(['DW-YAML-001']);
    expect(run(yamlDetector, '{"a":!!python/name:os.system}').rules).toEqual(['DW-YAML-001']);
  });

  it('a tag right after a UTF-8 byte-order mark', () => {
    expect(run(yamlDetector, utf8('\ufeff!!python/object/apply:os.system [id]\n')).rules).toEqual(['DW-YAML-001']);
  });

  it('local !python/ tags are reported as attempts', () => {
    const r = run(yamlDetector, 'x: !python/object/apply:os.system [id]\n');
    expect(r.rules).toEqual(['DW-YAML-001']);
    expect(r.findings[0]?.message).toContain('attempt');
  });

  it('strictness: prose is clean, a YAML-shaped line is not', () => {
    expect(run(yamlDetector, 'Never call yaml.load: tags such as !!python/object/apply run code.').findings).toEqual([]);
    expect(run(yamlDetector, 'Use safe_load, or a string like !<tag:yaml.org,2002:python/name:os.system> imports os.').findings).toEqual([]);
    expect(run(yamlDetector, 'Example:\n!!python/object/apply:os.system [id]\n').rules).toEqual(['DW-YAML-001']);
    expect(run(yamlDetector, 'Danger: !!python/object/apply:os.system').rules).toEqual(['DW-YAML-001']);
  });

  it('allowlist mode admits listed targets (ML configs)', () => {
    const text = 'dtype: !!python/object/apply:numpy.core.multiarray.scalar [x]\npath: !!python/object/apply:pathlib.PosixPath [a]\n';
    const settings = { allow: ['numpy.core.multiarray.scalar', 'pathlib.PosixPath'] };
    expect(run(yamlDetector, text, { action: 'allowlist', settings }).findings).toEqual([]);
    expect(run(yamlDetector, `${text}x: !!python/object/apply:os.system [id]\n`, { action: 'allowlist', settings }).rules)
      .toEqual(['DW-YAML-001']);
  });

  it('caps findings per layer and honours the engine budget', () => {
    const many = Array.from({ length: 100 }, (_, i) => `k${i}: !!python/name:os.system`).join('\n');
    expect(run(yamlDetector, many).findings).toHaveLength(32);
    expect(run(yamlDetector, many, { budget: 2 }).findings.length).toBeLessThanOrEqual(2);
  });
});

describe('yamlDetector: properties', () => {
  const pieces = ['!!', '!', '!<', '>', '%TAG ', '!p! ', 'tag:yaml.org,2002:', 'python/', 'object/apply:', 'ruby/object:', '%6F',
    '---', '...', '\n', ' ', ': ', '- ', '[', ']', '{', '}', ',', '&a ', '#', '"', 'os.system', 'java.net.URL', 'x'];

  it('random tag soup never throws and findings stay in bounds', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
      const b = utf8(parts.join(''));
      assertSane(run(yamlDetector, b), b.length);
    }), { numRuns: 4000 });
  });

  it('random bytes never throw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      assertSane(run(yamlDetector, b), b.length);
    }), { numRuns: 2000 });
  });

  it('a dangerous tag is found in every indicator position', () => {
    const before = fc.constantFrom('', 'key: ', '  - ', '? ', '--- ', 'a: &x ', '[1, ', '{a: ', 'x:\n  ');
    const tag = fc.constantFrom('!!python/object/apply:os.system', '!<tag:yaml.org,2002:python/name:os.system>',
      '!!python/%6Fbject/new:os.system', '!ruby/object:Gem::Installer', '!!java.net.URLClassLoader');
    fc.assert(fc.property(fc.string({ maxLength: 30, unit: fc.constantFrom('a', ' ', '\n', 'b: 1\n') }), before, tag, (pre, b, t) => {
      const text = `${pre}\n${b}${t} [x]\n`;
      expect(run(yamlDetector, text).findings.length).toBeGreaterThan(0);
    }), { numRuns: 1000 });
  });
});
