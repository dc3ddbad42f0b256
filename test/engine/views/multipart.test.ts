/**
 * multipart/form-data view: accepted shapes, every refusal (B6-B12, C11), limits, linear boundary search.
 */
import { describe, expect, it } from 'vitest';
import { MultipartParser, multipartFromContentType, validateBoundary } from '../../../src/engine/views/multipart.js';
import { buildBody, runMultipart, type BodyPart } from './multipart-helpers.js';
import { oneByteChunks } from './helpers.js';

const B = 'XyZ-boundary.123';
const disp = (name: string, extra = ''): string => `Content-Disposition: form-data; name="${name}"${extra}`;
const field = (name: string, value: string, more: string[] = []): BodyPart => ({ headers: [disp(name), ...more], body: Buffer.from(value, 'latin1') });

/** Run whole and byte-by-byte; they must agree. Returns the error code (or undefined). */
function codeOf(body: Buffer | string, options?: Parameters<typeof runMultipart>[2], boundary = B): string | undefined {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  const a = runMultipart(boundary, [bytes], options);
  const b = runMultipart(boundary, oneByteChunks(bytes), options);
  expect(b.log).toEqual(a.log);
  return a.result.ok ? undefined : a.result.error.code;
}

const good = buildBody(B, [field('a', 'hello'), { headers: [disp('f', '; filename="x.bin"'), 'Content-Type: application/octet-stream'], body: Buffer.from([0, 13, 10, 45, 45, 255]) }]);
const goodText = good.toString('latin1');

describe('multipart: accepted bodies', () => {
  it('parses fields and files with exact bytes', () => {
    const r = runMultipart(B, [good]);
    expect(r.result).toEqual({ ok: true });
    expect(r.parts.map((p) => [p.info.name, p.info.filename, p.info.contentType, p.data.toString('hex'), p.ended])).toEqual([
      ['a', undefined, undefined, Buffer.from('hello').toString('hex'), true],
      ['f', 'x.bin', 'application/octet-stream', '000d0a2d2dff', true],
    ]);
  });

  it('accepts no final CRLF, empty parts, empty filename, quoted-boundary values and UTF-8 names', () => {
    expect(codeOf(goodText.slice(0, -2))).toBeUndefined();
    expect(codeOf(buildBody(B, [field('empty', ''), { headers: [disp('file1', '; filename=""'), 'Content-Type: application/octet-stream'], body: Buffer.alloc(0) }]))).toBeUndefined();
    const utf8 = buildBody(B, [{ headers: [Buffer.from('Content-Disposition: form-data; name="caf\u00e9"; filename="\u65e5.txt"', 'utf8').toString('latin1')], body: Buffer.from('x') }]);
    const r = runMultipart(B, [utf8]);
    expect(r.parts[0]?.info.name).toBe('caf\u00e9');
    expect(r.parts[0]?.info.filename).toBe('\u65e5.txt');
  });

  it('accepts a zero-part body (close delimiter only)', () => {
    expect(codeOf(`--${B}--\r\n`)).toBeUndefined();
  });

  it('keeps unknown part headers, allowed charsets and token-valued parameters', () => {
    const body = buildBody(B, [field('t', 'x', ['Content-Type: text/plain; charset=ISO-8859-1', 'Content-ID: <1>']), { headers: ['Content-Disposition: form-data; name=tok'], body: Buffer.from('y') }]);
    const r = runMultipart(B, [body]);
    expect(r.result.ok).toBe(true);
    expect(r.parts[0]?.info.charset).toBe('iso-8859-1');
    expect(r.parts[0]?.info.headers.map((h) => h.name)).toEqual(['content-disposition', 'content-type', 'content-id']);
    expect(r.parts[1]?.info.name).toBe('tok');
  });

  it('B12: decodes base64 and quoted-printable parts, flags them and exposes the raw bytes', () => {
    const sig = Buffer.from('rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA==', 'base64');
    const body = buildBody(B, [
      { headers: [disp('obj', '; filename="o.ser"'), 'Content-Transfer-Encoding: base64'], body: Buffer.from(sig.toString('base64').replace(/(.{8})/g, '$1\r\n')) },
      { headers: [disp('q'), 'Content-Transfer-Encoding: Quoted-Printable'], body: Buffer.from('<!DOCTYPE x [=3C!ENTITY e SYSTEM "file:///etc/passwd">]>=\r\n<x>&e;</x>') },
      { headers: [disp('b'), 'Content-Transfer-Encoding: 8bit'], body: Buffer.from('plain') },
    ]);
    const r = runMultipart(B, [body]);
    expect(r.result.ok).toBe(true);
    expect(r.parts[0]?.info.encoded).toBe(true);
    expect(r.parts[0]?.info.transferEncoding).toBe('base64');
    expect(r.parts[0]?.data.equals(sig)).toBe(true);
    expect(r.parts[0]?.raw.toString()).toContain('\r\n');
    expect(r.parts[1]?.data.toString()).toBe('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>');
    expect(r.parts[2]?.info.encoded).toBe(false);
    expect(codeOf(body)).toBeUndefined();
  });
});

