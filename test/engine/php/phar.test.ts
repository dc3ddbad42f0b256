import { describe, expect, it } from 'vitest';
import { phpDetector } from '../../../src/engine/detectors/php/detector.js';
import { parsePharManifest } from '../../../src/engine/detectors/php/phar.js';
import { buildPhar, GIF_HEADER, JPEG_HEADER, obj, ser } from './build.js';
import { guzzleFileCookieJar, monologRce1 } from './chains.js';
import { assertSane, latin1, run } from './harness.js';

const tokenEnd = (phar: string): number => phar.toLowerCase().indexOf('__halt_compiler();') + 18;

describe('phar manifest reader', () => {
  it('reads the manifest the way ext/phar does', () => {
    const phar = buildPhar({ alias: 'x.phar', metadata: monologRce1, files: [{ name: 'a.txt', data: 'A' }, { name: 'b/', data: '' }] });
    const m = parsePharManifest(latin1(phar), tokenEnd(phar));
    expect(m.ok).toBe(true);
    expect(m.entryCount).toBe(2);
    expect(m.apiVersion).toBe(0x1110);
    expect(m.metadata && phar.slice(m.metadata.start, m.metadata.end)).toBe(monologRce1);
  });

  it.each([
    ['<?php __HALT_COMPILER(); ?>\r\n'],
    ['<?php __HALT_COMPILER(); ?>\n'],
    ['<?php __HALT_COMPILER();'],
    ['<?php __HALT_COMPILER();\n?>'],
    ['<?php __halt_compiler(); ?>\r\n'],
  ])('accepts the stub ending %j', (stub) => {
    const phar = buildPhar({ stub });
    expect(parsePharManifest(latin1(phar), tokenEnd(phar)).ok).toBe(true);
  });

  it('refuses what PHP refuses', () => {
    const good = buildPhar({ files: [{ name: 'a', data: 'x' }] });
    const at = tokenEnd(good) + 4 + 2; // manifest length (4), ?>\r\n skipped below
    const end = tokenEnd(good);
    expect(parsePharManifest(latin1(good.slice(0, end + 10)), end).ok).toBe(false);
    const zeroEntries = good.slice(0, at + 2) + '\0\0\0\0' + good.slice(at + 6);
    expect(parsePharManifest(latin1(zeroEntries), end).ok).toBe(false);
    expect(parsePharManifest(latin1('<?php __HALT_COMPILER(); ?>\r\nhello world, this is text'), end).ok).toBe(false);
  });

  it('per-entry metadata is collected', () => {
    const phar = buildPhar({ files: [{ name: 'a', data: 'x', metadata: ser(obj('App\\Meta', {})) }] });
    const m = parsePharManifest(latin1(phar), tokenEnd(phar));
    expect(m.entryMetadata).toHaveLength(1);
  });
});

describe('phpDetector: phar archives', () => {
  it('a phar whose metadata holds a gadget', () => {
    const phar = buildPhar({ metadata: guzzleFileCookieJar });
    const r = run(phpDetector, phar);
    expect(r.rules).toEqual(['DW-PHP-001', 'DW-PHP-002', 'DW-PHP-003']);
    expect(r.findings.find((f) => f.rule === 'DW-PHP-002')?.message).toContain('GuzzleHttp\\Cookie\\FileCookieJar');
    assertSane(r, phar.length);
  });

  it.each([
    ['GIF', GIF_HEADER],
    ['JPEG', JPEG_HEADER],
  ])('a %s/phar polyglot', (_name, header) => {
    const phar = buildPhar({ prefix: header, metadata: monologRce1 });
    expect(run(phpDetector, phar).rules).toEqual(['DW-PHP-001', 'DW-PHP-002', 'DW-PHP-003']);
  });

  it('a phar without metadata is still a deserialization vector (DW-PHP-002)', () => {
    const phar = buildPhar({ prefix: GIF_HEADER });
    expect(run(phpDetector, phar).rules).toEqual(['DW-PHP-002']);
  });

  it('lower- or mixed-case stub token', () => {
    const phar = buildPhar({ stub: '<?php __hAlT_cOmPiLeR(); ?>\n', metadata: ser(obj('App\\X', {})) });
    expect(run(phpDetector, phar).rules).toEqual(['DW-PHP-001', 'DW-PHP-002']);
  });

  it('an object in per-entry metadata', () => {
    const phar = buildPhar({ files: [{ name: 'a.txt', data: 'hi', metadata: monologRce1 }] });
    expect(run(phpDetector, phar).rules).toEqual(['DW-PHP-001', 'DW-PHP-002', 'DW-PHP-003']);
  });

  it('metadata with an object is reported even when a later entry is malformed (PHP 7 reads it first)', () => {
    const meta = ser(obj('App\\X', {}));
    const phar = buildPhar({ metadata: meta, signed: false });
    const entry = phar.indexOf(meta) + meta.length;
    const broken = phar.slice(0, entry) + '\0\0\0\0' + phar.slice(entry + 4); // empty entry name
    expect(parsePharManifest(latin1(broken), tokenEnd(broken)).ok).toBe(false);
    expect(run(phpDetector, broken).rules).toEqual(['DW-PHP-001', 'DW-PHP-002']);
  });

  it('a tar-based phar metadata member handed over as a layer', () => {
    const meta = ser(obj('Monolog\\Handler\\BufferHandler', {}));
    const r = run(phpDetector, meta, { layer: { filename: '.phar/.metadata.bin' } });
    expect(r.rules).toEqual(['DW-PHP-001', 'DW-PHP-002', 'DW-PHP-003']);
  });

  it.each([
    ['a GIF without a stub', GIF_HEADER + 'x'.repeat(200)],
    ['a JPEG without a stub', JPEG_HEADER + '\x00\x11\x22'.repeat(100)],
    ['PHP source mentioning the token', '<?php echo 1; __HALT_COMPILER(); ?>\nplain data follows here, not a manifest'],
    ['prose', 'Phar archives end their stub with __HALT_COMPILER(); followed by a manifest.'],
    ['token at the very end', '<?php __HALT_COMPILER();'],
  ])('%s is clean', (_name, text) => {
    expect(run(phpDetector, text).findings).toEqual([]);
  });
});
