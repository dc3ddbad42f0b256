/**
 * Builds the engine for a config: loads signatures/*.yaml, compiles every
 * trigger and literal into one automaton, once. The result is immutable and
 * shared by all requests of that config.
 */
import type { Config } from '../config/schema.js';
import type { Engine, RequestHead, Transaction } from './api.js';
import type { CompiledPolicy } from '../policy/types.js';
import { compileEngine, type CompiledEngine } from './compiled.js';
import { detectorsFor } from './detectors/registry.js';
import { loadConfig } from '../config/load.js';
import { loadSignatures, type Rule } from './signatures.js';
import { EngineTransaction } from './inspect/transaction.js';
import type { StructuralDetector } from './detectors/detector.js';

let cachedRules: Rule[] | null = null;

/** Signatures are data shipped with the package: load them once per process. */
export function defaultRules(): Rule[] {
  cachedRules ??= loadSignatures();
  return cachedRules;
}

export function createEngine(config?: Config, detectors?: readonly StructuralDetector[], rules: readonly Rule[] = defaultRules()): Engine {
  const limits = (config ?? loadConfig(undefined).config).limits;
  const compiled = compileEngine(detectors ?? detectorsFor(limits), rules);
  return engineFrom(compiled);
}

export function engineFrom(compiled: CompiledEngine): Engine {
  return {
    begin(head: RequestHead, policy: CompiledPolicy): Transaction {
      return new EngineTransaction(compiled, policy, head);
    },
  };
}
