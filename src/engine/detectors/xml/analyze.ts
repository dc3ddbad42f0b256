/**
 * XXE analysis of one layer, driven by the trigger hits of `xxeDetector`:
 * each `<!DOCTYPE` is walked with the doctype scanner, each `<!ENTITY`
 * outside a walked DOCTYPE as a DTD fragment, and XInclude / schemaLocation /
 * XSLT hits by the external-reference checks. Entity declarations feed the
 * entity-value analysis (DW-XML-003), the re-parse of values that build
 * declarations (worklist, depth- and byte-bounded) and the expansion estimate
 * (DW-XML-004). Hits inside a region already walked are skipped, so the work
 * is linear in the layer size however many hits there are.
 */
import type { ReportedFinding, TriggerHit } from '../detector.js';
import { BANG, LT, asBuffer, matchCI } from './bytes.js';
import { type DoctypeScan, scanDoctype } from './doctype-scan.js';
import { type DtdScan, type EntityDecl, scanDtd } from './dtd-scan.js';
import { analyzeEntityValue } from './entity-value.js';
import { type EntityNode, countBodyReferences, estimateExpansion } from './expansion.js';
import { ExternalRefScanner } from './external-refs.js';
import { FindingList } from './findings.js';
import { inProlog } from './prolog.js';
import { isWellKnownDtd } from './public-dtds.js';
import { DEFAULT_XXE_LIMITS, XML_RULES, type XxeLimits } from './rules.js';
import { describeSystemId } from './system-id.js';

/** Trigger literals of xxeDetector, matched case-insensitively; indexes below. */
export const XXE_TRIGGERS = ['<!DOCTYPE', '<!ENTITY', 'XInclude', 'schemaLocation', 'XSL/Transform'] as const;
const T_DOCTYPE = 0;
const T_ENTITY = 1;
const T_XINCLUDE = 2;
const T_SCHEMA = 3;
const T_XSLT = 4;

interface PendingValue {
  readonly bytes: Uint8Array;
  /** Offset (in the layer) of the declaration the value came from. */
  readonly offset: number;
  readonly depth: number;
}

/** Findings for one layer. `exhausted` is polled between hits (the engine's budget). */
export function analyzeXmlLayer(
  bytes: Uint8Array,
  hits: readonly TriggerHit[],
  limits: XxeLimits = DEFAULT_XXE_LIMITS,
  exhausted: () => boolean = () => false,
): ReportedFinding[] {
  const a = new LayerAnalysis(bytes, limits);
  a.run(hits, exhausted);
  return a.out.items;
}

class LayerAnalysis {
  readonly out: FindingList;
  private readonly nodes = new Map<string, EntityNode>();
  private readonly nodeOffset = new Map<string, number>();
  private readonly queue: PendingValue[] = [];
  private valueBytes = 0;
  private entityDecls = 0;
  private refsOtherAt = -1;
  private peDeclared = false;
  private readonly seenDecls = new Set<number>();
  private readonly doctypes: DoctypeScan[] = [];
  private doctypeCount = 0;
  private bodyFrom = -1;
  private firstInProlog = false;

  constructor(
    private readonly b: Uint8Array,
    private readonly limits: XxeLimits,
  ) {
    this.out = new FindingList(limits.maxFindings);
  }

  run(hits: readonly TriggerHit[], exhausted: () => boolean): void {
    const b = this.b;
    let doctypeCovered = 0;
    let validCovered = 0;
    let fragmentCovered = 0;
    let xinclude = false;
    let schema = 0;
    let xslt = false;
    let doctypes = 0;
    let fragments = 0;
    const refs = new ExternalRefScanner(b, this.limits.tagLookback);
    const n = Math.min(hits.length, this.limits.maxHits);
    for (let h = 0; h < n; h++) {
      if ((h & 63) === 0 && exhausted()) break;
      const { trigger, offset: at } = hits[h]!;
      if (trigger === T_DOCTYPE) {
        if (at < doctypeCovered || at < validCovered) continue;
        if (doctypes >= this.limits.maxDoctypes) {
          this.limitHit(at, 'xml.maxDoctypes', `more than ${this.limits.maxDoctypes} DOCTYPE declarations in one layer`);
          continue;
        }
        const d = scanDoctype(b, at, this.limits.dtd);
        doctypeCovered = Math.max(doctypeCovered, d.end, at + 1);
        if (!d.valid) continue;
        // Bare `<!DOCTYPE html>` (a bulk import of HTML pages) is cheap and harmless: not counted.
        if (d.external || d.subset) doctypes++;
        // Only a well-formed DOCTYPE hides the <!ENTITY hits inside it; in a broken one they are re-read as fragments.
        if (d.terminated) validCovered = Math.max(validCovered, d.end);
        this.doctype(d);
      } else if (trigger === T_ENTITY) {
        if (at < validCovered || at < fragmentCovered) continue;
        if (fragments >= this.limits.maxFragments) {
          this.limitHit(at, 'xml.maxFragments', `more than ${this.limits.maxFragments} entity declaration runs in one layer`);
          continue;
        }
        const s = scanDtd(b, at, 'fragment', this.limits.dtd);
        fragmentCovered = Math.max(fragmentCovered, s.end, at + 1);
        if (s.entityCount > 0 || s.peRefs > 0) fragments++;
        if (this.bodyFrom < 0 && s.entityCount > 0) this.bodyFrom = s.end;
        this.dtd(s, null, 0);
      } else if (trigger === T_XINCLUDE && !xinclude) {
        const r = refs.xinclude(at);
        if (r) {
          xinclude = true;
          this.out.add(XML_RULES.externalReference, r.offset, r.length, r.message);
        }
      } else if (trigger === T_SCHEMA && schema < 4) {
        const r = refs.schemaLocation(at);
        if (r) {
          schema++;
          this.out.add(XML_RULES.externalReference, r.offset, r.length, r.message);
        }
      } else if (trigger === T_XSLT && !xslt) {
        const r = refs.xslt(at);
        if (r) {
          xslt = true;
          this.out.add(XML_RULES.externalReference, r.offset, r.length, r.message);
        }
      }
    }
    if (hits.length > n) this.limitHit(hits[n]!.offset, 'xml.maxHits', `more than ${n} XML trigger hits in one layer`);
    this.drainValues();
    this.finish();
  }

