/**
 * Known code/command-execution, resolver, nested-deserialisation, file/network and scanner-tampering
 * globals (DW-PICKLE-001): the union of the picklescan, fickling and modelscan lists (research notes
 * §2.1-2.5) plus the bypass table. A module listed as a wildcard covers its submodules
 * (`asyncio.*` covers `asyncio.unix_events`, P13). This list only grades severity: under the default
 * policy every import is a finding, and allow-list mode accepts exact pairs only.
 */

/** Whole modules (and every submodule). */
const WILDCARD_MODULES: readonly string[] = [
  // processes, interpreters, import machinery
  'os', 'nt', 'posix', 'subprocess', 'commands', 'popen2', 'pty', 'pexpect', 'pipes', 'sys', 'runpy',
  'code', 'codeop', 'compileall', 'py_compile', 'importlib', 'imp', 'zipimport', 'pkgutil', 'pydoc',
  'inspect', 'types', 'marshal', 'ctypes', 'cffi', 'gc', 'site', 'signal', 'atexit', 'select', 'selectors',
  'mmap', 'multiprocessing', 'threading', 'concurrent', 'asyncio',
  // debuggers, profilers, test harnesses that run code strings (P17)
  'bdb', 'pdb', 'trace', 'profile', 'cProfile', 'timeit', 'doctest', 'unittest', 'test', 'idlelib', 'lib2to3',
  // package installers (P7, P18)
  'ensurepip', 'venv', 'pip', 'setuptools', 'distutils',
  // nested deserialisers (P15, P16)
  'pickle', 'cPickle', 'dill', 'cloudpickle', 'joblib', 'shelve', 'jsonpickle', 'yaml',
  // call gadgets (P20, P21)
  'functools', 'operator',
  // files, network, exfiltration (P26)
  'shutil', 'tempfile', 'glob', 'fileinput', 'filecmp', 'linecache', 'zipfile', 'tarfile', 'logging',
  'socket', 'socketserver', 'ssl', 'http.client', 'http.server', 'urllib.request', 'urllib2', 'httplib',
  'ftplib', 'smtplib', 'poplib', 'imaplib', 'nntplib', 'telnetlib', 'xmlrpc', 'webbrowser', 'requests',
  'aiohttp', 'httpx', 'urllib3', 'difflib', 'sqlite3',
  // scanner tampering (P32)
  'fickling', 'picklescan', 'modelscan', 'model_unpickler', 'saferpickle', 'modelaudit',
  // ML internals that run code or load nested pickles (P16-P18)
  'torch.serialization', 'torch.hub', 'torch._dynamo', 'torch._inductor', 'torch.jit', 'torch.package',
  'torch.utils._config_module', 'torch.utils.collect_env', 'torch.utils.bottleneck',
  'torch.utils.data.datapipes.utils.decoder', 'torch.fx.experimental.symbolic_shapes', 'torch.distributed',
  'torch.multiprocessing', 'torch.compiler', 'numpy.f2py', 'numpy.distutils', 'numpy.testing',
  'numpy.ctypeslib', 'pandas.io', 'pandas.core.computation', 'mlflow.projects',
];

/** Single callables in otherwise ordinary modules (names may be qualnames). */
const PAIRS: Readonly<Record<string, readonly string[]>> = {
  torch: ['load', 'save', 'compile', 'from_file'],
  'torch.storage': ['_load_from_bytes'],
  numpy: ['load', 'fromfile', 'loadtxt', 'genfromtxt'],
  'numpy.lib.npyio': ['load'],
  pandas: ['read_pickle', 'read_csv', 'read_json', 'read_html', 'read_table', 'read_excel', 'read_xml', 'read_sql', 'eval'],
  io: ['open', 'open_code', 'FileIO'],
  codecs: ['open'],
  platform: ['popen'],
};

/** Modules whose public names are plain data types but whose private helpers run commands (P18). */
const PRIVATE_NAME_MODULES: ReadonlySet<string> = new Set(['uuid', 'platform']);

/**
 * Builtins that only construct plain values (fickling's SAFE_BUILTINS); every other builtin
 * (eval, exec, compile, getattr, setattr, __import__, open, breakpoint, globals, vars ...) is critical.
 */
