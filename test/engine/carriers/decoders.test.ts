/**
 * The decoding pieces the carrier matrix needed (src/engine/decode/runs.ts
 * whitespace joins, separated-hex.ts, fragments.ts, and
 * containers/deflate-probe.ts): their rules on hand-made inputs, and
 * properties on random ones (never throw, stay in bounds, rarely fire on
 * noise).
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findRuns, type TextRun } from '../../../src/engine/decode/runs.js';
import { decodeSeparatedHex, findSeparatedHex } from '../../../src/engine/decode/separated-hex.js';
import { isEscapedFragment, type EscapeDecoders } from '../../../src/engine/decode/fragments.js';
import { plausibleDeflate } from '../../../src/engine/containers/deflate-probe.js';
import { prng } from '../pickle/helpers.js';

const enc = (s: string): Buffer => Buffer.from(s, 'latin1');
const text = (b: Buffer, r: TextRun): string => b.toString('latin1', r.start, r.end);
const B64 = prng(3, 90).toString('base64'); // 120 characters, no padding

describe('findRuns: whitespace inside base64', () => {
  it('joins MIME lines anywhere and spaces or tabs between whole quanta', () => {
    for (const sep of ['\r\n', '\n', ' ', '\t', '\n  ']) {
      const s = B64.slice(0, 64) + sep + B64.slice(64);
      const runs = findRuns(enc(s));
      expect(runs.length, JSON.stringify(sep)).toBe(1);
      expect(Buffer.from(text(enc(s), runs[0]!), 'base64')).toEqual(prng(3, 90));
    }
    const tabs = B64.replace(/(.{4})/g, '$1\t').trimEnd();
    expect(findRuns(enc(tabs)).length).toBe(1);
  });

  it('does not join a space that cuts a quantum, nor the words of prose', () => {
    const cut = B64.slice(0, 62) + ' ' + B64.slice(62);
    expect(findRuns(enc(cut)).map((r) => r.end - r.start)).toEqual([62, 58]);
    const prose = enc('The Quick brown fox Jumps over the lazy dog, Config invoice order list profile account. '.repeat(20));
    expect(findRuns(prose)).toEqual([]);
    // The word after a blob is not part of it (pieces joined by spaces have one width).
    for (const tail of [' more text', ' More', ' and then Something else', '\tdone']) {
      const b = enc(`key: ${B64}${tail}`);
      expect(findRuns(b).map((r) => text(b, r)), tail).toEqual([B64]);
    }
    // Unless it is the last, shorter piece of a wrapped blob and looks like base64.
    const wrapped = enc(`${B64.slice(0, 60)} ${B64.slice(60, 120)} q9Zx`);
    expect(findRuns(wrapped).map((r) => r.end - r.start)).toEqual([wrapped.length]);
  });

  it('stops at a multipart delimiter line and at a switch of base64 alphabet', () => {
    const body = enc(`${B64}\r\n--WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n`);
    const runs = findRuns(body);
    expect(text(body, runs[0]!)).toBe(B64);
    const mixed = enc(`${B64.replace(/[-_]/g, 'A')}+/\n-_${B64.replace(/[+/]/g, 'A')}`);
    expect(findRuns(mixed)[0]!.end).toBe(B64.length + 2);
  });

  it('keeps = padding and reports hex runs', () => {
    const padded = enc(`x=${prng(4, 31).toString('base64')};`);
    expect(text(padded, findRuns(padded)[0]!).endsWith('=')).toBe(true);
    const h = enc(`id ${prng(5, 20).toString('hex')} end`);
    expect(findRuns(h)).toMatchObject([{ hex: true }]);
  });
});

describe('findSeparatedHex', () => {
  const data = prng(6, 24);
  it('finds hex bytes with one separator or 0x prefixes, and decodes them pair by pair', () => {
    const forms = [' ', ':', '-', ',', ', '].map((sep) => Array.from(data, (x) => x.toString(16).padStart(2, '0')).join(sep));
    forms.push(Array.from(data, (x) => '0x' + x.toString(16).padStart(2, '0').toUpperCase()).join(', '));
    for (const f of forms) {
      const b = enc(`dump: ${f}\n`);
      const [run, ...rest] = findSeparatedHex(b);
      expect(rest, f).toEqual([]);
      expect(decodeSeparatedHex(b, run!.start, run!.end), f).toEqual(data);
    }
  });

  it('needs sixteen tokens and a digit; leaves MAC addresses, dates and prose alone', () => {
    expect(findSeparatedHex(enc(Array.from(data.subarray(0, 15), (x) => x.toString(16).padStart(2, '0')).join(' ')))).toEqual([]);
    expect(findSeparatedHex(enc('ab cd ef ab cd ef ab cd ef ab cd ef ab cd ef ab cd ef'))).toEqual([]);
    expect(findSeparatedHex(enc('mac 00:1a:2b:3c:4d:5e at 2024-05-01 12:30:45, a bad cafe be fed ace'))).toEqual([]);
  });
});

describe('isEscapedFragment', () => {
  const all: EscapeDecoders = { percent: true, backslash: true, charref: true };
  const check = (s: string, start: number, end: number, hex = false, on = all) => isEscapedFragment(enc(s), start, end, hex, on);
  it('a run cut by an escape that stands for a run character', () => {
    expect(check('rO0ABXNy%2BAAAA', 0, 8)).toBe(true); // followed by %2B (+)
    expect(check('AAAA%2FrO0ABXNy', 7, 15)).toBe(true); // preceded by %2F (/)
    expect(check('rO0ABXNy%252BAAAA', 0, 8)).toBe(true); // double-encoded
    expect(check('rO0ABXNy\\/AAAA', 0, 8)).toBe(true);
    expect(check('rO0ABXNy\\u002bAAAA', 0, 8)).toBe(true);
    expect(check('AAAA&#x2B;rO0ABXNy', 10, 18)).toBe(true);
    expect(check('AAAA&#43;rO0ABXNy', 9, 17)).toBe(true);
  });
  it('not when the escape is padding, punctuation, absent, or its decoder does not run', () => {
    expect(check('rO0ABXNy%3D%3D', 0, 8)).toBe(false);
    expect(check('rO0ABXNy==%41', 0, 10)).toBe(false);
    expect(check('rO0ABXNy%22,', 0, 8)).toBe(false);
    expect(check('rO0ABXNy', 0, 8)).toBe(false);
    expect(check('rO0ABXNy%2BAAAA', 0, 8, false, { percent: false, backslash: true, charref: true })).toBe(false);
    expect(check('aced0005%2Fxyz', 0, 8, true)).toBe(false); // `/` does not continue a hex run
  });
});

describe('plausibleDeflate', () => {
  it('accepts what zlib writes (stored, fixed and dynamic blocks, every level)', () => {
    const inputs = [Buffer.from('hello'), Buffer.from('<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://a/x">'), prng(8, 3000), Buffer.from('abc'.repeat(5000))];
    for (const input of inputs) for (const level of [0, 1, 6, 9]) expect(plausibleDeflate(zlib.deflateRawSync(input, { level })), `level ${level}`).toBe(true);
  });
  it('rejects zlib and gzip wrappers, truncated streams and nearly all random bytes', () => {
    expect(plausibleDeflate(zlib.gzipSync(Buffer.from('hello world')))).toBe(false);
    expect(plausibleDeflate(zlib.deflateRawSync(Buffer.from('hello world hello world')).subarray(0, 6))).toBe(false);
    let passed = 0;
    for (let i = 1; i <= 5000; i++) if (plausibleDeflate(prng(i, 40))) passed++;
    expect(passed).toBeLessThan(50);
  });
});

describe('properties', () => {
  it('never throw, stay inside the input and return sorted runs', () => {
    const alphabet = fc.constantFrom(...'aAzZ09+/-_= \t\r\n%:,x\\&#;'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.array(alphabet, { maxLength: 400 }).map((a) => enc(a.join('')))), (input) => {
        const b = Buffer.from(input);
        const runs = findRuns(b);
        let last = -1;
        for (const r of runs) {
          expect(r.start).toBeGreaterThanOrEqual(0);
          expect(r.end).toBeLessThanOrEqual(b.length);
          expect(r.start).toBeGreaterThanOrEqual(last);
          last = r.start;
          if (r.separated) expect(decodeSeparatedHex(b, r.start, r.end).length).toBeLessThanOrEqual((r.end - r.start) >> 1);
          isEscapedFragment(b, r.start, r.end, r.hex, { percent: true, backslash: true, charref: true });
        }
        plausibleDeflate(b);
      }),
      { numRuns: 400 },
    );
  });
});
