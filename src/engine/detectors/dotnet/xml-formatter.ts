/**
 * XML formatter payloads (DW-DOTNET-005):
 *  - SoapFormatter: elements/`xsi:type` values in a namespace bound to
 *    `http://schemas.microsoft.com/clr/nsassem/<ns>/<asm>`, `/clr/ns/<ns>` or
 *    `/clr/assem/<asm>`; the CLR type is `<ns>.<local name>`.
 *  - NetDataContractSerializer `z:Type`, DataContractSerializer/XmlSerializer
 *    `type=`/`i:type=` attributes: the attribute value is a type name.
 *  - XmlSerializer `<ExpandedWrapperOf...>` elements.
 * Every extracted name goes through the .NET type judge; ordinary SOAP and
 * XML (no CLR namespaces, no gadget type names) stay clean.
 */
import { ciNeedle, CiScanner, type TextDoc, isSpace, latin1Capped, lowerBytes, startsWithCI } from './bytes.js';
import { DOTNET_RULES } from './rules.js';
import {
  elementStartBefore,
  isNameByte,
  percentDecode,
  readName,
  readQuoted,
  skipSpace,
  xmlnsPrefixBefore,
  xmlNameDecode,
  xmlUnescape,
} from './text-scan.js';
import type { TextFinding } from './text-finding.js';
import { describeGadget, dotnetGadgetType } from './types.js';

const CLR_URI = ciNeedle('schemas.microsoft.com/clr/');
const NSASSEM = lowerBytes('nsassem/');
const NS = lowerBytes('ns/');
const TYPE_ATTR = ciNeedle('type');
const EXPANDED_WRAPPER = ciNeedle('expandedwrapperof');
const HTTP = lowerBytes('http://');
const HTTPS = lowerBytes('https://');

/** Offset of the last `byte` before `pos`, looking back at most `maxBack` bytes; -1 if none. */
export function lastByteWithin(buf: Buffer, byte: number, pos: number, maxBack: number): number {
  const stop = Math.max(0, pos - maxBack);
  for (let p = pos - 1; p >= stop; p--) if (buf[p] === byte) return p;
  return -1;
}

export const XML_MAX_NAMESPACES = 64;
export const XML_MAX_PREFIX_USES = 128;
export const XML_MAX_TYPE_ATTRS = 1024;

function report(out: TextFinding[], seen: Set<string>, offset: number, typeName: string, what: string): void {
  const verdict = dotnetGadgetType(typeName, DOTNET_RULES.xmlFormatter);
  if (!verdict) return;
  const key = `${what}:${verdict.gadget}`;
  if (seen.has(key)) return;
  seen.add(key);
  out.push({ rule: DOTNET_RULES.xmlFormatter, offset, length: 64, message: `${what} instantiates ${describeGadget(verdict)}` });
}

/** End of a URI inside an attribute value: a quote, `&`, backslash, `<`, `>` or whitespace. */
function uriEnd(buf: Buffer, pos: number, end: number): number {
  const limit = Math.min(end, pos + 1024);
  let p = pos;
  while (p < limit) {
    const b = buf[p];
    if (b === 0x22 || b === 0x27 || b === 0x26 || b === 0x5c || b === 0x3c || b === 0x3e || isSpace(b)) break;
    p++;
  }
  return p;
}

/** SoapFormatter: judge the types living in each CLR namespace. */
function scanSoapClr(doc: TextDoc, out: TextFinding[], seen: Set<string>): void {
  const { buf, end } = doc;
  let pos = 0;
  const scanner = new CiScanner(buf, CLR_URI, 0, end);
  for (let n = 0; n < XML_MAX_NAMESPACES; n++) {
    scanner.seek(pos);
    const hit = scanner.next();
    if (hit < 0) return;
    pos = hit + CLR_URI.bytes.length;
    let ns = '';
    if (startsWithCI(buf, pos, NSASSEM)) {
      const segStart = pos + NSASSEM.length;
      const stop = uriEnd(buf, segStart, end);
      const slash = buf.subarray(segStart, stop).indexOf(0x2f);
      ns = latin1Capped(buf, segStart, (slash >= 0 ? segStart + slash : stop) - segStart, 512);
    } else if (startsWithCI(buf, pos, NS)) {
      const segStart = pos + NS.length;
      ns = latin1Capped(buf, segStart, uriEnd(buf, segStart, end) - segStart, 512);
    }
    ns = percentDecode(ns);
    // the URI starts with http:// (or https://): find the attribute that declares it
    let uriStart = hit;
    if (startsWithCI(buf, hit - 7, HTTP)) uriStart = hit - 7;
    else if (startsWithCI(buf, hit - 8, HTTPS)) uriStart = hit - 8;
    const prefix = xmlnsPrefixBefore(buf, uriStart);
    if (prefix === null) continue;
    const qualify = (local: string): string => {
      const name = xmlNameDecode(local);
      return ns ? `${ns}.${name}` : name;
    };
    // the element carrying the declaration (`<a1:Type xmlns:a1="...">` or a default namespace)
    const lt = lastByteWithin(buf, 0x3c, uriStart, 4096);
    if (lt >= 0) {
      const qn = readQNameAt(buf, lt + 1, end);
      if (qn && qn.prefix === prefix) report(out, seen, lt, qualify(qn.local), 'SoapFormatter envelope');
    }
    if (prefix === '') continue;
    scanPrefixUses(buf, 0, end, prefix, (at, local) => report(out, seen, at, qualify(local), 'SoapFormatter envelope'));
  }
}

