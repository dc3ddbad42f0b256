/**
 * Evasion checklist C (items 38-50): model containers, through the real
 * engine on a model-upload route. Container fixtures come from
 * test/fixtures/containers (python3 zipfile/py7zr/numpy/joblib output, see
 * generate.py); malformed zips are written with the containers tests' zip
 * writer. Reader-level tests of the same techniques are in
 * test/engine/containers/{zip,detector,sevenzip,tar,npy}.test.ts.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixture } from '../containers/harness.js';
import { buildZip } from '../containers/zipwriter.js';
import { fixture as pickleFixture } from '../pickle/helpers.js';
import { inspect, ML, rules } from './harness.js';

const EVIL = pickleFixture('reduce_os_system_p2');
const torchZip = (name: string, data: Uint8Array, opts: Parameters<typeof buildZip>[1] = {}, entry: Partial<Parameters<typeof buildZip>[0][number]> = {}) =>
  buildZip([{ name: 'archive/version', data: '3\n' }, { name, data, method: 8, ...entry }, { name: 'archive/data/0', data: new Uint8Array(16) }], opts);
const upload = (filename: string) => ({ ...ML, contentType: 'multipart/form-data; boundary=mb', filename });
const multipart = (filename: string, data: Uint8Array): Buffer =>
  Buffer.concat([Buffer.from(`--mb\r\nContent-Disposition: form-data; name="model"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`), Buffer.from(data), Buffer.from('\r\n--mb--\r\n')]);

describe('C. model containers', () => {
  it('E38: a 7z-wrapped PyTorch archive (nullifAI) is unwrapped down to data.pkl', () => {
    expect(rules(fixture('7z.torch-zip-inside'), ML)).toContain('DW-PICKLE-001');
    // An encrypted 7z cannot be opened: a model route refuses it as opaque.
    expect(rules(fixture('7z.aes'), ML)).toContain('DW-CONTAINER-002');
  });

  it('E39: a pickle member under a non-standard name (data.txt) is sniffed and inspected', () => {
    expect(rules(fixture('zip.torch.p8-data-txt'), ML)).toContain('DW-PICKLE-001');
    expect(rules(torchZip('archive/weights.bin', EVIL), ML)).toContain('DW-PICKLE-001');
  });

  it('E40: local header name differs from the central directory name: refused, and the pickle still inspected', () => {
    expect(rules(fixture('zip.torch.p9-name-mismatch'), ML)).toEqual(expect.arrayContaining(['DW-CONTAINER-001', 'DW-PICKLE-001']));
    expect(rules(torchZip('archive/data.pkl', EVIL, {}, { localName: 'archive/datap.kl' }), ML)).toEqual(expect.arrayContaining(['DW-CONTAINER-001', 'DW-PICKLE-001']));
  });

  it('E41: general-purpose flag bits 0x1, 0x20, 0x40', () => {
    for (const f of ['0x1', '0x20', '0x40']) expect(rules(fixture(`zip.torch.p10-flag-${f}`), ML), f).toEqual(expect.arrayContaining(['DW-CONTAINER-001', 'DW-PICKLE-001']));
  });

  it('E42: CRC mismatch', () => {
    expect(rules(fixture('zip.torch.p11-crc'), ML)).toEqual(expect.arrayContaining(['DW-CONTAINER-001', 'DW-PICKLE-001']));
  });

  it('E43: a raw (non-zip) pickle saved as .bin/.pt/.pth/.ckpt', () => {
    for (const name of ['model.bin', 'model.pt', 'model.pth', 'model.ckpt']) {
      expect(rules(multipart(name, EVIL), upload(name)), name).toContain('DW-PICKLE-001');
    }
  });

  it('E44: legacy PyTorch whose magic number comes from eval in pickle 1, payload in a later pickle', () => {
    expect(rules(pickleFixture('p14_stacked_legacy'), ML)).toContain('DW-PICKLE-001');
    // Tar-based legacy file: sys_info first, the payload in the second member (`pickle`).
    expect(rules(fixture('tar.torch-legacy.ustar'), ML)).toContain('DW-PICKLE-001');
  });

  it('E45: a corrupted member before archive/data.pkl does not stop the walk (fail closed, not open)', () => {
    expect(rules(fixture('npz.p37-first-member-corrupt'), ML)).toContain('DW-PICKLE-001');
    const zip = buildZip([{ name: 'archive/broken.pkl', data: 'not a pickle at all', crc: 1 }, { name: 'archive/data.pkl', data: EVIL, method: 8 }]);
    expect(rules(zip, ML)).toEqual(expect.arrayContaining(['DW-CONTAINER-001', 'DW-PICKLE-001']));
  });

  it('E46: .npz archives and .npy files with an object dtype', () => {
    expect(rules(fixture('npz.object'), ML)).toContain('DW-PICKLE-001');
    expect(rules(fixture('npy.object'), ML)).toContain('DW-PICKLE-001');
    expect(rules(fixture('npy.f8'), ML)).toEqual([]);
  });

  it('E47: compressed joblib files (zlib, gzip, bz2, xz, lzma, lz4, legacy ZF)', () => {
    for (const k of ['zlib', 'gzip', 'bz2', 'xz', 'lzma', 'lz4', 'zf']) expect(rules(fixture(`joblib.${k}`), ML), k).toContain('DW-PICKLE-001');
  });

  it('E48: a protocol-0 pickle (no 80 0N magic) as a zip member with a non-pickle extension', () => {
    expect(rules(fixture('zip.torch.p36-proto0-other-name'), ML)).toContain('DW-PICKLE-001');
  });

  it('E49: zip polyglots (data before the zip), zip64, data descriptors, stored and deflated members', () => {
    expect(rules(torchZip('archive/data.pkl', EVIL, { prefix: '%PDF-1.7\n' }), ML)).toContain('DW-PICKLE-001');
    expect(rules(torchZip('archive/data.pkl', EVIL, {}, { descriptor: 'sig' }), ML)).toContain('DW-PICKLE-001');
    expect(rules(torchZip('archive/data.pkl', EVIL, { zip64End: true }, { zip64: true }), ML)).toContain('DW-PICKLE-001');
    expect(rules(torchZip('archive/data.pkl', EVIL, {}, { method: 0 }), ML)).toContain('DW-PICKLE-001');
    expect(rules(fixture('zip.torch.evil.deflated'), ML)).toContain('DW-PICKLE-001');
    // The same archive, gzip-compressed as a whole and uploaded in a multipart part.
    expect(rules(multipart('model.pt.gz', zlib.gzipSync(torchZip('archive/data.pkl', EVIL))), upload('model.pt.gz'))).toContain('DW-PICKLE-001');
  });

  it('E50: TorchScript archives (constants.pkl, code/) and tar-based legacy PyTorch', () => {
    const ts = buildZip([
      { name: 'model/version', data: '3\n' },
      { name: 'model/code/__torch__.py', data: 'def forward(self):\n  return 1\n' },
      { name: 'model/constants.pkl', data: EVIL, method: 8 },
      { name: 'model/data.pkl', data: pickleFixture('data_p2') },
    ]);
    expect(rules(ts, ML)).toContain('DW-PICKLE-001');
    expect(rules(fixture('tar.torch-legacy.pax'), ML)).toContain('DW-PICKLE-001');
    expect(inspect(fixture('zip.torch.benign'), ML).clean).toBe(true);
    expect(rules(fixture('zip.torch.evil'), ML)).toContain('DW-PICKLE-001');
  });
});
