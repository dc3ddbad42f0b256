/**
 * JSON tokenizer: events and pointers, every refusal code (B2, B3), limits (B4), sniffing.
 */
import { describe, expect, it } from 'vitest';
import { JsonTokenizer, tokenizeJson } from '../../../src/engine/views/json.js';
import { looksLikeJson } from '../../../src/engine/views/json-sniff.js';
import { composeJsonHandlers } from '../../../src/engine/views/json-compose.js';
import { enc, latin1, oneByteChunks, runJson } from './helpers.js';

function errorOf(text: string | Uint8Array, options?: Parameters<typeof runJson>[1]): string | undefined {
  const bytes = typeof text === 'string' ? enc(text) : text;
  const r = runJson([bytes], options);
  const r1 = runJson(oneByteChunks(bytes), options);
  expect(r1.events).toEqual(r.events);
  return r.result.ok ? undefined : r.result.error.code;
}

describe('JSON tokenizer: events and pointers', () => {
  it('emits keys, values and RFC 6901 pointers', () => {
    const r = runJson([enc('{"a":[1,"x",{"b/c~d":null}],"e":{"f":true}}')]);
    expect(r.result.ok).toBe(true);
    expect(r.events).toEqual([
      'open  object',
      'key  "a" 2-3',
      'open /a array',
      'num /a/0 1 @6',
      'str /a/1 78 9-10',
      'open /a/2 object',
      'key /a/2 "b/c~d" 14-19',
      'lit /a/2/b~1c~0d null @21',
      'close /a/2 object',
      'close /a array',
      'key  "e" 29-30',
      'open /e object',
      'key /e "f" 34-35',
      'lit /e/f true @37',
      'close /e object',
      'close  object',
      'end',
    ]);
  });

  it('unescapes strings to UTF-8 bytes and reports escapes', () => {
    const r = runJson([enc('["a\\u00e9\\ud83d\\ude00\\n\\/\\"", "caf\u00e9"]')]);
    expect(r.value).toEqual(['a', [['s', 'a\u00e9\u{1f600}\n/"'], ['s', 'caf\u00e9']]]);
    expect(r.events[1]).toContain(' esc');
    expect(r.events[2]).not.toContain(' esc');
  });

  it('accepts top-level scalars and surrounding whitespace', () => {
    for (const s of ['0', '-0', '1.5e-3', ' "x" ', 'true', 'false', 'null', '\r\n\t[]\n']) expect(errorOf(s)).toBeUndefined();
  });

  it('keys are compared after unescaping: "\\u0040type" is @type', () => {
    const keys: string[] = [];
    tokenizeJson(enc('{"\\u0040type":"x"}'), { onKey: (_p, k) => keys.push(k) });
    expect(keys).toEqual(['@type']);
  });

  it('onStringBytes gives the same bytes as onString without a view', () => {
    const a: string[] = [];
    const b: string[] = [];
    tokenizeJson(enc('["plain", "esc\\u0041ped", "caf\u00e9"]'), {
      onString: (_p, v) => a.push(Buffer.from(v).toString('hex')),
      onStringBytes: (_p, bytes, s, e) => b.push(Buffer.from(bytes.subarray(s, e)).toString('hex')),
    });
    expect(b).toEqual(a);
  });

  it('composes handlers', () => {
    const seen: string[] = [];
    const h = composeJsonHandlers({ onKey: (_p, k) => seen.push('1' + k) }, { onKey: (_p, k) => seen.push('2' + k) }, {});
    tokenizeJson(enc('{"k":1}'), h);
    expect(seen).toEqual(['1k', '2k']);
  });
});

