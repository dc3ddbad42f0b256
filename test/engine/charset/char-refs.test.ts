/** Character-reference decoding: numeric and predefined references, leniency switches, invalid references, linear time. */
import { describe, expect, it } from 'vitest';
import { decodeCharRefs, decodeCharRefsDetailed } from '../../../src/engine/charset/char-refs.js';

const dec = (s: string, o?: Parameters<typeof decodeCharRefs>[1]): string | null => {
  const r = decodeCharRefs(Buffer.from(s, 'utf8'), o);
  return r === null ? null : Buffer.from(r).toString('utf8');
};

describe('decodeCharRefs', () => {
  it('returns null when there is nothing to decode', () => {
    expect(dec('plain text & more; &unknown; &#; &#x; &#xZZ;')).toBeNull();
    expect(dec('')).toBeNull();
  });
  it('decimal, hexadecimal and the five predefined entities', () => {
    expect(dec('&#60;!DOCTYPE&#x20;a&#X5B;&lt;&gt;&amp;&quot;&apos;')).toBe('<!DOCTYPE a[<>&"\'');
  });
  it('multi-byte and astral code points, leading zeros', () => {
    expect(dec('&#233;&#x20AC;&#x1F600;&#0000060;')).toBe('é€😀<');
  });
  it('HTML-style references without a semicolon, unless strict', () => {
    expect(dec('&#60abc')).toBe('<abc');
    expect(dec('&#60abc', { requireSemicolon: true })).toBeNull();
  });
  it('named entities can be turned off', () => {
    expect(dec('&lt;&#37;', { named: false })).toBe('&lt;%');
  });
  it('leaves invalid references as they are', () => {
    expect(dec('&#0;&#xD800;&#x110000;&#99999999999999999999;&#65;')).toBe('&#0;&#xD800;&#x110000;&#99999999999999999999;A');
  });
  it('is a single pass (double encoding is decoded once)', () => {
    expect(dec('&amp;#60;')).toBe('&#60;');
    expect(decodeCharRefsDetailed(Buffer.from('&#65;&#66;x'))?.refs).toBe(2);
  });
  it('10^6 references in linear time', () => {
    const big = Buffer.from('&#65;'.repeat(1_000_000));
    const t0 = performance.now();
    const out = decodeCharRefs(big);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(out?.length).toBe(1_000_000);
  });
});
