/**
 * HMAC signing keys: read once per config from an environment variable or a
 * file (path relative to the config file), checked for presence and length.
 * `deserwall sign` reads its key file with the same function, so the proxy
 * and the command agree on the key bytes (one trailing newline is dropped).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** Shortest secret accepted: HMAC-SHA256 keys shorter than this are guessable. */
export const MIN_KEY_BYTES = 16;
/** Longest secret read from a file or variable (a key file is small). */
export const MAX_KEY_BYTES = 4096;

export interface KeySpec {
  readonly id: string;
  readonly env?: string;
  readonly file?: string;
}

export type KeyResult = { ok: true; key: Buffer } | { ok: false; key: 'env' | 'file' | ''; message: string };

/** The secret bytes of a key file: the file's bytes without one trailing `\n` or `\r\n`. */
export function readKeyFile(path: string): Buffer {
  let b = readFileSync(path);
  if (b.length > 0 && b[b.length - 1] === 0x0a) b = b.subarray(0, b[b.length - 2] === 0x0d ? b.length - 2 : b.length - 1);
  return b;
}

/** Load one key; `baseDir` resolves relative file paths, `env` is the environment to read. */
export function loadKey(spec: KeySpec, baseDir: string, env: NodeJS.ProcessEnv = process.env): KeyResult {
  if ((spec.env === undefined) === (spec.file === undefined)) return { ok: false, key: '', message: `key "${spec.id}" needs exactly one of "env" or "file"` };
  let key: Buffer;
  if (spec.env !== undefined) {
    const v = env[spec.env];
    if (v === undefined || v === '') return { ok: false, key: 'env', message: `environment variable ${spec.env} (key "${spec.id}") is not set` };
    key = Buffer.from(v, 'utf8');
  } else {
    const path = isAbsolute(spec.file!) ? spec.file! : resolve(baseDir, spec.file!);
    try {
      key = readKeyFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      return { ok: false, key: 'file', message: `cannot read key file ${path} (key "${spec.id}"): ${code}` };
    }
  }
  const where = spec.env !== undefined ? 'env' : 'file';
  if (key.length < MIN_KEY_BYTES) return { ok: false, key: where, message: `key "${spec.id}" is ${key.length} bytes; HMAC keys need at least ${MIN_KEY_BYTES}` };
  if (key.length > MAX_KEY_BYTES) return { ok: false, key: where, message: `key "${spec.id}" is longer than ${MAX_KEY_BYTES} bytes` };
  return { ok: true, key };
}
