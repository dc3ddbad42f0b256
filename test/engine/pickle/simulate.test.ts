/**
 * Unit tests of the pickle machine model (simulatePickle) on hand-assembled opcode streams:
 * CPython stack/mark/memo semantics, imports and calls, stop reasons and limits.
 */
import { describe, expect, it } from 'vitest';
import { simulatePickle } from '../../../src/engine/detectors/pickle/simulate.js';
import { bytes, framed4, glob, sbu } from './helpers.js';

const sim = (b: Uint8Array, start = 0) => simulatePickle(b, start);

describe('clean pickles', () => {
  it('stops at STOP and reports the end offset and protocol', () => {
    const b = bytes([0x80, 2], 'N.', 'trailing');
    const r = sim(b);
    expect(r.stop).toBe('stop');
    expect(r.end).toBe(4);
    expect(r.headerProtocol).toBe(2);
    expect(r.protocol).toBe(2);
    expect(r.imports).toEqual([]);
    expect(r.opcodes).toBe(3);
  });

  it('has no header protocol without PROTO and starts anywhere', () => {
    const r = sim(bytes('xxN.'), 2);
    expect(r).toMatchObject({ start: 2, end: 4, stop: 'stop', headerProtocol: -1 });
  });

  it('builds containers with marks (protocol 0 dict/list/tuple)', () => {
    const b = bytes("(dp0\nS'a'\np1\n(lp2\nI1\naI2\naF1.5\nasS'b'\n(I1\nI2\ntp3\ns.");
    expect(sim(b).stop).toBe('stop');
  });
});

describe('stack and mark semantics (CPython _pickle)', () => {
  it('POP removes a MARK that is on top of the stack', () => {
    expect(sim(bytes('N(0.')).stop).toBe('stop');
  });

  it('STOP cannot pop below the current MARK', () => {
    expect(sim(bytes('N(.'))).toMatchObject({ stop: 'stackUnderflow' });
  });

  it('TUPLE1 cannot reach below a MARK', () => {
    expect(sim(bytes('N(', [0x85], '.')).stop).toBe('stackUnderflow');
  });

  it('SETITEM needs dict, key and value above the fence', () => {
    expect(sim(bytes('}K', [1], 'K', [2], 's.')).stop).toBe('stop');
    expect(sim(bytes('K', [1], 'K', [2], 's.')).stop).toBe('stackUnderflow');
  });

  it('DICT with an odd number of items is malformed', () => {
    expect(sim(bytes('(K', [1], 'd.'))).toMatchObject({ stop: 'malformed', detail: 'odd number of items for DICT' });
  });

  it('list/tuple/dict ops without a MARK underflow', () => {
    for (const op of ['t', 'l', 'd', 'e', 'u', '1']) {
      expect(sim(bytes('N', op, '.')).stop).toBe('stackUnderflow');
    }
  });

  it('reports invalid opcodes and truncation', () => {
    expect(sim(bytes('N\xff.'))).toMatchObject({ stop: 'invalidOpcode', end: 1 });
    expect(sim(bytes('X\x05\x00\x00\x00ab'))).toMatchObject({ stop: 'truncated', end: 0 });
    expect(sim(bytes('N'))).toMatchObject({ stop: 'truncated', end: 1 });
    expect(sim(bytes('cos\nsys'))).toMatchObject({ stop: 'truncated' });
  });

  it('rejects unsupported protocols and unquoted STRING', () => {
    expect(sim(bytes([0x80, 6], 'N.')).stop).toBe('malformed');
    expect(sim(bytes('Sabc\n.')).detail).toContain('quoted');
  });
});

describe('memo', () => {
  it('MEMOIZE numbers entries by memo size, GET/BINGET/LONG_BINGET read them', () => {
    const b = bytes([0x80, 4], sbu('os'), [0x94], sbu('system'), [0x94], '0', '0', 'h', [0], 'j', [1, 0, 0, 0], [0x93], '.');
    const r = sim(b);
    expect(r.stop).toBe('stop');
    expect(r.imports.map((i) => `${i.module}.${i.name}`)).toEqual(['os.system']);
  });

  it('parses text PUT/GET keys like int()', () => {
    expect(sim(bytes('Np 1_0 \n0g10\n.')).stop).toBe('stop');
    expect(sim(bytes('Np1x\n.')).stop).toBe('malformed');
    expect(sim(bytes('Np-1\n.')).detail).toBe('negative PUT argument');
  });

  it('stops on a missing memo key', () => {
    expect(sim(bytes('h', [7], '.'))).toMatchObject({ stop: 'badMemo', end: 0 });
  });

  it('memo values keep their identity (a string stays a literal through DUP and memo)', () => {
    const b = bytes([0x80, 4], sbu('os'), '2q', [1], '00h', [1], sbu('system'), [0x93], '.');
    const r = sim(b);
    expect(r.imports[0]).toMatchObject({ module: 'os', name: 'system', literal: true });
  });
});

