/**
 * Throughput sanity checks (relative to JSON.parse / memcpy on the same
 * machine, so they hold on slow CI too). Numbers are logged for the report.
 */
import { describe, expect, it } from 'vitest';
import { JsonTokenizer } from '../../../src/engine/views/json.js';
import { MultipartParser } from '../../../src/engine/views/multipart.js';
import { UrlencodedParser } from '../../../src/engine/views/urlencoded.js';

function best(fn: () => void, rounds = 15, warmup = rounds > 1 ? 5 : 0): number {
  for (let w = 0; w < warmup; w++) fn(); // warm up the JIT
  let b = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    b = Math.min(b, performance.now() - t0);
  }
  return b / 1000;
}

function apiDoc(): Buffer {
  const items = [];
  for (let i = 0; i < 2000; i++) {
    items.push({ id: i, name: `user${i}`, email: `user${i}@example.com`, active: i % 2 === 0, score: i * 1.5, tags: ['a', 'bb', 'ccc'], address: { street: '123 Main St', city: 'Springfield', zip: '12345' }, bio: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.' });
  }
  return Buffer.from(JSON.stringify({ items }));
}

describe('throughput', () => {
  it('JSON tokenizer keeps pace with JSON.parse on typical API JSON', () => {
    const doc = apiDoc();
    const opts = { maxKeys: 1e7, maxValues: 1e7 };
    const run = (h: object) => () => {
      const t = new JsonTokenizer(h, opts);
      for (let o = 0; o < doc.length; o += 65536) t.write(doc.subarray(o, o + 65536));
      if (!t.end().ok) throw new Error('tokenizer failed');
    };
    // Interleave the three measurements so that machine load affects them alike.
    const tokenize = run({});
    const tokenizeH = run({ onStringBytes() {}, onKey() {}, onNumber() {} });
    const jsonParse = () => JSON.parse(doc.toString('utf8'));
    for (let w = 0; w < 30; w++) [tokenize, tokenizeH, jsonParse].forEach((f) => f()); // let the JIT settle
    let bare = Infinity;
    let withStrings = Infinity;
    let parse = Infinity;
    for (let r = 0; r < 15; r++) {
      bare = Math.min(bare, best(tokenize, 1));
      withStrings = Math.min(withStrings, best(tokenizeH, 1));
      parse = Math.min(parse, best(jsonParse, 1));
    }
    const mbs = (s: number) => Math.round(doc.length / s / 1e6);
    console.log(`JSON ${doc.length} B: tokenizer ${mbs(bare)} MB/s, with handlers ${mbs(withStrings)} MB/s, JSON.parse ${mbs(parse)} MB/s`);
    // Loose bound: catches complexity regressions, not noise on a shared machine.
    expect(bare).toBeLessThan(parse * 3);
  });

  it('multipart file parts scan at memcpy-like speed', () => {
    const b = '----WebKitFormBoundary7MA4YWxkTrZu0gW';
    const payload = Buffer.alloc(16 << 20);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 2654435761) >>> 24;
    const body = Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\n\r\n`), payload, Buffer.from(`\r\n--${b}--\r\n`)]);
    const t = best(() => {
      let n = 0;
      const p = new MultipartParser(b, { onPartData: (c) => (n += c.length) });
      for (let o = 0; o < body.length; o += 65536) p.write(body.subarray(o, o + 65536));
      if (!p.end().ok || n !== payload.length) throw new Error('multipart failed');
    }, 5);
    const copy = best(() => Buffer.concat([body]), 5);
    console.log(`multipart 16 MiB binary: ${Math.round(body.length / t / 1e6)} MB/s (memcpy ${Math.round(body.length / copy / 1e6)} MB/s)`);
    expect(body.length / t / 1e6).toBeGreaterThan(100);
  });

  it('urlencoded parses at a reasonable rate', () => {
    const body = Buffer.from(Array.from({ length: 450 }, (_, i) => `field${i}=value+${i}%20with%2Fescapes&plain${i}=abcdefghijklmnopqrstuvwxyz`).join('&'));
    const t = best(() => {
      const p = new UrlencodedParser({ onField() {} });
      p.write(body);
      if (!p.end().ok) throw new Error('form failed');
    });
    console.log(`urlencoded ${body.length} B: ${Math.round(body.length / t / 1e6)} MB/s`);
    expect(body.length / t / 1e6).toBeGreaterThan(10);
  });
});