  private limitHit(at: number, limit: string, message: string): void {
    if (!this.out.has(XML_RULES.limit.id)) this.out.add(XML_RULES.limit, at, 16, message, 'limit', limit);
  }

  private doctype(d: DoctypeScan): void {
    this.doctypeCount++;
    if (this.doctypes.length < 8) this.doctypes.push(d);
    if (this.bodyFrom < 0) this.bodyFrom = d.end;
    const ext = d.external;
    if (ext && !isWellKnownDtd(ext.publicId, ext.systemId)) {
      const what = ext.systemId ? describeSystemId(ext.systemId) : 'public identifier only';
      this.out.add(
        XML_RULES.externalDtd,
        d.offset,
        d.end - d.offset,
        `DOCTYPE loads an external DTD (${ext.keyword}, ${what}) that is not a well-known public DTD`,
      );
    }
    if (d.subset) this.dtd(d.subset, null, 0);
    // Malformed structure only counts when the layer is an XML document (the DOCTYPE is in its prolog):
    // the same DOCTYPE seen through JSON escapes (`[\n <!ELEMENT`) in the raw body is not a second document.
    if (this.doctypeCount > 1 || !inProlog(this.b, d.offset, this.limits.maxPrologItems)) return;
    this.firstInProlog = true;
    if (d.subset && d.subset.malformed > 0) {
      this.out.add(XML_RULES.malformedDoctype, d.subset.firstMalformed, 32, `malformed DOCTYPE: ${d.subset.malformedReason}`);
    }
    if (d.malformed) this.out.add(XML_RULES.malformedDoctype, d.offset, 32, `malformed DOCTYPE: ${d.malformed}`);
  }

  /** Entity declarations and PE references of one DTD walk; `reportAt` is set for re-parsed entity values. */
  private dtd(s: DtdScan, reportAt: number | null, depth: number): void {
    let count = s.entityCount;
    for (const e of s.entities) {
      // A declaration in a broken DOCTYPE is seen twice (subset walk, then as a fragment): analyse it once.
      if (reportAt === null) {
        if (this.seenDecls.has(e.offset)) {
          count--;
          continue;
        }
        if (this.seenDecls.size < this.limits.dtd.maxEntities) this.seenDecls.add(e.offset);
      }
      this.entity(e, reportAt, depth);
    }
    this.entityDecls += count;
    if (s.peRefs > 0) {
      this.out.add(XML_RULES.parameterEntity, reportAt ?? s.firstPeRef, 32, 'parameter-entity reference in the DTD');
    }
  }

