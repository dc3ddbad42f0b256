/**
 * Polymorphic-typing watcher: type keys after unescaping, $types maps, Jackson wrapper arrays, proto keys.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tokenizeJson } from '../../../src/engine/views/json.js';
import { composeJsonHandlers } from '../../../src/engine/views/json-compose.js';
import { JsonTypeWatcher, type JsonTypeShape } from '../../../src/engine/views/json-types.js';
import { enc, oneByteChunks } from './helpers.js';
import { JsonTokenizer } from '../../../src/engine/views/json.js';

function shapes(text: string, chunks?: Uint8Array[]): JsonTypeShape[] {
  const out: JsonTypeShape[] = [];
  const w = new JsonTypeWatcher((s) => out.push(s));
  const t = new JsonTokenizer(w.handlers);
  for (const c of chunks ?? [enc(text)]) t.write(c);
  t.end();
  return out;
}

function brief(s: JsonTypeShape): string {
  return `${s.kind} ${s.key ?? ''} ${s.className ?? ''} ${s.pointer}${s.exactKey === false ? ' (case)' : ''}`;
}

describe('JsonTypeWatcher', () => {
  it('reports fastjson/Jackson/Json.NET/.NET type keys with their values and pointers', () => {
    const text = JSON.stringify({
      a: { '@type': 'com.sun.rowset.JdbcRowSetImpl', dataSourceName: 'ldap://x/y', autoCommit: true },
      b: { '@class': 'org.example.Bean' },
      c: { '@c': '.Minimal' },
      d: { $type: 'System.Windows.Data.ObjectDataProvider, PresentationFramework' },
      e: { __type: 'System.Windows.Data.ObjectDataProvider:#System.Windows.Data' },
    });
    expect(shapes(text).map(brief)).toEqual([
      'type-key @type com.sun.rowset.JdbcRowSetImpl /a/@type',
      'type-key @class org.example.Bean /b/@class',
      'type-key @c .Minimal /c/@c',
      'type-key $type System.Windows.Data.ObjectDataProvider, PresentationFramework /d/$type',
      'type-key __type System.Windows.Data.ObjectDataProvider:#System.Windows.Data /e/__type',
    ]);
  });

  it('compares keys after unescaping (\\u0040type, \\u0024type) and flags case variants', () => {
    expect(shapes('{"\\u0040type":"java.lang.Class","val":"x"}').map(brief)).toEqual(['type-key @type java.lang.Class /@type']);
    expect(shapes('{"\\u0024type":"A.B, C"}').map(brief)).toEqual(['type-key $type A.B, C /$type']);
    expect(shapes('{"@Type":"X"}').map(brief)).toEqual(['type-key @type X /@Type (case)']);
  });

  it('reports class names that are escaped in the value', () => {
    expect(shapes('{"@type":"com.sun.rowset.\\u004adbcRowSetImpl"}')[0]?.className).toBe('com.sun.rowset.JdbcRowSetImpl');
  });

  it('reports the keys of a fastJSON $types map', () => {
    const text = '{"$types":{"System.Windows.Data.ObjectDataProvider, PresentationFramework":"1","System.Diagnostics.Process, System":"2"},"$type":"1"}';
    expect(shapes(text).map(brief)).toEqual([
      'types-map-key $types System.Windows.Data.ObjectDataProvider, PresentationFramework /$types',
      'types-map-key $types System.Diagnostics.Process, System /$types',
      'type-key $type 1 /$type',
    ]);
  });

  it('reports Jackson default-typing wrapper arrays, nested and at the top level', () => {
    expect(shapes('["com.sun.rowset.JdbcRowSetImpl",{"dataSourceName":"ldap://x","autoCommit":true}]').map(brief)).toEqual([
      'wrapper-array  com.sun.rowset.JdbcRowSetImpl ',
    ]);
    // Reported when each array closes: the inner one first.
    expect(shapes('{"obj":["java.util.ArrayList",[["org.x.Gadget",{"p":1}]]]}').map(brief)).toEqual([
      'wrapper-array  org.x.Gadget /obj/1/0',
      'wrapper-array  java.util.ArrayList /obj',
    ]);
  });

  it('does not report non-wrapper arrays', () => {
    for (const t of ['["a"]', '[1,{"a":1}]', '[{"a":1},"x"]', '["a","b",{"c":1}]', '[["x"],{"a":1}]', '{"@type":1}', '{"@type":{"x":1}}']) {
      expect(shapes(t)).toEqual([]);
    }
  });

  it('reports two-element arrays with a scalar second element (delegating constructors); judging is the caller\'s', () => {
    expect(shapes('["org.springframework.context.support.FileSystemXmlApplicationContext","http://x/y.xml"]').map(brief)).toEqual([
      'wrapper-array  org.springframework.context.support.FileSystemXmlApplicationContext ',
    ]);
    expect(shapes('["java.lang.Long",1]').map(brief)).toEqual(['wrapper-array  java.lang.Long ']);
  });

  it('flags prototype-pollution keys', () => {
    expect(shapes('{"__proto__":{"isAdmin":true},"a":{"constructor":{"prototype":{"x":1}}}}').map(brief)).toEqual([
      'proto-key __proto__  ',
      'proto-key constructor  /a',
      'proto-key prototype  /a/constructor',
    ]);
  });

  it('caps class names', () => {
    const long = 'a.'.repeat(2000);
    const s = shapes(JSON.stringify({ '@type': long }))[0]!;
    expect(s.className!.length).toBe(1024);
    expect(s.truncated).toBe(true);
  });

  it('gives the same shapes for any chunking, and composes with other handlers', () => {
    const text = '{"a":["x.Y",{"@type":"p.Q","\\u0024types":{"K, L":"1"}}],"__proto__":1}';
    const whole = shapes(text);
    expect(whole.length).toBe(4);
    expect(shapes(text, oneByteChunks(enc(text)))).toEqual(whole);
    const keys: string[] = [];
    const out: JsonTypeShape[] = [];
    const w = new JsonTypeWatcher((s) => out.push(s));
    tokenizeJson(enc(text), composeJsonHandlers(w.handlers, { onKey: (_p, k) => keys.push(k) }));
    expect(out).toEqual(whole);
    expect(keys).toContain('$types');
  });

  it('never throws on generated JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
        shapes(JSON.stringify(v));
      }),
      { numRuns: 500 },
    );
  });
});
