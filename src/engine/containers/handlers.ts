/**
 * What the container detectors do with one recognised container: run the
 * reader, report anomalies/limits/opaque formats as findings, and hand every
 * member or decompressed stream back to the engine as a nested layer.
 * Each handler returns the byte range of the layer it accounted for, so the
 * detector does not look for containers inside it again.
 */
import type { DetectorContext, LayerInfo } from '../detectors/detector.js';
import { decompress, type StreamKind } from './compression.js';
import { limitHit, malformed, memberLabel, nest, opaque, reportAnomalies } from './findings.js';
import type { GzipResult } from './gzip.js';
import type { DecompressLimits } from './limits.js';
import { innerFilename } from './model.js';
import { readNpy, type NpyLimits } from './npy.js';
import { readSevenZip, type SevenZipLimits } from './sevenzip.js';
import { readTar, type TarLimits } from './tar.js';
import { readZip } from './zip.js';
import type { ZipLimits } from './zip-limits.js';

export interface ContainerLimits {
  readonly zip: ZipLimits;
  readonly tar: TarLimits;
  readonly npy: NpyLimits;
  readonly stream: DecompressLimits;
  readonly sevenZip: SevenZipLimits;
}

/** Everything a handler needs to know about the layer being inspected. */
export interface Env {
  readonly ctx: DetectorContext;
  readonly layer: LayerInfo;
  /** Model upload (strict): see model.ts. */
  readonly model: boolean;
  /** The layer's name says it is a bare zlib/LZMA stream (joblib): weak-magic failures are findings. */
  readonly weakDeclared: boolean;
  readonly limits: ContainerLimits;
}

export type Range = readonly [number, number];

/** Read a zip whose first local header was seen at `start` (-1: only an end record was seen). */
export function handleZip(bytes: Uint8Array, start: number, env: Env): Range | undefined {
  const r = readZip(bytes, start, env.limits.zip, { strict: env.model });
  if (!r.isZip) return undefined;
  reportAnomalies(env.ctx, 'zip archive', r.anomalies);
  if (r.limit) limitHit(env.ctx, r.limit.offset, r.limit.limit, `zip archive: ${r.limit.reason}`);
  for (const e of r.entries) {
    if (env.ctx.exhausted()) break;
    if (e.data && e.data.length > 0) nest(env.ctx, e.data, memberLabel('zip', e.name), e.name);
  }
  return [r.start, Math.max(r.end, r.start + 1)];
}

/** Read a tar archive at the start of the layer. */
export function handleTar(bytes: Uint8Array, env: Env): Range | undefined {
  const r = readTar(bytes, 0, env.limits.tar);
  if (!r.isTar) return undefined;
  reportAnomalies(env.ctx, 'tar archive', r.anomalies);
  if (r.limit) limitHit(env.ctx, r.limit.offset, r.limit.limit, `tar archive: ${r.limit.reason}`);
  for (const e of r.entries) {
    if (env.ctx.exhausted()) break;
    if (e.data && e.data.length > 0) nest(env.ctx, e.data, memberLabel('tar', e.name), e.name);
  }
  return [0, Math.max(r.end, 512)];
}

/** Read an .npy file at `off`; an object array's payload becomes an `npy-object` layer (a pickle). */
export function handleNpy(bytes: Uint8Array, off: number, env: Env): Range | undefined {
  const body = off === 0 ? bytes : bytes.subarray(off);
  const r = readNpy(body, 0, env.limits.npy);
  if (!r.isNpy) return undefined;
  if (off > 0 && r.anomalies.length > 0) return undefined; // a chance magic inside other data
  reportAnomalies(env.ctx, 'npy array', r.anomalies.map((reason) => ({ reason, offset: off })));
  if (r.limit) limitHit(env.ctx, off, r.limit, 'npy array: header is larger than the limit');
  if (r.hasObjects && r.dataOffset !== undefined && r.dataOffset < body.length) {
    nest(env.ctx, body.subarray(r.dataOffset), 'npy-object', env.layer.filename);
  }
  return [off, bytes.length];
}

/** Read a 7z archive at `off`. */
export function handleSevenZip(bytes: Uint8Array, off: number, env: Env): Range | undefined {
  const r = readSevenZip(bytes, off, { ...env.limits.sevenZip, interrupt: () => env.ctx.exhausted() });
  if (!r.isSevenZip) return undefined;
  if (off > 0 && (r.anomalies.length > 0 || r.opaque)) return undefined;
  reportAnomalies(env.ctx, '7z archive', r.anomalies.map((reason) => ({ reason, offset: off })));
  if (r.limit) limitHit(env.ctx, off, r.limit, '7z archive: limit reached');
  if (r.opaque && env.model) opaque(env.ctx, off, `${r.opaque}: opaque container in a model upload`);
  for (const e of r.entries) {
    if (env.ctx.exhausted()) break;
    if (e.data.length > 0) nest(env.ctx, e.data, memberLabel('7z', e.name), e.name);
  }
  return [off, bytes.length];
}

/**
 * How strictly a compressed stream is judged:
 * - 'start': strong magic at the layer start; any problem is a finding.
 * - 'weak': weak magic (zlib, LZMA-alone) at the start; problems are findings
 *   only when the layer's name says it is such a stream (a chance header is common).
 * - 'embedded': strong magic inside other data; best effort, never a finding.
 */
export type StreamMode = 'start' | 'weak' | 'embedded';

/** Decompress the stream at `off` and nest its output. Returns the range when it decoded. */
export function handleStream(kind: StreamKind, bytes: Uint8Array, off: number, mode: StreamMode, env: Env): Range | undefined {
  const input = off === 0 ? bytes : bytes.subarray(off);
  const r = decompress(kind, input, { ...env.limits.stream, interrupt: () => env.ctx.exhausted() });
  const judged = mode === 'start' || (mode === 'weak' && env.weakDeclared);
  const label = off === 0 ? kind : `${kind}@${off}`;
  const name = innerFilename(env.layer, (r as Partial<GzipResult>).name);
  if (r.error) {
    if (r.error.kind === 'limit') limitHit(env.ctx, off + r.error.offset, r.error.limit ?? 'containers.maxOutputBytes', `${kind} stream: ${r.error.reason}`);
    else if (r.error.kind === 'unsupported') {
      if (env.model && mode !== 'embedded') opaque(env.ctx, off + r.error.offset, `${kind} stream: ${r.error.reason} (opaque in a model upload)`);
    } else if (judged) malformed(env.ctx, off + r.error.offset, `${kind} stream: ${r.error.reason}`);
    // A loader streaming the data would already have consumed what decoded before the error.
    if (mode !== 'embedded' && r.output.length > 0) nest(env.ctx, r.output, label, name);
    return mode === 'embedded' ? undefined : [off, bytes.length];
  }
  if (mode !== 'embedded' && (judged || env.model)) {
    reportAnomalies(env.ctx, `${kind} stream`, (r.warnings ?? []).map((w) => ({ reason: w.reason, offset: off + w.offset })));
  }
  if (r.output.length > 0) nest(env.ctx, r.output, label, name);
  return [off, mode === 'embedded' ? off + r.consumed : bytes.length];
}
