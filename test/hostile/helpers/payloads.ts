/**
 * Attack payloads ("SIG" in the robustness matrix) taken from the rule
 * samples in signatures/*.yaml (real serializer output), plus the benign and
 * attack seed corpus the fuzzers mutate, and small body builders.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSignatures, type Rule } from '../../../src/engine/signatures.js';

let rules: Rule[] | null = null;
function allRules(): Rule[] {
  rules ??= loadSignatures();
  return rules;
}

/** The `index`-th match sample of rule `id`, as bytes. */
export function sample(id: string, index = 0): Buffer {
  const r = allRules().find((x) => x.id === id);
  const s = r?.samples.match[index];
  if (!s) throw new Error(`no sample ${id}[${index}]`);
  return Buffer.from(s.bytes);
}

/** Java serialization stream naming a gadget (URLDNS): AC ED 00 05 73 72 ... */
export const JAVA = (): Buffer => sample('DW-JAVA-002', 0);
/** Pickle protocol 4 calling posix.system: 80 04 95 ... */
export const PICKLE = (): Buffer => sample('DW-PICKLE-001', 3);
/** .NET BinaryFormatter stream: 00 01 00 00 00 FF FF FF FF ... */
export const BINFMT = (): Buffer => sample('DW-DOTNET-002', 1);
/** Unsafe YAML tag. */
export const YAML_SIG = '!!python/object/apply:os.system ["id"]';
/** Java stream base64 (rO0AB...). */
export const JAVA_B64 = (): string => JAVA().toString('base64');
/** A textual SIG that fits anywhere a string fits (JSON value, form field, part). */
export const TEXT_SIG = JAVA_B64;

/** The rule a SIG must be blocked with (any of these). */
export const JAVA_RULES = ['DW-JAVA-001', 'DW-JAVA-002'];

export interface Seed {
  readonly name: string;
  readonly bytes: Buffer;
  readonly contentType?: string;
  readonly attack: boolean;
}

/** Every match and nomatch sample of every rule, plus the views' real-client bodies. */
export function seedCorpus(): Seed[] {
  const out: Seed[] = [];
  for (const r of allRules()) {
    r.samples.match.forEach((s, i) => {
      if (s.location === 'body') out.push({ name: `${r.id}/match${i}`, bytes: Buffer.from(s.bytes), ...(s.contentType ? { contentType: s.contentType } : {}), attack: r.kind === 'attack' });
    });
    r.samples.nomatch.forEach((s, i) => {
      if (s.location === 'body') out.push({ name: `${r.id}/nomatch${i}`, bytes: Buffer.from(s.bytes), ...(s.contentType ? { contentType: s.contentType } : {}), attack: false });
    });
  }
  const fixtures = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/views/bodies.json', import.meta.url)), 'utf8')) as { id: string; contentType?: string; b64: string }[];
  for (const f of fixtures) out.push({ name: `views/${f.id}`, bytes: Buffer.from(f.b64, 'base64'), ...(f.contentType ? { contentType: f.contentType } : {}), attack: false });
  return out;
}

/** A multipart body from parts given as raw header lines and bodies (CRLF framing). */
export function multipart(boundary: string, parts: { headers: string[]; body: Buffer | string }[], close = true): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    out.push(Buffer.from(`--${boundary}\r\n${p.headers.map((h) => h + '\r\n').join('')}\r\n`, 'latin1'));
    out.push(typeof p.body === 'string' ? Buffer.from(p.body, 'latin1') : p.body);
    out.push(Buffer.from('\r\n'));
  }
  if (close) out.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(out);
}
