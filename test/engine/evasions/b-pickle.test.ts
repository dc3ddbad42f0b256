/**
 * Evasion checklist B (items 15-37): pickle scanner bypasses, through the
 * real engine on a model-upload route (the pickle allow-list policy, where a
 * bypass would matter: the default policy refuses every import anyway).
 * The detector-level tests of the same techniques, with their P-numbers, are
 * in test/engine/pickle/bypasses.test.ts; these check that the engine
 * (trigger gating, candidate finder, policy) gets each one to the detector.
 * Pickles are assembled with the pickle tests' helpers or come from
 * test/fixtures/pickle (real pickle.dumps output where possible).
 */
import { describe, expect, it } from 'vitest';
import { bytes, fixture, framed4, glob, sbu } from '../pickle/helpers.js';
import { ML, rules } from './harness.js';

/** `module:name` called with one string argument, as protocol 2 GLOBAL and protocol 4 STACK_GLOBAL. */
function calls(entry: string): Buffer[] {
  const [module, name] = entry.split(':') as [string, string];
  const p4 = framed4(bytes(sbu(module), [0x94], sbu(name), [0x94, 0x93, 0x94], sbu('id'), [0x85], 'R.'));
  if (name.includes('.')) return [p4];
  return [bytes([0x80, 2], glob(module, name), 'X\x02\x00\x00\x00id', [0x85], 'R.'), p4];
}

/** Every form of every entry is refused on the model route with a critical pickle finding. */
function expectRefused(entries: readonly string[], rule = 'DW-PICKLE-001'): void {
  for (const e of entries) for (const b of calls(e)) expect(rules(b, ML), e).toContain(rule);
}

const fx = (name: string): string[] => rules(fixture(name), ML);

