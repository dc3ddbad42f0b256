/** Modified UTF-8 decoding as the JDK does it, overlong forms included. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeModifiedUtf8, validateModifiedUtf8 } from '../../../src/engine/detectors/java/mutf8.js';
import { overlong } from './helpers.js';

function dec(bytes: number[], max = 1024) {
  return decodeModifiedUtf8(Uint8Array.from(bytes), 0, bytes.length, max);
}

describe('modified UTF-8', () => {
  it('decodes ASCII, 2- and 3-byte forms, C0 80 and CESU-8 surrogates', () => {
    expect(dec([0x61, 0x62]).value).toBe('ab');
    expect(dec([0xc3, 0xa9]).value).toBe('é');
    expect(dec([0xe2, 0x82, 0xac]).value).toBe('€');
    const nul = dec([0xc0, 0x80]);
    expect(nul.value).toBe('\u0000');
    expect(nul.overlong).toBe(false);
    // U+1F600 as a CESU-8 surrogate pair.
    expect(dec([0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]).value).toBe('\u{1F600}');
  });

  it('accepts and flags overlong forms like the JDK', () => {
    const two = dec([...overlong('java.net.URL', 2)]);
    expect(two).toMatchObject({ ok: true, overlong: true, value: 'java.net.URL' });
    const three = dec([...overlong('Runtime', 3)]);
    expect(three).toMatchObject({ ok: true, overlong: true, value: 'Runtime' });
    expect(dec([0xe0, 0x81, 0x80]).overlong).toBe(true); // U+0040 in 3 bytes
    expect(dec([0xe0, 0xa0, 0x80]).overlong).toBe(false); // U+0800, shortest form
  });

  it('fails where the JDK throws UTFDataFormatException', () => {
    expect(dec([0x80]).ok).toBe(false); // lone continuation
    expect(dec([0xf0, 0x9f, 0x98, 0x80]).ok).toBe(false); // 4-byte form
    expect(dec([0xc3]).ok).toBe(false); // cut
    expect(dec([0xe2, 0x82]).ok).toBe(false);
    expect(dec([0xc3, 0x41]).errorAt).toBe(0);
  });

  it('caps the decoded length', () => {
    const r = dec([0xc3, 0xa9, 0xc3, 0xa9, 0xc3, 0xa9], 2);
    expect(r.value).toBe('éé');
    expect(r.truncated).toBe(true);
    expect(dec([0x61, 0x62, 0x63], 1)).toMatchObject({ value: 'a', truncated: true });
  });

  it('validate agrees with decode on random input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const d = decodeModifiedUtf8(bytes, 0, bytes.length, 1024);
        const o = { overlong: false };
        const v = validateModifiedUtf8(bytes, 0, bytes.length, o);
        expect(v < 0).toBe(d.ok);
        if (d.ok) expect(o.overlong).toBe(d.overlong);
        else expect(v).toBe(d.errorAt);
      }),
    );
  });
});
