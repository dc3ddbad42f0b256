/**
 * Pickle allow-lists: entry syntax, exact matching, and the shipped default ML list.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compilePickleAllowlist,
  defaultPickleAllowlist,
  loadDefaultPickleAllowlist,
} from '../../../src/engine/detectors/pickle/allowlist.js';
import { judgePickleRuns } from '../../../src/engine/detectors/pickle/policy.js';
import { findPickles } from '../../../src/engine/detectors/pickle/find.js';
import { bytes, glob, sbu, framed4 } from './helpers.js';

describe('compilePickleAllowlist', () => {
  it('accepts module:name and module.name (split at the last dot)', () => {
    const a = compilePickleAllowlist(['collections:OrderedDict', 'numpy.core.multiarray._reconstruct', ' torch.Size ']);
    expect(a.errors).toEqual([]);
    expect(a.size).toBe(3);
    expect(a.isAllowed('collections', 'OrderedDict')).toBe(true);
    expect(a.isAllowed('numpy.core.multiarray', '_reconstruct')).toBe(true);
    expect(a.isAllowed('torch', 'Size')).toBe(true);
  });

  it('matches exactly: no prefixes, no parent modules, no attribute paths', () => {
    const a = compilePickleAllowlist(['numpy:ndarray', 'torch._utils:_rebuild_tensor_v2']);
    expect(a.isAllowed('numpy', 'ndarray.__init__')).toBe(false);
    expect(a.isAllowed('numpy.core', 'ndarray')).toBe(false);
    expect(a.isAllowed('numpy', 'ndarra')).toBe(false);
    expect(a.isAllowed('torch', '_utils._rebuild_tensor_v2')).toBe(false);
  });

  it('keeps qualnames only in the canonical form and reports bad entries', () => {
    const a = compilePickleAllowlist(['m:Outer.inner', 'nodot', 'a..b', 'x:', ':y', 'os:sys tem']);
    expect(a.isAllowed('m', 'Outer.inner')).toBe(true);
    expect(a.size).toBe(1);
    expect(a.errors.length).toBe(5);
  });

  it('allow-list matching happens after the Python 2 mapping', () => {
    const a = compilePickleAllowlist(['builtins:set']);
    const p2 = bytes([0x80, 2], glob('__builtin__', 'set'), ')R.');
    expect(judgePickleRuns(findPickles(p2), 'allowlist', a)).toEqual([]);
  });

  it('a dotted attribute path is never allowed, even when the pair is listed', () => {
    const a = compilePickleAllowlist(['m:Outer.inner']);
    const p4 = framed4(bytes(sbu('m'), sbu('Outer.inner'), [0x93], '.'));
    expect(judgePickleRuns(findPickles(p4), 'allowlist', a).map((f) => f.rule)).toEqual(['DW-PICKLE-003']);
  });
});

describe('default ML allow-list (signatures/allowlists/pickle-ml.yaml)', () => {
  it('loads and compiles without errors', () => {
    const entries = loadDefaultPickleAllowlist();
    expect(entries.length).toBeGreaterThan(20);
    expect(compilePickleAllowlist(entries).errors).toEqual([]);
  });

  it('holds the PyTorch/NumPy rebuilders and nothing that executes or loads', () => {
    const a = defaultPickleAllowlist();
    const must: [string, string][] = [
      ['collections', 'OrderedDict'],
      ['torch._utils', '_rebuild_tensor_v2'],
      ['torch._utils', '_rebuild_parameter'],
      ['torch', 'FloatStorage'],
      ['torch', 'LongStorage'],
      ['torch', 'Size'],
      ['torch', 'device'],
      ['numpy.core.multiarray', '_reconstruct'],
      ['numpy._core.multiarray', '_reconstruct'],
      ['numpy', 'ndarray'],
      ['numpy', 'dtype'],
      ['numpy.core.multiarray', 'scalar'],
    ];
    for (const [m, n] of must) expect(a.isAllowed(m, n), `${m}.${n}`).toBe(true);
    const never: [string, string][] = [
      ['_codecs', 'encode'],
      ['builtins', 'getattr'],
      ['torch', 'load'],
      ['torch.serialization', 'load'],
      ['torch.storage', '_load_from_bytes'],
      ['copyreg', '_reconstructor'],
      ['posix', 'system'],
    ];
    for (const [m, n] of never) expect(a.isAllowed(m, n), `${m}.${n}`).toBe(false);
  });

  it('every entry carries a justification comment', () => {
    const text = readFileSync(new URL('../../../signatures/allowlists/pickle-ml.yaml', import.meta.url), 'utf8');
    const lines = text.split('\n').filter((l) => /^\s+- /.test(l));
    expect(lines.length).toBe(loadDefaultPickleAllowlist().length);
    for (const l of lines) expect(l, l).toMatch(/#\s*\S/);
  });
});