const SAFE_BUILTINS: ReadonlySet<string> = new Set([
  'bool', 'int', 'float', 'complex', 'str', 'bytes', 'bytearray', 'list', 'tuple', 'set', 'frozenset', 'dict',
  'len', 'abs', 'sum', 'min', 'max', 'round', 'pow', 'divmod', 'sorted', 'reversed', 'enumerate', 'zip',
  'range', 'map', 'filter', 'slice', 'iter', 'next', 'all', 'any', 'hash', 'id', 'repr', 'ascii', 'bin',
  'hex', 'oct', 'ord', 'chr', 'isinstance', 'issubclass', 'object', 'callable', 'format',
]);

const BUILTIN_MODULES: ReadonlySet<string> = new Set(['builtins', '__builtin__', '__builtins__']);

/** Private top-level modules that are ordinary in benign pickles. */
const PRIVATE_OK: ReadonlySet<string> = new Set(['_codecs', '_collections_abc']);

/** Attribute names that reach the interpreter from any object (escape from an allowed module, P24). */
const ESCAPE_NAMES: ReadonlySet<string> = new Set([
  '__builtins__', '__import__', '__globals__', '__subclasses__', '__getattribute__', '__code__', '__loader__',
  '__closure__', 'f_globals', 'f_builtins', 'f_locals', 'gi_frame', '__reduce__', '__reduce_ex__',
]);

const WILDCARDS: ReadonlySet<string> = new Set(WILDCARD_MODULES);
const PAIR_MAP: ReadonlyMap<string, readonly string[]> = new Map(Object.entries(PAIRS));

function isSafeBuiltin(first: string): boolean {
  return (
    SAFE_BUILTINS.has(first) ||
    first.endsWith('Error') ||
    first.endsWith('Exception') ||
    first.endsWith('Warning') ||
    first === 'BaseException' ||
    first === 'StopIteration'
  );
}

/**
 * Why (module, name) is a known dangerous global, or null. `name` may be a qualname (`eval.__call__`
 * is judged by `eval`, P25).
 */
export function denyReason(module: string, name: string): string | null {
  const dot = name.indexOf('.');
  const first = dot < 0 ? name : name.slice(0, dot);
  if (BUILTIN_MODULES.has(module)) {
    return first === '?' || !isSafeBuiltin(first) ? `builtins.${first}` : null;
  }
  let prefix = '';
  for (const part of module.split('.')) {
    prefix = prefix === '' ? part : `${prefix}.${part}`;
    if (WILDCARDS.has(prefix)) return `${prefix}.*`;
  }
  if (module.startsWith('_') && !module.startsWith('__') && !PRIVATE_OK.has(module.split('.')[0] ?? '')) {
    return `private module ${module.split('.')[0] ?? module}`;
  }
  if (PRIVATE_NAME_MODULES.has(module) && first.startsWith('_')) return `${module}.${first}`;
  const names = PAIR_MAP.get(module);
  if (names !== undefined) {
    for (const n of names) if (name === n || name.startsWith(`${n}.`)) return `${module}.${n}`;
  }
  for (const part of name.split('.')) if (ESCAPE_NAMES.has(part)) return `attribute ${part}`;
  return null;
}

/** Components considered when reinterpreting a dotted path (bounded). */
const MAX_COMPONENTS = 32;

/**
 * For names CPython resolves as attribute paths (protocol >= 4, P23/P24), every object reached on
 * the way counts: `pathlib` + `os.system` reaches `os.system`, `numpy` + `prod.os.system` too. Tries
 * every (module, attribute) split of every suffix of the full path.
 */
export function denyReasonDotted(module: string, name: string): string | null {
  const direct = denyReason(module, name);
  if (direct !== null) return direct;
  const parts = `${module}.${name}`.split('.').slice(0, MAX_COMPONENTS);
  for (let k = 0; k < parts.length - 1; k++) {
    for (let i = k + 1; i < parts.length; i++) {
      const r = denyReason(parts.slice(k, i).join('.'), parts.slice(i).join('.'));
      if (r !== null) return r;
    }
  }
  return null;
}
