/**
 * The known pickle-scanner bypasses (research notes §2.5, P1-P40) that apply to a single pickle
 * stream, one test each, plus evasion checklist items 15-37. Fixtures come from
 * test/fixtures/pickle/gen_fixtures.py (real pickle.dumps output or assembled opcodes).
 *
 * Not here, because they are container-layer techniques (the containers engineer's tests; this
 * detector sees the members as nested layers): P6 (7z-wrapped archive), P8 (member name/extension),
 * P9 (local vs central directory name), P10 (zip flag bits), P11 (CRC mismatch), P12 (raw pickle
 * named .bin/.pt), P35 (compressed joblib), P40 (torch.load weights_only itself). P31 (allow-list
 * shadowing between analyses) does not arise: each import gets one decision from exact pairs.
 */
import { describe, expect, it } from 'vitest';
import { simulatePickle } from '../../../src/engine/detectors/pickle/simulate.js';
import { bytes, fixture, framed4, glob, importNames, judge, rules, runs, sbu } from './helpers.js';

/** `module:name` -> a protocol 2 GLOBAL call and a protocol 4 STACK_GLOBAL call (dotted names: p4 only). */
function callForms(entry: string): Buffer[] {
  const [module, name] = entry.split(':') as [string, string];
  const p4 = framed4(bytes(sbu(module), [0x94], sbu(name), [0x94, 0x93, 0x94], sbu('id'), [0x85], 'R.'));
  if (name.includes('.')) return [p4];
  return [bytes([0x80, 2], glob(module, name), 'X\x02\x00\x00\x00id', [0x85], 'R.'), p4];
}

function expectCritical(entries: readonly string[]): void {
  for (const e of entries) {
    for (const b of callForms(e)) {
      expect(rules(b), e).toContain('DW-PICKLE-001');
      expect(rules(b, 'allowlist'), e).toContain('DW-PICKLE-001');
    }
  }
}

describe('P1-P5: memo, operand and broken-stream tricks', () => {
  it('P1 memo indirection resolves the slots STACK_GLOBAL really reads', () => {
    expect(importNames(fixture('p1_memo_indirection'))).toEqual(['os.system']);
    expect(rules(fixture('p1_memo_indirection'), 'allowlist')).toEqual(['DW-PICKLE-001']);
    // Reversed: the last strings pushed are os/system, but the import is torch.LongStorage.
    expect(importNames(fixture('p1_memo_reverse'))).toEqual(['torch.LongStorage']);
    expect(rules(fixture('p1_memo_reverse'), 'allowlist')).toEqual([]);
  });

  it('P2 STACK_GLOBAL from STRING operands as first opcodes, no PROTO, also after junk', () => {
    for (const name of ['p2_string_stack_global', 'p2_after_junk', 'p2_binstring']) {
      expect(importNames(fixture(name)), name).toEqual(['os.system']);
      expect(rules(fixture(name)), name).toContain('DW-PICKLE-001');
    }
  });

  it('P3 a missing memo key after the payload: imports count, the break is reported', () => {
    const [run] = runs(fixture('p3_missing_memo'));
    expect(run?.stop).toBe('badMemo');
    expect(rules(fixture('p3_missing_memo'))).toEqual(['DW-PICKLE-001', 'DW-PICKLE-004']);
  });

  it('P4 int in the memo used as STACK_GLOBAL module: CPython raises, the earlier payload counts', () => {
    const [run] = runs(fixture('p4_type_confusion'));
    expect(run).toMatchObject({ stop: 'malformed', detail: 'STACK_GLOBAL requires str' });
    expect(rules(fixture('p4_type_confusion'))).toEqual(['DW-PICKLE-001', 'DW-PICKLE-004']);
  });

  it('P5 broken pickles: what ran before the break is judged (fail closed)', () => {
    for (const name of ['p5_broken_p2', 'p5_broken_p0', 'p5_truncated']) {
      expect(rules(fixture(name)), name).toEqual(['DW-PICKLE-001', 'DW-PICKLE-004']);
      expect(rules(fixture(name), 'allowlist'), name).toEqual(['DW-PICKLE-001', 'DW-PICKLE-004']);
    }
  });
});

