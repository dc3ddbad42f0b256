/**
 * The container detectors. `containers` is triggered by strong magics
 * anywhere in a layer (zip local header and end record, gzip, bzip2, xz, 7z,
 * npy, tar's ustar, joblib's ZF, LZ4 frames); `containers-start` runs on
 * every layer but only looks at its first bytes (zlib and LZMA-alone, whose
 * magics are too common to trigger on, opaque formats such as zstd, and raw
 * deflate in layers decoded from base64/hex: see raw-deflate.ts).
 * Members and decompressed streams go back to the engine as nested layers;
 * anomalies, limits and opaque model containers become findings (see
 * findings.ts).
 */
import type { DetectorContext, LayerInfo, StructuralDetector, TriggerHit } from '../detectors/detector.js';
import { isBzip2Header } from './bzip2.js';
import { opaque } from './findings.js';
import { handleNpy, handleSevenZip, handleStream, handleTar, handleZip, type ContainerLimits, type Env, type Range } from './handlers.js';
import { declaresWeakStream, isModelLayer } from './model.js';
import { opaqueAtStart, skipEmbedded, strongAt, tarAtStart, weakAtStart } from './sniff.js';
import { resolveOptions, type ContainerDetectorOptions } from './options.js';
import { USTAR_MAGIC_OFFSET } from './tar.js';
import { tryRawDeflate } from './raw-deflate.js';

const T_ZIP_LOCAL = 0;
const T_ZIP_END = 1;
const T_BZIP2_BLOCK = 3;
const T_USTAR = 7;
const T_ZF = 8;

/** Trigger literals of the `containers` detector (index constants above). */
export const CONTAINER_TRIGGERS: readonly string[] = [
  'PK\x03\x04',
  'PK\x05\x06',
  '\x1f\x8b\x08',
  '1AY&SY',
  '\xfd7zXZ\x00',
  '\x93NUMPY',
  '7z\xbc\xaf\x27\x1c',
  'ustar',
  'ZF0x',
  '\x04\x22\x4d\x18',
];

function envFor(layer: LayerInfo, ctx: DetectorContext, limits: ContainerLimits): Env {
  return { ctx, layer, model: isModelLayer(layer, ctx), weakDeclared: declaresWeakStream(layer), limits };
}

function inside(ranges: readonly Range[], off: number): boolean {
  return ranges.some(([s, e]) => off >= s && off < e);
}

/** Handle a strong-magic container at `off` (mode 'start' at 0, best effort elsewhere). */
function handleStrong(bytes: Uint8Array, off: number, env: Env): Range | undefined {
  const kind = strongAt(bytes, off);
  const mode = off === 0 ? 'start' : 'embedded';
  switch (kind) {
    case 'gzip':
    case 'bzip2':
    case 'xz':
    case 'lz4':
      return handleStream(kind, bytes, off, mode, env);
    case '7z':
      return handleSevenZip(bytes, off, env);
    case 'npy':
      return handleNpy(bytes, off, env);
    default:
      return undefined;
  }
}

function inspectContainers(bytes: Uint8Array, hits: readonly TriggerHit[], layer: LayerInfo, ctx: DetectorContext, limits: ContainerLimits, maxEmbedded: number): void {
  const env = envFor(layer, ctx, limits);
  const covered: Range[] = [];
  // 1. Archives and streams that start the layer.
  if (tarAtStart(bytes) && hits.some((h) => h.trigger === T_USTAR && h.offset === USTAR_MAGIC_OFFSET)) {
    const r = handleTar(bytes, env);
    if (r) covered.push(r);
  }
  if (covered.length === 0 && hits.some((h) => h.trigger === T_ZF && h.offset === 0)) {
    const r = handleStream('joblib-zfile', bytes, 0, 'start', env);
    if (r) covered.push(r);
  }
  if (covered.length === 0 && strongAt(bytes, 0) !== undefined && strongAt(bytes, 0) !== 'zip') {
    const r = handleStrong(bytes, 0, env);
    if (r) covered.push(r);
  }
  // 2. A zip anywhere (polyglots put data before it): located from its end record.
  if (covered.length === 0) {
    const local = hits.find((h) => h.trigger === T_ZIP_LOCAL);
    const end = hits.some((h) => h.trigger === T_ZIP_END);
    if (local || end) {
      const r = handleZip(bytes, local ? local.offset : -1, env);
      if (r) covered.push(r);
    }
  }
  // 3. Strong-magic streams embedded elsewhere in the layer: best effort, bounded.
  if (skipEmbedded(bytes)) return;
  let attempts = 0;
  for (const h of hits) {
    if (attempts >= maxEmbedded || ctx.exhausted()) break;
    if (h.trigger === T_ZIP_LOCAL || h.trigger === T_ZIP_END || h.trigger === T_USTAR || h.trigger === T_ZF) continue;
    const off = h.trigger === T_BZIP2_BLOCK ? h.offset - 4 : h.offset;
    if (off <= 0 || inside(covered, off)) continue;
    if (h.trigger === T_BZIP2_BLOCK && !isBzip2Header(bytes, off)) continue;
    attempts++;
    const r = handleStrong(bytes, off, env);
    if (r) covered.push(r);
  }
}

function inspectStart(bytes: Uint8Array, layer: LayerInfo, ctx: DetectorContext, limits: ContainerLimits): void {
  if (bytes.length < 2 || strongAt(bytes, 0) !== undefined) return;
  const weak = weakAtStart(bytes);
  if (weak === 'zlib' || weak === 'lzma') {
    handleStream(weak, bytes, 0, 'weak', envFor(layer, ctx, limits));
    return;
  }
  const name = opaqueAtStart(bytes);
  if (name) {
    if (isModelLayer(layer, ctx)) opaque(ctx, 0, `${name}: opaque container in a model upload`);
    return;
  }
  tryRawDeflate(bytes, layer, ctx, limits);
}

/** Build the two container detectors with the given limits (defaults match the shipped config). */
export function createContainerDetectors(options: ContainerDetectorOptions = {}): readonly StructuralDetector[] {
  const { limits, maxEmbedded } = resolveOptions(options);
  const containers: StructuralDetector = {
    name: 'containers',
    family: 'pickle',
    triggers: CONTAINER_TRIGGERS,
    inspect: (bytes, hits, layer, ctx) => inspectContainers(bytes, hits, layer, ctx, limits, maxEmbedded),
  };
  const start: StructuralDetector = {
    name: 'containers-start',
    family: 'pickle',
    triggers: [],
    // joblib "ZF", zlib 0x78, LZMA-alone 0x5D, legacy lz4 0x02, zstd 0x28, rar "R"
    startBytes: [0x5a, 0x78, 0x5d, 0x02, 0x28, 0x52],
    // Raw deflate has no magic: layers decoded from base64/hex are tried whatever they start with.
    decodedAnyStart: true,
    inspect: (bytes, _hits, layer, ctx) => inspectStart(bytes, layer, ctx, limits),
  };
  return [containers, start];
}

export { containerOptionsFromLimits, type ContainerDetectorOptions } from './options.js';

/** The container detectors with default limits. */
export const containerDetectors: readonly StructuralDetector[] = createContainerDetectors();
