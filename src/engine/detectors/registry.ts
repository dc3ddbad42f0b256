/**
 * Every structural detector the engine runs. Their trigger literals are
 * compiled into the engine's single automaton (compiled.ts). Container readers
 * take their limits from the config.
 */
import type { LimitsConfig } from '../../config/schema.js';
import type { StructuralDetector } from './detector.js';
import { pickleDetector } from './pickle/detector.js';
import { javaStreamDetector, javaTextDetector } from './java/detector.js';
import { DOTNET_DETECTORS } from './dotnet/detector.js';
import { xxeDetector } from './xml/xxe-detector.js';
import { xmlEncodingDetector } from './xml/encoding-detector.js';
import { phpDetector } from './php/detector.js';
import { rubyDetector } from './ruby/detector.js';
import { nodeDetector } from './node/detector.js';
import { yamlDetector } from './yaml/detector.js';
import { jsonPolyDetector } from './jsonpoly/detector.js';
import { createContainerDetectors, containerOptionsFromLimits } from '../containers/index.js';

export function detectorsFor(limits: LimitsConfig): StructuralDetector[] {
  return [
    pickleDetector,
    javaStreamDetector,
    javaTextDetector,
    ...DOTNET_DETECTORS,
    xxeDetector,
    { ...xmlEncodingDetector, extracts: true },
    phpDetector,
    rubyDetector,
    nodeDetector,
    yamlDetector,
    jsonPolyDetector,
    ...createContainerDetectors(containerOptionsFromLimits(limits)).map((d) => ({ ...d, extracts: true })),
  ];
}
