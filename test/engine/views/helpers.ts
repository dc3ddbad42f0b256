/**
 * Test helpers for the views: chunk splitting, event recorders, and a
 * value builder that turns JSON tokenizer events back into a canonical tree.
 */
import { JsonTokenizer, type JsonHandlers, type JsonOptions } from '../../../src/engine/views/json.js';
import type { ViewError, ViewResult } from '../../../src/engine/views/errors.js';

/** Split `bytes` at the given cut points (sorted, deduplicated, clamped). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(bytes.length, c))))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    if (p > prev) out.push(bytes.subarray(prev, p));
    prev = p;
  }
  if (prev < bytes.length) out.push(bytes.subarray(prev));
  return out;
}

export function oneByteChunks(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i++) out.push(bytes.subarray(i, i + 1));
  return out;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Canonical tree: ['o', [[k, v]...]] | ['a', [...]] | ['s', str] | ['n', number] | ['l', true|false|null]. */
export type Canon = readonly ['o', readonly (readonly [string, Canon])[]] | readonly ['a', readonly Canon[]] | readonly ['s', string] | readonly ['n', number] | readonly ['l', boolean | null];

/** Canonical form of a JSON.parse result (iterative). */
export function canonOf(value: unknown): Canon {
  type Frame = { out: Canon[] | [string, Canon][]; items: [string | undefined, unknown][]; pos: number; isObj: boolean };
  const conv = (v: unknown): Canon | Frame => {
    if (v === null || typeof v === 'boolean') return ['l', v];
    if (typeof v === 'number') return ['n', v];
    if (typeof v === 'string') return ['s', v];
    if (Array.isArray(v)) return { out: [], items: v.map((x) => [undefined, x] as [undefined, unknown]), pos: 0, isObj: false };
    const obj = v as Record<string, unknown>;
    return { out: [], items: Object.keys(obj).map((k) => [k, obj[k]] as [string, unknown]), pos: 0, isObj: true };
  };
  const first = conv(value);
  if (Array.isArray(first)) return first as Canon;
  const stack: Frame[] = [first as Frame];
  let result: Canon | undefined;
  while (stack.length) {
    const f = stack[stack.length - 1]!;
    if (f.pos >= f.items.length) {
      stack.pop();
      const done: Canon = f.isObj ? ['o', f.out as [string, Canon][]] : ['a', f.out as Canon[]];
      const parent = stack[stack.length - 1];
      if (!parent) result = done;
      else {
        const [k] = parent.items[parent.pos - 1]!;
        if (parent.isObj) (parent.out as [string, Canon][]).push([k!, done]);
        else (parent.out as Canon[]).push(done);
      }
      continue;
    }
    const [k, v] = f.items[f.pos++]!;
    const c = conv(v);
    if (Array.isArray(c)) {
      if (f.isObj) (f.out as [string, Canon][]).push([k!, c as Canon]);
      else (f.out as Canon[]).push(c as Canon);
    } else stack.push(c as Frame);
  }
  return result!;
}

export interface JsonRun {
  result: ViewResult;
  events: string[];
  value: Canon | undefined;
  errors: ViewError[];
}

/** Run the tokenizer over chunks, recording events and rebuilding the value. */
export function runJson(chunks: readonly Uint8Array[], options?: JsonOptions): JsonRun {
  const events: string[] = [];
  const errors: ViewError[] = [];
  type Open = { isObj: boolean; items: Canon[]; entries: [string, Canon][]; key?: string };
  const stack: Open[] = [];
  let root: Canon | undefined;
  let pendingKey: string | undefined;
  const put = (v: Canon): void => {
    const top = stack[stack.length - 1];
    if (!top) root = v;
    else if (top.isObj) top.entries.push([pendingKey!, v]);
    else top.items.push(v);
  };
  const h: JsonHandlers = {
    onOpen(p, kind) {
      events.push(`open ${p.toString()} ${kind}`);
      const o: Open = { isObj: kind === 'object', items: [], entries: [] };
      if (pendingKey !== undefined) o.key = pendingKey;
      stack.push(o);
    },
    onClose(p, kind) {
      events.push(`close ${p.toString()} ${kind}`);
      const o = stack.pop()!;
      pendingKey = o.key;
      put(o.isObj ? ['o', o.entries] : ['a', o.items]);
    },
    onKey(p, key, raw) {
      events.push(`key ${p.toString()} ${JSON.stringify(key)} ${raw.start}-${raw.end}${raw.hadEscapes ? ' esc' : ''}`);
      pendingKey = key;
    },
    onString(p, value, raw) {
      events.push(`str ${p.toString()} ${hex(value)} ${raw.start}-${raw.end}${raw.hadEscapes ? ' esc' : ''}`);
      put(['s', Buffer.from(value).toString('utf8')]);
    },
    onNumber(p, text, start) {
      events.push(`num ${p.toString()} ${text} @${start}`);
      put(['n', Number(text)]);
    },
    onLiteral(p, value, start) {
      events.push(`lit ${p.toString()} ${String(value)} @${start}`);
      put(['l', value]);
    },
    onError(e) {
      events.push(`error ${e.code} @${e.offset}`);
      errors.push(e);
    },
    onEnd() {
      events.push('end');
    },
  };
  const t = new JsonTokenizer(h, options);
  for (const c of chunks) t.write(c);
  const result = t.end();
  return { result, events, value: result.ok ? root : undefined, errors };
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/** Property-test run count; VIEWS_FUZZ_SCALE=<n> multiplies it (nightly fuzzing). */
export function runs(n: number): number {
  const scale = Number(process.env['VIEWS_FUZZ_SCALE'] ?? '1');
  return Number.isFinite(scale) && scale > 0 ? Math.ceil(n * scale) : n;
}
