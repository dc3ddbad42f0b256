/**
 * Java gadgets written as text, found without a binary stream:
 *  - XMLDecoder documents (`<java class="java.beans.XMLDecoder">`, `<object
 *    class="java.lang.ProcessBuilder">`, `<void method="start"/>`),
 *  - XStream graphs (elements or class attributes naming gadget classes,
 *    `<dynamic-proxy>` with java.beans.EventHandler, `<sorted-set>` ...),
 *  - Spring4Shell-style class-loader property paths (`class.module.classLoader`),
 *  - expression-language calls on Runtime/ProcessBuilder (`T(java.lang.Runtime)`),
 *  - Log4Shell `${jndi:...}` lookups.
 *
 * Class names in XML may hide behind character references (`java&#x2E;lang`):
 * the engine decodes those into a nested text layer, so this code only sees
 * plain text. Snake-YAML tags are the YAML detector's; it calls javaGadgetClass.
 */
import { isJavaClassName, javaGadgetClass } from './classes.js';
import { log4jJndiAt } from './log4j.js';
import { escapeForMessage } from './message.js';
import { readStartTag, tagStartBefore, textAfter, type XmlStartTag } from './xml-tags.js';

export interface JavaTextFinding {
  readonly rule: string;
  readonly offset: number;
  readonly length: number;
  readonly message: string;
  readonly severity: 'critical' | 'high';
}

/** XMLDecoder element names (java.beans.XMLDecoder grammar). */
const XMLDECODER_ELEMENTS = new Set(['object', 'void', 'new', 'class', 'method', 'property', 'array', 'field', 'static', 'var']);
const WANTED_ATTRS = new Set(['class', 'method', 'resolves-to', 'defined-in', 'property', 'field']);
/** XMLDecoder `method=` values that reach code execution or lookups on any object. */
const DANGEROUS_METHODS = new Set(['exec', 'start', 'invoke', 'newInstance', 'forName', 'loadClass', 'getRuntime', 'lookup', 'eval', 'defineClass', 'getMethod', 'getConstructor']);
const MAX_FINDINGS = 16;
const EL_CLASSES = ['java.lang.Runtime', 'java.lang.ProcessBuilder', 'javax.script.ScriptEngineManager', 'java.lang.ClassLoader', 'javax.naming.InitialContext'];

/**
 * Scan one text layer at the offsets its triggers matched. `exhausted` is
 * polled between tags so a huge markup layer respects the request budget.
 */
export function scanJavaText(bytes: Uint8Array, markers: JavaTextMarkers, exhausted: () => boolean = () => false): JavaTextFinding[] {
  const out: JavaTextFinding[] = [];
  if (markers.xmlTags.length > 0 || markers.xmlAttrs.length > 0) scanXml(bytes, markers, out, exhausted);
  for (const at of markers.classLoader) {
    if (out.length >= MAX_FINDINGS) break;
    const f = classLoaderPath(bytes, at);
    if (f !== null) out.push(f);
  }
  for (const at of markers.elClass) {
    if (out.length >= MAX_FINDINGS) break;
    const f = elInvocation(bytes, at);
    if (f !== null) out.push(f);
  }
  for (let i = 0; i < markers.dollarBrace.length && out.length < MAX_FINDINGS; i++) {
    if ((i & 1023) === 1023 && exhausted()) break;
    const at = markers.dollarBrace[i] as number;
    const hit = log4jJndiAt(bytes, at);
    if (hit !== null) {
      out.push({ rule: 'DW-JAVA-015', offset: at, length: 32, severity: 'critical', message: `Log4j JNDI lookup${hit.scheme.length > 0 ? ` (${hit.scheme}:)` : ''} in a \${...} expression` });
    }
  }
  return out;
}

export interface JavaTextMarkers {
  /** Offsets of `<` of tags a trigger named (`<java`, `<object`, `<com.` ...). */
  readonly xmlTags: readonly number[];
  /** Offsets of attribute triggers (`class=` ...) inside tags. */
  readonly xmlAttrs: readonly number[];
  /** Offsets of `classLoader` (any case). */
  readonly classLoader: readonly number[];
  /** Offsets of an EL-relevant class name (java.lang.Runtime ...). */
  readonly elClass: readonly number[];
  /** Offsets of `${`. */
  readonly dollarBrace: readonly number[];
}

// ------------------------------------------------------------ XMLDecoder/XStream