describe('JSON tokenizer: refusals (B2, B3)', () => {
  const cases: [string | Uint8Array, string][] = [
    [latin1('\xef\xbb\xbf{"a":1}'), 'JSON_BOM'],
    [latin1('\xff\xfe{\x00'), 'JSON_BOM'],
    ['{"a":1 // c\n}', 'JSON_COMMENT'],
    ['{"a":/* c */1}', 'JSON_COMMENT'],
    ['[1]/**/', 'JSON_COMMENT'],
    ['[1,2,]', 'JSON_TRAILING_COMMA'],
    ['{"a":1,}', 'JSON_TRAILING_COMMA'],
    ["{'a':1}", 'JSON_SINGLE_QUOTE'],
    ["{\"a\":'x'}", 'JSON_SINGLE_QUOTE'],
    ['{a:1}', 'JSON_UNQUOTED_KEY'],
    ['{@type:"x"}', 'JSON_UNQUOTED_KEY'],
    [latin1('{"f\x00ield1":"SIG"}'), 'JSON_NUL'],
    [latin1('{"field1"\x00:"SIG"}'), 'JSON_NUL'],
    [latin1('{"field1\x00:"SIG"}'), 'JSON_NUL'],
    [latin1('["a\x01"]'), 'JSON_CONTROL_CHAR'],
    [latin1('["a\nb"]'), 'JSON_CONTROL_CHAR'],
    ['["\\x40type"]', 'JSON_BAD_ESCAPE'],
    ['["\\a"]', 'JSON_BAD_ESCAPE'],
    ['["\\u12"]', 'JSON_BAD_ESCAPE'],
    ['["\\u12g4"]', 'JSON_BAD_ESCAPE'],
    ['["\\U0041"]', 'JSON_BAD_ESCAPE'],
    ['["\\ud800"]', 'JSON_LONE_SURROGATE'],
    ['["\\ud800\\u0041"]', 'JSON_LONE_SURROGATE'],
    ['["\\ud800\\n"]', 'JSON_LONE_SURROGATE'],
    ['["\\udc00\\ud800"]', 'JSON_LONE_SURROGATE'],
    ['["a\\u0000b"]', 'JSON_ESCAPED_NUL'],
    [latin1('["\xff"]'), 'JSON_INVALID_UTF8'],
    [latin1('["\xc0\xaf"]'), 'JSON_INVALID_UTF8'],
    [latin1('["\xed\xa0\x80"]'), 'JSON_INVALID_UTF8'],
    [latin1('["\xe2\x82"]'), 'JSON_INVALID_UTF8'],
    ['{"a":1} {"b":2}', 'JSON_TRAILING_DATA'],
    ['{"a":1}x', 'JSON_TRAILING_DATA'],
    ['{"a":"benign","a":"SIG"}', 'JSON_DUPLICATE_KEY'],
    ['{"a":1,"\\u0061":"SIG"}', 'JSON_DUPLICATE_KEY'],
    ['{"role":"user","Role":"admin"}', 'JSON_DUPLICATE_KEY_CASE'],
    ['01', 'JSON_BAD_NUMBER'],
    ['-', 'JSON_BAD_NUMBER'],
    ['[1.]', 'JSON_BAD_NUMBER'],
    ['[.5]', 'JSON_SYNTAX'],
    ['[+1]', 'JSON_SYNTAX'],
    ['[1e]', 'JSON_BAD_NUMBER'],
    ['[-Infinity]', 'JSON_BAD_NUMBER'],
    ['[NaN]', 'JSON_SYNTAX'],
    ['[0x10]', 'JSON_SYNTAX'],
    ['[tru]', 'JSON_BAD_LITERAL'],
    ['[True]', 'JSON_SYNTAX'],
    ['[nul', 'JSON_TRUNCATED'],
    ['', 'JSON_EMPTY'],
    [' \n', 'JSON_EMPTY'],
    ['{"a":1', 'JSON_TRUNCATED'],
    ['["abc', 'JSON_TRUNCATED'],
    ['{"a" 1}', 'JSON_SYNTAX'],
    ['{"a":}', 'JSON_SYNTAX'],
    ['[1 2]', 'JSON_SYNTAX'],
    ['[,1]', 'JSON_SYNTAX'],
    ['[1,,2]', 'JSON_SYNTAX'],
    ['{,}', 'JSON_SYNTAX'],
    ['{"a":1]', 'JSON_SYNTAX'],
    ['[1}', 'JSON_SYNTAX'],
    [']', 'JSON_SYNTAX'],
    [latin1('[\xa0]'), 'JSON_SYNTAX'],
  ];
  it.each(cases)('%s -> %s', (input, expected) => {
    expect(errorOf(input)).toBe(expected);
  });

  it('case-insensitive duplicates can be allowed', () => {
    expect(errorOf('{"a":1,"A":2}', { rejectCaseInsensitiveDuplicates: false })).toBeUndefined();
    expect(errorOf('{"a":1,"a":2}', { rejectCaseInsensitiveDuplicates: false })).toBe('JSON_DUPLICATE_KEY');
  });

  it('escaped NUL can be allowed', () => {
    expect(errorOf('["a\\u0000"]', { rejectEscapedNul: false })).toBeUndefined();
  });

  it('the same key in different objects is not a duplicate; duplicates in large objects are found', () => {
    expect(errorOf('[{"a":1},{"a":2},{"a":{"a":{"a":3}}}]')).toBeUndefined();
    const big = '{' + Array.from({ length: 300 }, (_, i) => `"k${i}":${i}`).join(',') + ',"k17":0}';
    expect(errorOf(big)).toBe('JSON_DUPLICATE_KEY');
    const bigCase = '{' + Array.from({ length: 300 }, (_, i) => `"k${i}":${i}`).join(',') + ',"K299":0}';
    expect(errorOf(bigCase)).toBe('JSON_DUPLICATE_KEY_CASE');
  });

  it('reports the offset of the offending byte', () => {
    const r = runJson([enc('{"a":1,"b":[1,2,],"c":3}')]);
    expect(r.errors[0]).toMatchObject({ code: 'JSON_TRAILING_COMMA', offset: 16, kind: 'malformed' });
  });

  it('delivers the error once and ignores further input', () => {
    const errors: string[] = [];
    const t = new JsonTokenizer({ onError: (e) => errors.push(e.code) });
    expect(t.write(enc('[1,]'))).toBe(false);
    expect(t.write(enc('[2]'))).toBe(false);
    const r = t.end();
    expect(r.ok).toBe(false);
    expect(errors).toEqual(['JSON_TRAILING_COMMA']);
  });
});

