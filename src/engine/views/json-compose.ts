/**
 * Combine several JSON tokenizer handler sets into one (each event goes to
 * every handler that defines it, in order). Lets the engine run its own
 * consumer and the polymorphic-typing watcher on one tokenizer pass.
 */
import type { JsonHandlers } from './json.js';

type EventName = keyof JsonHandlers;
const EVENTS: readonly EventName[] = ['onOpen', 'onClose', 'onKey', 'onString', 'onStringBytes', 'onNumber', 'onLiteral', 'onError', 'onEnd'];

export function composeJsonHandlers(...handlers: readonly JsonHandlers[]): JsonHandlers {
  const out: Record<string, (...args: unknown[]) => void> = {};
  for (const name of EVENTS) {
    const fns: ((...args: unknown[]) => void)[] = [];
    const owners: JsonHandlers[] = [];
    for (const h of handlers) {
      const fn = h[name] as ((...args: unknown[]) => void) | undefined;
      if (fn !== undefined) {
        fns.push(fn);
        owners.push(h);
      }
    }
    if (fns.length === 1) {
      const fn = fns[0] as (...args: unknown[]) => void;
      const owner = owners[0];
      out[name] = (...args: unknown[]) => fn.apply(owner, args);
    } else if (fns.length > 1) {
      out[name] = (...args: unknown[]) => {
        for (let i = 0; i < fns.length; i++) (fns[i] as (...a: unknown[]) => void).apply(owners[i], args);
      };
    }
  }
  return out as JsonHandlers;
}