describe('B. Python pickle and ML model files', () => {
  it('E15: callables missing from deny lists (pip, runpy, timeit, cProfile, profile, trace, bdb, pdb, doctest, code, idlelib, lib2to3, numpy.testing, numpy.f2py)', () => {
    expectRefused(['pip:main', 'runpy:_run_code', 'timeit:timeit', 'cProfile:run', 'profile:run', 'trace:Trace.run', 'bdb:Bdb.run', 'pdb:run', 'doctest:debug_script', 'code:InteractiveInterpreter.runcode', 'idlelib.pyshell:ModifiedInterpreter.runcode', 'lib2to3.pgen2.grammar:Grammar.loads', 'numpy.testing._private.utils:runstring', 'numpy.f2py.crackfortran:getlincoef']);
    expect(fx('p7_pip_main')).toContain('DW-PICKLE-001');
  });

  it('E16: command-executing stdlib helpers (uuid, _osx_support, _aix_support, imaplib, _pyrepl, test.support, pty, venv, ensurepip, pydoc.pipepager, multiprocessing.util)', () => {
    expectRefused(['uuid:_get_command_stdout', '_osx_support:_read_output', '_aix_support:_read_cmd_output', 'imaplib:IMAP4_stream', '_pyrepl.pager:pipe_pager', 'test.support.script_helper:assert_python_ok', 'pty:spawn', 'venv:create', 'ensurepip:_run_pip', 'pydoc:pipepager', 'multiprocessing.util:spawnv_passfds']);
  });

  it('E17: torch internals that compile, run or evaluate', () => {
    expectRefused(['torch._inductor.codecache:compile_file', 'torch.utils.collect_env:run', 'torch.utils.bottleneck.__main__:run_cprofile', 'torch._dynamo.guards:GuardBuilder.get', 'torch.fx.experimental.symbolic_shapes:ShapeEnv.evaluate_guards_expression', 'torch.jit.unsupported_tensor_ops:execWrapper']);
  });

  it('E18: universal resolvers (pkgutil.resolve_name, pydoc.locate, importlib.import_module, builtins.__import__)', () => {
    expectRefused(['pkgutil:resolve_name', 'pydoc:locate', 'importlib:import_module', 'builtins:__import__', 'builtins:getattr']);
  });

  it('E19: operator/_operator attrgetter, itemgetter, methodcaller; functools.partial', () => {
    expectRefused(['operator:attrgetter', 'operator:itemgetter', 'operator:methodcaller', '_operator:attrgetter', '_operator:methodcaller', 'functools:partial']);
  });

  it('E20: code-object construction (types.CodeType, cloudpickle internals, marshal.loads)', () => {
    expectRefused(['types:CodeType', 'cloudpickle.cloudpickle:_make_function', 'cloudpickle.cloudpickle:_builtin_type', 'marshal:loads']);
  });

  it('E21: dotted attribute paths through harmless modules (pathlib os.system, tempfile _os.system) with PROTO >= 4', () => {
    expect(fx('p23_pathlib_os_system')).toContain('DW-PICKLE-001');
    expect(fx('p23_tempfile_os')).toContain('DW-PICKLE-001');
    expectRefused(['posixpath:os.system']);
  });

  it('E22: escapes from allow-listed modules (numpy.__builtins__, numpy prod.os.system)', () => {
    expect(fx('p24_numpy_builtins')).toContain('DW-PICKLE-001');
    expect(fx('p24_numpy_prod_dotted')).toContain('DW-PICKLE-001');
  });

  it('E23: method-wrapper names (eval.__call__, exec.__call__)', () => {
    expect(fx('p25_eval_call_p2')).toContain('DW-PICKLE-001');
    expect(fx('p25_eval_call_p4')).toContain('DW-PICKLE-001');
    expectRefused(['builtins:exec.__call__']);
  });

  it('E24: Python 2 aliases below protocol 3 (commands, cPickle, urllib2, httplib, __builtin__, copy_reg, thread)', () => {
    for (const [m, n] of [['commands', 'getoutput'], ['cPickle', 'loads'], ['urllib2', 'urlopen'], ['httplib', 'HTTPConnection'], ['__builtin__', 'eval'], ['copy_reg', '_reconstructor'], ['thread', 'start_new_thread']] as const) {
      const p = bytes([0x80, 2], glob(m, n), 'X\x02\x00\x00\x00id', [0x85], 'R.');
      const r = rules(p, ML);
      expect(r.length, `${m}.${n}`).toBeGreaterThan(0);
      if (m !== 'copy_reg') expect(r, `${m}.${n}`).toContain('DW-PICKLE-001');
    }
  });

  it('E25: private stdlib modules (_interpreters, _xxsubinterpreters, _posixsubprocess, _io.FileIO, _operator)', () => {
    expectRefused(['_interpreters:run_string', '_xxsubinterpreters:run_string', '_posixsubprocess:fork_exec', '_io:FileIO', '_operator:itemgetter']);
  });

  it('E26: memo indirection (PUT/GET choosing other slots than a naive scanner)', () => {
    expect(fx('p1_memo_indirection')).toContain('DW-PICKLE-001');
    expect(fx('p1_memo_reverse')).toEqual([]);
  });

  it('E27: STACK_GLOBAL operands from STRING/BINSTRING, as the first opcodes (no PROTO), after junk', () => {
    for (const n of ['p2_string_stack_global', 'p2_binstring', 'p2_after_junk']) expect(fx(n), n).toContain('DW-PICKLE-001');
  });

  it('E28: missing or forged memo keys do not abort the scan (what ran before counts)', () => {
    expect(fx('p3_missing_memo')).toEqual(expect.arrayContaining(['DW-PICKLE-001', 'DW-PICKLE-004']));
    expect(fx('p4_type_confusion')).toEqual(expect.arrayContaining(['DW-PICKLE-001', 'DW-PICKLE-004']));
  });

  it('E29: DUP + BINPUT so a scanner records None as the module', () => {
    expect(fx('p34_dup_memo')).toContain('DW-PICKLE-001');
  });

  it('E30: broken pickles: payload first, garbage after (nullifAI)', () => {
    for (const n of ['p5_broken_p0', 'p5_broken_p2', 'p5_truncated']) expect(fx(n), n).toContain('DW-PICKLE-001');
  });

  it('E31: several concatenated pickles, the malicious one not first', () => {
    const benign = fixture('data_p2');
    expect(rules(Buffer.concat([benign, benign, fixture('reduce_os_system_p2')]), ML)).toContain('DW-PICKLE-001');
    expect(fx('p14_stacked_p0')).toContain('DW-PICKLE-001');
    expect(fx('p14_stacked_legacy')).toContain('DW-PICKLE-001');
  });

  it('E32: FRAME length smaller than an opcode argument (straddle)', () => {
    // The straddling operand is reported as an ambiguous stream (loaders disagree about it).
    for (const n of ['p29_straddle_binbytes', 'p29_straddle_binint', 'p29_straddle_global', 'p29_straddle_unicode']) expect(fx(n), n).toContain('DW-PICKLE-004');
    expect(fx('p29_straddle_global')).toContain('DW-PICKLE-001');
  });

  it('E33: an OBJ/INST call whose result is POPped', () => {
    expect(fx('p28_obj_popped')).toContain('DW-PICKLE-001');
  });

  it('E34: EXT1/EXT2/EXT4 extension-registry imports are never allowed', () => {
    for (const n of ['p38_ext1', 'p38_ext2', 'p38_ext4']) expect(fx(n), n).toContain('DW-PICKLE-003');
  });

  it('E35: nested loaders (pickle.loads, torch.load partial, torch.serialization.load, _load_from_bytes, ConfigModule.load_config, datapipes)', () => {
    for (const n of ['p15_pickle_loads', 'p15_cpickle_loads', 'p16_partial_torch_load', 'p16_torch_serialization', 'p16_load_from_bytes', 'p16_config_module']) expect(fx(n), n).toContain('DW-PICKLE-001');
    expectRefused(['torch.utils.data.datapipes.utils.decoder:basichandlers']);
  });

  it('E36: imports of the scanners themselves (picklescan, fickling, modelscan)', () => {
    expectRefused(['picklescan.scanner:scan_file_path', 'fickling.fickle:Pickled', 'modelscan.modelscan:ModelScan']);
  });

  it('E37: expansion through GET/DUP blow-up stops at a limit and fails closed', () => {
    expect(fx('p39_expansion')).toEqual(['DW-PICKLE-004']);
  });

  it('ML checkpoints pass on the same route (the allow-list is not a blanket refusal)', () => {
    expect(rules(fixture('numpy_array_p4'), ML)).toEqual([]);
    expect(rules(fixture('data_p4'), ML)).toEqual([]);
  });
});
