/** docs/config.md is generated from the schema and must be current; every key in config/default.yaml exists in the schema. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configReference } from '../../src/config/doc.js';
import { loadConfig } from '../../src/config/load.js';

describe('docs/config.md', () => {
  it('is the current output of `deserwall schema --markdown`', () => {
    expect(readFileSync('docs/config.md', 'utf8')).toBe(configReference());
  });

  it('documents every key of config/default.yaml, whose values are the schema defaults', () => {
    const doc = readFileSync('docs/config.md', 'utf8');
    const fromFile = loadConfig('config/default.yaml').config;
    const defaults = loadConfig(undefined).config;
    // The shipped file only spells out the defaults (it adds a description to the default policy).
    expect({ ...fromFile, policies: {} }).toEqual({ ...defaults, policies: {} });
    const keys: string[] = [];
    const walk = (o: Record<string, unknown>, p: string) => {
      for (const [k, v] of Object.entries(o)) {
        const key = p ? `${p}.${k}` : k;
        if (v && typeof v === 'object' && !Array.isArray(v) && key !== 'policies') walk(v as Record<string, unknown>, key);
        else keys.push(key);
      }
    };
    walk(fromFile as unknown as Record<string, unknown>, '');
    for (const k of keys) expect(doc, k).toContain(`\`${k}\``);
  });
});
