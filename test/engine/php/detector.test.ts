import { describe, expect, it } from 'vitest';
import { phpDetector } from '../../../src/engine/detectors/php/detector.js';
import { phpGadgetFamily } from '../../../src/engine/detectors/php/gadgets.js';
import { arr, escapedString, list, obj, ser } from './build.js';
import { allChains, appObject, laravelPendingBroadcast, monologRce1, wordpressRequests } from './chains.js';
import { assertSane, latin1, run } from './harness.js';

describe('phpDetector: gadget chains', () => {
  it.each(Object.entries(allChains))('%s is an object (001) and a known gadget (003)', (_name, payload) => {
    const r = run(phpDetector, payload);
    expect(r.rules).toEqual(['DW-PHP-001', 'DW-PHP-003']);
    assertSane(r, payload.length);
  });

  it('an application object that is no known gadget is still DW-PHP-001', () => {
    expect(run(phpDetector, appObject).rules).toEqual(['DW-PHP-001']);
  });

  it('names the classes without dumping request bytes', () => {
    const f = run(phpDetector, monologRce1).findings.find((x) => x.rule === 'DW-PHP-001');
    expect(f?.message).toContain('Monolog\\Handler\\SyslogUdpHandler');
    expect(f?.offset).toBe(0);
  });

  it('reports one value once, at the outermost value', () => {
    const r = run(phpDetector, ser(list('cart', 3, obj('App\\User', { n: obj('App\\Role', {}) }))));
    expect(r.findings.filter((f) => f.rule === 'DW-PHP-001')).toHaveLength(1);
  });
});

describe('phpDetector: techniques', () => {
  it('PHP 5 signed lengths O:+8:', () => {
    const payload = 'O:+33:"Requests_Utility_FilteredIterator":+1:{s:8:"callback";s:6:"system";}';
    expect(run(phpDetector, payload).rules).toEqual(['DW-PHP-001', 'DW-PHP-003']);
  });

  it('class names are matched case-insensitively and with a leading backslash', () => {
    expect(phpGadgetFamily('\\monolog\\HANDLER\\syslogudphandler')).toBe('Monolog');
    const payload = ser(obj('\\guzzlehttp\\cookie\\FILECOOKIEJAR', { a: 1 }));
    expect(run(phpDetector, payload).rules).toEqual(['DW-PHP-001', 'DW-PHP-003']);
  });

  it('an object nested in an array', () => {
    const payload = ser(arr([0, 'cart'], [1, 3], [2, obj('Monolog\\Handler\\BufferHandler', {})]));
    const r = run(phpDetector, payload);
    expect(r.rules).toEqual(['DW-PHP-001', 'DW-PHP-003']);
    expect(r.findings[0]?.offset).toBe(0);
  });

  it('an object inside a serialized string (s:)', () => {
    const payload = ser(arr(['data', ser(obj('App\\Evil', {}))]));
    expect(run(phpDetector, payload).rules).toEqual(['DW-PHP-001']);
  });

  it('an object inside an S: string whose bytes are hex-escaped', () => {
    const inner = ser(obj('Monolog\\Handler\\SyslogUdpHandler', {}));
    const payload = `a:1:{s:4:"data";${escapedString(inner)}}`;
    expect(payload).not.toContain('Monolog');
    const r = run(phpDetector, payload);
    expect(r.rules).toEqual(['DW-PHP-001', 'DW-PHP-003']);
    expect(r.findings[0]?.message).toContain('hidden in a serialized string');
  });

  it('S: escapes inside the property names of an object', () => {
    const payload = `O:8:"stdClass":1:{${escapedString('\0*\0x', (c) => c === '\0')}s:6:"system";}`;
    expect(run(phpDetector, payload).rules).toEqual(['DW-PHP-001']);
  });

  it('a gadget inside a C: custom payload (ArrayObject)', () => {
    const r = run(phpDetector, allChains.arrayObjectWrapping ?? '');
    expect(r.rules).toContain('DW-PHP-003');
    expect(r.findings.find((f) => f.rule === 'DW-PHP-003')?.message).toContain('Monolog');
  });

  it('fast destruct: a complete object followed by malformed data', () => {
    const payload = `a:2:{i:7;${laravelPendingBroadcast}i:7;`;
    const valid = `a:2:{i:7;${laravelPendingBroadcast}i:7;i:7;}`;
    const broken = run(phpDetector, `a:2:{i:7;${laravelPendingBroadcast}X`);
    expect(broken.rules).toEqual(['DW-PHP-001', 'DW-PHP-003']);
    expect(broken.findings[0]?.message).toContain('destructs');
    expect(run(phpDetector, valid).rules).toEqual(['DW-PHP-001', 'DW-PHP-003']);
    expect(run(phpDetector, payload).rules).toEqual(['DW-PHP-001', 'DW-PHP-003']);
  });

  it('a truncated gadget stream is DW-PHP-003 only', () => {
    const cut = wordpressRequests.slice(0, 60);
    expect(run(phpDetector, cut).rules).toEqual(['DW-PHP-003']);
  });

  it('payload after unrelated text and inside a larger layer', () => {
    const body = `comment=hello world&data=${appObject}&x=1`;
    expect(run(phpDetector, body).rules).toEqual(['DW-PHP-001']);
  });

  it('nested serialized strings several levels deep', () => {
    let v = ser(obj('App\\Evil', {}));
    for (let i = 0; i < 3; i++) v = ser(list(v));
    expect(run(phpDetector, v).rules).toEqual(['DW-PHP-001']);
  });

  it('private and protected property names with NUL bytes', () => {
    expect(run(phpDetector, monologRce1).rules).toContain('DW-PHP-001');
    expect(monologRce1).toContain('\0*\0');
  });
});

