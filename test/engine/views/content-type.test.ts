/**
 * Content-Type grammar: accepted values, every refusal code (B5, B7), charset allow-list, properties.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { charsetOf, checkCharset, parseMediaType, type MediaType } from '../../../src/engine/views/content-type.js';
import { parseParameters } from '../../../src/engine/views/params.js';

function ok(value: string): MediaType {
  const r = parseMediaType(value);
  if (r.error) throw new Error(`unexpected error ${r.error.code} for ${JSON.stringify(value)}`);
  return r;
}

function code(value: string): string | undefined {
  return parseMediaType(value).error?.code;
}

describe('parseMediaType: accepted grammar', () => {
  it('lower-cases type, subtype and parameter names, keeps value case', () => {
    const mt = ok('Multipart/Form-Data; Boundary=AbC');
    expect(mt.essence).toBe('multipart/form-data');
    expect(mt.params.get('boundary')).toBe('AbC');
  });

  it('accepts OWS around ";", quoted values, obs-text and empty parameters', () => {
    const mt = ok('text/plain ;\tcharset="UTF-8" ; name="caf\u00e9 x;y"; ;');
    expect(charsetOf(mt)).toBe('utf-8');
    expect(mt.params.get('name')).toBe('caf\u00e9 x;y');
    expect(ok('application/json;').params.size).toBe(0);
  });

  it('accepts real-world values', () => {
    for (const v of [
      'application/json',
      'application/json;charset=UTF-8',
      'multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW',
      'multipart/form-data; boundary="=_Part_69_370727880.1700000000"',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/ld+json',
      'application/grpc-web+proto',
    ]) {
      expect(code(v)).toBeUndefined();
    }
  });
});

describe('parseMediaType: refusals (WAFFLED W2/W4/W5, CVE-2022-39955, CVE-2023-40586)', () => {
  const cases: [string, string][] = [
    ['', 'CT_EMPTY'],
    ['\tmultipart/form-data; boundary=real', 'CT_WHITESPACE'],
    [' application/json', 'CT_WHITESPACE'],
    ['application/json ', 'CT_WHITESPACE'],
    ['application', 'CT_SYNTAX'],
    ['/json', 'CT_BAD_TOKEN'],
    ['application/', 'CT_BAD_TOKEN'],
    ['application /json', 'CT_SYNTAX'],
    ['application/json/x', 'CT_BAD_TOKEN'],
    ['application/x-www-form-urlencoded;/json', 'CT_BAD_TOKEN'],
    ['application/json; charset=utf-8; charset=utf-7', 'CT_DUPLICATE_PARAM'],
    ['application/json; charset=utf-8; CHARSET=utf-8', 'CT_DUPLICATE_PARAM'],
    ['multipart/form-data; boundary=0000; boundary=1111', 'CT_DUPLICATE_PARAM'],
    ['multipart/form-data; boundary*0=re;boundary*1=al', 'CT_RFC2231_PARAM'],
    ["multipart/form-data; boundary*=utf-8''real", 'CT_RFC2231_PARAM'],
    ['text/plain; charset = utf-8', 'CT_SYNTAX'],
    ['text/plain; charset= utf-8', 'CT_SYNTAX'],
    ['text/plain; charset', 'CT_SYNTAX'],
    ['text/plain; charset=', 'CT_SYNTAX'],
    ['text/plain; charset="utf-8', 'CT_BAD_QUOTED'],
    ['text/plain; charset="utf-8"x', 'CT_SYNTAX'],
    ['text/plain; charset="ut\\f-8"', 'CT_QUOTED_PAIR'],
    ["text/plain; charset='utf-8'", 'CT_SINGLE_QUOTED'],
    ['text/plain; charset=utf 8', 'CT_SYNTAX'],
    ['text/plain; charset="a\u0001b"', 'CT_BAD_QUOTED'],
    ['text/plain; a\u0000=b', 'CT_SYNTAX'],
    ['text/plain; name="\u0100"', 'CT_BAD_QUOTED'],
    ['text/pl\u00e4in', 'CT_BAD_TOKEN'],
    ['text/plain, application/json', 'CT_BAD_TOKEN'],
  ];
  it.each(cases)('%j -> %s', (value, expected) => {
    expect(code(value)).toBe(expected);
  });

  it('bounds length and parameter count', () => {
    expect(code('a/b; x="' + 'y'.repeat(5000) + '"')).toBe('CT_TOO_LONG');
    const many = Array.from({ length: 17 }, (_, i) => `p${i}=1`).join('; ');
    expect(code('a/b; ' + many)).toBe('CT_TOO_MANY_PARAMS');
    expect(parseMediaType('a/b; ' + many, { maxParams: 20 }).error).toBeUndefined();
  });
});

describe('charset checks', () => {
  it('allows utf-8, us-ascii, iso-8859-1 (any case), refuses others as unsupported', () => {
    expect(checkCharset(ok('text/plain; charset=UTF-8'))).toBeUndefined();
    expect(checkCharset(ok('text/plain'))).toBeUndefined();
    expect(checkCharset(ok('text/plain; charset=ISO-8859-1'))).toBeUndefined();
    for (const cs of ['utf-7', 'ibm037', 'utf-16le', 'x-user-defined']) {
      const e = checkCharset(ok(`application/x-www-form-urlencoded; charset=${cs}`));
      expect(e?.code).toBe('CT_CHARSET');
      expect(e?.kind).toBe('unsupported');
    }
  });
});

describe('parameter parser', () => {
  it('reports offsets and quoting', () => {
    const r = parseParameters('x; a=1; b="two"', 1);
    expect(r.error).toBeUndefined();
    expect(r.error ? [] : r.params.map((p) => [p.name, p.value, p.quoted, p.offset])).toEqual([
      ['a', '1', false, 3],
      ['b', 'two', true, 8],
    ]);
  });
});

describe('properties', () => {
  it('never throws, and accepted values round-trip through a canonical form', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const r = parseMediaType(s);
        if (r.error) {
          expect(r.error.offset).toBeGreaterThanOrEqual(0);
          return;
        }
        const canon = r.essence + [...r.params].map(([k, v]) => `; ${k}="${v}"`).join('');
        const again = parseMediaType(canon);
        expect(again.error).toBeUndefined();
        if (!again.error) {
          expect(again.essence).toBe(r.essence);
          expect([...again.params]).toEqual([...r.params]);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on mutated real values', () => {
    const seeds = ['multipart/form-data; boundary="abc"', 'application/json; charset=utf-8', 'text/plain;a=b;c="d e"'];
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(60), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (seed, muts) => {
        let s = seed;
        for (const [pos, ch] of muts) {
          const p = pos % (s.length + 1);
          s = s.slice(0, p) + String.fromCharCode(ch) + s.slice(p);
        }
        const r = parseMediaType(s);
        expect(r.error === undefined || typeof r.error.code === 'string').toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
