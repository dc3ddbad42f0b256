/** ObjectStateFormatter walker: plain page state, BinarySerialized blobs, type names, truncation, limits. */
import { describe, expect, it } from 'vitest';
import { parseViewState } from '../../../src/engine/detectors/dotnet/viewstate.js';
import { fixture } from './helpers.js';

describe('parseViewState', () => {
  it('walks a plain page state (every token kind) and leaves the MAC alone', () => {
    const buf = fixture('viewstate_benign');
    const r = parseViewState(buf, 0);
    expect(r.complete, r.detail).toBe(true);
    expect(r.end).toBe(buf.length - 20);
    expect(r.blobs).toHaveLength(0);
    expect(r.typeNames.map((t) => t.name)).toEqual(['System.Web.UI.WebControls.Unit, System.Web', 'System.String']);
  });

  it('reports a Token_BinarySerialized blob with its NRBF bytes', () => {
    const buf = fixture('viewstate_binaryserialized');
    const r = parseViewState(buf, 0);
    expect(r.complete).toBe(true);
    expect(r.blobs).toHaveLength(1);
    const blob = r.blobs[0]!;
    expect(blob.tokenOffset).toBe(2);
    expect(blob.bytes.length).toBe(blob.length);
    expect(Buffer.from(blob.bytes.subarray(0, 17)).toString('hex')).toBe('0001000000ffffffff0100000000000000');
    expect(Buffer.from(buf.subarray(0, 4)).toString('base64').startsWith('/wEy')).toBe(true);
  });

  it('finds a blob nested inside Pair/Triplet', () => {
    const r = parseViewState(fixture('viewstate_nested_blob'), 0);
    expect(r.complete).toBe(true);
    expect(r.blobs).toHaveLength(1);
  });

  it('records Token_Type / StringFormatted type names', () => {
    const r = parseViewState(fixture('viewstate_gadget_type'), 0);
    expect(r.complete).toBe(true);
    expect(r.typeNames[0]?.name.startsWith('System.Windows.Data.ObjectDataProvider')).toBe(true);
  });

  it('keeps a truncated blob (ASP.NET deserializes what is there)', () => {
    const buf = fixture('viewstate_binaryserialized');
    const r = parseViewState(buf.subarray(0, 600), 0);
    expect(r.complete).toBe(false);
    expect(r.stop).toBe('truncated');
    expect(r.blobs[0]?.bytes.length).toBe(600 - 5);
  });

  it('rejects data without the FF 01 marker and unknown tokens', () => {
    expect(parseViewState(Buffer.from('hello'), 0).stop).toBe('not-viewstate');
    const r = parseViewState(Buffer.from([0xff, 0x01, 0xb3, 0xf9]), 0);
    expect(r.stop).toBe('bad-token');
    expect(r.stopOffset).toBe(2);
  });

  it('never throws on truncations', () => {
    for (const name of ['viewstate_benign', 'viewstate_binaryserialized', 'viewstate_gadget_type']) {
      const buf = fixture(name);
      for (let len = 0; len < Math.min(buf.length, 400); len++) {
        const r = parseViewState(buf.subarray(0, len), 0);
        expect(r.end).toBeLessThanOrEqual(len);
      }
    }
  });

  it('honours depth and token limits', () => {
    const deep = Buffer.concat([Buffer.from([0xff, 0x01]), Buffer.alloc(1000, 0x0f)]);
    expect(parseViewState(deep, 0, { maxDepth: 50 }).stop).toBe('limit-depth');
    const wide = Buffer.concat([Buffer.from([0xff, 0x01, 0x16, 0xe8, 0x07]), Buffer.alloc(1000, 0x64)]);
    expect(parseViewState(wide, 0).complete).toBe(true);
    expect(parseViewState(wide, 0, { maxTokens: 100 }).stop).toBe('limit-tokens');
  });
});