describe('phpDetector: benign look-alikes', () => {
  it.each([
    ['plain array', ser(arr(['cart', list('admin', 'price', 'weights')], ['total', 927], ['coupon', null]))],
    ['array of strings and ints', 'a:3:{i:0;s:5:"apple";i:1;i:42;i:2;d:0.5;}'],
    ['string', 's:11:"hello world";'],
    ['enum', 'a:1:{i:0;E:11:"Suit:Hearts";}'],
    ['prose', 'Order O:12 shipped; a:2 items, C:3 and s:1 pending'],
    ['prose about unserialize', "PHP's unserialize() turns strings like O:8:... into objects; use json_decode instead."],
    ['urls', 'see https://example.com/a:b/s:1 and mailto:a@b'],
    ['json', '{"O":"C:","a:":1,"s":"O:8:"}'],
    ['source code', '<?php echo serialize(["a" => 1]); // O:8:"stdClass" output'],
  ])('%s is clean', (_name, text) => {
    expect(run(phpDetector, text).findings).toEqual([]);
  });

  it('a serialized string holding a serialized array stays clean', () => {
    expect(run(phpDetector, ser(arr(['blob', ser(list(1, 2, 'x'))]))).findings).toEqual([]);
  });
});

describe('phpDetector: policy', () => {
  it('allowlist mode admits listed classes only', () => {
    const payload = ser(list(obj('App\\Dto\\Cart', {}), obj('app\\dto\\line', {})));
    const settings = { allow: ['App\\Dto\\Cart', 'App\\Dto\\Line'] };
    expect(run(phpDetector, payload, { action: 'allowlist', settings }).findings).toEqual([]);
    const evil = ser(list(obj('App\\Dto\\Cart', {}), obj('Monolog\\Handler\\BufferHandler', {})));
    expect(run(phpDetector, evil, { action: 'allowlist', settings }).rules).toEqual(['DW-PHP-001', 'DW-PHP-003']);
  });

  it('allowlist mode fails closed past the recorded objects', () => {
    const many = ser(list(...Array.from({ length: 300 }, () => obj('App\\Dto\\Cart', {})), obj('App\\Evil', {})));
    const r = run(phpDetector, many, { action: 'allowlist', settings: { allow: ['App\\Dto\\Cart'] } });
    expect(r.rules).toEqual(['DW-PHP-001']);
    expect(r.findings[0]?.message).toContain('more objects');
  });

  it('reports a limit finding for absurd nesting', () => {
    const deep = 'a:1:{i:0;'.repeat(600) + 'N;' + '}'.repeat(600);
    const r = run(phpDetector, deep);
    expect(r.rules).toEqual(['DW-PHP-004']);
    expect(r.findings[0]?.kind).toBe('limit');
  });

  it('stops when the engine budget is exhausted', () => {
    const many = Array.from({ length: 50 }, () => appObject).join('\n');
    const r = run(phpDetector, many, { budget: 3 });
    expect(r.findings.length).toBeLessThanOrEqual(3);
  });

  it('accepts bytes that are not valid UTF-8', () => {
    const payload = ser(obj('App\\\xff\xfeEvil', { '\xff': '\x00\x01' }));
    const r = run(phpDetector, latin1(payload));
    expect(r.rules).toEqual(['DW-PHP-001']);
    assertSane(r, payload.length);
  });
});