describe('multipart: refusals', () => {
  const cases: [string, string, string][] = [
    ['B12 preamble', 'preamble\r\n' + goodText, 'MULTIPART_PREAMBLE'],
    ['B12 leading CRLF', '\r\n' + goodText, 'MULTIPART_PREAMBLE'],
    ['B12 epilogue', goodText + 'junk', 'MULTIPART_EPILOGUE'],
    ['B12 two CRLF after close', goodText + '\r\n', 'MULTIPART_EPILOGUE'],
    ['B12 missing close delimiter', buildBody(B, [field('a', 'x')], false).toString('latin1'), 'MULTIPART_TRUNCATED'],
    ['empty body', '', 'MULTIPART_TRUNCATED'],
    ['B10 LF-only delimiter line', goodText.replace(`\r\n--${B}\r\nContent-Disposition: form-data; name="f"`, `\n--${B}\r\nContent-Disposition: form-data; name="f"`), 'MULTIPART_BARE_LF'],
    ['B10 CR-only delimiter line', goodText.replace(`\r\n--${B}\r\nContent-Disposition: form-data; name="f"`, `\r--${B}\r\nContent-Disposition: form-data; name="f"`), 'MULTIPART_BARE_CR'],
    ['B10 LF after delimiter', goodText.replace(`--${B}\r\n`, `--${B}\n`), 'MULTIPART_BARE_LF'],
    ['B10 LF-only header line', goodText.replace('name="a"\r\n', 'name="a"\n'), 'MULTIPART_BARE_LF'],
    ['B10 CR-only header line', goodText.replace('name="a"\r\n', 'name="a"\rX'), 'MULTIPART_BARE_CR'],
    ['B10 header folding', goodText.replace('name="a"\r\n', 'name="a"\r\n continued\r\n'), 'MULTIPART_HEADER_FOLDING'],
    ['B10 NUL in header name', goodText.replace('name="a"\r\n', 'name="a"\r\nconten\x00-extra: x\r\n'), 'MULTIPART_HEADER_NUL'],
    ['B10 NUL in name', goodText.replace('name="a"', 'name="a\x00"'), 'MULTIPART_HEADER_NUL'],
    ['B10 line ended by NUL LF', goodText.replace('name="a"\r\n', 'name="a"\x00\n'), 'MULTIPART_HEADER_NUL'],
    ['CTL in header', goodText.replace('name="a"', 'name="a\x1b"'), 'MULTIPART_HEADER_CTL'],
    ['transport padding after delimiter', goodText.replace(`--${B}\r\n`, `--${B}  \r\n`), 'MULTIPART_DELIMITER_SUFFIX'],
    ['boundary string inside data', goodText.replace('hello', `he--${B}llo`), 'MULTIPART_BOUNDARY_IN_BODY'],
    ['delimiter glued to headers end', goodText.replace('name="a"\r\n\r\nhello\r\n', 'name="a"\r\n\r\n'), 'MULTIPART_BOUNDARY_IN_BODY'],
    ['header without colon', goodText.replace('name="a"\r\n', 'name="a"\r\nX-Foo bar\r\n'), 'MULTIPART_HEADER_SYNTAX'],
    ['space before colon', goodText.replace('Content-Disposition: form-data; name="a"', 'Content-Disposition : form-data; name="a"'), 'MULTIPART_HEADER_SYNTAX'],
    ['W4 Content_Type lookalike', goodText.replace('name="a"\r\n', 'name="a"\r\nContent_Type: text/plain\r\n'), 'MULTIPART_HEADER_NAME'],
    ['ContentType lookalike', goodText.replace('name="a"\r\n', 'name="a"\r\nContentType: text/plain\r\n'), 'MULTIPART_HEADER_NAME'],
    ['no disposition', goodText.replace('Content-Disposition: form-data; name="a"', 'X-Note: y'), 'MULTIPART_NO_DISPOSITION'],
    ['B9 two Content-Disposition', goodText.replace('name="a"\r\n', 'name="a"\r\nContent-Disposition: form-data; name="b"\r\n'), 'MULTIPART_DUPLICATE_DISPOSITION'],
    ['B9 name twice', goodText.replace('name="a"', 'name="a"; name="b"'), 'MULTIPART_DUPLICATE_PARAM'],
    ['B9 name twice, case', goodText.replace('name="a"', 'name="a"; NAME="b"'), 'MULTIPART_DUPLICATE_PARAM'],
    ['B9 filename and filename*', goodText.replace('filename="x.bin"', `filename="x.bin"; filename*=UTF-8''evil.php`), 'MULTIPART_RFC2231_PARAM'],
    ['name* alone', goodText.replace('name="a"', `name*=UTF-8''a`), 'MULTIPART_RFC2231_PARAM'],
    ['filename*0 continuation', goodText.replace('filename="x.bin"', 'filename*0="ev"; filename*1="il.php"'), 'MULTIPART_RFC2231_PARAM'],
    ['B11 text after closing quote', goodText.replace('filename="x.bin"', 'filename="a.jpg".html'), 'MULTIPART_DISPOSITION_SYNTAX'],
    ['B11 decoy filename in another parameter', goodText.replace('filename="x.bin"', 'note="x; filename=evil.exe "; filename="safe.txt"'), 'MULTIPART_DECOY_PARAM'],
    ['decoy name', goodText.replace('name="a"', 'name="a"; comment="name=b"'), 'MULTIPART_DECOY_PARAM'],
    ['backslash escape', goodText.replace('filename="x.bin"', 'filename="x\\".bin"'), 'MULTIPART_AMBIGUOUS_QUOTING'],
    ['single-quoted name (CVE-2009-5031)', goodText.replace('name="a"', "name='a'"), 'MULTIPART_AMBIGUOUS_QUOTING'],
    ['single quote inside token (CVE-2012-2751)', goodText.replace('name="a"', "name=a'b"), 'MULTIPART_AMBIGUOUS_QUOTING'],
    ['unterminated quote', goodText.replace('name="a"', 'name="a'), 'MULTIPART_DISPOSITION_SYNTAX'],
    ['whitespace around =', goodText.replace('name="a"', 'name = "a"'), 'MULTIPART_DISPOSITION_SYNTAX'],
    ['no name', goodText.replace('form-data; name="a"', 'form-data; filename="a"'), 'MULTIPART_NO_NAME'],
    ['disposition type attachment', goodText.replace('form-data; name="a"', 'attachment; name="a"'), 'MULTIPART_DISPOSITION_TYPE'],
    ['invalid UTF-8 in filename', goodText.replace('filename="x.bin"', 'filename="\xff.bin"'), 'MULTIPART_HEADER_ENCODING'],
    ['two part Content-Types (m19)', goodText.replace('Content-Type: application/octet-stream', 'Content-Type: text/plain\r\nContent-Type: application/octet-stream'), 'MULTIPART_DUPLICATE_CONTENT_TYPE'],
    ['bad part Content-Type', goodText.replace('Content-Type: application/octet-stream', 'Content-Type: application/'), 'MULTIPART_PART_CONTENT_TYPE'],
    ['part Content-Type dup charset', goodText.replace('Content-Type: application/octet-stream', 'Content-Type: text/plain; charset=utf-8; charset=utf-7'), 'MULTIPART_PART_CONTENT_TYPE'],
    ['B12 nested multipart/mixed', goodText.replace('Content-Type: application/octet-stream', 'Content-Type: multipart/mixed; boundary=inner'), 'MULTIPART_NESTED'],
    ['B6 part charset utf-7', goodText.replace('Content-Type: application/octet-stream', 'Content-Type: text/plain; charset=utf-7'), 'MULTIPART_CHARSET'],
    ['unsupported CTE', goodText.replace('name="a"\r\n', 'name="a"\r\nContent-Transfer-Encoding: x-uuencode\r\n'), 'MULTIPART_BAD_CTE'],
    ['CTE with parameter', goodText.replace('name="a"\r\n', 'name="a"\r\nContent-Transfer-Encoding: base64; x=1\r\n'), 'MULTIPART_BAD_CTE'],
    ['two CTEs', goodText.replace('name="a"\r\n', 'name="a"\r\nContent-Transfer-Encoding: 8bit\r\nContent-Transfer-Encoding: base64\r\n'), 'MULTIPART_DUPLICATE_CTE'],
    ['invalid base64', goodText.replace('name="a"\r\n', 'name="a"\r\nContent-Transfer-Encoding: base64\r\n').replace('hello', 'aGVs*G8='), 'MULTIPART_BAD_BASE64'],
    ['data after base64 padding', goodText.replace('name="a"\r\n', 'name="a"\r\nContent-Transfer-Encoding: base64\r\n').replace('hello', 'aGk=aGk='), 'MULTIPART_BAD_BASE64'],
    ['truncated base64', goodText.replace('name="a"\r\n', 'name="a"\r\nContent-Transfer-Encoding: base64\r\n').replace('hello', 'aGVsb'), 'MULTIPART_BAD_BASE64'],
    ['invalid quoted-printable', goodText.replace('name="a"\r\n', 'name="a"\r\nContent-Transfer-Encoding: quoted-printable\r\n').replace('hello', 'a=ZZb'), 'MULTIPART_BAD_QUOTED_PRINTABLE'],
    ['quoted-printable ends in =', goodText.replace('name="a"\r\n', 'name="a"\r\nContent-Transfer-Encoding: quoted-printable\r\n').replace('hello', 'abc='), 'MULTIPART_BAD_QUOTED_PRINTABLE'],
  ];
  it.each(cases)('%s', (_label, body, expected) => {
    expect(codeOf(body)).toBe(expected);
  });

  it('B6: every part charset is checked, not only the last (CVE-2026-21876)', () => {
    const body = buildBody(B, [field('p1', '+ADw-script+AD4-', ['Content-Type: text/plain; charset=utf-7']), field('p2', 'ok', ['Content-Type: text/plain; charset=utf-8'])]);
    const r = runMultipart(B, [body]);
    expect(r.errors.map((e) => [e.code, e.kind])).toEqual([['MULTIPART_CHARSET', 'unsupported']]);
  });

  it('a _charset_ field naming another charset is refused (415-class)', () => {
    expect(codeOf(buildBody(B, [field('_charset_', 'UTF-8'), field('x', 'y')]))).toBeUndefined();
    expect(codeOf(buildBody(B, [field('_charset_', 'utf-7'), field('x', 'y')]))).toBe('MULTIPART_CHARSET');
  });

  it('custom charset allow-list', () => {
    const body = buildBody(B, [field('a', 'x', ['Content-Type: text/plain; charset=windows-1252'])]);
    expect(codeOf(body)).toBe('MULTIPART_CHARSET');
    expect(codeOf(body, { allowedCharsets: ['utf-8', 'windows-1252'] })).toBeUndefined();
  });
});

