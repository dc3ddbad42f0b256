import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { containerOptionsFromLimits, createContainerDetectors, CONTAINER_TRIGGERS } from '../../../src/engine/containers/detector.js';
import { RULE_LIMIT, RULE_MALFORMED, RULE_OPAQUE } from '../../../src/engine/containers/findings.js';
import { declaresModel, innerFilename } from '../../../src/engine/containers/model.js';
import { buildZip } from './zipwriter.js';
import { fixture, fixtureNames, run } from './harness.js';

const EVIL2 = fixture('pickle.evil.p2');
const EVIL4 = fixture('pickle.evil.p4');
const EVIL0 = fixture('pickle.evil.p0');

describe('container detectors: model containers (detection-anchors §2.5)', () => {
  it('hands every PyTorch zip member back, data.pkl included', () => {
    const r = run(fixture('zip.torch.evil'), { policy: 'ml' });
    expect(r.findings).toEqual([]);
    expect(r.has(EVIL2)).toBe(true);
    expect(r.layers.map((l) => l.location)).toContain('body>zip[archive/data.pkl]');
    expect(r.layers.find((l) => l.location === 'body>zip[archive/data.pkl]')?.filename).toBe('archive/data.pkl');
  });

  it('P6: 7z-wrapped PyTorch archive is unwrapped down to data.pkl; unreadable 7z in a model upload is DW-CONTAINER-002', () => {
    const r = run(fixture('7z.torch-zip-inside'), { filename: 'model.7z' });
    expect(r.findings).toEqual([]);
    expect(r.layers.some((l) => l.location === 'body>7z[model.pt]>zip[archive/data.pkl]')).toBe(true);
    expect(r.has(EVIL2)).toBe(true);
    expect(run(fixture('7z.aes'), { filename: 'weights.7z' }).rules).toEqual([RULE_OPAQUE]);
    expect(run(fixture('7z.aes'), { policy: 'ml' }).rules).toEqual([RULE_OPAQUE]);
    expect(run(fixture('7z.aes'), { filename: 'photos.7z.part' }).rules).toEqual([]);
  });

  it('P8: a pickle under a non-standard member name is handed over', () => {
    const r = run(fixture('zip.torch.p8-data-txt'), { policy: 'ml' });
    expect(r.findings).toEqual([]);
    expect(Buffer.from(r.layers.find((l) => l.location === 'body>zip[archive/data.txt]')?.bytes ?? [])).toEqual(EVIL2);
  });

  it('P9, P10, P11: name mismatch, flag bits, CRC mismatch are DW-CONTAINER-001 and the pickle is still inspected', () => {
    for (const name of ['zip.torch.p9-name-mismatch', 'zip.torch.p10-flag-0x1', 'zip.torch.p10-flag-0x20', 'zip.torch.p10-flag-0x40', 'zip.torch.p11-crc']) {
      for (const policy of ['ml', 'default'] as const) {
        const r = run(fixture(name), { policy });
        expect(r.rules.length, name).toBeGreaterThan(0);
        expect(new Set(r.rules), name).toEqual(new Set([RULE_MALFORMED]));
        expect(r.findings.every((f) => f.kind === 'malformed')).toBe(true);
        expect(r.has(EVIL2), name).toBe(true);
      }
    }
  });

  it('P12: a raw pickle named .pt is left to the pickle detector (no container finding)', () => {
    const r = run(EVIL2, { filename: 'model.pt' });
    expect(r.findings).toEqual([]);
    expect(r.layers.length).toBe(1);
  });

  it('legacy PyTorch tar: sys_info, pickle, storages, tensors all handed over', () => {
    const r = run(fixture('tar.torch-legacy.pax'), { filename: 'old.pt' });
    expect(r.findings).toEqual([]);
    expect(r.layers.map((l) => l.location)).toEqual(['body', 'body>tar[sys_info]', 'body>tar[pickle]', 'body>tar[storages]', 'body>tar[tensors]']);
    expect(r.has(EVIL2)).toBe(true);
  });

  it('P35: joblib files compressed with zlib, gzip, bz2, xz, lzma and legacy ZF are unwrapped', () => {
    const want: Record<string, [string, Buffer]> = {
      'joblib.zlib': ['zlib', EVIL4],
      'joblib.gzip': ['gzip', EVIL4],
      'joblib.bz2': ['bzip2', EVIL4],
      'joblib.xz': ['xz', EVIL4],
      'joblib.lzma': ['lzma', EVIL4],
      'joblib.zf': ['joblib-zfile', EVIL2],
    };
    for (const [name, [label, inner]] of Object.entries(want)) {
      for (const opts of [{ filename: 'clf.joblib' }, { policy: 'ml' as const }, {}]) {
        const r = run(fixture(name), opts);
        expect(r.findings, name).toEqual([]);
        const layer = r.layers.find((l) => l.location === `body>${label}`);
        expect(Buffer.from(layer?.bytes ?? []), name).toEqual(inner);
        if (opts.filename) expect(layer?.filename).toBe('clf.joblib');
      }
    }
  });

  it('P36: a protocol-0 pickle under a non-pickle member name is handed over', () => {
    const r = run(fixture('zip.torch.p36-proto0-other-name'), { policy: 'ml' });
    expect(Buffer.from(r.layers.find((l) => l.location === 'body>zip[archive/extra/config.cfg]')?.bytes ?? [])).toEqual(EVIL0);
  });

  it('P37: .npz whose first member is corrupt still yields the object array of the second (fail closed, not open)', () => {
    const r = run(fixture('npz.p37-first-member-corrupt'), { filename: 'arrays.npz' });
    expect(r.rules).toContain(RULE_MALFORMED);
    expect(Buffer.from(r.layers.find((l) => l.location === 'body>zip[b.npy]>npy-object')?.bytes ?? [])).toEqual(EVIL2);
    const ok = run(fixture('npz.object'), { filename: 'arrays.npz' });
    expect(ok.findings).toEqual([]);
    expect(ok.has(EVIL2)).toBe(true);
  });

  it('.npy with an object dtype hands the pickle over; plain arrays pass; inconsistent ones are refused', () => {
    expect(run(fixture('npy.object'), { filename: 'x.npy' }).layers.map((l) => l.location)).toEqual(['body', 'body>npy-object']);
    expect(run(fixture('npy.structured.object')).has(EVIL2)).toBe(true);
    const plain = run(fixture('npy.f8'), { filename: 'x.npy' });
    expect(plain.findings).toEqual([]);
    expect(plain.layers.length).toBe(1);
    expect(run(fixture('npy.f8.short')).rules).toEqual([RULE_MALFORMED]);
  });
});

