/**
 * Turns one parsed Java stream (with its nested streams) into findings,
 * according to the policy's action for the `java` family:
 *  - block/log: every structurally valid stream is DW-JAVA-001 (Java streams
 *    are denied by default), plus DW-JAVA-002 per gadget class and
 *    DW-JAVA-006 for embedded class files;
 *  - allowlist: the policy's JavaClassFilter decides, rejections are DW-JAVA-003;
 *  - both: DW-JAVA-004 when the stream breaks inside an object after a class
 *    descriptor (fail closed), DW-JAVA-005 for overlong modified UTF-8.
 */
import type { DetectorContext, FamilyAction } from '../detector.js';
import { javaGadgetClass } from './classes.js';
import type { JavaClassFilter } from './filter.js';
import { JavaRole, type JavaClassRef, type JavaStreamReport } from './report.js';
import { escapeForMessage } from './message.js';

/** Findings of one kind reported per stream at most. */
export const MAX_JAVA_FINDINGS_PER_KIND = 16;

interface Located {
  readonly report: JavaStreamReport;
  /** Maps an offset in `report`'s buffer to the layer (nested copies map to their container). */
  readonly at: (offset: number) => number;
  readonly level: number;
}

export function judgeJavaStream(report: JavaStreamReport, action: FamilyAction, ctx: DetectorContext): void {
  const streams = locate(report);
  if (action === 'allowlist') judgeAllowlist(streams, ctx);
  else judgeDefaultDeny(streams, ctx);
  reportCommon(streams, ctx);
}

function locate(report: JavaStreamReport): Located[] {
  const out: Located[] = [{ report, at: (o) => o, level: 0 }];
  for (const n of report.nested) {
    if (!n.report.valid) continue;
    const outer = n.outerOffset;
    out.push({ report: n.report, at: n.copied ? () => outer : (o) => o, level: n.level });
  }
  return out;
}

function judgeDefaultDeny(streams: Located[], ctx: DetectorContext): void {
  const top = streams[0] as Located;
  const names = top.report.classes.filter((c) => !c.descriptorOnly).map((c) => c.name);
  const shown = names.slice(0, 4).map((n) => escapeForMessage(n, 80)).join(', ');
  ctx.report({
    rule: 'DW-JAVA-001',
    offset: top.report.start,
    length: Math.min(32, top.report.end - top.report.start),
    severity: 'high',
    message: `Java serialization stream${names.length > 0 ? ` (${names.length} classes: ${shown}${names.length > 4 ? ', ...' : ''})` : ''}`,
  });
  const seen = new Set<string>();
  let n = 0;
  for (const s of streams) {
    for (const c of s.report.classes) {
      if (c.descriptorOnly) continue;
      const v = javaGadgetClass(c.name, { context: 'stream' });
      if (v === null || seen.has(v.name)) continue;
      seen.add(v.name);
      ctx.report({
        rule: 'DW-JAVA-002',
        offset: s.at(c.offset),
        length: 32,
        severity: 'critical',
        message: `Java stream ${roleWords(c)} ${escapeForMessage(v.name, 120)}${s.level > 0 ? ' (nested stream)' : ''}: ${v.reason}`,
      });
      if (++n >= MAX_JAVA_FINDINGS_PER_KIND) break;
    }
    if (n >= MAX_JAVA_FINDINGS_PER_KIND) break;
  }
  for (const s of streams) {
    const cf = s.report.classFiles;
    if (cf.length === 0) continue;
    ctx.report({
      rule: 'DW-JAVA-006',
      offset: s.at(cf[0] as number),
      length: 16,
      severity: 'critical',
      message: `Java stream carries ${cf.length} JVM class file${cf.length > 1 ? 's' : ''} in a byte array${s.report.bytecodesField ? ' (TemplatesImpl _bytecodes)' : ''}`,
    });
    break;
  }
}

function judgeAllowlist(streams: Located[], ctx: DetectorContext): void {
  const top = streams[0] as Located;
  const filter = ctx.settings<JavaClassFilter>('java');
  if (filter === undefined || typeof filter.rejections !== 'function') {
    ctx.report({
      rule: 'DW-JAVA-003',
      offset: top.report.start,
      length: 4,
      severity: 'critical',
      message: 'Java stream on an allow-list route without a Java class filter (fail closed)',
    });
    return;
  }
  let n = 0;
  for (const s of streams) {
    // Nested streams are judged one by one so that offsets map to the right buffer.
    const single: JavaStreamReport = s.level === 0 ? { ...s.report, nested: [] } : s.report;
    for (const d of filter.rejections(single, MAX_JAVA_FINDINGS_PER_KIND - n)) {
      const nested = s.level > 0 ? ' in a nested stream' : '';
      if (d.limit !== undefined) {
        ctx.report({ rule: 'DW-JAVA-003', offset: s.at(s.report.start), length: 4, severity: 'high', kind: 'limit', limit: `java.filter.${d.limit}`, message: `Java stream${nested} rejected by the class filter: ${d.reason}` });
      } else {
        ctx.report({
          rule: 'DW-JAVA-003',
          offset: s.at(d.offset ?? s.report.start),
          length: 32,
          severity: 'critical',
          message: `Java class ${escapeForMessage(d.className ?? '?', 120)}${nested} is not allowed: ${d.reason}`,
        });
      }
      if (++n >= MAX_JAVA_FINDINGS_PER_KIND) return;
    }
  }
}

function reportCommon(streams: Located[], ctx: DetectorContext): void {
  const top = (streams[0] as Located).report;
  if (!top.complete && (top.stats.plausibleDescriptors > 0 || top.stop === 'limit')) {
    const limit = top.stop === 'limit';
    ctx.report({
      rule: 'DW-JAVA-004',
      offset: top.end,
      length: 16,
      severity: 'high',
      kind: limit ? 'limit' : 'malformed',
      ...(limit ? { limit: `java.${top.limit ?? 'limit'}` } : {}),
      message: limit
        ? `Java stream exceeds a parser limit (${top.detail}); refused, fail closed`
        : `Java stream breaks after a class descriptor (${top.stop}: ${top.detail}); refused, fail closed`,
    });
  }
  for (const s of streams) {
    if (!s.report.overlong) continue;
    const c = s.report.classes.find((x) => x.overlong);
    ctx.report({
      rule: 'DW-JAVA-005',
      offset: s.at(c?.offset ?? s.report.start),
      length: 32,
      severity: 'high',
      message: c !== undefined
        ? `Java stream writes class name ${escapeForMessage(c.name, 120)} with overlong modified UTF-8 (signature evasion)`
        : 'Java stream uses overlong modified UTF-8 (signature evasion)',
    });
    break;
  }
}

function roleWords(c: JavaClassRef): string {
  if ((c.roles & JavaRole.CARVED) !== 0) return 'hides (outside the parsed structure)';
  if ((c.roles & JavaRole.INSTANTIATED) !== 0) return 'instantiates';
  if ((c.roles & JavaRole.PROXY_INTERFACE) !== 0) return 'proxies interface';
  if ((c.roles & JavaRole.CLASS_VALUE) !== 0) return 'names class';
  if ((c.roles & JavaRole.ENUM) !== 0) return 'uses enum';
  if ((c.roles & JavaRole.SUPERCLASS) !== 0) return 'uses superclass';
  return 'describes class';
}
