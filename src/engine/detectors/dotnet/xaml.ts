/**
 * XAML payloads (DW-DOTNET-006), also when entity-escaped inside another
 * document (SoapFormatter, XmlSerializer, NRBF strings):
 *  - an `ObjectDataProvider` element that names a `MethodName` (other than
 *    the benign `Enum.GetValues/GetNames` idiom);
 *  - a `clr-namespace:` mapping whose prefix is used for a gadget type
 *    (`{x:Type Diag:Process}`, `<sd:ProcessStartInfo>`);
 *  - a `ResourceDictionary` whose `Source` is a remote URL / UNC path.
 */
import { ciNeedle, CiScanner, findCI, type TextDoc, isSpace, latin1Capped, lowerBytes, startsWithCI } from './bytes.js';
import { DOTNET_RULES } from './rules.js';
import { elementStartBefore, isNameByte, readQuoted, skipSpace, xmlnsPrefixBefore, xmlUnescape } from './text-scan.js';
import type { TextFinding } from './text-finding.js';
import { describeGadget, dotnetGadgetType } from './types.js';
import { scanPrefixUses } from './xml-formatter.js';

const ODP = ciNeedle('objectdataprovider');
const METHOD_NAME = ciNeedle('methodname');
const CLR_NAMESPACE = ciNeedle('clr-namespace:');
const RESOURCE_DICTIONARY = ciNeedle('resourcedictionary');
const SOURCE = ciNeedle('source');
const GT_ENTITY = lowerBytes('&gt;');
const GT_ENTITY_CI = ciNeedle('&gt;');

export const XAML_MAX_ELEMENTS = 64;
/** How far after `<ObjectDataProvider` a `MethodName` is looked for. */
export const XAML_ODP_WINDOW = 8192;
/** Longest start tag examined. */
export const XAML_MAX_TAG = 4096;

/** `Enum.GetValues`-style providers are ordinary WPF data binding. */
const BENIGN_METHODS = new Set(['getvalues', 'getnames']);

const REMOTE_PREFIXES = ['http:', 'https:', 'ftp:', 'file:', '\\\\', '//'];

function push(out: TextFinding[], seen: Set<string>, key: string, offset: number, message: string): void {
  if (seen.has(key)) return;
  seen.add(key);
  out.push({ rule: DOTNET_RULES.xaml, offset, length: 64, message });
}

/** The method name written right after `MethodName` (attribute or property element), lower-case. */
function methodNameValue(buf: Buffer, pos: number, end: number): string {
  let p = skipSpace(buf, pos, end);
  if (buf[p] === 0x3d) {
    p = skipSpace(buf, p + 1, end);
    const v = readQuoted(buf, p, end, true);
    if (!v) return '';
    return xmlUnescape(latin1Capped(buf, v.start, v.stop - v.start, 128)).trim().toLowerCase();
  }
  // property element: `MethodName>Start<` or `MethodName&gt;Start&lt;`
  if (buf[p] === 0x3e) p++;
  else if (startsWithCI(buf, p, GT_ENTITY)) p += GT_ENTITY.length;
  else return '';
  const start = p;
  while (p < end && p - start < 128 && buf[p] !== 0x3c && buf[p] !== 0x26) p++;
  return latin1Capped(buf, start, p - start, 128).trim().toLowerCase();
}

function scanObjectDataProvider(doc: TextDoc, out: TextFinding[], seen: Set<string>): void {
  const { buf, end } = doc;
  let pos = 0;
  const scanner = new CiScanner(buf, ODP, 0, end);
  for (let n = 0; n < XAML_MAX_ELEMENTS; n++) {
    scanner.seek(pos);
    const hit = scanner.next();
    if (hit < 0) return;
    pos = hit + ODP.bytes.length;
    if (elementStartBefore(buf, hit) < 0) continue;
    if (buf[pos] === 0x2e) continue; // `<ObjectDataProvider.MethodParameters>`: a property element
    const windowEnd = Math.min(end, hit + XAML_ODP_WINDOW);
    let m = pos;
    for (let k = 0; k < 8; k++) {
      const mn = findCI(buf, METHOD_NAME, m, windowEnd);
      if (mn < 0) break;
      m = mn + METHOD_NAME.bytes.length;
      if (isNameByte(buf[m])) continue;
      const method = methodNameValue(buf, m, windowEnd);
      if (BENIGN_METHODS.has(method)) continue;
      push(out, seen, 'odp', hit, 'XAML ObjectDataProvider invokes a method (System.Windows.Data.ObjectDataProvider gadget)');
      return;
    }
  }
}

