/** Docs and code cannot drift: every DW_ERR_* code used in src/ is documented, and no documented code is unused. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('docs/errors.md', () => {
  const inSource = new Set(files('src').flatMap((f) => readFileSync(f, 'utf8').match(/DW_ERR_[A-Z0-9_]+/g) ?? []));
  const doc = readFileSync('docs/errors.md', 'utf8');
  const inDocs = new Set(doc.match(/DW_ERR_[A-Z0-9_]+/g) ?? []);

  it('documents every error code used in the source', () => {
    expect([...inSource].filter((c) => !inDocs.has(c))).toEqual([]);
  });

  it('documents no code that the source does not use', () => {
    expect([...inDocs].filter((c) => !inSource.has(c))).toEqual([]);
  });
});
