/**
 * `%TAG` directives and document boundaries of a YAML stream. A directive
 * maps a handle (`!`, `!!`, `!name!`) to a prefix for the next document
 * only; `---` starts that document and `...` ends it. The table for a tag is
 * the defaults, overridden by the directives of its document. Directives
 * still pending (no `---` yet, which real parsers reject) are applied too,
 * so that a malformed stream cannot hide a mapping (fail closed).
 */
import { isHandleByte, uriEnd, text } from './uri.js';

export const YAML_DEFAULT_HANDLES: ReadonlyMap<string, string> = new Map([
  ['!', '!'],
  ['!!', 'tag:yaml.org,2002:'],
]);

/** Directives and markers read at most per layer. */
export const MAX_DIRECTIVE_EVENTS = 10_000;

type Event =
  | { readonly offset: number; readonly kind: 'tag'; readonly handle: string; readonly prefix: string }
  | { readonly offset: number; readonly kind: 'start' | 'end' };

function lineStart(b: Uint8Array, p: number): boolean {
  return p === 0 || b[p - 1] === 0x0a || b[p - 1] === 0x0d || (p === 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf);
}

function blankOrEnd(b: Uint8Array, p: number): boolean {
  const c = b[p];
  return c === undefined || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function skipSpaces(b: Uint8Array, p: number): number {
  let q = p;
  while (q < b.length && (b[q] === 0x20 || b[q] === 0x09)) q++;
  return q;
}

/** Parses `%TAG <handle> <prefix>` at `p`. */
function readDirective(b: Uint8Array, p: number): Event | undefined {
  let q = skipSpaces(b, p + 4);
  if (q === p + 4 || b[q] !== 0x21) return undefined;
  const hs = q;
  q++;
  while (q < b.length && isHandleByte(b[q] ?? 0)) q++;
  if (b[q] === 0x21) q++;
  else if (q !== hs + 1) return undefined;
  const handle = text(b, hs, q);
  const ps = skipSpaces(b, q);
  if (ps === q) return undefined;
  const pe = uriEnd(b, ps);
  if (pe === ps) return undefined;
  return { offset: p, kind: 'tag', handle, prefix: text(b, ps, pe) };
}

function collect(b: Uint8Array, needle: Buffer, out: Event[], make: (p: number) => Event | undefined): void {
  const hay = Buffer.from(b.buffer, b.byteOffset, b.length);
  for (let p = hay.indexOf(needle); p >= 0 && out.length < MAX_DIRECTIVE_EVENTS; p = hay.indexOf(needle, p + 1)) {
    if (!lineStart(b, p)) continue;
    const e = make(p);
    if (e !== undefined) out.push(e);
  }
}

/** Directive state of one layer; answers handle tables for tag offsets in increasing order. */
export class DirectiveTable {
  private readonly events: Event[] = [];
  private cursor = 0;
  private active = new Map(YAML_DEFAULT_HANDLES);
  private pending: Map<string, string> = new Map();

  constructor(b: Uint8Array) {
    collect(b, Buffer.from('%TAG'), this.events, (p) => readDirective(b, p));
    collect(b, Buffer.from('---'), this.events, (p) => (blankOrEnd(b, p + 3) ? { offset: p, kind: 'start' } : undefined));
    collect(b, Buffer.from('...'), this.events, (p) => (blankOrEnd(b, p + 3) ? { offset: p, kind: 'end' } : undefined));
    this.events.sort((x, y) => x.offset - y.offset);
  }

  /** True when the layer declares any `%TAG` directive. */
  get hasDirectives(): boolean {
    return this.events.some((e) => e.kind === 'tag');
  }

  /** Handle table in force at `offset`; offsets must not decrease between calls. */
  at(offset: number): ReadonlyMap<string, string> {
    while (this.cursor < this.events.length) {
      const e = this.events[this.cursor];
      if (e === undefined || e.offset > offset) break;
      this.cursor++;
      if (e.kind === 'tag') {
        this.pending.set(e.handle, e.prefix);
      } else if (e.kind === 'start') {
        this.active = new Map([...YAML_DEFAULT_HANDLES, ...this.pending]);
        this.pending = new Map();
      } else {
        this.active = new Map(YAML_DEFAULT_HANDLES);
        this.pending = new Map();
      }
    }
    return this.pending.size === 0 ? this.active : new Map([...this.active, ...this.pending]);
  }
}