describe('container detectors: zip evasions and bombs', () => {
  const tz = (prefix?: string) => buildZip([{ name: 'archive/data.pkl', data: EVIL2 }, { name: 'archive/version', data: '3\n' }], prefix ? { prefix } : {});

  it('polyglot prefix: refused on model uploads, tolerated elsewhere (members still inspected)', () => {
    const poly = tz('GIF89a\x01\x00\x01\x00 <?php __HALT_COMPILER(); ?>');
    const ml = run(poly, { policy: 'ml' });
    expect(ml.rules).toEqual([RULE_MALFORMED]);
    expect(ml.findings[0]?.message).toMatch(/precede the first zip entry/);
    expect(ml.has(EVIL2)).toBe(true);
    expect(run(poly, { filename: 'model.pth' }).rules).toEqual([RULE_MALFORMED]);
    const plain = run(poly, { filename: 'picture.gif' });
    expect(plain.rules).toEqual([]);
    expect(plain.has(EVIL2)).toBe(true);
  });

  it('a whole multipart body on an ML route is not itself a model file (its parts are)', () => {
    const part = tz();
    const body = Buffer.concat([Buffer.from('--b\r\nContent-Disposition: form-data; name="f"; filename="m.pt"\r\n\r\n'), part, Buffer.from('\r\n--b--\r\n')]);
    const r = run(body, { policy: 'ml', contentType: 'multipart/form-data' });
    expect(r.findings).toEqual([]);
    expect(r.has(EVIL2)).toBe(true);
  });

  it('zip bombs: ratio and entry count are DW-LIMIT-CONTAINER; overlapping entries are DW-CONTAINER-001', () => {
    const ratio = run(buildZip([{ name: 'z', data: Buffer.alloc(10 << 20), method: 8 }]));
    expect(ratio.rules).toEqual([RULE_LIMIT]);
    expect(ratio.findings[0]?.limit).toBe('maxDecompressionRatio');
    const many = run(buildZip(Array.from({ length: 1001 }, (_, i) => ({ name: `f${i}`, data: 'x' }))));
    expect(many.rules).toEqual([RULE_LIMIT]);
    const overlap = run(buildZip([{ name: 'a', data: 'x'.repeat(1000), method: 8 }, { name: 'b', data: 'y', centralPointsTo: 0 }]));
    expect(overlap.rules).toContain(RULE_MALFORMED);
  });

  it('data descriptors and zip64 archives pass', () => {
    const r = run(buildZip([{ name: 'archive/data.pkl', data: EVIL2, descriptor: 'sig', method: 8, zip64: true }, { name: 'archive/version', data: '3\n', descriptor: 'nosig' }], { zip64End: true }), { policy: 'ml' });
    expect(r.findings).toEqual([]);
    expect(r.has(EVIL2)).toBe(true);
  });

  it('member names cannot forge location syntax', () => {
    const r = run(buildZip([{ name: 'a]>zip[b', data: 'x' }]));
    expect(r.layers[1]?.location).toBe('body>zip[a\\x5d\\x3ezip[b]');
  });

  it('a nested zip is read when its own layer is scanned (not twice)', () => {
    const inner = buildZip([{ name: 'data.pkl', data: EVIL2 }]);
    const r = run(buildZip([{ name: 'inner.zip', data: inner }, { name: 'readme', data: 'hi' }]));
    expect(r.layers.map((l) => l.location)).toEqual(['body', 'body>zip[inner.zip]', 'body>zip[readme]', 'body>zip[inner.zip]>zip[data.pkl]']);
  });
});