function scanXml(bytes: Uint8Array, markers: JavaTextMarkers, out: JavaTextFinding[], exhausted: () => boolean): void {
  let decoderRoot = -1;
  let decoderFirst = -1;
  let decoderReported = false;
  let dynamicProxy = false;
  const reported = new Set<string>();
  const starts: number[] = [...markers.xmlTags];
  for (const a of markers.xmlAttrs) {
    // Most class= attributes are CSS classes: only a dotted value can name a Java class.
    if (!dottedValueAt(bytes, a)) continue;
    const lt = tagStartBefore(bytes, a, 4096);
    if (lt >= 0) starts.push(lt);
  }
  starts.sort((a, b) => a - b);
  let last = -1;
  for (let i = 0; i < starts.length; i++) {
    const lt = starts[i] as number;
    if (lt === last) continue;
    last = lt;
    if ((i & 1023) === 1023 && exhausted()) break;
    const tag = readStartTag(bytes, lt, WANTED_ATTRS);
    if (tag !== null && !onTag(tag)) break;
  }
  if (decoderRoot >= 0 && decoderFirst >= 0 && !decoderReported && out.length < MAX_FINDINGS) {
    out.push({ rule: 'DW-JAVA-011', offset: decoderRoot, length: 32, severity: 'high', message: 'java.beans.XMLDecoder document (instantiates classes and calls methods)' });
  }

  function onTag(tag: XmlStartTag): boolean {
    const name = tag.name;
    if (name === 'java') {
      const cls = tag.attrs.get('class');
      if (decoderRoot < 0 && (cls === undefined || cls === 'java.beans.XMLDecoder')) decoderRoot = tag.offset;
      return true;
    }
    if (name === 'dynamic-proxy') dynamicProxy = true;
    const isDecoderElement = XMLDECODER_ELEMENTS.has(name);
    if (isDecoderElement && decoderRoot >= 0 && decoderFirst < 0 && (tag.attrs.has('class') || tag.attrs.has('method'))) decoderFirst = tag.offset;

    // Class named by the element (XStream) or by an attribute / <class> text (both).
    const candidates: string[] = [];
    const cls = tag.attrs.get('class');
    if (cls !== undefined) candidates.push(cls);
    const rt = tag.attrs.get('resolves-to');
    if (rt !== undefined) candidates.push(rt);
    if (name === 'class') candidates.push(textAfter(bytes, tag.contentStart, 512));
    if (name.includes('.')) candidates.push(unescapeXStream(name));
    for (const c of candidates) {
      if (!isJavaClassName(c)) continue;
      const v = javaGadgetClass(c);
      if (v === null || reported.has(v.name)) continue;
      reported.add(v.name);
      const xmlDecoder = isDecoderElement && name !== 'array';
      out.push({
        rule: xmlDecoder ? 'DW-JAVA-010' : 'DW-JAVA-012',
        offset: tag.offset,
        length: Math.min(64, tag.contentStart - tag.offset),
        severity: 'critical',
        message: xmlDecoder
          ? `XMLDecoder <${name}> instantiates ${escapeForMessage(v.name, 120)} (${v.reason})`
          : `XStream ${dynamicProxy ? 'dynamic-proxy ' : ''}element names ${escapeForMessage(v.name, 120)} (${v.reason})`,
      });
      if (out.length >= MAX_FINDINGS) return false;
    }
    const method = tag.attrs.get('method');
    if (decoderRoot >= 0 && !decoderReported && method !== undefined && DANGEROUS_METHODS.has(method)) {
      decoderReported = true;
      out.push({
        rule: 'DW-JAVA-011',
        offset: decoderRoot,
        length: 32,
        severity: 'high',
        message: `java.beans.XMLDecoder document calls ${escapeForMessage(method, 40)}()`,
      });
    }
    return out.length < MAX_FINDINGS;
  }
}

/**
 * `at` is the offset of `class=` or `resolves-to=`: true when the value (after an
 * optional `\` and quote) has a dot before it ends, within 256 bytes.
 */
function dottedValueAt(bytes: Uint8Array, at: number): boolean {
  let p = at;
  while (p < bytes.length && bytes[p] !== 0x3d && p - at < 16) p++;
  p++;
  while (p < bytes.length && (bytes[p] === 0x20 || bytes[p] === 0x5c || bytes[p] === 0x22 || bytes[p] === 0x27)) p++;
  const end = Math.min(bytes.length, p + 256);
  for (; p < end; p++) {
    const c = bytes[p] as number;
    if (c === 0x2e) return true;
    if (c === 0x22 || c === 0x27 || c === 0x20 || c === 0x3e || c === 0x3c || c === 0x5c || c === 0x0a) return false;
  }
  return false;
}

