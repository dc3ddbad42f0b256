/**
 * Evasion checklist G (items 88-99): unsafe YAML, Ruby, PHP and Node
 * payloads, through the real engine. PHP values come from the PHP tests'
 * serializer and phar builder, Ruby Marshal from the Ruby tests' writer.
 * Detector-level tests: test/engine/{yaml,php,ruby,node}/*.test.ts.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildPhar, custom, GIF_HEADER, JPEG_HEADER, list, obj, ser } from '../php/build.js';
import { monologRce1 } from '../php/chains.js';
import { dump, erbProxy, gadget2018, universalGadget } from '../ruby/build.js';
import { b64, blocked, FORM, JSON_CT, latin1, rules } from './harness.js';

const YAML = { contentType: 'application/yaml' };
const PHP = { contentType: 'text/plain' };

describe('G. YAML, PHP, Ruby, Node', () => {
  it('E88: PyYAML tag forms object/apply, object/new, object, name, module', () => {
    for (const y of ['x: !!python/object/apply:os.system ["id"]\n', 'x: !!python/object/new:subprocess.check_output [["id"]]\n', 'x: !!python/object:__main__.Exploit {cmd: id}\n', 'x: !!python/name:os.system\n', 'x: !!python/module:subprocess\n']) {
      expect(rules(y, YAML), y).toContain('DW-YAML-001');
    }
  });

  it('E89: verbatim tags !<tag:yaml.org,2002:python/object/apply:os.system>', () => {
    expect(rules('x: !<tag:yaml.org,2002:python/object/apply:os.system> ["id"]\n', YAML)).toContain('DW-YAML-001');
  });

  it('E90: %TAG directive handles', () => {
    expect(rules('%TAG !p! tag:yaml.org,2002:python/\n---\nx: !p!object/apply:os.system ["id"]\n', YAML)).toContain('DW-YAML-001');
  });

  it('E91: %HH URI escapes inside tags', () => {
    expect(rules('x: !!python/%6Fbject/apply:os.system ["id"]\n', YAML)).toContain('DW-YAML-001');
    expect(rules('x: !!python/object/apply:os.%73ystem ["id"]\n', YAML)).toContain('DW-YAML-001');
  });

  it('E92: flow style, anchors and aliases, multi-document streams, JSON-compatible YAML', () => {
    expect(rules('{a: 1, b: !!python/object/apply:os.system [id]}\n', YAML)).toContain('DW-YAML-001');
    expect(rules('a: &x !!python/object/apply:os.system ["id"]\nb: *x\n', YAML)).toContain('DW-YAML-001');
    expect(rules('--- {a: 1}\n...\n--- !!python/object/apply:os.system ["id"]\n', YAML)).toContain('DW-YAML-001');
    expect(rules('{"a": !!python/object/apply:os.system ["id"]}', YAML)).toContain('DW-YAML-001');
  });

  it('E93: Ruby Psych !ruby/object:Gem::Requirement chains and Marshal 04 08 / BAh with Gem::*/Net::* classes', () => {
    expect(rules('--- !ruby/object:Gem::Requirement\nrequirements: !ruby/object:Gem::DependencyList\n  specs: []\n', YAML)).toContain('DW-YAML-003');
    for (const [name, m] of [['universal', universalGadget], ['2018', gadget2018], ['erb', erbProxy]] as const) {
      const bin = dump(m);
      expect(rules(bin, { contentType: 'application/octet-stream' }), name).toContain('DW-RUBY-002');
      expect(b64(bin).startsWith('BAh')).toBe(true);
      expect(rules(`_session=${encodeURIComponent(b64(bin))}`, { contentType: FORM }), name).toContain('DW-RUBY-002');
    }
  });

  it('E94: PHP 5 signed lengths O:+8:', () => {
    expect(rules('O:+8:"stdClass":1:{s:1:"a";s:1:"b";}', PHP)).toContain('DW-PHP-001');
    expect(rules(monologRce1.replace(/^O:(\d+):/, 'O:+$1:'), PHP)).toContain('DW-PHP-003');
  });

  it('E95: C: custom objects, S: hex-escaped strings, NUL-mangled property names, objects nested in arrays and strings, E: enums', () => {
    expect(rules(ser(custom('ArrayObject', `x:i:0;${monologRce1};m:a:0:{}`)), PHP)).toContain('DW-PHP-003');
    expect(rules('O:8:"stdClass":1:{S:6:"\\73ystem";s:2:"id";}', PHP)).toContain('DW-PHP-001');
    expect(rules(ser(list('a', obj('Monolog\\Handler\\SyslogUdpHandler', { '\0*\0socket': null }))), PHP)).toContain('DW-PHP-003');
    const inString = ser(`${ser(obj('GuzzleHttp\\Cookie\\FileCookieJar', { filename: '/tmp/x.php' }))}`);
    expect(rules(inString, PHP)).toContain('DW-PHP-003');
    expect(blocked('a:1:{i:0;E:11:"Suit:Hearts";}', PHP)).toBe(false);
  });

  it('E96: phar polyglots (image header + __HALT_COMPILER();), metadata objects, compressed phars', () => {
    const meta = ser(obj('GuzzleHttp\\Cookie\\FileCookieJar', { filename: '/var/www/x.php' }));
    for (const prefix of [GIF_HEADER, JPEG_HEADER]) {
      const phar = latin1(buildPhar({ prefix, stub: '<?php __HALT_COMPILER(); ?>', metadata: meta }));
      expect(rules(phar, { contentType: 'image/gif' }), prefix.slice(0, 4)).toEqual(expect.arrayContaining(['DW-PHP-002', 'DW-PHP-003']));
    }
    const gz = zlib.gzipSync(latin1(buildPhar({ metadata: meta })));
    expect(rules(gz, { contentType: 'application/octet-stream' })).toContain('DW-PHP-003');
  });

  it('E97: PHP session-file upload (sess_<id>) holding a serialized object', () => {
    const sess = `user|${ser(obj('Monolog\\Handler\\SyslogUdpHandler', { '\0*\0socket': null }))}`;
    const body = Buffer.concat([latin1('--b\r\nContent-Disposition: form-data; name="f"; filename="sess_0123456789abcdefghijklmno"\r\n\r\n'), latin1(sess), latin1('\r\n--b--\r\n')]);
    expect(rules(body, { contentType: 'multipart/form-data; boundary=b' })).toContain('DW-PHP-003');
  });

  it('E98: node-serialize marker hidden by JSON \\u escapes or base64', () => {
    const iife = `_$$ND_FUNC$$_function(){require('child_process').exec('id')}()`;
    expect(rules(`{"rce":"\\u005f\\u0024\\u0024ND_FUNC\\u0024\\u0024_function(){require('child_process').exec('id')}()"}`, { contentType: JSON_CT })).toContain('DW-NODE-001');
    expect(rules(`profile=${encodeURIComponent(b64(Buffer.from(JSON.stringify({ rce: iife }))))}`, { contentType: FORM })).toContain('DW-NODE-001');
    expect(rules(JSON.stringify({ rce: iife }), { location: 'cookie' })).toContain('DW-NODE-001');
  });

  it('E99: funcster __js_function, and new Function(/eval( revivers', () => {
    expect(rules(`{"__js_function":"function(){require('child_process').exec('id')}()"}`, { contentType: JSON_CT })).toContain('DW-NODE-002');
    expect(rules(`{"f":"_CRYO_FUNCTION_function(){return process.mainModule.require('child_process').execSync('id')}()"}`, { contentType: JSON_CT })).toContain('DW-NODE-003');
  });
});
