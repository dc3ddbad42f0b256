/**
 * Public surface of the Java detectors: the structural detectors to register,
 * the stream parser, the JEP 290 filter, the class judge shared with the
 * JSON/YAML/XML detectors, and the base64 anchors for the engine.
 */
export { javaStreamDetector, javaTextDetector, MAX_JAVA_STREAMS_PER_LAYER } from './detector.js';
export { JAVA_B64_ANCHORS, JAVA_B64_ANCHOR_PATTERNS } from './anchors.js';
export { parseJavaStream, allReports, DEFAULT_JAVA_LIMITS, type JavaLimits } from './stream.js';
export type { JavaClassRef, JavaNestedStream, JavaStopReason, JavaStreamReport, JavaStreamStats } from './report.js';
export { JavaRole, JAVA_FILTERED_ROLES } from './report.js';
export {
  compileJavaFilter,
  compileJavaFilterSettings,
  parseJavaFilter,
  JavaFilterSyntaxError,
  type JavaClassFilter,
  type JavaFilterDecision,
} from './filter.js';
export { javaGadgetClass, isJavaClassName, normalizeJavaClassName, type JavaGadgetVerdict } from './classes.js';
export { scanJavaText } from './text.js';
export { decodeModifiedUtf8 } from './mutf8.js';