/** XStream writes `$` as `_-` and `_` as `__` in element names. */
function unescapeXStream(name: string): string {
  if (!name.includes('_')) return name;
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i] as string;
    if (c === '_' && name[i + 1] === '-') {
      out += '$';
      i++;
    } else if (c === '_' && name[i + 1] === '_') {
      out += '_';
      i++;
    } else out += c;
  }
  return out;
}

// ------------------------------------------------------------------ Spring4Shell

/** `at` is the offset of `classLoader` (any case). */
function classLoaderPath(bytes: Uint8Array, at: number): JavaTextFinding | null {
  // After: a deeper property (`.resources`, `[`, `.URLs`), else it is prose.
  let q = at + 11;
  while (q < bytes.length && isPathSep(bytes[q] as number) && bytes[q] !== 0x2e && bytes[q] !== 0x5b) q++;
  const next = bytes[q];
  if (next !== 0x2e && next !== 0x5b) return null;
  // Before: the tokens `class` or `class` `module`, separated by `.`, `[`, `]`, quotes.
  let p = at - 1;
  const tokens: string[] = [];
  for (let t = 0; t < 2 && p >= 0 && at - p < 64; t++) {
    let seps = 0;
    while (p >= 0 && isPathSep(bytes[p] as number) && seps < 4) {
      p--;
      seps++;
    }
    if (seps === 0) break;
    const e = p + 1;
    while (p >= 0 && isIdent(bytes[p] as number) && e - p <= 16) p--;
    if (p + 1 === e) break;
    tokens.push(Buffer.from(bytes.buffer, bytes.byteOffset + p + 1, e - p - 1).toString('latin1').toLowerCase());
    if (tokens[tokens.length - 1] === 'class') break;
  }
  const ok = (tokens[0] === 'class') || (tokens[0] === 'module' && tokens[1] === 'class');
  if (!ok) return null;
  const start = p + 1;
  return {
    rule: 'DW-JAVA-013',
    offset: start,
    length: Math.min(64, at + 11 - start),
    severity: 'critical',
    message: tokens[0] === 'module' ? 'class.module.classLoader property path (Spring4Shell, CVE-2022-22965)' : 'class.classLoader property path (class-loader manipulation)',
  };
}

function isPathSep(c: number): boolean {
  return c === 0x2e || c === 0x5b || c === 0x5d || c === 0x22 || c === 0x27 || c === 0x20;
}

function isIdent(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x24;
}

// ------------------------------------------------------------- EL invocations

/** `at` is the offset of a class name from EL_CLASSES (any case: verify exact). */
function elInvocation(bytes: Uint8Array, at: number): JavaTextFinding | null {
  let cls: string | null = null;
  for (const c of EL_CLASSES) {
    if (matchAt(bytes, at, c)) {
      cls = c;
      break;
    }
  }
  if (cls === null) return null;
  const after = at + cls.length;
  if (after < bytes.length && isIdent(bytes[after] as number)) return null; // java.lang.RuntimeException
  let b = at - 1;
  while (b >= 0 && isSpaceByte(bytes[b] as number) && at - b < 16) b--;
  let a = after;
  while (a < bytes.length && isSpaceByte(bytes[a] as number) && a - after < 16) a++;
  const prev = bytes[b];
  const next = bytes[a];
  let how: string | null = null;
  if (prev === 0x28 && next === 0x29 && typeOperatorBefore(bytes, b)) how = 'SpEL type reference T(...)';
  else if (prev === 0x40 && next === 0x40) how = 'OGNL static reference @...@';
  else if (next === 0x28 && b >= 2 && matchAt(bytes, b - 2, 'new') && !isIdent(bytes[b - 3] ?? 0x20)) how = 'constructor call new ...(';
  else if (next === 0x2e && matchAt(bytes, a, '.getRuntime().exec(')) how = 'getRuntime().exec() call';
  if (how === null) return null;
  return {
    rule: 'DW-JAVA-014',
    offset: Math.max(0, b - 2),
    length: Math.min(64, a - b + 4),
    severity: 'critical',
    message: `expression calls ${cls} (${how})`,
  };
}

/** True when the `(` at `paren` follows a SpEL `T` operator (`T(`, `T (`). */
function typeOperatorBefore(bytes: Uint8Array, paren: number): boolean {
  let i = paren - 1;
  while (i >= 0 && isSpaceByte(bytes[i] as number) && paren - i < 8) i--;
  const t = bytes[i];
  return (t === 0x54 || t === 0x74) && !isIdent(bytes[i - 1] ?? 0x20);
}

function matchAt(bytes: Uint8Array, at: number, s: string): boolean {
  if (at < 0 || at + s.length > bytes.length) return false;
  for (let i = 0; i < s.length; i++) if (bytes[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

function isSpaceByte(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
