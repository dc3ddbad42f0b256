/**
 * urlencoded view (B14, B15), URLSearchParams differential, chunk invariance, query strings, cookies.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FIELD_FLAGS, UrlencodedParser, type FormOptions } from '../../../src/engine/views/urlencoded.js';
import { parseQuery } from '../../../src/engine/views/query.js';
import { COOKIE_FLAGS, parseCookies } from '../../../src/engine/views/cookies.js';
import { latin1, oneByteChunks, runs, splitAt } from './helpers.js';

interface FormRun {
  fields: [string, string, number][];
  log: string[];
  code: string | undefined;
}

function runForm(chunks: readonly Uint8Array[], options?: FormOptions): FormRun {
  const fields: [string, string, number][] = [];
  const log: string[] = [];
  const p = new UrlencodedParser(
    {
      onField(name, value, info) {
        fields.push([Buffer.from(name).toString('latin1'), Buffer.from(value).toString('latin1'), info.flags]);
        log.push(`field ${Buffer.from(name).toString('hex')}=${Buffer.from(value).toString('hex')} @${info.offset}+${info.rawLength} f${info.flags}`);
      },
      onError(e) {
        log.push(`error ${e.code} @${e.offset}`);
      },
      onEnd() {
        log.push('end');
      },
    },
    options,
  );
  for (const c of chunks) p.write(c);
  const r = p.end();
  return { fields, log, code: r.ok ? undefined : r.error.code };
}

function form(text: string, options?: FormOptions): FormRun {
  const bytes = latin1(text);
  const a = runForm([bytes], options);
  expect(runForm(oneByteChunks(bytes), options).log).toEqual(a.log);
  return a;
}

describe('urlencoded: fields', () => {
  it('decodes %XX and +, splits at & and the first =', () => {
    const r = form('a=1&b=x+y%20z&c=%3D%26&d=e=f&empty=&novalue&=v&&');
    expect(r.code).toBeUndefined();
    expect(r.fields.map(([n, v]) => [n, v])).toEqual([
      ['a', '1'],
      ['b', 'x y z'],
      ['c', '=&'],
      ['d', 'e=f'],
      ['empty', ''],
      ['novalue', ''],
      ['', 'v'],
    ]);
  });

  it('B14: repeated names are all emitted (HPP)', () => {
    const r = form('a=ok&a=SIG&a[]=ok&a[]=SIG2');
    expect(r.fields.map(([n, v]) => `${n}=${v}`)).toEqual(['a=ok', 'a=SIG', 'a[]=ok', 'a[]=SIG2']);
  });

  it('";" is not a separator: it stays in the value and is flagged', () => {
    const r = form('a=1;b=<payload>&c=2');
    expect(r.fields[0]).toEqual(['a', '1;b=<payload>', FIELD_FLAGS.SEMICOLON]);
    expect(r.fields[1]?.[0]).toBe('c');
  });

  it('flags percent, plus and non-UTF-8 values', () => {
    const r = form('a=%C3%A9&b=%FF&c=x+y');
    expect(r.fields.map((f) => f[2])).toEqual([FIELD_FLAGS.PERCENT, FIELD_FLAGS.PERCENT | FIELD_FLAGS.NON_UTF8, FIELD_FLAGS.PLUS]);
  });

  it('keeps raw non-ASCII bytes', () => {
    expect(form('n=caf\xc3\xa9').fields[0]?.[1]).toBe('caf\xc3\xa9');
  });
});

describe('urlencoded: refusals (B15)', () => {
  const cases: [string, string, FormOptions?][] = [
    ['a=%zz', 'FORM_BAD_PERCENT'],
    ['a=%4', 'FORM_BAD_PERCENT'],
    ['a=%', 'FORM_BAD_PERCENT'],
    ['a=%&b=1', 'FORM_BAD_PERCENT'],
    ['%g0=1', 'FORM_BAD_PERCENT'],
    ['a=%u0041', 'FORM_PERCENT_U'],
    ['a=%U0041', 'FORM_PERCENT_U'],
    ['a=%00', 'FORM_NUL'],
    ['a=x\x00y', 'FORM_NUL'],
    ['a=1;b=2', 'FORM_SEMICOLON', { semicolon: 'reject' }],
  ];
  it.each(cases)('%j -> %s', (text, expected, options) => {
    expect(form(text, options).code).toBe(expected);
  });

  it('NUL is refused after the field is delivered (detectors still see it); allowNul accepts it', () => {
    const r = form('a=ok&b=%AC%ED%00%05sr');
    expect(r.fields.map((f) => f[0])).toEqual(['a', 'b']);
    expect(r.fields[1]?.[2]! & FIELD_FLAGS.NUL).toBeTruthy();
    expect(r.code).toBe('FORM_NUL');
    expect(form('b=%00', { allowNul: true }).code).toBeUndefined();
  });

  it('1,000 fields accepted, 1,001 refused', () => {
    const mk = (n: number): string => Array.from({ length: n }, (_, i) => `p${i}=v`).join('&');
    expect(form(mk(1000)).code).toBeUndefined();
    const r = form(mk(1001));
    expect(r.code).toBe('FORM_FIELD_LIMIT');
    expect(r.fields.length).toBe(1000);
  });

  it('field byte limit uses >=, and a malformed % exactly at the limit cannot skip it (CVE-2026-128842)', () => {
    expect(form('a=' + 'x'.repeat(8), { maxFieldBytes: 10 }).code).toBeUndefined();
    expect(form('a=' + 'x'.repeat(9), { maxFieldBytes: 10 }).code).toBe('FORM_FIELD_BYTES_LIMIT');
    expect(form('a=' + 'x'.repeat(7) + '%41', { maxFieldBytes: 10 }).code).toBe('FORM_FIELD_BYTES_LIMIT');
    expect(form('a=' + 'x'.repeat(6) + '%4', { maxFieldBytes: 10 }).code).toBe('FORM_BAD_PERCENT');
    expect(form('a=' + 'x'.repeat(7) + '%4', { maxFieldBytes: 10 }).code).toBe('FORM_FIELD_BYTES_LIMIT');
    expect(form('a=' + 'x'.repeat(8) + '%zz' + 'y'.repeat(100), { maxFieldBytes: 10 }).code).toBe('FORM_FIELD_BYTES_LIMIT');
    const r = form('a=' + 'x'.repeat(20), { maxFieldBytes: 10 });
    expect(r.log.at(-1)).toBe('error FORM_FIELD_BYTES_LIMIT @10');
  });
});

describe('urlencoded: differential and properties', () => {
  const textArb = fc.string({ unit: fc.constantFrom(...'ab=&%+;2F0Zz \u00e9\u65e5/?'.split(''), '%41', '%e9', '%C3%A9', '%2B', '%26', '%3D'), maxLength: 40 });

  it('equals URLSearchParams on every accepted input', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
        const fields: [string, string][] = [];
        let utf8 = true;
        const p = new UrlencodedParser({
          onField(n, v, info) {
            if ((info.flags & FIELD_FLAGS.NON_UTF8) !== 0) utf8 = false;
            fields.push([Buffer.from(n).toString('utf8'), Buffer.from(v).toString('utf8')]);
          },
        });
        p.write(bytes);
        if (!p.end().ok || !utf8) return;
        // URLSearchParams drops one leading '?': prefix one so the body is read literally.
        expect(fields).toEqual([...new URLSearchParams('?' + text)]);
      }),
      { numRuns: runs(3000) },
    );
  });

  it('chunk-split invariance (strict and tolerant)', () => {
    fc.assert(
      fc.property(textArb, fc.boolean(), fc.array(fc.nat(80), { maxLength: 8 }), (text, tolerant, cuts) => {
        const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
        const opts: FormOptions = { tolerant, maxFields: 5, maxFieldBytes: 12 };
        const whole = runForm([bytes], opts);
        expect(runForm(splitAt(bytes, cuts), opts).log).toEqual(whole.log);
        expect(runForm(oneByteChunks(bytes), opts).log).toEqual(whole.log);
      }),
      { numRuns: runs(2000) },
    );
  });

  it('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, tolerant) => {
        const r = runForm([bytes], { tolerant });
        expect(Array.isArray(r.fields)).toBe(true);
      }),
      { numRuns: runs(2000) },
    );
  });

  it('real-client urlencoded fixtures are accepted and equal URLSearchParams', () => {
    const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/views/bodies.json', import.meta.url), 'utf8')) as { id: string; kind: string; b64: string }[];
    const forms = fixtures.filter((f) => f.kind === 'form');
    expect(forms.length).toBeGreaterThanOrEqual(3);
    for (const f of forms) {
      const bytes = Buffer.from(f.b64, 'base64');
      const r = runForm([bytes]);
      expect(r.code, f.id).toBeUndefined();
      const ours = r.fields.map(([n, v]) => [Buffer.from(n, 'latin1').toString('utf8'), Buffer.from(v, 'latin1').toString('utf8')]);
      expect(ours).toEqual([...new URLSearchParams('?' + bytes.toString('utf8'))]);
    }
  });
});

describe('parseQuery (tolerant)', () => {
  it('keeps invalid escapes literally and flags them', () => {
    const q = parseQuery('a=%zz&b=%u0041&c=100%&d=%41%&e=x%00y&f=1;g=2&h=%4');
    expect(q.error).toBeUndefined();
    expect(q.fields.map((f) => [f.nameText, f.valueText])).toEqual([
      ['a', '%zz'],
      ['b', '%u0041'],
      ['c', '100%'],
      ['d', 'A%'],
      ['e', 'x\u0000y'],
      ['f', '1;g=2'],
      ['h', '%4'],
    ]);
    expect(q.fields[0]!.flags & FIELD_FLAGS.INVALID_ESCAPE).toBeTruthy();
    expect(q.fields[1]!.flags & FIELD_FLAGS.PERCENT_U).toBeTruthy();
    expect(q.fields[4]!.flags & FIELD_FLAGS.NUL).toBeTruthy();
    expect(q.fields[5]!.flags & FIELD_FLAGS.SEMICOLON).toBeTruthy();
    expect(q.flags & FIELD_FLAGS.INVALID_ESCAPE).toBeTruthy();
  });

  it('agrees with URLSearchParams where escapes are valid, and bounds the field count', () => {
    expect(parseQuery('x=1&y=a+b&y=%E2%82%AC').fields.map((f) => [f.nameText, f.valueText])).toEqual([...new URLSearchParams('x=1&y=a+b&y=%E2%82%AC')]);
    const many = parseQuery(Array.from({ length: 1001 }, () => 'a=1').join('&'));
    expect(many.error?.code).toBe('FORM_FIELD_LIMIT');
    expect(many.fields.length).toBe(1000);
  });
});

describe('parseCookies', () => {
  it('splits RFC 6265 pairs and percent-decodes values that contain %XX', () => {
    const r = parseCookies('sid=abc123; pref="dark"; data=rO0AB%2BXNy; e=');
    expect(r.error).toBeUndefined();
    expect(r.cookies.map((c) => [c.name, c.value])).toEqual([
      ['sid', 'abc123'],
      ['pref', 'dark'],
      ['data', 'rO0AB%2BXNy'],
      ['e', ''],
    ]);
    expect(Buffer.from(r.cookies[2]!.decoded!).toString()).toBe('rO0AB+XNy');
    expect(r.cookies[1]!.flags & COOKIE_FLAGS.QUOTED).toBeTruthy();
  });

  it('flags malformed pairs instead of failing (CVE-2019-19886)', () => {
    const r = parseCookies('=; a; b=1=2; c=x y;;d=%zz; b=2');
    const byName = (n: string) => r.cookies.filter((c) => c.name === n);
    expect(r.cookies.map((c) => c.name)).toEqual(['', 'a', 'b', 'c', 'd', 'b']);
    expect(r.cookies[0]!.flags & COOKIE_FLAGS.EMPTY_NAME).toBeTruthy();
    expect(byName('a')[0]!.flags & COOKIE_FLAGS.NO_EQUALS).toBeTruthy();
    expect(byName('b')[0]!.value).toBe('1=2');
    expect(byName('c')[0]!.flags & COOKIE_FLAGS.INVALID_OCTET).toBeTruthy();
    expect(byName('d')[0]!.flags & COOKIE_FLAGS.INVALID_ESCAPE).toBeTruthy();
    expect(byName('b')[1]!.flags & COOKIE_FLAGS.DUPLICATE).toBeTruthy();
    expect(r.flags & COOKIE_FLAGS.SEPARATOR).toBeTruthy();
  });

  it('attacker names stay data and the count is bounded', () => {
    const r = parseCookies('__proto__=1; constructor=2; hasOwnProperty=3');
    expect(r.cookies.map((c) => c.name)).toEqual(['__proto__', 'constructor', 'hasOwnProperty']);
    const many = parseCookies(Array.from({ length: 201 }, (_, i) => `c${i}=1`).join('; '));
    expect(many.error?.code).toBe('COOKIE_LIMIT');
    expect(many.cookies.length).toBe(200);
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const r = parseCookies(s);
        for (const c of r.cookies) expect(c.offset).toBeLessThanOrEqual(s.length);
      }),
      { numRuns: runs(2000) },
    );
  });
});
