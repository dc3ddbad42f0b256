// Builds a large benign model pickle the way `pickle.dumps(OrderedDict of
// numpy arrays, protocol=4)` lays it out: collections.OrderedDict,
// numpy.core.multiarray._reconstruct, numpy.ndarray and numpy.dtype globals
// (memoized and fetched back with BINGET), float32 weights in BINBYTES.
import { sfc32 } from './prng.mjs';

const op = {
  PROTO: 0x80, STACK_GLOBAL: 0x93, MEMOIZE: 0x94, SHORT_BINUNICODE: 0x8c, BINUNICODE: 0x58,
  EMPTY_TUPLE: 0x29, REDUCE: 0x52, MARK: 0x28, SETITEMS: 0x75, STOP: 0x2e, BININT1: 0x4b, BININT2: 0x4d,
  BININT: 0x4a, TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87, TUPLE: 0x74, SHORT_BINBYTES: 0x43, BINBYTES: 0x42,
  NEWFALSE: 0x89, NEWTRUE: 0x88, NONE: 0x4e, BUILD: 0x62, BINGET: 0x68, LONG_BINGET: 0x6a,
};

class Writer {
  constructor() { this.parts = []; this.memo = 0; this.size = 0; }
  bytes(b) { this.parts.push(b); this.size += b.length; }
  u8(...xs) { this.bytes(Buffer.from(xs)); }
  str(s) {
    const b = Buffer.from(s, 'utf8');
    if (b.length < 256) this.u8(op.SHORT_BINUNICODE, b.length);
    else { const h = Buffer.alloc(5); h[0] = op.BINUNICODE; h.writeUInt32LE(b.length, 1); this.bytes(h); }
    this.bytes(b);
  }
  memoize() { this.u8(op.MEMOIZE); return this.memo++; }
  get(i) {
    if (i < 256) this.u8(op.BINGET, i);
    else { const h = Buffer.alloc(5); h[0] = op.LONG_BINGET; h.writeUInt32LE(i, 1); this.bytes(h); }
  }
  int(n) {
    if (n >= 0 && n < 256) this.u8(op.BININT1, n);
    else if (n >= 0 && n < 65536) { this.u8(op.BININT2, n & 0xff, n >> 8); }
    else { const h = Buffer.alloc(5); h[0] = op.BININT; h.writeInt32LE(n, 1); this.bytes(h); }
  }
  binbytes(b) {
    if (b.length < 256) this.u8(op.SHORT_BINBYTES, b.length);
    else { const h = Buffer.alloc(5); h[0] = op.BINBYTES; h.writeUInt32LE(b.length, 1); this.bytes(h); }
    this.bytes(b);
  }
  global(mod, name, cache) {
    const key = `${mod}:${name}`;
    if (cache.has(key)) return this.get(cache.get(key));
    this.str(mod); this.memoize(); this.str(name); this.memoize();
    this.u8(op.STACK_GLOBAL);
    cache.set(key, this.memoize());
  }
}

/** Float32 weights that look like a trained layer (small values around zero). */
function weights(count, seed) {
  const next = sfc32(seed);
  const f = new Float32Array(count);
  for (let i = 0; i < count; i++) f[i] = ((next() / 0x100000000) - 0.5) * 0.2 * ((next() & 7) + 1) / 8;
  return Buffer.from(f.buffer);
}

/** A protocol-4 pickle of an OrderedDict of float32 arrays, about `size` bytes. */
export function modelPickle(size, { seed = 21, tensorBytes = 256 * 1024 } = {}) {
  const w = new Writer();
  const g = new Map();
  w.u8(op.PROTO, 4);
  w.global('collections', 'OrderedDict', g);
  w.u8(op.EMPTY_TUPLE, op.REDUCE); w.memoize();
  w.u8(op.MARK);
  let layer = 0;
  while (w.size < size - tensorBytes / 2) {
    const kind = layer % 2 === 0 ? 'weight' : 'bias';
    const n = kind === 'weight' ? tensorBytes / 4 : 256;
    w.str(`encoder.layers.${layer >> 1}.${kind}`); w.memoize();
    // _reconstruct(ndarray, (0,), b'b')
    w.global('numpy.core.multiarray', '_reconstruct', g);
    w.global('numpy', 'ndarray', g);
    w.int(0); w.u8(op.TUPLE1); w.memoize();
    w.binbytes(Buffer.from('b')); w.memoize();
    w.u8(op.TUPLE3); w.memoize(); w.u8(op.REDUCE); w.memoize();
    // state: (1, shape, dtype('f4'), False, raw bytes)
    w.u8(op.MARK); w.int(1);
    if (kind === 'weight') { w.int(n / 256); w.int(256); w.u8(op.TUPLE2); } else { w.int(n); w.u8(op.TUPLE1); }
    w.memoize();
    w.global('numpy', 'dtype', g);
    w.str('f4'); w.memoize(); w.u8(op.NEWFALSE, op.NEWTRUE, op.TUPLE3); w.memoize(); w.u8(op.REDUCE); w.memoize();
    w.u8(op.MARK); w.int(3); w.str('<'); w.memoize(); w.u8(op.NONE, op.NONE, op.NONE); w.int(-1); w.int(-1); w.int(0);
    w.u8(op.TUPLE); w.memoize(); w.u8(op.BUILD);
    w.u8(op.NEWFALSE);
    w.binbytes(weights(n, seed * 7919 + layer)); w.memoize();
    w.u8(op.TUPLE); w.memoize(); w.u8(op.BUILD);
    layer++;
  }
  w.u8(op.SETITEMS, op.STOP);
  return Buffer.concat(w.parts);
}