describe('P7, P13-P16: callables missing from deny lists, submodules, stacked and nested pickles', () => {
  it('P7 pip.main', () => {
    expect(importNames(fixture('p7_pip_main'))).toEqual(['pip.main']);
    expect(rules(fixture('p7_pip_main'))).toContain('DW-PICKLE-001');
  });

  it('P13 submodule of a blocked module (parent wildcard), dotted and plain', () => {
    expect(rules(fixture('p13_asyncio_dotted'))).toEqual(['DW-PICKLE-001', 'DW-PICKLE-003']);
    expect(rules(fixture('p13_asyncio_p2'))).toEqual(['DW-PICKLE-001']);
  });

  it('P14 legacy stacked pickles: eval in pickle 1, payload in pickle 5 (and P37: not only the first)', () => {
    const found = runs(fixture('p14_stacked_legacy'));
    expect(found.length).toBe(5);
    expect(found.flatMap((r) => r.imports.map((i) => `${i.module}.${i.name}`))).toEqual([
      'builtins.eval',
      'collections.OrderedDict',
      'posix.system',
    ]);
    const msgs = judge(fixture('p14_stacked_legacy')).map((f) => f.message);
    expect(msgs.some((m) => m.includes('__builtin__.eval (loads builtins.eval)'))).toBe(true);
    expect(msgs.some((m) => m.includes('posix.system'))).toBe(true);
    // Protocol 0 pickles stacked without PROTO headers.
    expect(importNames(fixture('p14_stacked_p0'))).toEqual(['posix.system']);
  });

  it('P15 nested pickle loaders', () => {
    expect(rules(fixture('p15_pickle_loads'))).toContain('DW-PICKLE-001');
    expect(importNames(fixture('p15_cpickle_loads'))).toEqual(['pickle.loads']);
    expect(rules(fixture('p15_cpickle_loads'))).toContain('DW-PICKLE-001');
  });

  it('P16 nested torch loaders (partial, serialization.load, _load_from_bytes, ConfigModule.load_config)', () => {
    expect(importNames(fixture('p16_partial_torch_load'))).toEqual(['functools.partial', 'torch.load']);
    for (const name of ['p16_partial_torch_load', 'p16_torch_serialization', 'p16_load_from_bytes', 'p16_config_module']) {
      expect(rules(fixture(name), 'allowlist'), name).toContain('DW-PICKLE-001');
    }
  });
});

