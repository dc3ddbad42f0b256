/**
 * Pickles shorter than the base64 run finder's 16 characters (P38: EXT1/EXT2/EXT4
 * then REDUCE, 8-10 bytes) are still decoded when they stand as a whole token.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inspect, rulesOf } from '../../helpers/engine.js';
import { findShortPickles } from '../../../src/engine/decode/short-pickle.js';

const EXT = {
  ext1: Buffer.from('8002822a29522e', 'hex'), // PROTO 2, EXT1 42, EMPTY_TUPLE, REDUCE, STOP
  ext2: Buffer.from('800283393029522e', 'hex'),
  ext4: Buffer.from('8002840100010029522e', 'hex'),
};

describe('short base64 pickles (P38 in fields)', () => {
  for (const [name, p] of Object.entries(EXT)) {
    const b64 = p.toString('base64');
    it(`${name} (${b64}) in a JSON string, a form field, a query parameter and a cookie → DW-PICKLE-003`, () => {
      expect(b64.replace(/=+$/, '').length).toBeLessThan(16);
      expect(rulesOf(inspect(JSON.stringify({ blob: b64 }), { contentType: 'application/json' }))).toContain('DW-PICKLE-003');
      expect(rulesOf(inspect(`x=1&blob=${encodeURIComponent(b64)}`, { contentType: 'application/x-www-form-urlencoded' }))).toContain('DW-PICKLE-003');
      expect(rulesOf(inspect(b64, { location: 'query' }))).toContain('DW-PICKLE-003');
      expect(rulesOf(inspect(b64, { location: 'cookie' }))).toContain('DW-PICKLE-003');
      // URL-safe alphabet too.
      expect(rulesOf(inspect(JSON.stringify({ blob: p.toString('base64url') }), { contentType: 'application/json' }))).toContain('DW-PICKLE-003');
    });
  }

  it('benign: a harmless short pickle, `gA` inside words, other short tokens, Fernet-like tokens', () => {
    const harmless = Buffer.from('80025d71002e', 'hex').toString('base64'); // PROTO 2, EMPTY_LIST, BINPUT, STOP
    expect(inspect(JSON.stringify({ v: harmless }), { contentType: 'application/json' }).clean).toBe(true);
    expect(inspect(JSON.stringify({ text: 'a bigApple and gAlaxy gAmes', id: 'gAAAAABk', note: 'gA1234Ab' }), { contentType: 'application/json' }).clean).toBe(true);
    expect(findShortPickles(Buffer.from('xgAKCKilSLg== gAKCKilSLg==x gAKCKil'))).toEqual([]);
  });

  it('only whole tokens of whole quanta that decode to a PROTO header are returned (random text never throws)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const t of findShortPickles(bytes)) {
          expect(t.decoded[0]).toBe(0x80);
          expect(t.decoded[1]).toBeGreaterThanOrEqual(2);
          expect(t.decoded[1]).toBeLessThanOrEqual(5);
          expect([0, 2, 3]).toContain((t.end - t.start) % 4);
        }
      }),
    );
  });
});