describe('JSON tokenizer: limits (B4)', () => {
  it('depth: 64 levels accepted, 65 refused', () => {
    expect(errorOf('['.repeat(64) + ']'.repeat(64))).toBeUndefined();
    expect(errorOf('['.repeat(65) + ']'.repeat(65))).toBe('JSON_DEPTH_LIMIT');
    expect(errorOf('{"a":'.repeat(65) + '1' + '}'.repeat(65))).toBe('JSON_DEPTH_LIMIT');
  });

  it('depth 10^6 (2 MB) is refused fast, without recursion', () => {
    const deep = Buffer.alloc(2_000_000, 0x5b);
    const t0 = performance.now();
    const r = tokenizeJson(deep, {});
    expect(performance.now() - t0).toBeLessThan(50);
    expect(r.ok ? undefined : r.error.code).toBe('JSON_DEPTH_LIMIT');
  });

  it('key, value, string, key-length and number limits use >=', () => {
    expect(errorOf('{"a":1,"b":2}', { maxKeys: 2 })).toBeUndefined();
    expect(errorOf('{"a":1,"b":2,"c":3}', { maxKeys: 2 })).toBe('JSON_KEY_LIMIT');
    expect(errorOf('[1,2]', { maxValues: 3 })).toBeUndefined();
    expect(errorOf('[1,2,3]', { maxValues: 3 })).toBe('JSON_VALUE_LIMIT');
    expect(errorOf('["abcd"]', { maxStringBytes: 4 })).toBeUndefined();
    expect(errorOf('["abcde"]', { maxStringBytes: 4 })).toBe('JSON_STRING_LIMIT');
    expect(errorOf('["ab\\u00e9"]', { maxStringBytes: 4 })).toBeUndefined();
    expect(errorOf('["abc\\u00e9"]', { maxStringBytes: 4 })).toBe('JSON_STRING_LIMIT');
    expect(errorOf('["abcd\\n"]', { maxStringBytes: 4 })).toBe('JSON_STRING_LIMIT');
    expect(errorOf('{"abcd":1}', { maxKeyBytes: 4 })).toBeUndefined();
    expect(errorOf('{"abcde":1}', { maxKeyBytes: 4 })).toBe('JSON_KEY_LENGTH_LIMIT');
    expect(errorOf('[1234]', { maxNumberBytes: 4 })).toBeUndefined();
    expect(errorOf('[12345]', { maxNumberBytes: 4 })).toBe('JSON_NUMBER_LIMIT');
    expect(errorOf('[-1.5e+10]', { maxNumberBytes: 4 })).toBe('JSON_NUMBER_LIMIT');
  });

  it('limit errors carry the limit name', () => {
    const r = runJson([enc('[[[]]]')], { maxDepth: 2 });
    expect(r.errors[0]).toMatchObject({ code: 'JSON_DEPTH_LIMIT', kind: 'limit', limit: 'maxDepth', offset: 2 });
  });
});

describe('looksLikeJson', () => {
  it('sniffs objects and arrays', () => {
    for (const s of ['{"a":1}', ' \n[1,2]', '{}', '[]', '[{"a"', '{ "k"', '\ufeff{"a":1}', '[', '{']) expect(looksLikeJson(enc(s))).toBe(true);
    for (const s of ['', '  ', 'a=1&b=2', '<xml/>', '--boundary', '{a:1}', '[x]', '"str"', '42', '{{']) expect(looksLikeJson(enc(s))).toBe(false);
  });
});