  private entity(e: EntityDecl, reportAt: number | null, depth: number): void {
    const at = reportAt ?? e.offset;
    const len = reportAt === null ? e.length : 32;
    const inside = reportAt === null ? '' : ' (built inside an entity value)';
    const kind = e.parameter ? 'parameter entity' : 'entity';
    if (e.external) {
      const what = e.external.systemId ? describeSystemId(e.external.systemId) : 'no system literal';
      this.out.add(XML_RULES.externalEntity, at, len, `external ${kind} declared with ${e.external.keyword} (${what})${inside}`);
    }
    const v = e.value ? analyzeEntityValue(e.value, this.limits.dtd.maxNameBytes, this.limits.maxRefNames) : null;
    if (v?.charRefMarkup) {
      this.out.add(XML_RULES.parameterEntity, at, len, `${kind} value builds references or declarations from character references`);
    } else if (v?.declMarkup) {
      this.out.add(XML_RULES.parameterEntity, at, len, `${kind} value contains markup declarations`);
    } else if (v && v.paramRefCount > 0) {
      this.out.add(XML_RULES.parameterEntity, at, len, `${kind} value contains parameter-entity references`);
    } else if (e.parameter && !this.peDeclared) {
      this.out.add(XML_RULES.parameterEntity, at, len, `parameter entity declared${inside}`);
    }
    if (e.parameter) this.peDeclared = true;
    if (!v) return;
    const key = (e.parameter ? '%' : '&') + e.name;
    if (!this.nodes.has(key)) {
      // The first declaration of a name is binding (XML 1.0 section 4.2).
      const refs: [string, number][] = [];
      for (const [name, count] of v.generalRefs) refs.push(['&' + name, count]);
      for (const [name, count] of v.paramRefs) refs.push(['%' + name, count]);
      this.nodes.set(key, { plain: v.plainBytes, refs });
      this.nodeOffset.set(key, at);
    }
    if (v.generalRefCount + v.paramRefCount > 0 && this.refsOtherAt < 0) this.refsOtherAt = at;
    if (
      v.declMarkup &&
      depth < this.limits.maxValueDepth &&
      this.queue.length < this.limits.maxValueFragments &&
      this.valueBytes + v.decoded.length <= this.limits.maxValueBytes
    ) {
      this.valueBytes += v.decoded.length;
      this.queue.push({ bytes: v.decoded, offset: at, depth: depth + 1 });
    }
  }

  /** Re-parses entity values that contain declarations (after char-ref decoding) as DTD fragments. */
  private drainValues(): void {
    for (let k = 0; k < this.queue.length; k++) {
      const item = this.queue[k]!;
      const vb = asBuffer(item.bytes);
      let covered = 0;
      let at = vb.indexOf(LT);
      for (let guard = 0; at >= 0 && guard < item.bytes.length; guard++) {
        if (at >= covered && item.bytes[at + 1] === BANG && matchCI(item.bytes, at + 2, 'ENTITY')) {
          const s = scanDtd(item.bytes, at, 'fragment', this.limits.dtd);
          covered = Math.max(s.end, at + 1);
          this.dtd(s, item.offset, item.depth);
        }
        at = at + 1 < item.bytes.length ? vb.indexOf(LT, at + 1) : -1;
      }
    }
  }

  private finish(): void {
    this.expansion();
    if (this.doctypeCount >= 2) {
      const [first, second] = this.doctypes;
      const bare = this.doctypes.every((d) => !d.external && !d.subset);
      if (first && second && !bare && this.firstInProlog) {
        this.out.add(XML_RULES.malformedDoctype, second.offset, 32, `document has ${this.doctypeCount} DOCTYPE declarations`);
      }
    }
  }

  private expansion(): void {
    const lim = this.limits;
    if (this.entityDecls > lim.maxEntityDecls) {
      const first = this.nodeOffset.values().next();
      this.out.add(XML_RULES.expansion, first.done ? 0 : first.value, 32, `${this.entityDecls} entity declarations (limit ${lim.maxEntityDecls})`);
      return;
    }
    if (this.nodes.size === 0) return;
    const est = estimateExpansion(this.nodes, lim.maxGraphSteps);
    if (est.recursive !== null) {
      this.out.add(XML_RULES.expansion, this.nodeOffset.get(est.recursive) ?? 0, 32, 'recursive entity references');
      return;
    }
    let total = est.largest;
    let where = est.largestKey;
    const general = new Set<string>();
    for (const key of this.nodes.keys()) if (key.startsWith('&')) general.add(key);
    if (general.size > 0 && this.bodyFrom >= 0) {
      const counts = countBodyReferences(this.b, this.bodyFrom, general, lim.maxBodyRefs, lim.dtd.maxNameBytes);
      let body = 0;
      let top = 0;
      for (const [key, count] of counts) {
        const contrib = count * (est.sizes.get(key) ?? 0);
        body += contrib;
        if (contrib > top) {
          top = contrib;
          where = key;
        }
      }
      if (body > total) total = body;
    }
    if (total > lim.maxExpansionBytes || est.truncated) {
      const shown = total >= 2 ** 50 ? 'more than 10^15' : `about ${Math.round(total)}`;
      this.out.add(
        XML_RULES.expansion,
        (where !== null ? this.nodeOffset.get(where) : undefined) ?? 0,
        32,
        `entity expansion estimated at ${shown} bytes (limit ${lim.maxExpansionBytes})`,
      );
      return;
    }
    if (this.refsOtherAt >= 0) {
      this.out.add(XML_RULES.expansion, this.refsOtherAt, 32, 'internal entity references other entities');
    }
  }
}
