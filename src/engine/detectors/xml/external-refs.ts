/**
 * DW-XML-005 checks that need no DTD: XInclude (`include` element in the
 * http://www.w3.org/2001/XInclude namespace), XSD `include` / `import` /
 * `redefine` / `override` elements with an unprefixed `schemaLocation`
 * attribute (an `xsi:schemaLocation` hint on an ordinary document is not
 * one), and XSLT stylesheets that pull in other stylesheets, read other
 * documents (`document('...')`, `unparsed-text('...')`) or declare
 * extension-function namespaces. One `ExternalRefScanner` per layer: element
 * prefixes are collected once per local name and backward tag searches never
 * re-read bytes, so any number of hits costs linear time.
 */
import { EQUALS, GT, LT, NAME_CHAR, XML_SPACE, asBuffer, isQuote, latin1, matchCI, nameEnd } from './bytes.js';

export interface ExternalRef {
  readonly offset: number;
  readonly length: number;
  readonly message: string;
}

const XINCLUDE_NS = ['HTTP://WWW.W3.ORG/2001/XINCLUDE', 'HTTP://WWW.W3.ORG/2003/XINCLUDE'];
const XSLT_NS = 'HTTP://WWW.W3.ORG/1999/XSL/TRANSFORM';
const NS_BASE_LENGTH = 'http://www.w3.org/2001/'.length;
const SCHEMA_ELEMENTS = new Set(['include', 'import', 'redefine', 'override']);
/** Namespace URIs / markers that give an XSLT stylesheet access to Java/.NET code. */
const XSLT_EXTENSIONS = [
  'xml.apache.org/xalan/java',
  'xml.apache.org/xslt/java',
  'xalan://',
  'saxon.sf.net/java-type',
  'msxsl:script',
  '"java:',
  "'java:",
].map((s) => Buffer.from(s, 'latin1'));

/** XSLT functions that read other documents. */
const LOADER_CALLS = ['document(', 'unparsed-text(', 'unparsed-text-lines('].map((s) => Buffer.from(s, 'latin1'));
const MAX_LOADER_CALLS = 64;

const MAX_PREFIX = 64;
/** Distinct element prefixes remembered per local name; beyond this every prefix counts as present. */
const MAX_PREFIXES = 64;

interface ElementIndex {
  /** prefix ('' for none) -> offset of the first `<prefix:local` element */
  readonly first: Map<string, number>;
  overflow: number;
}

export class ExternalRefScanner {
  private readonly buf: Buffer;
  private readonly elements = new Map<string, ElementIndex>();
  private extension: ExternalRef | null | undefined;
  private loader: ExternalRef | null | undefined;
  private prevSchemaHit = -1;
  /** Result of the previous backward tag search: offset of `<`, -2 for a `>` first, -1 for nothing. */
  private prevSchemaTag = -1;

  constructor(
    private readonly b: Uint8Array,
    private readonly lookback: number,
  ) {
    this.buf = asBuffer(b);
  }

  /** Hit on 'XInclude': the XInclude namespace bound by xmlns, and an include element in it. */
  xinclude(hit: number): ExternalRef | null {
    const uriStart = hit - NS_BASE_LENGTH;
    if (uriStart < 1 || !XINCLUDE_NS.some((ns) => matchCI(this.b, uriStart, ns))) return null;
    const prefix = this.boundPrefix(uriStart, hit + 'XInclude'.length);
    if (prefix === null) return null;
    const at = this.element('include', prefix);
    if (at < 0) return null;
    return { offset: at, length: 64, message: 'XInclude include element makes the parser fetch another resource' };
  }

  /** Hit on 'schemaLocation': an unprefixed attribute of an XSD include/import/redefine/override element. */
  schemaLocation(hit: number): ExternalRef | null {
    const b = this.b;
    const lt = this.tagStart(hit);
    if (hit === 0 || XML_SPACE[b[hit - 1]!] !== 1) return null; // xsi:schemaLocation, noNamespaceSchemaLocation ...
    let p = hit + 'schemaLocation'.length;
    while (p < b.length && XML_SPACE[b[p]!] === 1) p++;
    if (b[p] !== EQUALS || lt < 0) return null;
    const qname = latin1(b, lt + 1, nameEnd(b, lt + 1, b.length), 128);
    const local = qname.slice(qname.lastIndexOf(':') + 1);
    if (!SCHEMA_ELEMENTS.has(local)) return null;
    return { offset: lt, length: hit + 14 - lt, message: `XML Schema ${local} with schemaLocation makes the parser fetch a schema` };
  }

  /** Hit on 'XSL/Transform': a stylesheet that includes/imports others or declares extension functions. */
  xslt(hit: number): ExternalRef | null {
    const uriStart = hit - NS_BASE_LENGTH;
    if (uriStart < 1 || !matchCI(this.b, uriStart, XSLT_NS)) return null;
    const prefix = this.boundPrefix(uriStart, hit + 'XSL/Transform'.length);
    if (prefix === null) return null;
    for (const local of ['include', 'import']) {
      const at = this.element(local, prefix);
      if (at >= 0) return { offset: at, length: 64, message: `XSLT ${local} makes the processor fetch another stylesheet` };
    }
    if (this.loader === undefined) this.loader = this.findLoaderCall();
    if (this.loader) return this.loader;
    if (this.extension === undefined) {
      this.extension = null;
      for (const marker of XSLT_EXTENSIONS) {
        const at = this.buf.indexOf(marker);
        if (at >= 0) {
          this.extension = { offset: at, length: marker.length, message: 'XSLT stylesheet declares extension functions (code execution)' };
          break;
        }
      }
    }
    return this.extension;
  }