describe('container detectors: compressed streams', () => {
  it('gzip inside a value layer (base64 → gzip done by the engine) is unwrapped', () => {
    const r = run(zlib.gzipSync(EVIL2), { isValue: true });
    expect(r.layers.map((l) => l.location)).toEqual(['body', 'body>gzip']);
    expect(r.has(EVIL2)).toBe(true);
  });

  it('concatenated gzip members are refused but all members are inspected', () => {
    const r = run(fixture('gzip.two-members'));
    expect(r.rules).toEqual([RULE_MALFORMED]);
    expect(Buffer.from(r.layers[1]?.bytes ?? [])).toEqual(Buffer.concat([fixture('pickle.benign.p2'), EVIL0]));
  });

  it('a truncated gzip at the layer start is refused and its partial output is inspected', () => {
    const g = zlib.gzipSync(Buffer.concat([EVIL0, Buffer.alloc(3000, 0x61)]));
    const r = run(g.subarray(0, g.length - 12));
    expect(r.rules).toEqual([RULE_MALFORMED]);
    expect(Buffer.from(r.layers[1]?.bytes as Uint8Array).subarray(0, EVIL0.length)).toEqual(EVIL0);
  });

  it('a gzip blob in the middle of other data is unwrapped best-effort', () => {
    const data = Buffer.concat([Buffer.from('HEADER v1\n'), zlib.gzipSync(EVIL2), Buffer.from('\nTRAILER')]);
    const r = run(data);
    expect(r.findings).toEqual([]);
    expect(r.layers[1]?.location).toBe('body>gzip@10');
    expect(r.has(EVIL2)).toBe(true);
  });

  it('weak magics: a zlib-looking form value is ignored; a corrupt zlib joblib file is refused', () => {
    expect(run(Buffer.from('x^2 + y^2 = 1'), { isValue: true }).findings).toEqual([]);
    const z = Buffer.from(zlib.deflateSync(EVIL4));
    z[5] = (z[5] as number) ^ 0xff;
    expect(run(z, { filename: 'clf.joblib' }).rules).toEqual([RULE_MALFORMED]);
    expect(run(z).rules).toEqual([]);
  });

  it('data that merely looks like a zlib header is not judged ("(S" protocol-0 pickles, protobuf)', () => {
    expect(run(Buffer.from("(S'ls'\nios\nsystem\n."), { contentType: 'application/x-pickle' }).findings).toEqual([]);
    expect(run(Buffer.from('\x08\x99\xd4\xd8\x96\x1a\x12_Data invoice', 'latin1'), { filename: 'file.bin', policy: 'ml' }).findings).toEqual([]);
    expect(run(Buffer.from('x\x01garbage that is not deflate', 'latin1'), { filename: 'model.pkl' }).findings).toEqual([]);
    expect(run(Buffer.from('x\x01garbage that is not deflate', 'latin1'), { filename: 'model.pkl.z' }).rules).toEqual([RULE_MALFORMED]);
  });

  it('opaque compressors in a model upload are DW-CONTAINER-002; elsewhere they pass', () => {
    const lz4legacy = Buffer.from([0x02, 0x21, 0x4c, 0x18, 0x64, 0x40, 0xa7, 0, 0, 0, 0]);
    expect(run(lz4legacy, { filename: 'model.joblib' }).rules).toEqual([RULE_OPAQUE]);
    expect(run(lz4legacy, { policy: 'ml' }).rules).toEqual([RULE_OPAQUE]);
    expect(run(lz4legacy).rules).toEqual([]);
    const zstd = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]);
    expect(run(zstd, { filename: 'weights.pt' }).rules).toEqual([RULE_OPAQUE]);
    expect(run(fixture('xz.delta'), { filename: 'model.pkl.xz' }).rules).toEqual([RULE_OPAQUE]);
  });

  it('limits of decompressed streams are DW-LIMIT-CONTAINER', () => {
    const r = run(zlib.gzipSync(Buffer.alloc(16 << 20)));
    expect(r.rules).toEqual([RULE_LIMIT]);
    const small = createContainerDetectors({ stream: { maxOutputBytes: 1000 } });
    expect(run(zlib.gzipSync(Buffer.alloc(5000, 0x61)), { detectors: small }).findings[0]?.limit).toBe('maxDecodedBytes');
  });
});

