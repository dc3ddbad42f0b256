/**
 * Shared helpers for the Java detector tests: the JDK-generated fixture
 * streams, a recording DetectorContext, and small stream builders/rewriters.
 */
import { readFileSync } from 'node:fs';
import type { DetectorContext, FamilyAction, ReportedFinding, StructuralDetector, TriggerHit } from '../../../src/engine/detectors/detector.js';
import type { AttackFamily } from '../../../src/engine/types.js';
import { parseJavaStream } from '../../../src/engine/detectors/java/stream.js';
import { JavaRole } from '../../../src/engine/detectors/java/report.js';

export interface FixtureFile {
  readonly rpcFilter: string;
  readonly jdkFilter: string;
  readonly streams: Record<string, { readonly note: string; readonly jdkRpcFilter: 'accepted' | 'rejected' | 'error'; readonly b64: string }>;
}

export const fixtures: FixtureFile = JSON.parse(readFileSync(new URL('../../fixtures/java/streams.json', import.meta.url), 'utf8')) as FixtureFile;

export function stream(name: string): Buffer {
  const s = fixtures.streams[name];
  if (s === undefined) throw new Error(`no fixture stream ${name}`);
  return Buffer.from(s.b64, 'base64');
}

export const RPC_FILTER = fixtures.rpcFilter;

export interface Recorded {
  readonly findings: ReportedFinding[];
  readonly nested: { bytes: Uint8Array; label: string }[];
  readonly ctx: DetectorContext;
}

export function recorder(action: FamilyAction, settings?: unknown): Recorded {
  const findings: ReportedFinding[] = [];
  const nested: { bytes: Uint8Array; label: string }[] = [];
  const ctx: DetectorContext = {
    report: (f) => findings.push(f),
    nested: (bytes, label) => nested.push({ bytes, label }),
    action: (family: AttackFamily) => (family === 'java' ? action : 'block'),
    settings: <T>(family: AttackFamily) => (family === 'java' ? (settings as T) : undefined),
    exhausted: () => false,
  };
  return { findings, nested, ctx };
}

/** Run a detector the way the engine does: find its trigger hits, then inspect. */
export function runDetector(det: StructuralDetector, bytes: Uint8Array, action: FamilyAction, settings?: unknown): ReportedFinding[] {
  const rec = recorder(action, settings);
  const hits = triggerHits(det, bytes);
  if (hits.length > 0 || det.triggers.length === 0) {
    det.inspect(bytes, hits, { location: 'body', depth: 0, isValue: false }, rec.ctx);
  }
  return rec.findings;
}

export function triggerHits(det: StructuralDetector, bytes: Uint8Array): TriggerHit[] {
  const hay = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const lowered = det.caseInsensitive ? Buffer.from(hay.toString('latin1').toLowerCase(), 'latin1') : hay;
  const hits: TriggerHit[] = [];
  det.triggers.forEach((t, i) => {
    let needle = typeof t === 'string' ? Buffer.from(t, 'latin1') : Buffer.from(t);
    if (det.caseInsensitive) needle = Buffer.from(needle.toString('latin1').toLowerCase(), 'latin1');
    for (let at = lowered.indexOf(needle); at >= 0; at = lowered.indexOf(needle, at + 1)) hits.push({ trigger: i, offset: at });
  });
  return hits.sort((a, b) => a.offset - b.offset || a.trigger - b.trigger);
}

export function rules(findings: readonly ReportedFinding[]): string[] {
  return [...new Set(findings.map((f) => f.rule))].sort();
}

/** Encode ASCII text as overlong modified UTF-8 (2- or 3-byte forms), like JYso's UTF8BytesMix. */
export function overlong(name: string, width: 2 | 3): Buffer {
  const out: number[] = [];
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (width === 2) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0, 0x80 | (c >> 6), 0x80 | (c & 0x3f));
  }
  return Buffer.from(out);
}

/**
 * Rewrite every class descriptor and proxy interface name of a stream into
 * overlong form (first occurrences as found by the parser; u16 lengths fixed).
 */
export function rewriteOverlong(buf: Buffer, width: 2 | 3): Buffer {
  const report = parseJavaStream(buf, 0);
  const targets = report.classes
    .filter((c) => (c.roles & (JavaRole.CLASSDESC | JavaRole.PROXY_INTERFACE)) !== 0)
    .filter((c) => buf.readUInt16BE(c.offset - 2) === c.name.length && buf.toString('latin1', c.offset, c.offset + c.name.length) === c.name)
    .sort((a, b) => a.offset - b.offset);
  const parts: Buffer[] = [];
  let pos = 0;
  for (const t of targets) {
    parts.push(buf.subarray(pos, t.offset - 2));
    const enc = overlong(t.name, width);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(enc.length);
    parts.push(len, enc);
    pos = t.offset + t.name.length;
  }
  parts.push(buf.subarray(pos));
  return Buffer.concat(parts);
}

/** A tiny stream builder for hand-made edge cases. */
export class StreamBuilder {
  private readonly bytes: number[] = [0xac, 0xed, 0x00, 0x05];
  u8(...v: number[]): this {
    this.bytes.push(...v);
    return this;
  }
  u16(v: number): this {
    return this.u8((v >> 8) & 0xff, v & 0xff);
  }
  i32(v: number): this {
    return this.u8((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }
  utf(s: string): this {
    const b = Buffer.from(s, 'latin1');
    this.u16(b.length);
    return this.u8(...b);
  }
  /** TC_CLASSDESC name suid flags fields(prims/objects) TC_ENDBLOCKDATA super=TC_NULL. */
  classDesc(name: string, flags: number, fields: readonly [code: string, name: string, type?: string][] = [], superNull = true): this {
    this.u8(0x72).utf(name).u8(0, 0, 0, 0, 0, 0, 0, 1, flags).u16(fields.length);
    for (const [code, fname, type] of fields) {
      this.u8(code.charCodeAt(0)).utf(fname);
      if (type !== undefined) this.u8(0x74).utf(type);
    }
    this.u8(0x78);
    if (superNull) this.u8(0x70);
    return this;
  }
  build(): Buffer {
    return Buffer.from(this.bytes);
  }
}
