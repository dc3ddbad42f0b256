import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTarNumber, readTar } from '../../../src/engine/containers/tar.js';
import { fixture } from './harness.js';

/** A minimal ustar header + data, with a correct checksum unless `badSum`. */
function tarEntry(name: string, data: Uint8Array, opts: { type?: string; size?: Buffer; badSum?: boolean } = {}): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  (opts.size ?? Buffer.from(data.length.toString(8).padStart(11, '0') + '\0')).copy(h, 124);
  h.write('00000000000\0', 136);
  h.write(opts.type ?? '0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write('        ', 148);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  if (opts.badSum) h[148] = 0x37;
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([h, Buffer.from(data), pad]);
}
const END = Buffer.alloc(1024);

describe('readTar', () => {
  it('reads legacy PyTorch tars (pax and ustar) member by member', () => {
    for (const name of ['tar.torch-legacy.pax', 'tar.torch-legacy.ustar']) {
      const r = readTar(fixture(name));
      expect(r.isTar).toBe(true);
      expect(r.anomalies).toEqual([]);
      expect(r.entries.map((e) => e.name)).toEqual(['sys_info', 'pickle', 'storages', 'tensors']);
      expect(Buffer.from(r.entries[1]?.data as Uint8Array)).toEqual(fixture('pickle.evil.p2'));
    }
  });

  it('applies GNU long names and pax paths', () => {
    expect(readTar(fixture('tar.gnu-longname')).entries[0]?.name).toMatch(/^d\/x{150}\/data\.pkl$/);
    expect(readTar(fixture('tar.pax-longname')).entries[0]?.name).toMatch(/^d\/y{150}\/data\.pkl$/);
  });

  it('honours a pax size record over the header size field', () => {
    const pax = Buffer.from('11 size=11\n');
    const t = Buffer.concat([tarEntry('PaxHeader', pax, { type: 'x' }), tarEntry('data.pkl', Buffer.from('hello world'), { size: Buffer.from('00000000000\0') }), END]);
    expect(Buffer.from(readTar(t).entries[0]?.data as Uint8Array).toString()).toBe('hello world');
  });

  it('reads GNU base-256 sizes', () => {
    const size = Buffer.alloc(12);
    size[0] = 0x80;
    size[11] = 5;
    expect(parseTarNumber(size, 0, 12)).toBe(5);
    expect(parseTarNumber(Buffer.from('  0017 \0'), 0, 8)).toBe(15);
    expect(parseTarNumber(Buffer.from('00x7    '), 0, 8)).toBe(-1);
  });

  it('refuses a corrupt header checksum after the first, and a truncated member', () => {
    const t = Buffer.concat([tarEntry('a', Buffer.from('x')), tarEntry('b', Buffer.from('y'), { badSum: true }), END]);
    expect(readTar(t).anomalies[0]?.reason).toMatch(/checksum/);
    expect(readTar(tarEntry('a', Buffer.from('x'), { badSum: true })).isTar).toBe(false);
    const trunc = tarEntry('a', Buffer.alloc(2000));
    expect(readTar(trunc.subarray(0, 1200)).anomalies[0]?.reason).toMatch(/runs past the end/);
  });

  it('stops at the entry limit', () => {
    const many = Buffer.concat([...Array.from({ length: 12 }, (_, i) => tarEntry(`f${i}`, Buffer.from('x'))), END]);
    expect(readTar(many, 0, { maxEntries: 10, maxNameBytes: 100, maxMetaBytes: 1000 }).limit?.limit).toBe('containers.tarMaxEntries');
  });

  it('never throws on mutated archives; members stay inside the input', () => {
    const seeds = [fixture('tar.torch-legacy.pax'), fixture('tar.gnu-longname'), fixture('tar.pax-longname')];
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), (i, edits, cut) => {
        const b = Buffer.from(seeds[i] as Buffer);
        for (const [pos, v] of edits) b[pos % b.length] = v;
        const input = b.subarray(0, b.length - (cut % 2048));
        const r = readTar(input);
        for (const e of r.entries) expect(e.dataOffset + (e.data?.length ?? 0)).toBeLessThanOrEqual(input.length);
      }),
      { numRuns: 500 },
    );
  });
});
