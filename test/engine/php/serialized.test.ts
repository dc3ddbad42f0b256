import { describe, expect, it } from 'vitest';
import { parsePhpSerialized, PHP_PARSE_LIMITS } from '../../../src/engine/detectors/php/serialized.js';
import { decodeEscaped, scanEscaped } from '../../../src/engine/detectors/php/escaped.js';
import { arr, custom, escapedString, list, obj, ser } from './build.js';
import { latin1 } from './harness.js';

const parse = (s: string, start = 0) => parsePhpSerialized(latin1(s), start);

describe('PHP serialize() grammar', () => {
  it.each([
    ['N;'], ['b:1;'], ['b:0;'], ['i:0;'], ['i:-42;'], ['i:+7;'], ['d:0.5;'], ['d:-1.5E+25;'], ['d:INF;'], ['d:-INF;'],
    ['d:NAN;'], ['d:1.;'], ['s:0:"";'], ['s:3:"a"b";'], ['a:0:{}'], ['r:1;'], ['R:2;'], ['E:11:"Suit:Hearts";'],
  ])('accepts %s', (text) => {
    const r = parse(text);
    expect(r.status).toBe('ok');
    expect(r.end).toBe(text.length);
    expect(r.objectCount).toBe(0);
  });

  it('is length-counted and binary safe for s:', () => {
    const text = ser(arr(['k', '"};O:8:"stdClass":0:{}\0\xff']));
    const r = parse(text);
    expect(r.status).toBe('ok');
    expect(r.objectCount).toBe(0);
  });

  it('records objects with their class names and completeness', () => {
    const text = ser(list('cart', obj('Foo\\Bar', { x: 1, y: obj('stdClass', {}) })));
    const r = parse(text);
    expect(r.status).toBe('ok');
    expect(r.objectCount).toBe(2);
    expect(r.completeObjects).toBe(2);
    const names = r.objects.map((o) => text.slice(o.nameStart, o.nameEnd));
    expect(names).toEqual(['Foo\\Bar', 'stdClass']);
  });

  it('accepts PHP 5 signed lengths O:+8:', () => {
    const r = parse('O:+8:"stdClass":+1:{s:1:"a";i:1;}');
    expect(r.status).toBe('ok');
    expect(r.completeObjects).toBe(1);
  });

  it('reads C: custom objects and reports their payload as nested data', () => {
    const text = ser(custom('ArrayObject', 'x:i:0;a:0:{};m:a:0:{}'));
    const r = parse(text);
    expect(r.status).toBe('ok');
    expect(r.objects[0]?.kind).toBe('C');
    expect(r.nested).toEqual([{ kind: 'custom', start: 23, end: 23 + 21 }]);
  });

  it('validates S: escapes and reports escaped strings as nested data', () => {
    const s = escapedString('O:8:"stdClass":0:{}', (c) => c === 'O' || c === '"');
    const r = parse(s);
    expect(r.status).toBe('ok');
    expect(r.nested[0]?.kind).toBe('escaped');
    expect(parse('S:2:"\\4g";').status).toBe('syntax');
    expect(parse('S:3:"ab";').status).not.toBe('ok');
  });

  it.each([
    ['O:8:"stdClass":1:{s:1:"a";i:1;'],
    ['a:2:{i:0;i:1;'],
    ['s:10:"abc'],
    ['O:8:"stdCl'],
    ['i:12'],
  ])('reports truncation for %s', (text) => {
    expect(parse(text).status).toBe('truncated');
  });

  it.each([
    ['O:8:"std Class":0:{}'], // invalid class-name byte
    ['O:0:"":0:{}'],
    ['o:8:"stdClass":0:{}'], // lowercase o is not a type
    ['a:1:{O:8:"stdClass":0:{}i:1;}'], // object as key
    ['a:1:{i:0;i:1;i:2;i:3;}'], // more elements than declared
    ['s:2:"abc";'],
    ['E:4:"Suit";'], // enum without case
    ['Order O:12 shipped; a:2 items'],
  ])('refuses %s', (text) => {
    const r = parse(text);
    expect(r.status).toBe('syntax');
    expect(r.end).toBeGreaterThanOrEqual(0);
    expect(r.end).toBeLessThanOrEqual(text.length);
  });

  it('counts an object as complete before a later syntax error (fast destruct)', () => {
    const r = parse(`a:2:{i:0;${ser(obj('Evil', {}))}i:1;X}`);
    expect(r.status).toBe('syntax');
    expect(r.completeObjects).toBe(1);
  });

  it('stops at the depth limit', () => {
    const deep = 'a:1:{i:0;'.repeat(20) + 'N;' + '}'.repeat(20);
    const r = parsePhpSerialized(latin1(deep), 0, deep.length, { ...PHP_PARSE_LIMITS, maxDepth: 10 });
    expect(r.status).toBe('limit');
    expect(parse(deep).status).toBe('ok');
  });

  it('stops at the item limit', () => {
    const text = ser(list(...Array.from({ length: 50 }, (_, i) => i)));
    expect(parsePhpSerialized(latin1(text), 0, text.length, { ...PHP_PARSE_LIMITS, maxItems: 20 }).status).toBe('limit');
  });

  it('never reads past the given end', () => {
    const text = 's:5:"hello";';
    expect(parsePhpSerialized(latin1(text), 0, 8).status).toBe('truncated');
  });
});

describe('escaped strings', () => {
  it('decodes \\xx escapes', () => {
    const b = latin1('\\4f:\\38x');
    const end = scanEscaped(b, 0, b.length, 4);
    expect(end).toBe(b.length);
    expect(Buffer.from(decodeEscaped(b, 0, end, 100)).toString('latin1')).toBe('O:8x');
  });
});