describe('imports', () => {
  it('records GLOBAL, INST and STACK_GLOBAL with offsets', () => {
    const b = bytes([0x80, 4], glob('a.b', 'c'), '0', sbu('x'), sbu('y'), [0x93], '0', "(S'z'\nim\nn\n.");
    const r = sim(b);
    expect(r.imports.map((i) => [i.opcode, i.module, i.name, i.offset])).toEqual([
      ['GLOBAL', 'a.b', 'c', 2],
      ['STACK_GLOBAL', 'x', 'y', 16],
      ['INST', 'm', 'n', 24],
    ]);
    expect(r.calls.map((c) => c.opcode)).toEqual(['INST']);
  });

  it('applies the Python 2 mapping below protocol 3 only', () => {
    const p2 = sim(bytes([0x80, 2], glob('__builtin__', 'eval'), '.'));
    expect(p2.imports[0]).toMatchObject({ module: 'builtins', name: 'eval', rawModule: '__builtin__', mapped: true });
    const p0 = sim(bytes(glob('commands', 'getoutput'), '.'));
    expect(p0.imports[0]).toMatchObject({ module: 'subprocess', name: 'getoutput', mapped: true });
    const p3 = sim(bytes([0x80, 3], glob('__builtin__', 'eval'), '.'));
    expect(p3.imports[0]).toMatchObject({ module: '__builtin__', mapped: false });
  });

  it('flags dotted names only when the protocol in force is >= 4 (PROTO can change mid-stream)', () => {
    const p2 = sim(bytes([0x80, 2], sbu('pathlib'), sbu('os.system'), [0x93], '.'));
    expect(p2.imports[0]?.dotted).toBe(false);
    const late = sim(bytes([0x80, 2], 'N0', [0x80, 4], sbu('pathlib'), sbu('os.system'), [0x93], '.'));
    expect(late.imports[0]).toMatchObject({ dotted: true, protocol: 4 });
    expect(late.protocol).toBe(4);
  });

  it('decodes STRING escapes and UNICODE raw escapes for STACK_GLOBAL operands', () => {
    const r = sim(bytes("S'\\x6fs'\nV\\u0073ystem\n", [0x93], '.'));
    expect(r.imports[0]).toMatchObject({ module: 'os', name: 'system', literal: true });
  });

  it('marks STACK_GLOBAL operands produced at load time as non-literal', () => {
    const b = bytes(glob('builtins', 'str'), sbu('os'), [0x85], 'R', sbu('system'), [0x93], '.');
    const r = sim(b);
    expect(r.imports[1]).toMatchObject({ opcode: 'STACK_GLOBAL', module: '?', name: 'system', literal: false });
  });

  it('stops where CPython would: STACK_GLOBAL on non-str, names that cannot exist', () => {
    expect(sim(bytes('K', [1], sbu('x'), [0x93], '.')).detail).toBe('STACK_GLOBAL requires str');
    expect(sim(bytes('cos system\nx\n.')).stop).toBe('malformed');
    expect(sim(bytes('c\nsystem\n.')).stop).toBe('malformed');
    expect(sim(bytes(sbu('os.'), sbu('x'), [0x93], '.')).stop).toBe('malformed');
  });

  it('records EXT codes as unresolved imports', () => {
    const r = sim(bytes([0x80, 2, 0x82, 0x2a], ')R.'));
    expect(r.imports[0]).toMatchObject({ opcode: 'EXT1', extCode: 42, literal: false });
    expect(r.importCalls).toBe(1);
    expect(sim(bytes([0x82, 0], '.')).stop).toBe('malformed');
  });

  it('deduplicates repeated imports and counts them', () => {
    const b = bytes(glob('a', 'b'), '0', glob('a', 'b'), '.');
    const r = sim(b);
    expect(r.imports.length).toBe(1);
    expect(r.importCount).toBe(2);
  });
});

describe('calls', () => {
  it('links REDUCE/NEWOBJ/NEWOBJ_EX/OBJ/BUILD to the import they call', () => {
    const b = bytes(
      [0x80, 4],
      glob('m', 'f'),
      ')R0',
      glob('m', 'C'),
      ')',
      [0x81],
      '}b0',
      glob('m', 'D'),
      ')}',
      [0x92],
      '0(',
      glob('m', 'E'),
      'K',
      [1],
      'o.',
    );
    const r = sim(b);
    expect(r.stop).toBe('stop');
    expect(r.calls.map((c) => [c.opcode, r.imports[c.callee]?.name])).toEqual([
      ['REDUCE', 'f'],
      ['NEWOBJ', 'C'],
      ['BUILD', 'C'],
      ['NEWOBJ_EX', 'D'],
      ['OBJ', 'E'],
    ]);
    expect(r.importCalls).toBe(5);
  });

  it('a call result keeps the origin import (chained calls)', () => {
    const r = sim(bytes(glob('operator', 'attrgetter'), "(S'x'\ntR(N", 'tR.'));
    expect(r.calls.map((c) => c.callee)).toEqual([0, 0]);
  });

  it('stops on calls CPython rejects before calling', () => {
    expect(sim(bytes('K', [1], ')R.')).detail).toBe('REDUCE callee is not callable');
    expect(sim(bytes(glob('m', 'f'), ']R.')).detail).toBe('REDUCE argument list is not a tuple');
  });

  it('persistent ids are counted, not calls', () => {
    const r = sim(bytes([0x80, 2], "X\x01\x00\x00\x000Q", 'P1\n', [0x86], '.'));
    expect(r).toMatchObject({ stop: 'stop', persistentIds: 2, callCount: 0 });
  });

  it('INST records its import even without a MARK (pure-Python unpickler order)', () => {
    const r = sim(bytes('ios\nsystem\n.'));
    expect(r.stop).toBe('stackUnderflow');
    expect(r.imports[0]).toMatchObject({ opcode: 'INST', module: 'os', name: 'system' });
  });
});