function scanClrNamespaces(doc: TextDoc, out: TextFinding[], seen: Set<string>): void {
  const { buf, end } = doc;
  let pos = 0;
  const scanner = new CiScanner(buf, CLR_NAMESPACE, 0, end);
  for (let n = 0; n < XAML_MAX_ELEMENTS; n++) {
    scanner.seek(pos);
    const hit = scanner.next();
    if (hit < 0) return;
    pos = hit + CLR_NAMESPACE.bytes.length;
    let p = pos;
    const limit = Math.min(end, pos + 256);
    while (p < limit) {
      const b = buf[p];
      if (b === 0x3b || b === 0x22 || b === 0x27 || b === 0x5c || b === 0x26 || isSpace(b)) break;
      p++;
    }
    const ns = latin1Capped(buf, pos, p - pos, 256).trim();
    const prefix = xmlnsPrefixBefore(buf, hit);
    if (prefix === null || prefix === '' || ns.length === 0) continue;
    scanPrefixUses(buf, 0, end, prefix, (at, local) => {
      const verdict = dotnetGadgetType(`${ns}.${local}`, DOTNET_RULES.xaml);
      if (verdict) push(out, seen, `clr:${verdict.gadget}`, at, `XAML references ${describeGadget(verdict)} via clr-namespace`);
    });
  }
}

function isRemote(value: string): boolean {
  const v = value.trim().toLowerCase();
  for (const prefix of REMOTE_PREFIXES) if (v.startsWith(prefix)) return true;
  return false;
}

function scanRemoteResourceDictionary(doc: TextDoc, out: TextFinding[], seen: Set<string>): void {
  const { buf, end } = doc;
  let pos = 0;
  const scanner = new CiScanner(buf, RESOURCE_DICTIONARY, 0, end);
  for (let n = 0; n < XAML_MAX_ELEMENTS; n++) {
    scanner.seek(pos);
    const hit = scanner.next();
    if (hit < 0) return;
    pos = hit + RESOURCE_DICTIONARY.bytes.length;
    if (elementStartBefore(buf, hit) < 0 || isNameByte(buf[pos])) continue;
    // the start tag only: up to `>` or `&gt;` (child elements have their own Source)
    let tagEnd = Math.min(end, pos + XAML_MAX_TAG);
    const gt = buf.subarray(pos, tagEnd).indexOf(0x3e);
    if (gt >= 0) tagEnd = pos + gt;
    const gtEntity = findCI(buf, GT_ENTITY_CI, pos, tagEnd);
    if (gtEntity >= 0) tagEnd = gtEntity;
    let p = pos;
    while (p < tagEnd) {
      const s = findCI(buf, SOURCE, p, tagEnd);
      if (s < 0) break;
      p = s + SOURCE.bytes.length;
      if (!isSpace(buf[s - 1])) continue;
      let q = skipSpace(buf, p, tagEnd);
      if (buf[q] !== 0x3d) continue;
      q = skipSpace(buf, q + 1, tagEnd);
      const v = readQuoted(buf, q, tagEnd, true);
      if (!v) continue;
      const value = xmlUnescape(latin1Capped(buf, v.start, v.stop - v.start, 1024));
      if (isRemote(value)) {
        push(out, seen, 'rd', hit, 'XAML ResourceDictionary loads markup from a remote source');
        return;
      }
      p = v.next;
    }
  }
}

/** All XAML scans over the layer. */
export function scanXaml(doc: TextDoc, out: TextFinding[]): void {
  const seen = new Set<string>();
  scanObjectDataProvider(doc, out, seen);
  scanClrNamespaces(doc, out, seen);
  scanRemoteResourceDictionary(doc, out, seen);
}
