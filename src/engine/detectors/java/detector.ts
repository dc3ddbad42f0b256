/**
 * The Java structural detectors the engine registers:
 *  - `javaStreamDetector` (trigger `AC ED 00 05`): parses every serialization
 *    stream in a layer and judges it by the policy's Java action;
 *  - `javaTextDetector`: XMLDecoder/XStream XML, class-loader property paths,
 *    EL calls and Log4Shell lookups in text layers (text.ts).
 *
 * Rule ids: DW-JAVA-001 stream present (block/log: Java streams are denied by
 * default), 002 gadget class, 003 class rejected by the allow-list filter,
 * 004 stream breaks after a class descriptor (fail closed), 005 overlong
 * modified UTF-8, 006 embedded class file, 010-015 text gadgets.
 */
import type { DetectorContext, LayerInfo, StructuralDetector, TriggerHit } from '../detector.js';
import { JAVA_STREAM_MAGIC } from './constants.js';
import { judgeJavaStream } from './judge.js';
import { parseJavaStream } from './stream.js';
import { scanJavaText, type JavaTextMarkers } from './text.js';

export { JAVA_B64_ANCHORS, JAVA_B64_ANCHOR_PATTERNS } from './anchors.js';

/** Valid streams judged per layer at most. */
export const MAX_JAVA_STREAMS_PER_LAYER = 32;
/** `AC ED 00 05` hits examined per layer at most (random data rarely has more than a few). */
export const MAX_JAVA_CANDIDATES_PER_LAYER = 4096;

export const javaStreamDetector: StructuralDetector = {
  name: 'java-stream',
  family: 'java',
  triggers: [JAVA_STREAM_MAGIC],
  inspect(bytes: Uint8Array, hits: readonly TriggerHit[], _layer: LayerInfo, ctx: DetectorContext): void {
    const action = ctx.action('java');
    if (action === 'allow') return;
    let covered = -1;
    let candidates = 0;
    let judged = 0;
    for (const hit of hits) {
      if (hit.offset < covered) continue;
      if (ctx.exhausted()) break;
      if (candidates >= MAX_JAVA_CANDIDATES_PER_LAYER || judged >= MAX_JAVA_STREAMS_PER_LAYER) {
        // Decoy magics must not push a real stream out of view: refuse what was not inspected.
        ctx.report({
          rule: 'DW-JAVA-004',
          offset: hit.offset,
          length: 4,
          severity: 'high',
          kind: 'limit',
          limit: judged >= MAX_JAVA_STREAMS_PER_LAYER ? 'java.maxStreamsPerLayer' : 'java.maxCandidatesPerLayer',
          message: 'too many Java stream candidates in one layer; the rest was not inspected (fail closed)',
        });
        break;
      }
      candidates++;
      const report = parseJavaStream(bytes, hit.offset);
      if (!report.valid) {
        covered = hit.offset + 4;
        continue;
      }
      judged++;
      covered = Math.max(report.end, hit.offset + 4);
      judgeJavaStream(report, action, ctx);
    }
  },
};

/** Triggers that start a tag (`<java` ...): the hit offset is the tag's `<`. */
const XML_TAG_TRIGGERS = ['<java', '<object', '<void', '<new', '<class>', '<dynamic-proxy', '<sorted-set', '<javax.', '<com.', '<org.', '<sun.', '<jdk.', '<bsh.', '<groovy.', '<clojure.', '<net.'];
/** Triggers inside a tag (`class=`, `resolves-to=`): the tag starts before the hit. */
const XML_ATTR_TRIGGERS = ['class=', 'resolves-to='];
const CLASSLOADER_TRIGGERS = ['classloader'];
const EL_TRIGGERS = ['java.lang.Runtime', 'java.lang.ProcessBuilder', 'javax.script.ScriptEngineManager', 'java.lang.ClassLoader', 'javax.naming.InitialContext'];
const LOG4J_TRIGGERS = ['${'];
const TEXT_TRIGGERS = [...XML_TAG_TRIGGERS, ...XML_ATTR_TRIGGERS, ...CLASSLOADER_TRIGGERS, ...EL_TRIGGERS, ...LOG4J_TRIGGERS];
const AT0 = XML_TAG_TRIGGERS.length;
const CL0 = AT0 + XML_ATTR_TRIGGERS.length;
const EL0 = CL0 + CLASSLOADER_TRIGGERS.length;
const LJ0 = EL0 + EL_TRIGGERS.length;

export const javaTextDetector: StructuralDetector = {
  name: 'java-text',
  family: 'java',
  triggers: TEXT_TRIGGERS,
  caseInsensitive: true,
  inspect(bytes: Uint8Array, hits: readonly TriggerHit[], _layer: LayerInfo, ctx: DetectorContext): void {
    if (ctx.action('java') === 'allow') return;
    const xmlTags: number[] = [];
    const xmlAttrs: number[] = [];
    const classLoader: number[] = [];
    const elClass: number[] = [];
    const dollarBrace: number[] = [];
    for (const h of hits) {
      if (h.trigger < AT0) xmlTags.push(h.offset);
      else if (h.trigger < CL0) xmlAttrs.push(h.offset);
      else if (h.trigger < EL0) classLoader.push(h.offset);
      else if (h.trigger < LJ0) elClass.push(h.offset);
      else dollarBrace.push(h.offset);
    }
    const markers: JavaTextMarkers = { xmlTags, xmlAttrs, classLoader, elClass, dollarBrace };
    for (const f of scanJavaText(bytes, markers, () => ctx.exhausted())) {
      ctx.report({ rule: f.rule, offset: f.offset, length: f.length, message: f.message, severity: f.severity });
    }
  },
};
