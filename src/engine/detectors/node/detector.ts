/**
 * Function-revival payloads for Node.js deserializers. JSON `\u` escapes and
 * base64 are decoded by the engine before this runs.
 *
 * - DW-NODE-001 node-serialize: a string value that starts with
 *   `_$$ND_FUNC$$_` is passed to eval. Critical when the revived text runs
 *   code on evaluation (IIFE `function(){...}()`, a call, a paren break-out),
 *   high when it is a bare function (created, runs when the app calls it).
 * - DW-NODE-002 funcster: an object key `__js_function` whose string value
 *   is compiled (critical when it runs on evaluation, else high).
 * - DW-NODE-003 other revivers: cryo `_CRYO_FUNCTION_` (new Function; critical
 *   when the layer also overrides `__proto__`, which makes the app call it),
 *   and serialize-to-js style object literals holding executing expressions.
 *
 * Strictness: a marker only counts where a reviver would see it, at the start
 * of a string value (see string-value.ts). Prose that mentions the marker in a
 * sentence is clean; prose that quotes a whole payload is reported.
 */
import type { DetectorContext, LayerInfo, StructuralDetector, TriggerHit } from '../detector.js';
import type { Severity } from '../../types.js';
import { classifyRevived, skipTrivia, type RevivedKind } from './js-skim.js';
import { MAX_LITERAL_CHARS, findExecutableLiteral, looksLikeLiteral } from './object-literal.js';
import { revivedValue } from './string-value.js';

const ND_FUNC = '_$$ND_FUNC$$_';
const JS_FUNCTION = '__js_function';
const CRYO_FUNCTION = '_CRYO_FUNCTION_';
const TRIGGERS = [ND_FUNC, JS_FUNCTION, CRYO_FUNCTION, 'function', '=>', 'require(', 'eval(', 'Function('] as const;
const LITERAL_TRIGGERS_FROM = 3;
const MAX_FINDINGS = 32;
const PROTO = new Uint8Array(Buffer.from('__proto__', 'latin1'));

function severityOf(kind: RevivedKind): Severity {
  return kind === 'executes' ? 'critical' : 'high';
}

function describe(kind: RevivedKind): string {
  if (kind === 'executes') return 'code that runs when it is revived (IIFE or call)';
  if (kind === 'function') return 'a function that runs when the application calls it';
  return 'an expression passed to eval';
}

function nodeSerialize(bytes: Uint8Array, offset: number, ctx: DetectorContext): boolean {
  const v = revivedValue(bytes, offset, ND_FUNC.length);
  if (v.context === 'prose') return false;
  const kind = classifyRevived(v.text);
  if (kind === 'empty') return false;
  ctx.report({
    rule: 'DW-NODE-001', offset, length: 48, severity: severityOf(kind),
    message: `node-serialize function revival (_$$ND_FUNC$$_): ${describe(kind)}`,
  });
  return true;
}

/** `"__js_function"` used as an object key with a string value. */
function funcster(bytes: Uint8Array, offset: number, ctx: DetectorContext): boolean {
  const quote = bytes[offset - 1];
  if (quote !== 0x22 && quote !== 0x27) return false;
  let p = offset + JS_FUNCTION.length;
  if (bytes[p] !== quote) return false;
  p++;
  while (p < bytes.length && (bytes[p] === 0x20 || bytes[p] === 0x09 || bytes[p] === 0x0a || bytes[p] === 0x0d)) p++;
  if (bytes[p] !== 0x3a) return false;
  p++;
  while (p < bytes.length && (bytes[p] === 0x20 || bytes[p] === 0x09 || bytes[p] === 0x0a || bytes[p] === 0x0d)) p++;
  if (bytes[p] !== 0x22 && bytes[p] !== 0x27) return false;
  const v = revivedValue(bytes, p + 1, 0);
  const kind = classifyRevived(v.text);
  if (kind === 'empty') return false;
  ctx.report({
    rule: 'DW-NODE-002', offset, length: 48, severity: severityOf(kind),
    message: `funcster __js_function revival: ${describe(kind)}`,
  });
  return true;
}

function cryo(bytes: Uint8Array, offset: number, ctx: DetectorContext): boolean {
  const v = revivedValue(bytes, offset, CRYO_FUNCTION.length);
  if (v.context === 'prose' || skipTrivia(v.text, 0) >= v.text.length) return false;
  const proto = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(PROTO) >= 0;
  ctx.report({
    rule: 'DW-NODE-003', offset, length: 48, severity: proto ? 'critical' : 'high',
    message: `cryo function revival (_CRYO_FUNCTION_)${proto ? ' with a __proto__ override' : ''}`,
  });
  return true;
}

function literal(bytes: Uint8Array, ctx: DetectorContext): boolean {
  if (!looksLikeLiteral(bytes)) return false;
  const end = Math.min(bytes.length, MAX_LITERAL_CHARS);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
  const hit = findExecutableLiteral(text);
  if (hit === undefined) return false;
  ctx.report({
    rule: 'DW-NODE-003', offset: hit.offset, length: 48, severity: 'critical',
    message: `JavaScript object literal (serialize-to-js style) holds ${hit.what}`,
  });
  return true;
}

export const nodeDetector: StructuralDetector = {
  name: 'node',
  family: 'node',
  triggers: TRIGGERS,
  inspect(bytes: Uint8Array, hits: readonly TriggerHit[], _layer: LayerInfo, ctx: DetectorContext): void {
    let findings = 0;
    let literalDone = false;
    for (const hit of hits) {
      if (findings >= MAX_FINDINGS || ctx.exhausted()) break;
      let found = false;
      if (hit.trigger === 0) found = nodeSerialize(bytes, hit.offset, ctx);
      else if (hit.trigger === 1) found = funcster(bytes, hit.offset, ctx);
      else if (hit.trigger === 2) found = cryo(bytes, hit.offset, ctx);
      else if (hit.trigger >= LITERAL_TRIGGERS_FROM && !literalDone) {
        literalDone = true;
        found = literal(bytes, ctx);
      }
      if (found) findings++;
    }
  },
};
