/**
 * Body sniffing and content-type interchange (B13): a multipart body sent as
 * urlencoded still exposes its part content to inspection; an urlencoded body
 * sent as multipart is refused; sniffers recognise the real format.
 */
import { describe, expect, it } from 'vitest';
import { looksLikeMultipart } from '../../../src/engine/views/multipart-sniff.js';
import { looksLikeJson } from '../../../src/engine/views/json-sniff.js';
import { UrlencodedParser } from '../../../src/engine/views/urlencoded.js';
import { buildBody, runMultipart } from './multipart-helpers.js';

const SIG = 'rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA';

describe('looksLikeMultipart', () => {
  it('returns the boundary of a multipart-looking body', () => {
    expect(looksLikeMultipart(Buffer.from('--abc\r\nContent-Disposition: x'))).toBe('abc');
    expect(looksLikeMultipart(Buffer.from(`--${'b'.repeat(70)}\r\n`))).toBe('b'.repeat(70));
  });
  it('rejects other shapes', () => {
    for (const s of ['', '--', '--\r\n', '-abc\r\n', '--abc\n', '--abc ', '--abc', `--${'b'.repeat(71)}\r\n`, '--ab c \r\n', 'a=1&b=2', '{"a":1}', '--a"b\r\n']) {
      expect(looksLikeMultipart(Buffer.from(s, 'latin1'))).toBeUndefined();
    }
  });
});

describe('B13: multipart and urlencoded interchange', () => {
  const mp = buildBody('XyZ', [{ headers: ['Content-Disposition: form-data; name="data"'], body: Buffer.from(SIG) }]);

  it('a multipart body read as urlencoded keeps the part content inside a value', () => {
    const values: string[] = [];
    const p = new UrlencodedParser({ onField: (_n, v) => values.push(Buffer.from(v).toString('latin1')) });
    p.write(mp);
    expect(p.end().ok).toBe(true);
    expect(values.some((v) => v.includes(SIG))).toBe(true);
    expect(looksLikeMultipart(mp)).toBe('XyZ');
  });

  it('an urlencoded body read as multipart is refused', () => {
    expect(runMultipart('XyZ', [Buffer.from(`data=${SIG}`)]).result).toMatchObject({ ok: false, error: { code: 'MULTIPART_PREAMBLE' } });
  });

  it('JSON sent under another type is recognised by the sniffer', () => {
    expect(looksLikeJson(Buffer.from(`{"data":"${SIG}"}`))).toBe(true);
    expect(looksLikeJson(mp)).toBe(false);
  });
});
