/**
 * Builds the value of a JSON body for schema validation from the engine's
 * strict streaming tokenizer, with the same limits the engine's JSON view
 * uses (so a body the engine accepts parses here and one it refuses does not).
 * Event-driven with an explicit stack: no recursion over the body. Objects
 * have no prototype, so keys like `__proto__` are ordinary data.
 */
import { JsonTokenizer, type JsonLimits } from '../../engine/views/json.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

type Container = JsonValue[] | Record<string, JsonValue>;

export type ParsedJson = { ok: true; value: JsonValue } | { ok: false; message: string };

/** The tokenizer limits the engine's JSON view derives from a policy's limits (see src/engine/inspect/view-json.ts). */
export function engineJsonLimits(l: { maxJsonDepth: number; maxJsonKeys: number; maxBodyBytes: number }): Partial<JsonLimits> {
  return {
    maxDepth: l.maxJsonDepth,
    maxKeys: l.maxJsonKeys,
    maxValues: Math.max(l.maxJsonKeys * 4, 1000),
    maxStringBytes: Math.max(l.maxBodyBytes, 1),
    maxKeyBytes: 4096,
  };
}

export function parseJsonValue(bytes: Uint8Array, limits: Partial<JsonLimits>): ParsedJson {
  const stack: Container[] = [];
  let pendingKey: string | null = null;
  let root: JsonValue | undefined;
  let failed: string | undefined;

  const put = (v: JsonValue): void => {
    const top = stack[stack.length - 1];
    if (top === undefined) root = v;
    else if (Array.isArray(top)) top.push(v);
    else {
      top[pendingKey ?? ''] = v;
      pendingKey = null;
    }
  };

  const tokenizer = new JsonTokenizer(
    {
      onOpen(_p, kind) {
        const c: Container = kind === 'array' ? [] : (Object.create(null) as Record<string, JsonValue>);
        put(c);
        stack.push(c);
      },
      onClose() {
        stack.pop();
      },
      onKey(_p, key) {
        pendingKey = key;
      },
      onString(_p, value) {
        put(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'));
      },
      onNumber(_p, text) {
        put(Number(text));
      },
      onLiteral(_p, value) {
        put(value);
      },
      onError(e) {
        failed = e.message;
      },
    },
    limits,
  );
  tokenizer.write(bytes);
  const r = tokenizer.end();
  if (!r.ok || failed !== undefined || root === undefined) return { ok: false, message: failed ?? (r.ok ? 'empty document' : r.error.message) };
  return { ok: true, value: root };
}