function readQNameAt(buf: Buffer, pos: number, end: number): { prefix: string; local: string } | null {
  const first = readName(buf, pos, end);
  if (first.length === 0) return null;
  const after = pos + first.length;
  if (buf[after] === 0x3a) {
    const local = readName(buf, after + 1, end);
    return local.length > 0 ? { prefix: first, local } : null;
  }
  return { prefix: '', local: first };
}

/**
 * Every `prefix:Local` use in element names and attribute values (`<p:X`,
 * `&lt;p:X`, `xsi:type="p:X"`, `{x:Type p:X}`); `cb(offset, local)`.
 */
export function scanPrefixUses(
  buf: Buffer,
  from: number,
  end: number,
  prefix: string,
  cb: (offset: number, local: string) => void,
): void {
  const needle = Buffer.from(`${prefix}:`, 'latin1');
  let pos = from;
  for (let n = 0; n < XML_MAX_PREFIX_USES; n++) {
    const hit = buf.indexOf(needle, pos);
    if (hit < 0 || hit >= end) return;
    pos = hit + needle.length;
    if (hit > 0 && isNameByte(buf[hit - 1], true)) continue; // part of a longer name (`xmlns:p`, `ap:`)
    const local = readName(buf, pos, end);
    if (local.length === 0) continue;
    cb(hit, local);
  }
}

/** `type=` / `z:Type=` / `i:type=` attributes whose value is a gadget type. */
function scanTypeAttributes(doc: TextDoc, out: TextFinding[], seen: Set<string>): void {
  const { buf, end } = doc;
  let pos = 0;
  const scanner = new CiScanner(buf, TYPE_ATTR, 0, end);
  for (let n = 0; n < XML_MAX_TYPE_ATTRS; n++) {
    scanner.seek(pos);
    const hit = scanner.next();
    if (hit < 0) return;
    pos = hit + TYPE_ATTR.bytes.length;
    const before = buf[hit - 1];
    if (!(before === 0x3a || isSpace(before))) continue; // attribute name boundary
    let p = skipSpace(buf, pos, end);
    if (buf[p] !== 0x3d) continue;
    p = skipSpace(buf, p + 1, end);
    const v = readQuoted(buf, p, end, false);
    if (!v) continue;
    const value = xmlUnescape(buf.toString('utf8', v.start, v.stop));
    report(out, seen, hit, value, 'XML type attribute (NetDataContractSerializer/XmlSerializer)');
    pos = Math.max(pos, v.next);
  }
}

/** XmlSerializer `<ExpandedWrapperOfXamlReaderObjectDataProvider>`-style elements. */
function scanExpandedWrapper(doc: TextDoc, out: TextFinding[], seen: Set<string>): void {
  const { buf, end } = doc;
  let pos = 0;
  const scanner = new CiScanner(buf, EXPANDED_WRAPPER, 0, end);
  for (let n = 0; n < XML_MAX_NAMESPACES; n++) {
    scanner.seek(pos);
    const hit = scanner.next();
    if (hit < 0) return;
    pos = hit + EXPANDED_WRAPPER.bytes.length;
    if (elementStartBefore(buf, hit) < 0) continue;
    if (seen.has('expandedwrapper-element')) return;
    seen.add('expandedwrapper-element');
    out.push({
      rule: DOTNET_RULES.xmlFormatter,
      offset: hit,
      length: 64,
      message: 'XmlSerializer ExpandedWrapper element (System.Data.Services.Internal.ExpandedWrapper gadget)',
    });
    return;
  }
}

/** All XML-formatter scans over the layer. */
export function scanXmlFormatters(doc: TextDoc, out: TextFinding[]): void {
  const seen = new Set<string>();
  scanSoapClr(doc, out, seen);
  scanTypeAttributes(doc, out, seen);
  scanExpandedWrapper(doc, out, seen);
}
