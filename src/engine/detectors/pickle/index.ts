/**
 * Public surface of the pickle detector: the structural detector, the simulator and finder, the
 * policy judge and the allow-list helpers.
 */
export { pickleDetector } from './detector.js';
export { simulatePickle, type SimulateOptions } from './simulate.js';
export { findPickles, type FindPicklesOptions } from './find.js';
export { judgePickleRuns, PICKLE_RULES, type PickleFinding, type PickleMode, type PickleRuleId } from './policy.js';
export {
  compilePickleAllowlist,
  defaultPickleAllowlist,
  loadDefaultPickleAllowlist,
  type PickleAllowlist,
} from './allowlist.js';
export { DEFAULT_PICKLE_LIMITS, type PickleLimits } from './limits.js';
export type { PickleCall, PickleImport, PickleRun, PickleStopReason } from './types.js';
