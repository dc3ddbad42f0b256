/** fast-check properties: parsers, scanners and detectors never throw and stay within their bounds on random and mutated input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOTNET_DETECTORS } from '../../../src/engine/detectors/dotnet/detector.js';
import { NRBF_HEADER } from '../../../src/engine/detectors/dotnet/nrbf-format.js';
import { parseNrbf } from '../../../src/engine/detectors/dotnet/nrbf.js';
import { scanDotnetText } from '../../../src/engine/detectors/dotnet/text.js';
import { dotnetGadgetType } from '../../../src/engine/detectors/dotnet/types.js';
import { splitTypeName } from '../../../src/engine/detectors/dotnet/typename.js';
import { parseViewState } from '../../../src/engine/detectors/dotnet/viewstate.js';
import { FIXTURES, recordingContext, runDetector } from './helpers.js';
import { JSON_ATTACKS, XAML_ATTACKS, XML_ATTACKS } from './text-payloads.js';

const binaries = Object.values(FIXTURES).map((f) => Buffer.from(f.b64, 'base64'));
const texts = [...Object.values(JSON_ATTACKS), ...Object.values(XML_ATTACKS), ...Object.values(XAML_ATTACKS)].map((t) => Buffer.from(t));

/** A fixture with random edits: byte overwrites, deletions, insertions, truncation. */
function mutated(seeds: readonly Buffer[]): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      seed: fc.constantFrom(...seeds),
      edits: fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom('set', 'del', 'ins'), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
      cut: fc.option(fc.nat()),
    })
    .map(({ seed, edits, cut }) => {
      const bytes = [...seed];
      for (const e of edits) {
        const at = bytes.length === 0 ? 0 : e.at % bytes.length;
        if (e.kind === 'set') bytes[at] = e.value;
        else if (e.kind === 'del') bytes.splice(at, 1);
        else bytes.splice(at, 0, e.value);
      }
      const out = Uint8Array.from(bytes);
      return cut === null ? out : out.subarray(0, cut % (out.length + 1));
    });
}

const randomNrbf = fc.uint8Array({ maxLength: 512 }).map((tail) => Uint8Array.from([...NRBF_HEADER, ...tail]));
const randomViewState = fc.uint8Array({ maxLength: 512 }).map((tail) => Uint8Array.from([0xff, 0x01, ...tail]));
const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 1024 }), randomNrbf, randomViewState, mutated(binaries), mutated(texts));

describe('property: parsers never throw and stay in bounds', () => {
  it('parseNrbf', () => {
    fc.assert(
      fc.property(fc.oneof(randomNrbf, mutated(binaries), fc.uint8Array({ maxLength: 256 })), fc.nat(40), (bytes, start) => {
        const s = Math.min(start, bytes.length);
        const r = parseNrbf(bytes, s, { maxNames: 16, maxNameBytes: 64 });
        expect(r.end).toBeGreaterThanOrEqual(s);
        expect(r.end).toBeLessThanOrEqual(bytes.length);
        expect(r.typeNames.length).toBeLessThanOrEqual(16);
        for (const n of r.typeNames) expect(n.name.length).toBeLessThanOrEqual(64);
        for (const sp of [...r.strings, ...r.byteArrays]) expect(sp.offset + sp.length).toBeLessThanOrEqual(bytes.length);
        if (r.complete) expect(r.stop).toBe('message-end');
      }),
      { numRuns: 3000 },
    );
  });

  it('parseViewState', () => {
    fc.assert(
      fc.property(fc.oneof(randomViewState, mutated(binaries)), (bytes) => {
        const r = parseViewState(bytes, 0, { maxTypeNames: 8 });
        expect(r.end).toBeLessThanOrEqual(bytes.length);
        expect(r.typeNames.length).toBeLessThanOrEqual(8);
        for (const b of r.blobs) expect(b.offset + b.bytes.length).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 3000 },
    );
  });

  it('splitTypeName and dotnetGadgetType', () => {
    const nameChars = fc.constantFrom('[', ']', ',', ' ', '`', '1', '+', '.', '*', '&', ':', '#', 'A', 'b', 'System', 'Process', 'ObjectDataProvider');
    const names = fc.oneof(fc.string({ maxLength: 200 }), fc.array(nameChars, { maxLength: 120 }).map((a) => a.join('')));
    fc.assert(
      fc.property(names, (name) => {
        const parts = splitTypeName(name);
        expect(parts.types.length + parts.assemblies.length).toBeLessThanOrEqual(64);
        const v = dotnetGadgetType(name);
        if (v) expect(v.rule).toBe('DW-DOTNET-004');
      }),
      { numRuns: 5000 },
    );
  });

  it('scanDotnetText', () => {
    fc.assert(
      fc.property(fc.oneof(mutated(texts), fc.string({ maxLength: 400 }).map((s) => Buffer.from(s))), (bytes) => {
        const found = scanDotnetText(bytes);
        expect(found.length).toBeLessThanOrEqual(16);
        for (const f of found) {
          expect(f.offset).toBeGreaterThanOrEqual(0);
          expect(f.offset).toBeLessThanOrEqual(bytes.length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('every detector on any layer', () => {
    fc.assert(
      fc.property(anyBytes, (bytes) => {
        for (const det of DOTNET_DETECTORS) {
          const ctx = runDetector(det, bytes, recordingContext());
          for (const f of ctx.findings) {
            expect(f.rule).toMatch(/^DW-DOTNET-00[1-6]$/);
            expect(f.offset).toBeGreaterThanOrEqual(0);
            expect(f.offset).toBeLessThanOrEqual(bytes.length);
          }
          expect(ctx.nestedLayers.length).toBeLessThanOrEqual(16);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('a header followed by non-record garbage is never a BinaryFormatter finding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (tail) => {
        // keep it away from valid record streams: no byte < 0x17 as the first record type
        const garbage = Uint8Array.from([0x30 + (tail[0]! % 0x40), ...tail]);
        const ctx = runDetector(DOTNET_DETECTORS[0]!, Uint8Array.from([...NRBF_HEADER, ...garbage]));
        expect(ctx.findings).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});