describe('P17-P22, P26, P27, P30, P32: dangerous callables (checklist 15-20, 25, 36)', () => {
  it('P17 code-executing stdlib callables', () => {
    expectCritical([
      'runpy:_run_code', 'timeit:timeit', 'cProfile:run', 'cProfile:runctx', 'profile:run', 'profile:runctx',
      'trace:Trace.run', 'trace:Trace.runctx', 'bdb:Bdb.run', 'pdb:run', 'doctest:debug_script',
      'code:InteractiveInterpreter.runcode', 'idlelib.autocomplete:AutoComplete.get_entity',
      'idlelib.calltip:Calltip.fetch_tip', 'idlelib.calltip:get_entity', 'idlelib.debugobj:ObjectTreeItem.SetText',
      'idlelib.run:Executive.runcode', 'idlelib.pyshell:ModifiedInterpreter.runcommand',
      'lib2to3.pgen2.grammar:Grammar.loads', 'lib2to3.pgen2.pgen:ParserGenerator.make_label',
      'numpy.testing._private.utils:runstring', 'numpy.f2py.crackfortran:getlincoef',
      'numpy.f2py.crackfortran:_eval_length',
    ]);
  });

  it('P18 command-executing helpers (stdlib and torch internals)', () => {
    expectCritical([
      'uuid:_get_command_stdout', '_osx_support:_read_output', '_osx_support:_find_build_tool',
      '_aix_support:_read_cmd_output', 'imaplib:IMAP4_stream', '_pyrepl.pager:pipe_pager',
      'test.support.script_helper:assert_python_ok', 'pty:spawn', 'venv:create', 'ensurepip:_run_pip',
      'pydoc:pipepager', 'torch._inductor.codecache:compile_file', 'torch.utils.collect_env:run',
      'torch.utils.collect_env:run_and_read_all', 'torch.utils.bottleneck.__main__:run_cprofile',
      'torch.utils.bottleneck.__main__:run_autograd_prof', 'torch._dynamo.guards:GuardBuilder.get',
      'torch.fx.experimental.symbolic_shapes:ShapeEnv.evaluate_guards_expression',
      'torch.jit.unsupported_tensor_ops:execWrapper', 'multiprocessing.util:spawnv_passfds',
      'mlflow.projects.backend.local:_run_entry_point',
    ]);
  });

  it('P19 universal resolvers, including full call chains', () => {
    expectCritical([
      'pkgutil:resolve_name', 'pydoc:locate', 'importlib:import_module', 'builtins:getattr', 'builtins:__import__',
    ]);
    // getattr(__import__('os'), 'system')('id'), protocol 0.
    const chain = bytes(
      "cbuiltins\ngetattr\n(cbuiltins\n__import__\n(S'os'\ntRS'system'\ntR(S'id'\ntR.",
    );
    expect(importNames(chain)).toEqual(['builtins.getattr', 'builtins.__import__']);
    expect(runs(chain)[0]?.callCount).toBe(3);
    // pkgutil.resolve_name('os:system')('id'), protocol 2.
    const resolver = bytes([0x80, 2], glob('pkgutil', 'resolve_name'), 'X\x09\x00\x00\x00os:system', [0x85], 'RX\x02\x00\x00\x00id', [0x85], 'R.');
    expect(rules(resolver, 'allowlist')).toEqual(['DW-PICKLE-001']);
  });

  it('P20 operator/_operator attrgetter, itemgetter, methodcaller', () => {
    expectCritical([
      'operator:attrgetter', 'operator:itemgetter', 'operator:methodcaller',
      '_operator:attrgetter', '_operator:itemgetter', '_operator:methodcaller',
    ]);
  });

  it('P21 functools.partial wrapping a callable', () => {
    expectCritical(['functools:partial']);
  });

  it('P22 code objects: types.CodeType, cloudpickle internals, marshal.loads', () => {
    expectCritical([
      'types:CodeType', 'types:FunctionType', 'cloudpickle.cloudpickle:_make_function',
      'cloudpickle.cloudpickle:_builtin_type', 'marshal:loads',
    ]);
  });

  it('P26 file, network and exfiltration primitives', () => {
    expectCritical([
      '_io:FileIO', 'io:FileIO', 'io:open', 'logging:FileHandler', 'distutils.file_util:write_file', 'shutil:copyfile',
      'urllib.request:urlopen', 'requests.api:get', 'aiohttp:ClientSession', 'http.client:HTTPSConnection',
      'ssl:get_server_certificate', 'socket:create_connection', 'webbrowser:open',
      'pandas.io.parsers.readers:read_csv',
    ]);
  });

  it('P27 ctypes.CDLL', () => {
    expectCritical(['ctypes:CDLL']);
  });

  it('P30 private interpreter modules', () => {
    expectCritical(['_interpreters:run_string', '_xxsubinterpreters:run_string', '_posixsubprocess:fork_exec']);
  });

  it('P32 scanner-tampering imports', () => {
    expectCritical(['picklescan.scanner:scan_pickle_bytes', 'fickling:load', 'modelscan.settings:DEFAULT_SETTINGS', 'modelaudit:scan']);
  });
});

describe('P23-P25: attribute paths and method wrappers (checklist 21-23)', () => {
  it('P23 dotted path through a harmless module (pathlib + os.system, tempfile + _os.system)', () => {
    for (const name of ['p23_pathlib_os_system', 'p23_tempfile_os']) {
      const imp = runs(fixture(name))[0]?.imports[0];
      expect(imp?.dotted, name).toBe(true);
      expect(rules(fixture(name)), name).toEqual(['DW-PICKLE-001', 'DW-PICKLE-003']);
    }
    // Below protocol 4 CPython does not walk the path; still a (non-allowed) import.
    const p2 = bytes([0x80, 2], glob('pathlib', 'os.system'), '.');
    expect(runs(p2)[0]?.imports[0]?.dotted).toBe(false);
    expect(rules(p2, 'allowlist')).toEqual(['DW-PICKLE-002']);
  });

  it('P24 escape from an allowed module (numpy.__builtins__, numpy + prod.os.system)', () => {
    expect(rules(fixture('p24_numpy_builtins'), 'allowlist')).toEqual(['DW-PICKLE-001']);
    expect(rules(fixture('p24_numpy_prod_dotted'), 'allowlist')).toEqual(['DW-PICKLE-001', 'DW-PICKLE-003']);
  });

  it('P25 method-wrapper names (eval.__call__) are judged by their first component', () => {
    expect(rules(fixture('p25_eval_call_p4'))).toEqual(['DW-PICKLE-001', 'DW-PICKLE-003']);
    expect(rules(fixture('p25_eval_call_p2'))).toEqual(['DW-PICKLE-001']);
  });
});

