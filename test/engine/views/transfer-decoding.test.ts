/**
 * Streaming base64 / quoted-printable part decoders: strictness, reference equality, split invariance.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Base64Decoder, QuotedPrintableDecoder, type TransferDecoder } from '../../../src/engine/views/transfer-decoding.js';
import { oneByteChunks, runs, splitAt } from './helpers.js';

function decode(make: () => TransferDecoder, chunks: readonly Uint8Array[]): { out: string; bad: number; complete: boolean } {
  const d = make();
  const parts: Buffer[] = [];
  let pos = 0;
  let bad = -1;
  for (const c of chunks) {
    const r = d.write(c, (b) => parts.push(Buffer.from(b)));
    if (r >= 0) {
      bad = pos + r;
      break;
    }
    pos += c.length;
  }
  const complete = bad < 0 ? d.end((b) => parts.push(Buffer.from(b))) : false;
  return { out: Buffer.concat(parts).toString('hex'), bad, complete };
}

const b64 = () => new Base64Decoder();
const qp = () => new QuotedPrintableDecoder();
const bytesOf = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

describe('base64', () => {
  it('decodes with CRLF line breaks, padding and unpadded tails', () => {
    expect(decode(b64, [bytesOf('aGVs\r\nbG8=')])).toEqual({ out: Buffer.from('hello').toString('hex'), bad: -1, complete: true });
    expect(decode(b64, [bytesOf('aGk')]).out).toBe(Buffer.from('hi').toString('hex'));
    expect(decode(b64, [bytesOf('aA==\r\n')]).complete).toBe(true);
  });

  it('refuses invalid characters, data after padding and broken quanta', () => {
    expect(decode(b64, [bytesOf('aGVs bG8=')]).bad).toBe(4);
    expect(decode(b64, [bytesOf('aGk=aGk=')]).bad).toBe(4);
    expect(decode(b64, [bytesOf('a===')]).bad).toBe(1);
    expect(decode(b64, [bytesOf('aG=k')]).bad).toBe(3);
    expect(decode(b64, [bytesOf('aGVsb')]).complete).toBe(false);
    expect(decode(b64, [bytesOf('aG=')]).complete).toBe(false);
    expect(decode(b64, [bytesOf('aGVs*G8=')])).toMatchObject({ bad: 4, out: Buffer.from('hel').toString('hex') });
  });

  it('matches Buffer.from(base64) for any input and any split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(80), fc.array(fc.nat(400), { maxLength: 8 }), (data, width, cuts) => {
        let text = Buffer.from(data).toString('base64');
        if (width > 3) text = text.replace(new RegExp(`(.{${width}})`, 'g'), '$1\r\n');
        const enc = bytesOf(text);
        const whole = decode(b64, [enc]);
        expect(whole).toEqual({ out: Buffer.from(data).toString('hex'), bad: -1, complete: true });
        expect(decode(b64, splitAt(enc, cuts))).toEqual(whole);
        expect(decode(b64, oneByteChunks(enc))).toEqual(whole);
      }),
      { numRuns: runs(1000) },
    );
  });

  it('random input: split-invariant, never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AZaz09+/=\r\n -*'.split('')), maxLength: 60 }), fc.array(fc.nat(60), { maxLength: 6 }), (s, cuts) => {
        const enc = bytesOf(s);
        expect(decode(b64, splitAt(enc, cuts))).toEqual(decode(b64, [enc]));
      }),
      { numRuns: runs(2000) },
    );
  });
});

/** Reference quoted-printable decoder for valid input. */
function refQp(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=') {
      if (s[i + 1] === '\r' && s[i + 2] === '\n') {
        i += 2;
        continue;
      }
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(s.charCodeAt(i));
  }
  return Buffer.from(out);
}

describe('quoted-printable', () => {
  it('decodes =XX (either case) and soft line breaks', () => {
    expect(decode(qp, [bytesOf('a=3Db=3db=\r\nc\r\nd')]).out).toBe(Buffer.from('a=b=bc\r\nd').toString('hex'));
  });

  it('refuses bad escapes and a dangling =', () => {
    expect(decode(qp, [bytesOf('a=ZZ')]).bad).toBe(2);
    expect(decode(qp, [bytesOf('a=4Z')]).bad).toBe(3);
    expect(decode(qp, [bytesOf('a=\rX')]).bad).toBe(3);
    expect(decode(qp, [bytesOf('a=\nb')]).bad).toBe(2);
    expect(decode(qp, [bytesOf('abc=')]).complete).toBe(false);
    expect(decode(qp, [bytesOf('abc=4')]).complete).toBe(false);
  });

  it('matches the reference for any input and any split', () => {
    const unit = fc.constantFrom('a', ' ', '\r\n', '=3D', '=0a', '=\r\n', '\xff', '=FF', 'Z');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }), fc.array(fc.nat(120), { maxLength: 8 }), (units, cuts) => {
        const s = units.join('');
        const enc = bytesOf(s);
        const whole = decode(qp, [enc]);
        expect(whole).toEqual({ out: refQp(s).toString('hex'), bad: -1, complete: true });
        expect(decode(qp, splitAt(enc, cuts))).toEqual(whole);
        expect(decode(qp, oneByteChunks(enc))).toEqual(whole);
      }),
      { numRuns: runs(1000) },
    );
  });
});