  /**
   * `document('...')` / `unparsed-text('...')` with a non-empty literal
   * argument (`document('')`, the stylesheet itself, is ordinary).
   */
  private findLoaderCall(): ExternalRef | null {
    const b = this.b;
    for (const fn of LOADER_CALLS) {
      let at = this.buf.indexOf(fn);
      for (let k = 0; at >= 0 && k < MAX_LOADER_CALLS; k++) {
        let p = at + fn.length;
        while (p < b.length && XML_SPACE[b[p]!] === 1) p++;
        const q = b[p];
        // Inside an attribute the literal uses the other quote, or an entity (&apos; / &quot;).
        if (isQuote(q) && b[p + 1] !== q) {
          return { offset: at, length: 48, message: 'XSLT document()/unparsed-text() loads an external resource' };
        }
        if (q === 0x26 && (matchCI(b, p, '&APOS;') || matchCI(b, p, '&QUOT;')) && b[p + 6] !== 0x26) {
          return { offset: at, length: 48, message: 'XSLT document()/unparsed-text() loads an external resource' };
        }
        at = this.buf.indexOf(fn, at + fn.length);
      }
    }
    return null;
  }

  /**
   * The prefix bound by the `xmlns[:p]="URI"` attribute whose value spans
   * [uriStart, uriEnd); '' for a default namespace, null when the URI is not
   * the value of an xmlns attribute.
   */
  private boundPrefix(uriStart: number, uriEnd: number): string | null {
    const b = this.b;
    const q = b[uriStart - 1];
    if (!isQuote(q) || b[uriEnd] !== q) return null;
    let p = uriStart - 2;
    while (p >= 0 && XML_SPACE[b[p]!] === 1) p--;
    if (b[p] !== EQUALS) return null;
    p--;
    while (p >= 0 && XML_SPACE[b[p]!] === 1) p--;
    const nameLast = p;
    for (let k = 0; p >= 0 && NAME_CHAR[b[p]!] === 1 && k < MAX_PREFIX + 6; k++) p--;
    const name = latin1(b, p + 1, nameLast + 1, MAX_PREFIX + 6);
    if (name === 'xmlns') return '';
    if (name.startsWith('xmlns:') && name.length > 6) return name.slice(6);
    return null;
  }

  /** Offset of the first `<prefix:local` (or `<local` for '') element, -1 when there is none. */
  private element(local: string, prefix: string): number {
    let idx = this.elements.get(local);
    if (!idx) {
      idx = this.indexElements(local);
      this.elements.set(local, idx);
    }
    const at = idx.first.get(prefix);
    if (at !== undefined) return at;
    return idx.overflow;
  }

  /** One pass over the layer collecting the prefixes of every `<[prefix:]local` element. */
  private indexElements(local: string): ElementIndex {
    const b = this.b;
    const idx: ElementIndex = { first: new Map(), overflow: -1 };
    const needle = Buffer.from(local, 'latin1');
    for (let at = this.buf.indexOf(needle); at >= 0; at = this.buf.indexOf(needle, at + needle.length)) {
      const after = b[at + needle.length];
      if (after !== undefined && XML_SPACE[after] !== 1 && after !== 0x2f && after !== GT) continue;
      let prefix: string;
      let lt: number;
      if (b[at - 1] === LT) {
        prefix = '';
        lt = at - 1;
      } else if (b[at - 1] === 0x3a) {
        let p = at - 2;
        for (let k = 0; p >= 0 && NAME_CHAR[b[p]!] === 1 && b[p] !== 0x3a && k < MAX_PREFIX; k++) p--;
        if (p < 0 || b[p] !== LT || p === at - 2) continue;
        prefix = latin1(b, p + 1, at - 1, MAX_PREFIX);
        lt = p;
      } else {
        continue;
      }
      if (idx.first.has(prefix)) continue;
      if (idx.first.size >= MAX_PREFIXES) {
        if (idx.overflow < 0) idx.overflow = lt;
        continue;
      }
      idx.first.set(prefix, lt);
    }
    return idx;
  }

  /**
   * Offset of the `<` opening the tag that contains `hit`, or -1. Searches
   * backwards at most `lookback` bytes and never below the previous hit (whose
   * answer is reused), so repeated hits cost linear time.
   */
  private tagStart(hit: number): number {
    const b = this.b;
    const floor = Math.max(0, hit - this.lookback);
    let result = -1;
    let k = hit - 1;
    const stop = Math.max(floor, this.prevSchemaHit);
    for (; k >= stop; k--) {
      const c = b[k]!;
      if (c === LT) {
        result = k;
        break;
      }
      if (c === GT) {
        result = -2;
        break;
      }
    }
    if (k < stop && this.prevSchemaHit >= floor) {
      // Reached the previous hit: the answer is the one found from there (if still within the window).
      result = this.prevSchemaTag >= floor || this.prevSchemaTag === -2 ? this.prevSchemaTag : -1;
    }
    this.prevSchemaHit = hit;
    this.prevSchemaTag = result;
    return result >= 0 ? result : -1;
  }
}
