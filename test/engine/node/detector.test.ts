import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeDetector } from '../../../src/engine/detectors/node/detector.js';
import { classifyRevived } from '../../../src/engine/detectors/node/js-skim.js';
import { revivedValue } from '../../../src/engine/detectors/node/string-value.js';
import { assertSane, latin1, run, utf8 } from '../php/harness.js';

const ND = '_$$ND_FUNC$$_';
const body = "require('child_process').exec('id', function(error, stdout, stderr) { console.log(stdout) });";
const jsonBody = (fn: string) => JSON.stringify({ username: 'admin', rce: ND + fn });
const severities = (s: string | Uint8Array) => run(nodeDetector, s).findings.map((f) => `${f.rule}:${f.severity ?? '-'}`);

describe('classifyRevived', () => {
  it.each([
    [`function(){${body}}()`, 'executes'],
    [`function (){${body}} ( )`, 'executes'],
    [`function(){${body}}\n()`, 'executes'],
    [`/* c */ function(){${body}}()`, 'executes'],
    [`(function(){${body}})()`, 'executes'],
    [`(function(){${body}}())`, 'executes'],
    [`(()=>{${body}})()`, 'executes'],
    [`function(){${body}}.call(this)`, 'executes'],
    [`function(){})(require('child_process').exec('id')`, 'executes'],
    [`()=>1)(require('child_process').exec('id')`, 'executes'],
    [`require('child_process').execSync('id')`, 'executes'],
    ['!function(){}()', 'executes'],
    ['class { static { process.exit() } }', 'executes'],
    [`function(){${body}}`, 'function'],
    [`function named(a, b) { return "}" + '{' + \`}\`; }`, 'function'],
    [`async function(){ await 1 }`, 'function'],
    [`function*(){ yield 1 }`, 'function'],
    [`(a, b) => { return a + b }`, 'function'],
    ['x => x * 2', 'function'],
    [`(function(){ ${body} })`, 'function'],
    ['  ', 'empty'],
    ['', 'empty'],
    ['hello world', 'other'],
  ])('%s -> %s', (text, kind) => {
    expect(classifyRevived(text)).toBe(kind);
  });

  it('never throws and is bounded on random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300, unit: fc.constantFrom(...'(){}[]"\'`/*\\=> \nfunction'.split('')) }), (s) => {
      expect(['empty', 'function', 'executes', 'other']).toContain(classifyRevived(s));
    }), { numRuns: 3000 });
    expect(classifyRevived('('.repeat(50_000))).toBe('executes');
  });
});

describe('nodeDetector: node-serialize (DW-NODE-001)', () => {
  it('the IIFE form in a JSON body is critical', () => {
    const text = jsonBody(`function(){${body}}()`);
    const r = run(nodeDetector, text);
    expect(severities(text)).toEqual(['DW-NODE-001:critical']);
    assertSane(r, text.length);
  });

  it('the bare function form is high', () => {
    expect(severities(jsonBody(`function(){${body}}`))).toEqual(['DW-NODE-001:high']);
  });

  it('JSON escapes inside the value are decoded (\\u0028\\u0029 IIFE)', () => {
    const text = `{"rce":"${ND}function(){ require(\\"child_process\\").exec(\\"id\\") }\\u0028\\u0029"}`;
    expect(severities(text)).toEqual(['DW-NODE-001:critical']);
  });

  it('JSON inside a JSON string (raw layer)', () => {
    const text = JSON.stringify({ session: { state: jsonBody(`function(){${body}}()`) } });
    expect(severities(text)).toEqual(['DW-NODE-001:critical']);
    const plain = JSON.stringify({ session: { state: jsonBody(`function(){${body}}`) } });
    expect(severities(plain)).toEqual(['DW-NODE-001:high']);
  });

  it('a decoded value layer starting with the marker', () => {
    expect(severities(`${ND}function(){${body}}()`)).toEqual(['DW-NODE-001:critical']);
  });

  it('a raw form value', () => {
    expect(severities(`csrf=1&profile=${ND}(()=>{process.exit()})()&x=2`)).toEqual(['DW-NODE-001:critical']);
  });

  it('a single-quoted JavaScript string', () => {
    expect(severities(`{rce: '${ND}function(){ require(\\'child_process\\') }()'}`)).toEqual(['DW-NODE-001:critical']);
  });

  it('several markers are each reported', () => {
    const text = JSON.stringify({ a: `${ND}function(){}()`, b: `${ND}function(){}` });
    expect(severities(text)).toEqual(['DW-NODE-001:critical', 'DW-NODE-001:high']);
  });

  it('UTF-8 text around the payload', () => {
    const text = utf8(JSON.stringify({ name: 'Łukasz 🚀', rce: `${ND}function(){${body}}()` }));
    expect(run(nodeDetector, text).rules).toEqual(['DW-NODE-001']);
  });
});