describe('multipart: boundary and Content-Type', () => {
  it('B7/B8: boundary validation', () => {
    expect(validateBoundary('a'.repeat(70))).toBeUndefined();
    expect(validateBoundary("'()+_,-./:=? x")).toBeUndefined();
    for (const b of ['', 'a'.repeat(71), 'a'.repeat(252), 'ab ', 'a"b', 'a;b', 'a\\b', 'a\tb', 'caf\u00e9']) {
      expect(validateBoundary(b)?.code).toBe('MULTIPART_BAD_BOUNDARY');
    }
  });

  it('B8: a 252-byte boundary is refused at once, without spinning', () => {
    const b = 'x'.repeat(252);
    const data = Buffer.alloc(1 << 20, 0x78);
    multipartFromContentType('multipart/form-data; boundary=warm', {});
    const t0 = performance.now();
    const r = multipartFromContentType(`multipart/form-data; boundary=${b}`, {});
    const errs: string[] = [];
    const p = new MultipartParser(b, { onError: (e) => errs.push(e.code) });
    const accepted = p.write(data);
    const elapsed = performance.now() - t0;
    expect(r.error?.code).toBe('MULTIPART_BAD_BOUNDARY');
    expect(accepted).toBe(false);
    expect(errs).toEqual(['MULTIPART_BAD_BOUNDARY']);
    expect(elapsed).toBeLessThan(10);
  });

  it('B7: content-type level refusals', () => {
    const err = (ct: string): string | undefined => {
      return multipartFromContentType(ct, {}).error?.code;
    };
    expect(err(`multipart/form-data; boundary=${B}`)).toBeUndefined();
    expect(multipartFromContentType(`multipart/form-data; boundary=${B}`, {})).toBeInstanceOf(MultipartParser);
    expect(err(`multipart/form-data; boundary="${B}"`)).toBeUndefined();
    expect(err('multipart/form-data')).toBe('MULTIPART_NO_BOUNDARY');
    expect(err('multipart/mixed; boundary=abc')).toBe('MULTIPART_NO_BOUNDARY');
    expect(err('\tmultipart/form-data; boundary*0=re;boundary*1=al')).toBe('CT_WHITESPACE');
    expect(err('multipart/form-data; boundary*0=re;boundary*1=al')).toBe('CT_RFC2231_PARAM');
    expect(err('multipart/form-data; boundary=0000; boundary=1111')).toBe('CT_DUPLICATE_PARAM');
    expect(err('multipart/form-data; boundary="a b "')).toBe('MULTIPART_BAD_BOUNDARY');
  });

  it('the boundary is case-sensitive (m10)', () => {
    expect(codeOf(goodText.replace(`--${B}--`, `--${B.toUpperCase()}--`))).toBe('MULTIPART_TRUNCATED');
  });
});

