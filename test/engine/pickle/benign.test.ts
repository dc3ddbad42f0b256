/**
 * Benign inputs: data pickles of every protocol, torch/numpy checkpoints under the ML allow-list,
 * and non-pickle bytes that look like pickle fragments (prose, word lists, random binary).
 */
import { describe, expect, it } from 'vitest';
import { findPickles } from '../../../src/engine/detectors/pickle/find.js';
import { bytes, fixture, importNames, judge, prng, rules, runs } from './helpers.js';

describe('data pickles (no globals)', () => {
  it('protocols 0-5 give one clean run with no imports and no findings', () => {
    // Protocols 0-2 cannot write bytes or sets without globals (_codecs.encode, builtins.set),
    // so those fixtures hold dicts, lists, floats, ints, strings, tuples, None/bools and longs.
    const names = ['data_p0', 'data_p1', 'data_p2', 'data_p3', 'data_p4', 'data_p5', 'data_p5_bytearray', 'data_p4_large_frames'];
    for (const name of names) {
      const b = fixture(name);
      const found = runs(b);
      expect(found.length, name).toBe(1);
      expect(found[0], name).toMatchObject({ start: 0, end: b.length, stop: 'stop', imports: [] });
      expect(judge(b), name).toEqual([]);
      expect(judge(b, 'allowlist'), name).toEqual([]);
    }
  });
});

describe('ML checkpoints under the allow-list', () => {
  it('torch.save-shaped state dicts with BINPERSID storages pass (protocols 2 and 4)', () => {
    for (const name of ['torch_statedict_p2', 'torch_statedict_p4', 'torch_statedict_min_p2']) {
      const b = fixture(name);
      const [run] = runs(b);
      expect(run?.persistentIds, name).toBeGreaterThan(0);
      expect(run?.stop, name).toBe('stop');
      expect(judge(b, 'allowlist'), name).toEqual([]);
      // The default policy blocks any global, but none of these is critical.
      expect(rules(b), name).toEqual(['DW-PICKLE-002']);
    }
    expect(importNames(fixture('torch_statedict_p2')).sort()).toEqual([
      'collections.OrderedDict',
      'torch.FloatStorage',
      'torch.LongStorage',
      'torch._utils._rebuild_parameter',
      'torch._utils._rebuild_tensor_v2',
    ]);
  });

  it('one extra os.system in a state dict is the only finding', () => {
    const found = judge(fixture('torch_statedict_evil_p2'), 'allowlist');
    expect(found.map((f) => [f.rule, f.message])).toEqual([
      ['DW-PICKLE-001', 'pickle imports posix.system (GLOBAL; posix.*)'],
    ]);
  });

  it('numpy ndarray pickles pass (protocols 3 and 4)', () => {
    for (const name of ['numpy_array_p3', 'numpy_array_p4']) {
      expect(judge(fixture(name), 'allowlist'), name).toEqual([]);
    }
  });
});

describe('bytes that are not pickles', () => {
  it('prose quoting pickle syntax yields no imports', () => {
    const texts = [
      'In a protocol-0 pickle the opcode looks like cos\nsystem\nand then the arguments follow.',
      'cos\nsystem\n',
      'because\nsystem\nadmins (see below)\n(note) tR )R \n(\n.\n',
      'The call (see cos\nsystem\nfor the record) and the list:\nicing\nsystem\nlater.',
      "import os\nos.system('id')\npickle.loads(data)\n",
    ];
    for (const t of texts) {
      expect(importNames(bytes(t)), t).toEqual([]);
      expect(judge(bytes(t)), t).toEqual([]);
    }
  });

  it('a complete pickle quoted inside text is still a pickle (reported)', () => {
    // `(ios\nsystem\n` is a MARK + INST that calls os.system(): the text contains a real pickle.
    expect(importNames(bytes('Example: (ios\nsystem\n then more text'))).toEqual(['os.system']);
  });

  it('word lists (identifier lines) yield no imports', () => {
    const words = ['cherry', 'apple', 'icing', 'music', 'logic', 'basic', 'date', 'cos', 'system'];
    const b = bytes(Array.from({ length: 5000 }, (_, i) => words[i % words.length]).join('\n'));
    expect(importNames(b)).toEqual([]);
  });

  it('10 MB of random bytes with PROTO and STOP bytes: no imports, no findings', () => {
    const b = prng(0x5eed, 10 * 1024 * 1024);
    for (let i = 1000; i < b.length - 2; i += 9973) {
      b[i] = 0x80;
      b[i + 1] = 2 + (i % 4);
      b[i + 7] = 0x2e;
    }
    const found = findPickles(b);
    expect(found.flatMap((r) => r.imports)).toEqual([]);
    expect(judge(b)).toEqual([]);
  });

  it('structured binary headers (PNG, zip, gzip) and JSON give nothing', () => {
    const samples = [
      bytes([0x89], 'PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00'),
      bytes('PK\x03\x04\x14\x00\x00\x00\x08\x00', [0x80, 2, 0x2e]),
      bytes([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0x80, 4, 0x95]),
      bytes('{"op":"tR","list":["\\n(", "c", "os"], "n": 1}'),
    ];
    for (const s of samples) expect(judge(s)).toEqual([]);
  });
});

describe('limits from text are not pickles', () => {
  it('long runs of single opcode letters (FASTA N runs, parentheses) do not report limits', () => {
    const samples = [
      bytes('>chr1\n', 'N'.repeat(20_000), '\nACGT\n'),
      bytes('N'.repeat(20_000)),
      bytes('x\n', '('.repeat(20_000), ')'.repeat(20_000)),
      bytes('K'.repeat(30_000)),
    ];
    for (const s of samples) expect(judge(s)).toEqual([]);
  });

  it('the same runs behind a PROTO header are reported (fail closed)', () => {
    expect(judge(bytes([0x80, 2], 'N'.repeat(20_000))).map((f) => f.limit)).toEqual(['pickle.maxStackDepth']);
  });
});
