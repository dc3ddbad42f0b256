/**
 * `parseJavaStream`: parse the Java serialization stream that starts at
 * `start` (`AC ED 00 05`) and every stream nested inside its byte arrays or
 * block data (a serialized byte[] carrying another serialized object graph).
 * Nested streams are parsed from a work queue, never by recursion, and are
 * limited in number and nesting level.
 */
import { DEFAULT_JAVA_LIMITS, type JavaLimits } from './constants.js';
import { indexOfMagic, StreamParser, type NestedRegion } from './parser.js';
import type { JavaNestedStream, JavaStreamReport } from './report.js';

export { DEFAULT_JAVA_LIMITS, type JavaLimits } from './constants.js';

interface Pending {
  readonly region: NestedRegion;
  readonly level: number;
  /** Offset of the region in the outermost buffer (approximate once copied). */
  readonly outerOffset: number;
  /** True when the region's buffer is not the outermost buffer. */
  readonly copied: boolean;
}

/**
 * Parse one stream. Never throws on malformed input: the report says where
 * and why parsing stopped and keeps everything seen before that.
 */
export function parseJavaStream(buf: Uint8Array, start: number, limits?: Partial<JavaLimits>): JavaStreamReport {
  const lim: JavaLimits = limits === undefined ? DEFAULT_JAVA_LIMITS : { ...DEFAULT_JAVA_LIMITS, ...limits };
  const wantNested = lim.maxNested > 0 && lim.maxNestedLevel > 0;
  const outer = new StreamParser(buf, start, buf.length, lim, wantNested).parse();
  if (outer.regions.length === 0) return outer.report;

  const nested: JavaNestedStream[] = [];
  const queue: Pending[] = outer.regions.map((r) => pending(r, 1, 0, false));
  const maxQueue = lim.maxNested * 4;
  for (let qi = 0; qi < queue.length && nested.length < lim.maxNested; qi++) {
    const p = queue[qi] as Pending;
    const r = p.region;
    let from = r.from;
    while (from < r.to && nested.length < lim.maxNested) {
      const at = indexOfMagic(r.buf, from, r.to);
      if (at < 0) break;
      const more = p.level < lim.maxNestedLevel;
      const sub = new StreamParser(r.buf, at, r.to, lim, more).parse();
      const copied = p.copied || r.copied;
      nested.push({ level: p.level, container: r.container, outerOffset: copied ? p.outerOffset : at, copied, report: sub.report });
      if (more) {
        for (const child of sub.regions) {
          if (queue.length >= maxQueue) break;
          queue.push(pending(child, p.level + 1, p.outerOffset, copied));
        }
      }
      from = Math.max(sub.report.end, at + 4);
    }
  }
  return { ...outer.report, nested };
}

function pending(region: NestedRegion, level: number, parentOuter: number, parentCopied: boolean): Pending {
  const copied = parentCopied || region.copied;
  return { region, level, outerOffset: parentCopied ? parentOuter : region.offsetInParent, copied };
}

/** Every report of a parse: the outer one first, then the nested ones (no recursion). */
export function allReports(report: JavaStreamReport): JavaStreamReport[] {
  const out: JavaStreamReport[] = [report];
  for (const n of report.nested) out.push(n.report);
  return out;
}
