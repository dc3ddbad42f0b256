/**
 * Judging simulated pickles: turns runs into findings under the deny policy (any import is a
 * finding) or the allow-list policy (only exact allow-listed pairs pass). Rule ids:
 *
 * - DW-PICKLE-001 critical: import of a known code/command-execution, resolver, nested-loader,
 *   file/network or scanner-tampering global (denylist.ts), directly or on a dotted path.
 * - DW-PICKLE-002 high: any other import (deny policy), or an import not on the allow-list.
 * - DW-PICKLE-003 high: an import the machine cannot resolve statically (STACK_GLOBAL operands
 *   computed at load time, EXT1/2/4 registry codes, protocol >= 4 dotted attribute paths). Never allowed.
 * - DW-PICKLE-004 high: a pickle that broke after importing or calling something (fail closed), a
 *   FRAME straddled by an operand, or a simulation limit (kind 'limit').
 */
import type { FindingKind, Severity } from '../../types.js';
import type { PickleAllowlist } from './allowlist.js';
import { denyReason, denyReasonDotted } from './denylist.js';
import type { PickleImport, PickleRun } from './types.js';

export const PICKLE_RULES = {
  dangerousImport: 'DW-PICKLE-001',
  import: 'DW-PICKLE-002',
  unresolvedImport: 'DW-PICKLE-003',
  malformed: 'DW-PICKLE-004',
} as const;
export type PickleRuleId = (typeof PICKLE_RULES)[keyof typeof PICKLE_RULES];

export type PickleMode = 'deny' | 'allowlist';

export interface PickleFinding {
  readonly rule: PickleRuleId;
  readonly offset: number;
  readonly message: string;
  readonly severity: Severity;
  readonly kind: FindingKind;
  /** For kind 'limit': `pickle.<limit>`. */
  readonly limit?: string;
}

const MAX_NAME_IN_MESSAGE = 120;

function clip(s: string): string {
  return s.length > MAX_NAME_IN_MESSAGE ? `${s.slice(0, MAX_NAME_IN_MESSAGE)}...` : s;
}

function describe(imp: PickleImport): string {
  const shown = `${clip(imp.rawModule)}.${clip(imp.rawName)}`;
  return imp.mapped ? `${shown} (loads ${clip(imp.module)}.${clip(imp.name)})` : shown;
}

export function judgePickleRuns(
  runs: readonly PickleRun[],
  mode: PickleMode,
  allow?: PickleAllowlist,
): PickleFinding[] {
  const out: PickleFinding[] = [];
  const seen = new Set<string>();
  const emit = (key: string, f: PickleFinding): void => {
    if (seen.has(key)) return;
    seen.add(key);
    out.push(f);
  };
  for (const run of runs) {
    for (const imp of run.imports) judgeImport(imp, mode, allow, emit);
    judgeRun(run, emit);
  }
  return out;
}

function judgeImport(
  imp: PickleImport,
  mode: PickleMode,
  allow: PickleAllowlist | undefined,
  emit: (key: string, f: PickleFinding) => void,
): void {
  const id = `${imp.module}\n${imp.name}`;
  const ext = imp.extCode !== undefined;
  if (ext || !imp.literal) {
    const what = ext
      ? `pickle imports extension code ${imp.extCode} (${imp.opcode}) from the copyreg registry`
      : `pickle ${imp.opcode} imports a name computed at load time (module ${clip(imp.module)}, name ${clip(imp.name)})`;
    emit(`3\n${id}\n${imp.extCode ?? ''}`, {
      rule: PICKLE_RULES.unresolvedImport,
      offset: imp.offset,
      message: what,
      severity: 'high',
      kind: 'attack',
    });
    const reason = imp.module === '?' ? null : denyReason(imp.module, imp.name);
    if (reason !== null) dangerous(imp, reason, emit);
    return;
  }
  if (imp.dotted) {
    emit(`3\n${id}`, {
      rule: PICKLE_RULES.unresolvedImport,
      offset: imp.offset,
      message: `pickle resolves the attribute path ${describe(imp)} (protocol ${imp.protocol})`,
      severity: 'high',
      kind: 'attack',
    });
    const reason = denyReasonDotted(imp.module, imp.name);
    if (reason !== null) dangerous(imp, reason, emit);
    return;
  }
  if (mode === 'allowlist' && allow?.isAllowed(imp.module, imp.name) === true) return;
  const reason = denyReason(imp.module, imp.name);
  if (reason !== null) {
    dangerous(imp, reason, emit);
    return;
  }
  emit(`2\n${id}`, {
    rule: PICKLE_RULES.import,
    offset: imp.offset,
    message:
      mode === 'allowlist'
        ? `pickle imports ${describe(imp)}, which is not on the allow-list`
        : `pickle imports ${describe(imp)} (${imp.opcode})`,
    severity: 'high',
    kind: 'attack',
  });
}

function dangerous(imp: PickleImport, reason: string, emit: (key: string, f: PickleFinding) => void): void {
  emit(`1\n${imp.module}\n${imp.name}`, {
    rule: PICKLE_RULES.dangerousImport,
    offset: imp.offset,
    message: `pickle imports ${describe(imp)} (${imp.opcode}; ${clip(reason)})`,
    severity: 'critical',
    kind: 'attack',
  });
}

function judgeRun(run: PickleRun, emit: (key: string, f: PickleFinding) => void): void {
  if (run.stop === 'limit') {
    const limit = `pickle.${run.limit ?? 'maxOpcodes'}`;
    emit(`4\nlimit\n${run.start}`, {
      rule: PICKLE_RULES.malformed,
      offset: run.end,
      message: `pickle simulation hit ${limit} (${run.detail})`,
      severity: 'high',
      kind: 'limit',
      limit,
    });
  }
  if (run.frameStraddle !== undefined) {
    emit(`4\nframe\n${run.frameStraddle.offset}`, {
      rule: PICKLE_RULES.malformed,
      offset: run.frameStraddle.offset,
      message: `pickle opcode operand crosses the end of its FRAME at ${run.frameStraddle.frameEnd} (loaders disagree)`,
      severity: 'high',
      kind: 'malformed',
    });
  }
  if (run.stop !== 'stop' && run.stop !== 'limit' && (run.imports.length > 0 || run.importCalls > 0)) {
    emit(`4\nbroken\n${run.start}`, {
      rule: PICKLE_RULES.malformed,
      offset: run.end,
      message: `pickle breaks (${run.stop}: ${run.detail}) after ${run.importCount} import(s) and ${run.callCount} call(s) already ran`,
      severity: 'high',
      kind: 'malformed',
    });
  }
}