describe('frames', () => {
  it('marks framed pickles and accepts opcodes that end exactly at the frame end', () => {
    const r = sim(framed4(bytes(sbu('abc'), '.')));
    expect(r).toMatchObject({ stop: 'stop', framed: true });
    expect(r.frameStraddle).toBeUndefined();
  });

  it('reports the first operand that crosses a frame end (P29) and keeps simulating', () => {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(5n);
    const r = sim(bytes([0x80, 4, 0x95], len, 'N0', sbu('abcd'), '0N.'));
    expect(r.stop).toBe('stop');
    expect(r.frameStraddle).toEqual({ offset: 13, frameEnd: 16 });
  });

  it('an operand that starts exactly at the frame end is read outside the frame (no straddle)', () => {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(4n);
    const r = sim(bytes([0x80, 4, 0x95], len, 'N0', sbu('abcd'), '0N.'));
    expect(r.stop).toBe('stop');
    expect(r.frameStraddle).toBeUndefined();
  });

  it('a frame longer than the data is truncated', () => {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(100n);
    expect(sim(bytes([0x80, 4, 0x95], len, 'N.')).stop).toBe('truncated');
  });
});

describe('limits', () => {
  it('maxOpcodes', () => {
    const r = simulatePickle(bytes('N0'.repeat(100), 'N.'), 0, { maxOpcodes: 50 });
    expect(r).toMatchObject({ stop: 'limit', limit: 'maxOpcodes', opcodes: 50 });
  });

  it('maxStackDepth counts marks too', () => {
    expect(simulatePickle(bytes('('.repeat(20)), 0, { maxStackDepth: 10 })).toMatchObject({ limit: 'maxStackDepth' });
    expect(simulatePickle(bytes('N'.repeat(20)), 0, { maxStackDepth: 10 })).toMatchObject({ limit: 'maxStackDepth' });
  });

  it('maxMemoSize', () => {
    expect(simulatePickle(bytes('N', 'q', [0], 'q', [0], 'q', [0], '.'), 0, { maxMemoSize: 1 }).stop).toBe('stop');
    expect(simulatePickle(bytes('N', [0x94, 0x94], '.'), 0, { maxMemoSize: 1 })).toMatchObject({ limit: 'maxMemoSize' });
    const b = bytes('N', 'q', [0], 'q', [1], 'q', [2], '.');
    expect(simulatePickle(b, 0, { maxMemoSize: 2 })).toMatchObject({ limit: 'maxMemoSize' });
  });

  it('maxStringBytes applies to import names only', () => {
    const long = 'a'.repeat(40);
    expect(simulatePickle(bytes(glob(long, 'b'), '.'), 0, { maxStringBytes: 32 })).toMatchObject({ limit: 'maxStringBytes' });
    expect(simulatePickle(bytes(sbu(long), '.'), 0, { maxStringBytes: 32 }).stop).toBe('stop');
  });

  it('maxImports', () => {
    const b = bytes(glob('a', 'b'), '0', glob('a', 'c'), '0', glob('a', 'd'), '.');
    expect(simulatePickle(b, 0, { maxImports: 2 })).toMatchObject({ limit: 'maxImports' });
  });

  it('maxCalls caps the record, not the count', () => {
    const b = bytes(glob('m', 'f'), 'q', [0], ')R0h', [0], ')R0h', [0], ')R.');
    const r = simulatePickle(b, 0, { maxCalls: 1 });
    expect(r).toMatchObject({ stop: 'stop', callCount: 3, importCalls: 3 });
    expect(r.calls.length).toBe(1);
  });

  it('maxExpansion catches shared-reference blow-up', () => {
    let b = bytes([0x80, 2], ']q', [0]);
    for (let i = 1; i < 10; i++) b = bytes(b, '(', 'h'.concat(String.fromCharCode(i - 1)).repeat(10), 'lq', [i]);
    const r = simulatePickle(bytes(b, '.'), 0, { maxExpansion: 1_000_000 });
    expect(r).toMatchObject({ stop: 'limit', limit: 'maxExpansion' });
  });
});