describe('multipart: limits', () => {
  it('C11: 10,000 empty parts are refused at part 101; a body ending inside a part after that does not crash', () => {
    const parts = Array.from({ length: 10_000 }, (_, i) => field(`f${i}`, ''));
    const body = buildBody(B, parts, false);
    const r = runMultipart(B, [body]);
    expect(r.parts.length).toBe(100);
    expect(r.errors.map((e) => [e.code, e.kind, e.limit])).toEqual([['MULTIPART_PART_LIMIT', 'limit', 'maxParts']]);
    expect(codeOf(buildBody(B, parts.slice(0, 100)))).toBeUndefined();
  });

  it('part header lines and bytes', () => {
    const extra = (n: number): string[] => Array.from({ length: n }, (_, i) => `X-H${i}: v`);
    expect(codeOf(buildBody(B, [field('a', 'x', extra(15))]))).toBeUndefined();
    expect(codeOf(buildBody(B, [field('a', 'x', extra(16))]))).toBe('MULTIPART_HEADER_LINES_LIMIT');
    expect(codeOf(buildBody(B, [field('a', 'x', ['X-Big: ' + 'v'.repeat(9000)])]))).toBe('MULTIPART_HEADER_BYTES_LIMIT');
    expect(codeOf(buildBody(B, [field('a', 'x', ['X-Big: ' + 'v'.repeat(100)])]), { maxHeaderBytes: 100 })).toBe('MULTIPART_HEADER_BYTES_LIMIT');
  });

  it('field name length <= 200 bytes (UTF-8)', () => {
    expect(codeOf(buildBody(B, [field('n'.repeat(200), 'x')]))).toBeUndefined();
    expect(codeOf(buildBody(B, [field('n'.repeat(201), 'x')]))).toBe('MULTIPART_NAME_LIMIT');
    const utf8Name = Buffer.from('\u00e9'.repeat(101), 'utf8').toString('latin1');
    expect(codeOf(buildBody(B, [field(utf8Name, 'x')]))).toBe('MULTIPART_NAME_LIMIT');
  });

  it('non-file field size; files are not limited here', () => {
    expect(codeOf(buildBody(B, [field('a', 'x'.repeat(64))]), { maxFieldBytes: 64 })).toBeUndefined();
    expect(codeOf(buildBody(B, [field('a', 'x'.repeat(65))]), { maxFieldBytes: 64 })).toBe('MULTIPART_FIELD_LIMIT');
    const file: BodyPart = { headers: [disp('f', '; filename="big"')], body: Buffer.alloc(1000, 0x41) };
    expect(codeOf(buildBody(B, [file]), { maxFieldBytes: 64 })).toBeUndefined();
    const b64: BodyPart = { headers: [disp('e'), 'Content-Transfer-Encoding: base64'], body: Buffer.from(Buffer.alloc(65, 0x41).toString('base64')) };
    expect(codeOf(buildBody(B, [b64]), { maxFieldBytes: 64 })).toBe('MULTIPART_FIELD_LIMIT');
  });

  it('attacker-named part headers (__proto__, constructor) are plain data', () => {
    const r = runMultipart(B, [buildBody(B, [field('__proto__', 'x', ['constructor: z', 'prototype: y', 'hasOwnProperty: w'])])]);
    expect(r.result.ok).toBe(true);
    expect(r.parts[0]?.info.name).toBe('__proto__');
    expect(r.parts[0]?.info.headers.map((h) => h.name)).toEqual(['content-disposition', 'constructor', 'prototype', 'hasownproperty']);
    // Underscores are refused in part header names (W4), so `__proto__:` never gets that far.
    expect(codeOf(buildBody(B, [field('a', 'x', ['__proto__: y'])]))).toBe('MULTIPART_HEADER_NAME');
  });

  it('errors are delivered once and later input is ignored', () => {
    const errs: string[] = [];
    const p = new MultipartParser(B, { onError: (e) => errs.push(e.code) });
    expect(p.write(Buffer.from('junk'))).toBe(false);
    expect(p.write(good)).toBe(false);
    expect(p.end().ok).toBe(false);
    expect(errs).toEqual(['MULTIPART_PREAMBLE']);
  });
});

describe('multipart: linear boundary search', () => {
  it('scans a 4 MiB part of boundary-prefix bytes in linear time, in large and small chunks', () => {
    const b = 'a'.repeat(70);
    const payload = Buffer.alloc(4 << 20, 0x61); // the boundary's own byte, no delimiter
    const body = Buffer.concat([Buffer.from(`--${b}\r\n${disp('f', '; filename="x"')}\r\n\r\n`), payload, Buffer.from(`\r\n--${b}--\r\n`)]);
    for (const size of [65536, 997, 71]) {
      const t0 = performance.now();
      let bytes = 0;
      const p = new MultipartParser(b, { onPartData: (c) => (bytes += c.length) });
      for (let o = 0; o < body.length; o += size) p.write(body.subarray(o, o + size));
      expect(p.end()).toEqual({ ok: true });
      expect(bytes).toBe(payload.length);
      expect(performance.now() - t0).toBeLessThan(size === 71 ? 3000 : 1000);
    }
  });
});
