/**
 * Test helpers for the pickle detector: the generated fixtures (test/fixtures/pickle/fixtures.json,
 * see gen_fixtures.py), a tiny opcode assembler, a seeded PRNG, and find+judge shortcuts.
 */
import { readFileSync } from 'node:fs';
import { defaultPickleAllowlist } from '../../../src/engine/detectors/pickle/allowlist.js';
import { findPickles } from '../../../src/engine/detectors/pickle/find.js';
import { judgePickleRuns, type PickleFinding } from '../../../src/engine/detectors/pickle/policy.js';
import type { PickleRun } from '../../../src/engine/detectors/pickle/types.js';

const FIXTURES = JSON.parse(
  readFileSync(new URL('../../fixtures/pickle/fixtures.json', import.meta.url), 'utf8'),
) as Record<string, { b64: string; note: string }>;

export function fixture(name: string): Buffer {
  const f = FIXTURES[name];
  if (f === undefined) throw new Error(`no fixture ${name}`);
  return Buffer.from(f.b64, 'base64');
}

export function fixtureNames(): string[] {
  return Object.keys(FIXTURES);
}

/** Concatenate latin1 strings and byte arrays. */
export function bytes(...parts: (string | Uint8Array | number[])[]): Buffer {
  return Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p as Uint8Array))),
  );
}

/** SHORT_BINUNICODE. */
export function sbu(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return bytes([0x8c, b.length], b);
}

/** GLOBAL text form. */
export function glob(module: string, name: string): Buffer {
  return bytes(`c${module}\n${name}\n`);
}

/** PROTO 4 + FRAME around a body. */
export function framed4(body: Uint8Array): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(body.length));
  return bytes([0x80, 4, 0x95], len, body);
}

/** Deterministic xorshift32 bytes. */
export function prng(seed: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function runs(buf: Uint8Array): PickleRun[] {
  return findPickles(buf);
}

export function judge(buf: Uint8Array, mode: 'deny' | 'allowlist' = 'deny'): PickleFinding[] {
  return judgePickleRuns(findPickles(buf), mode, mode === 'allowlist' ? defaultPickleAllowlist() : undefined);
}

export function rules(buf: Uint8Array, mode: 'deny' | 'allowlist' = 'deny'): string[] {
  return [...new Set(judge(buf, mode).map((f) => f.rule))].sort();
}

/** `module.name` of every import in every run. */
export function importNames(buf: Uint8Array): string[] {
  return findPickles(buf).flatMap((r) => r.imports.map((i) => `${i.module}.${i.name}`));
}
