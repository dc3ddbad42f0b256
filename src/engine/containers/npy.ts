/**
 * Parser for NumPy `.npy` headers (`\x93NUMPY`, versions 1-3): the header
 * length, the Python-literal header dict (parsed by pyliteral.ts, never
 * evaluated), dtype descriptors (simple and structured) and the shape. It
 * says whether the array holds Python objects (then the rest of the file is
 * a pickle that `numpy.load(allow_pickle=True)` would unpickle) and checks
 * that plain arrays have exactly the data their shape and itemsize imply.
 */
import { hasBytes, u16le, u32le } from './bytes.js';
import { DEFAULT_PY_LITERAL_LIMITS, parsePyLiteral, type PyValue } from './pyliteral.js';

export const NPY_MAGIC: readonly number[] = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export interface NpyLimits {
  /** Largest header accepted (numpy itself defaults to 10,000 bytes). */
  readonly maxHeaderBytes: number;
}

export const DEFAULT_NPY_LIMITS: NpyLimits = Object.freeze({ maxHeaderBytes: 65536 });

export interface NpyReport {
  /** False when the bytes do not start with the npy magic. */
  readonly isNpy: boolean;
  readonly version?: number;
  /** Offset of the array data (just after the header). */
  readonly dataOffset?: number;
  /** True when the dtype contains Python objects: the data is a pickle. */
  readonly hasObjects?: boolean;
  /** Expected data bytes for plain dtypes (-1 when unknown). */
  readonly expectedBytes?: number;
  /** Reasons the file is malformed or inconsistent. */
  readonly anomalies: string[];
  readonly limit?: string;
}

interface DtypeInfo {
  readonly itemsize: number;
  readonly objects: boolean;
}

const INT_SIZES = new Set([1, 2, 4, 8]);
const FLOAT_SIZES = new Set([2, 4, 8, 12, 16]);
const COMPLEX_SIZES = new Set([8, 16, 24, 32]);

/** Size and object-ness of a simple dtype string such as `<f8`, `|O`, `<U10`, `<M8[ns]`; undefined when unknown. */
export function simpleDtype(s: string): DtypeInfo | undefined {
  let i = 0;
  if (s[0] === '<' || s[0] === '>' || s[0] === '|' || s[0] === '=') i = 1;
  const code = s[i];
  const rest = s.slice(i + 1);
  if (code === undefined) return undefined;
  if (code === 'O') return rest === '' || rest === '8' || rest === '4' ? { itemsize: 8, objects: true } : undefined;
  if (code === '?') return rest === '' || rest === '1' ? { itemsize: 1, objects: false } : undefined;
  if (code === 'M' || code === 'm') {
    if (!rest.startsWith('8')) return undefined;
    const unit = rest.slice(1);
    if (unit !== '' && !(unit.startsWith('[') && unit.endsWith(']') && unit.length <= 12)) return undefined;
    return { itemsize: 8, objects: false };
  }
  if (rest.length === 0 || rest.length > 9) return undefined;
  let n = 0;
  for (let k = 0; k < rest.length; k++) {
    const c = rest.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return undefined;
    n = n * 10 + (c - 0x30);
  }
  switch (code) {
    case 'b':
      return n === 1 ? { itemsize: 1, objects: false } : undefined;
    case 'i':
    case 'u':
      return INT_SIZES.has(n) ? { itemsize: n, objects: false } : undefined;
    case 'f':
      return FLOAT_SIZES.has(n) ? { itemsize: n, objects: false } : undefined;
    case 'c':
      return COMPLEX_SIZES.has(n) ? { itemsize: n, objects: false } : undefined;
    case 'S':
    case 'a':
    case 'V':
      return { itemsize: n, objects: false };
    case 'U':
      return { itemsize: 4 * n, objects: false };
    default:
      return undefined;
  }
}

/** Product of a shape value (int or tuple of ints); -1 when malformed or too large. */
function shapeCount(v: PyValue | undefined): number {
  if (!v) return 1;
  if (v.kind === 'int') return v.value;
  if (v.kind !== 'tuple') return -1;
  let n = 1;
  for (const it of v.items) {
    if (it.kind !== 'int') return -1;
    n *= it.value;
    if (n > Number.MAX_SAFE_INTEGER) return -1;
  }
  return n;
}

/**
 * Describe a dtype descriptor value: a string, or a structured list of
 * (name, descr[, shape]) tuples (walked with an explicit stack).
 */