describe('P28, P29, P33, P34, P36, P38, P39', () => {
  it('P28 OBJ call whose result is immediately popped still counts', () => {
    const [run] = runs(fixture('p28_obj_popped'));
    expect(run?.calls.map((c) => c.opcode)).toEqual(['OBJ']);
    expect(rules(fixture('p28_obj_popped'))).toEqual(['DW-PICKLE-001']);
  });

  it('P29 FRAME straddles: unicode, BINBYTES 0x107, GLOBAL line, BININT', () => {
    for (const name of ['p29_straddle_unicode', 'p29_straddle_binbytes', 'p29_straddle_global', 'p29_straddle_binint']) {
      const found = runs(fixture(name));
      expect(found[0]?.frameStraddle, name).toBeDefined();
      expect(rules(fixture(name), 'allowlist'), name).toContain('DW-PICKLE-004');
      expect(judge(fixture(name)).find((f) => f.rule === 'DW-PICKLE-004')?.kind, name).toBe('malformed');
    }
  });

  it('P33 Python 2 aliases below protocol 3 load the Python 3 modules', () => {
    const cases: [string, string, string][] = [
      ['commands', 'getoutput', 'subprocess.getoutput'],
      ['cPickle', 'loads', 'pickle.loads'],
      ['urllib2', 'urlopen', 'urllib.request.urlopen'],
      ['httplib', 'HTTPConnection', 'http.client.HTTPConnection'],
      ['__builtin__', 'eval', 'builtins.eval'],
      ['thread', 'start_new_thread', '_thread.start_new_thread'],
    ];
    for (const [m, n, loaded] of cases) {
      const b = bytes([0x80, 2], glob(m, n), ')R.');
      expect(importNames(b), m).toEqual([loaded]);
      expect(rules(b), m).toEqual(['DW-PICKLE-001']);
    }
    expect(importNames(bytes(glob('copy_reg', '_reconstructor'), '.'))).toEqual(['copyreg._reconstructor']);
  });

  it('P34 a memo value stored after DUP is the string itself', () => {
    expect(importNames(fixture('p34_dup_memo'))).toEqual(['os.system']);
    expect(rules(fixture('p34_dup_memo'))).toEqual(['DW-PICKLE-001']);
  });

  it('P36 protocol 0/1 pickles without PROTO inside other bytes', () => {
    expect(importNames(fixture('p36_p0_embedded'))).toEqual(['posix.system']);
    expect(importNames(fixture('p36_inst_embedded'))).toEqual(['os.system']);
    expect(rules(fixture('p36_inst_embedded'))).toEqual(['DW-PICKLE-001']);
  });

  it('P38 EXT1/EXT2/EXT4 registry imports are unresolvable and never allowed', () => {
    for (const name of ['p38_ext1', 'p38_ext2', 'p38_ext4']) {
      expect(rules(fixture(name)), name).toEqual(['DW-PICKLE-003']);
      expect(rules(fixture(name), 'allowlist'), name).toEqual(['DW-PICKLE-003']);
    }
  });

  it('P39 expansion through shared references stops at the expansion limit, cheaply', () => {
    const b = fixture('p39_expansion');
    const run = simulatePickle(b, 0);
    expect(run).toMatchObject({ stop: 'limit', limit: 'maxExpansion' });
    expect(run.opcodes).toBeLessThan(200);
    const f = judge(b).find((x) => x.rule === 'DW-PICKLE-004');
    expect(f).toMatchObject({ kind: 'limit', limit: 'pickle.maxExpansion' });
  });
});

describe('protocols 0-5 (real pickle.dumps)', () => {
  it('os.system via __reduce__ in every protocol', () => {
    for (let p = 0; p <= 5; p++) {
      const b = fixture(`reduce_os_system_p${p}`);
      expect(importNames(b), `p${p}`).toEqual(['posix.system']);
      expect(rules(b), `p${p}`).toEqual(['DW-PICKLE-001']);
    }
  });

  it('builtins.eval (written as __builtin__ below protocol 3) and subprocess.Popen', () => {
    for (const p of [0, 2, 4]) expect(importNames(fixture(`reduce_eval_p${p}`))).toEqual(['builtins.eval']);
    expect(rules(fixture('reduce_popen_p3'))).toEqual(['DW-PICKLE-001']);
  });
});