describe('container detectors: benign uploads pass', () => {
  it('zip, docx, jar, gzip-ed tarball', () => {
    for (const name of ['zip.docx', 'zip.jar', 'zip.torch.benign']) {
      for (const policy of ['default', 'ml'] as const) expect(run(fixture(name), { policy }).findings, name).toEqual([]);
    }
    const tgz = run(fixture('tar.gz'), { filename: 'site.tar.gz' });
    expect(tgz.findings).toEqual([]);
    expect(tgz.layers.map((l) => l.location)).toEqual(['body', 'body>gzip', 'body>gzip>tar[readme.txt]', 'body>gzip>tar[data.csv]']);
    expect(tgz.layers[1]?.filename).toBe('site.tar');
  });

  it('OOXML carriers (item 85): every part goes to the XML detectors under its own name', () => {
    const xlsx = buildZip([
      { name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types/>', method: 8 },
      { name: 'xl/sharedStrings.xml', data: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><sst>&e;</sst>', method: 8 },
    ]);
    const r = run(xlsx, { filename: 'report.xlsx' });
    expect(r.findings).toEqual([]);
    const part = r.layers.find((l) => l.filename === 'xl/sharedStrings.xml');
    expect(Buffer.from(part?.bytes ?? []).toString()).toContain('<!ENTITY e SYSTEM');
  });

  it('PDF (FlateDecode streams are not inflated), PNG, JPEG: no layers, no findings', () => {
    const flate = zlib.deflateSync(Buffer.from('BT /F1 12 Tf (hello) Tj ET'));
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n1 0 obj << /Length 40 /Filter /FlateDecode >>\nstream\n'), flate, Buffer.from('\x1f\x8b\x08\x00junk'), Buffer.from('\nendstream endobj\n%%EOF\n')]);
    const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.from('IDAT'), zlib.deflateSync(Buffer.alloc(500, 3))]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF\0'), Buffer.from('\x1f\x8b\x08', 'latin1'), Buffer.alloc(200, 9)]);
    for (const [b, policy] of [[pdf, 'default'], [png, 'ml'], [jpeg, 'ml'], [pdf, 'ml']] as const) {
      const r = run(b, { policy });
      expect(r.findings).toEqual([]);
      expect(r.layers.length).toBe(1);
    }
  });

  it('random binary and prose do not alarm (default policy)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => {
        expect(run(b).findings).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('model layer rules', () => {
  it('file names and media types that declare models', () => {
    const info = (filename?: string, contentType?: string) => ({ location: 'body', depth: 0, isValue: false, ...(filename ? { filename } : {}), ...(contentType ? { contentType } : {}) });
    expect(declaresModel(info('resnet.PT'))).toBe(true);
    expect(declaresModel(info('model.pkl.gz'))).toBe(true);
    expect(declaresModel(info('a.npz'))).toBe(true);
    expect(declaresModel(info(undefined, 'application/x-pytorch'))).toBe(true);
    expect(declaresModel(info('photo.jpg'))).toBe(false);
    expect(innerFilename(info('model.pkl.gz'))).toBe('model.pkl');
    expect(innerFilename(info('clf.joblib'))).toBe('clf.joblib');
    expect(innerFilename(info('x.gz'), 'orig.pkl')).toBe('orig.pkl');
  });
});

describe('container detectors: properties', () => {
  it('never throw on mutated containers; nested layers stay bounded', () => {
    const seeds = fixtureNames('').map(fixture);
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), fc.boolean(), (i, edits, cut, ml) => {
        const b = Buffer.from(seeds[i] as Buffer);
        for (const [pos, v] of edits) if (b.length > 0) b[pos % b.length] = v;
        const input = b.subarray(0, b.length - (b.length === 0 ? 0 : cut % Math.min(64, b.length)));
        const r = run(input, { policy: ml ? 'ml' : 'default', maxDepth: 3 });
        expect(r.layers.length).toBeLessThan(5000);
        for (const f of r.findings) expect(f.message.length).toBeLessThanOrEqual(200);
      }),
      { numRuns: 400 },
    );
  });

  it('options follow the configuration limits', () => {
    const o = containerOptionsFromLimits({ maxDecodedBytes: 1000, maxDecompressionRatio: 10, maxZipEntries: 5, maxZipUncompressedBytes: 2000 });
    expect(o.zip).toEqual({ maxEntries: 5, maxTotalBytes: 2000, maxEntryBytes: 1000, maxRatio: 10 });
    expect(o.stream).toEqual({ maxOutputBytes: 1000, maxRatio: 10 });
    const few = createContainerDetectors(o);
    const r = run(buildZip(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}`, data: 'x' }))), { detectors: few });
    expect(r.findings[0]?.limit).toBe('maxZipEntries');
  });

  it('trigger literals are the documented magics', () => {
    expect(CONTAINER_TRIGGERS).toContain('PK\x03\x04');
    expect(CONTAINER_TRIGGERS).toContain('7z\xbc\xaf\x27\x1c');
  });
});