export function describeDtype(d: PyValue): DtypeInfo | string {
  if (d.kind === 'str') {
    const info = simpleDtype(d.value);
    if (info) return info;
    // Anything numpy.dtype() might still accept ('object', 'i4,O' ...) is refused unless clearly object-free.
    return d.value.includes('O') || d.value.toLowerCase().includes('object') ? { itemsize: -1, objects: true } : `unrecognised dtype descriptor`;
  }
  if (d.kind !== 'list') return 'dtype descriptor is neither a string nor a field list';
  let itemsize = 0;
  let objects = false;
  const work: { list: PyValue[]; multiplier: number }[] = [{ list: d.items, multiplier: 1 }];
  for (let guard = 0; work.length > 0; guard++) {
    if (guard > 4096) return 'dtype descriptor is too complex';
    const { list, multiplier } = work.pop() as { list: PyValue[]; multiplier: number };
    for (const field of list) {
      if (field.kind !== 'tuple' || field.items.length < 2 || field.items.length > 3) return 'malformed structured dtype field';
      const [name, sub, shape] = field.items as [PyValue, PyValue, PyValue | undefined];
      if (name.kind !== 'str' && name.kind !== 'tuple') return 'malformed structured dtype field name';
      const count = shapeCount(shape);
      if (count < 0) return 'malformed structured dtype field shape';
      if (sub.kind === 'list') {
        work.push({ list: sub.items, multiplier: multiplier * count });
        continue;
      }
      if (sub.kind !== 'str') return 'malformed structured dtype field type';
      const info = simpleDtype(sub.value);
      if (!info) {
        if (sub.value.includes('O') || sub.value.toLowerCase().includes('object')) {
          objects = true;
          itemsize = -1;
          continue;
        }
        return 'unrecognised dtype descriptor in a structured dtype';
      }
      if (info.objects) objects = true;
      if (itemsize >= 0) itemsize += info.itemsize * count * multiplier;
    }
  }
  return { itemsize: objects ? -1 : itemsize, objects };
}

/** Parse the .npy file starting at `off` of `b`. */
export function readNpy(b: Uint8Array, off = 0, limits: NpyLimits = DEFAULT_NPY_LIMITS): NpyReport {
  if (!hasBytes(b, off, NPY_MAGIC)) return { isNpy: false, anomalies: [] };
  const anomalies: string[] = [];
  const major = b[off + 6];
  const minor = b[off + 7];
  if (major === undefined || minor === undefined) return { isNpy: true, anomalies: ['npy header is truncated'] };
  if (major < 1 || major > 3 || minor !== 0) return { isNpy: true, anomalies: [`unsupported npy format version ${major}.${minor}`] };
  const lenBytes = major === 1 ? 2 : 4;
  const hlen = major === 1 ? u16le(b, off + 8) : u32le(b, off + 8);
  if (hlen < 0) return { isNpy: true, version: major, anomalies: ['npy header is truncated'] };
  if (hlen > limits.maxHeaderBytes) return { isNpy: true, version: major, anomalies: [], limit: 'containers.npyMaxHeaderBytes' };
  const hstart = off + 8 + lenBytes;
  const dataOffset = hstart + hlen;
  if (dataOffset > b.length) return { isNpy: true, version: major, anomalies: ['npy header runs past the end of the data'] };
  const lit = parsePyLiteral(b, hstart, dataOffset, DEFAULT_PY_LITERAL_LIMITS);
  if (typeof lit === 'string') return { isNpy: true, version: major, dataOffset, anomalies: [`npy header is not a valid literal (${lit})`] };
  if (lit.kind !== 'dict') return { isNpy: true, version: major, dataOffset, anomalies: ['npy header is not a dict'] };
  const get = (k: string): PyValue | undefined => lit.entries.find(([key]) => key.kind === 'str' && key.value === k)?.[1];
  const keys = new Set<string>();
  for (const [k] of lit.entries) {
    if (k.kind !== 'str' || !['descr', 'fortran_order', 'shape'].includes(k.value) || keys.has(k.value)) {
      anomalies.push('npy header has unexpected or duplicate keys');
      break;
    }
    keys.add(k.value);
  }
  const descr = get('descr');
  const fortran = get('fortran_order');
  const shape = get('shape');
  if (!descr || !fortran || !shape) anomalies.push('npy header misses descr, fortran_order or shape');
  if (fortran && fortran.kind !== 'bool') anomalies.push('npy fortran_order is not a bool');
  const count = shape && shape.kind === 'tuple' ? shapeCount(shape) : -1;
  if (shape && count < 0) anomalies.push('npy shape is not a tuple of non-negative integers');
  const dt = descr ? describeDtype(descr) : 'missing descr';
  if (typeof dt === 'string') {
    anomalies.push(`npy ${dt}`);
    // Unknown dtype: the payload may still be a pickle; callers treat it as one.
    return { isNpy: true, version: major, dataOffset, hasObjects: true, expectedBytes: -1, anomalies };
  }
  if (dt.objects) return { isNpy: true, version: major, dataOffset, hasObjects: true, expectedBytes: -1, anomalies };
  const expected = count >= 0 ? count * dt.itemsize : -1;
  const actual = b.length - dataOffset;
  if (expected >= 0 && actual !== expected) anomalies.push(`npy data is ${actual} bytes but shape and dtype imply ${expected}`);
  return { isNpy: true, version: major, dataOffset, hasObjects: false, expectedBytes: expected, anomalies };
}