describe('nodeDetector: funcster, cryo, serialize-to-js', () => {
  it('funcster __js_function with an IIFE is critical, a plain function high', () => {
    expect(severities(JSON.stringify({ fn: { __js_function: `function(){${body}}()` } }))).toEqual(['DW-NODE-002:critical']);
    expect(severities(JSON.stringify({ fn: { __js_function: 'function(a){return a}' } }))).toEqual(['DW-NODE-002:high']);
    expect(severities(`{"fn": {"__js_function" : "function(){this.constructor.constructor('return process')().exit()}()"}}`))
      .toEqual(['DW-NODE-002:critical']);
  });

  it('cryo function revival, critical with a __proto__ override', () => {
    const plain = JSON.stringify({ root: '_CRYO_REF_0', references: [{ contents: {}, value: `_CRYO_FUNCTION_function(){${body}}` }] });
    expect(severities(plain)).toEqual(['DW-NODE-003:high']);
    const proto = JSON.stringify({
      root: '_CRYO_REF_0',
      references: [{ contents: { __proto__: '_CRYO_REF_1' }, value: '_CRYO_OBJECT_' }, { contents: {}, value: `_CRYO_FUNCTION_function(){${body}}` }],
    }).replace('"contents":{}', '"contents":{"__proto__":{"toString":"_CRYO_REF_1"}}');
    expect(severities(proto)).toContain('DW-NODE-003:critical');
  });

  it.each([
    [`{"rce": function(){ ${body} }()}`],
    [`{rce: (function(){ ${body} })()}`],
    [`{a: 1, b: [ (() => { ${body} })() ]}`],
    [`{"x": require('child_process').execSync('id')}`],
    [`[1, eval("process.exit()")]`],
    [`  {"x": new Function("return process")()}`],
  ])('serialize-to-js style literal %s', (text) => {
    expect(severities(text)).toEqual(['DW-NODE-003:critical']);
  });
});

describe('nodeDetector: benign', () => {
  it.each([
    ['prose without the marker', 'node-serialize evaluates functions marked with a special prefix, so avoid it for cookies.'],
    ['prose naming the marker in a sentence', `Values that start with ${ND} are passed to eval; never unserialize cookies.`],
    ['prose naming funcster', 'funcster stores functions under the __js_function key.'],
    ['the bare marker quoted', `The prefix is "${ND}" (with dollars).`],
    ['JavaScript source posted to a CMS', `(function(){ var x = function(){ return 1 }(); document.title = 'x'; })();`],
    ['the same source inside JSON', JSON.stringify({ content: `(function(){ ${body} })()`, title: 'function() { }' })],
    ['a JS file with require', `// app.js\nconst cp = require('child_process');\nmodule.exports = function(){ return 1 }();`],
    ['a Ruby hash literal', '{"a" => 1, "b" => [2, 3]}'],
    ['serialize-to-js output without calls', `{a: new Date("2020-01-01"), b: function(x){ return x }, c: /re/g, d: undefined}`],
    ['JSON mentioning require( in strings', JSON.stringify({ q: "require('x')", r: 'eval(1)', s: 'Function(' })],
  ])('%s is clean', (_name, text) => {
    expect(run(nodeDetector, latin1(text)).findings).toEqual([]);
  });

  it('random JSON never alarms', () => {
    fc.assert(fc.property(fc.json({ maxDepth: 3 }), (j) => {
      expect(run(nodeDetector, utf8(j)).findings).toEqual([]);
    }), { numRuns: 1000 });
  });

  it('random text with markers never throws and stays in bounds', () => {
    const unit = fc.constantFrom(ND, '__js_function', '_CRYO_FUNCTION_', 'function', '(', ')', '{', '}', '"', "'", '\\', '=>', ':', ' ', 'x', '()');
    fc.assert(fc.property(fc.array(unit, { maxLength: 60 }), (parts) => {
      const s = parts.join('');
      assertSane(run(nodeDetector, latin1(s)), s.length);
    }), { numRuns: 3000 });
  });

  it('marker contexts', () => {
    expect(revivedValue(latin1(`x ${ND}y`), 2, ND.length).context).toBe('prose');
    expect(revivedValue(latin1(`"${ND}y"`), 1, ND.length)).toEqual({ context: 'json-string', text: 'y', truncated: false });
    expect(revivedValue(latin1(`${ND}abc`), 0, ND.length)).toEqual({ context: 'value', text: 'abc', truncated: false });
  });
});
