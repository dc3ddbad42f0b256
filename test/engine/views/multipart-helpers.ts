/**
 * Test helpers for the multipart view: run it over chunks with normalized
 * events (consecutive data merged per part), build bodies, and run the
 * reference parser (@fastify/busboy) for differential tests.
 */
import { createRequire } from 'node:module';
import { MultipartParser, type MultipartOptions, type PartInfo } from '../../../src/engine/views/multipart.js';
import type { ViewError, ViewResult } from '../../../src/engine/views/errors.js';

export interface MpPart {
  info: PartInfo;
  data: Buffer;
  raw: Buffer;
  ended: boolean;
}

export interface MpRun {
  result: ViewResult;
  parts: MpPart[];
  /** Event log with data merged: stable across chunkings. */
  log: string[];
  errors: ViewError[];
}

export function runMultipart(boundary: string, chunks: readonly Uint8Array[], options?: MultipartOptions): MpRun {
  const parts: MpPart[] = [];
  const errors: ViewError[] = [];
  const p = new MultipartParser(
    boundary,
    {
      onPartBegin(info) {
        parts.push({ info, data: Buffer.alloc(0), raw: Buffer.alloc(0), ended: false });
      },
      onPartData(chunk) {
        const cur = parts[parts.length - 1]!;
        cur.data = Buffer.concat([cur.data, chunk]);
      },
      onPartRawData(chunk) {
        const cur = parts[parts.length - 1]!;
        cur.raw = Buffer.concat([cur.raw, chunk]);
      },
      onPartEnd() {
        parts[parts.length - 1]!.ended = true;
      },
      onError(e) {
        errors.push(e);
      },
    },
    options,
  );
  for (const c of chunks) p.write(c);
  const result = p.end();
  const log: string[] = [];
  for (const part of parts) {
    const i = part.info;
    log.push(
      `part ${i.index} name=${JSON.stringify(i.name)} filename=${JSON.stringify(i.filename)} ct=${i.contentType} cte=${i.transferEncoding} off=${i.offset}/${i.bodyOffset} headers=${JSON.stringify(i.headers)}`,
    );
    log.push(`data ${part.data.toString('hex')}`);
    if (i.encoded) log.push(`raw ${part.raw.toString('hex')}`);
    if (part.ended) log.push('end');
  }
  for (const e of errors) log.push(`error ${e.code} @${e.offset}`);
  return { result, parts, log, errors };
}

export interface BodyPart {
  /** Raw header lines (without CRLF). */
  headers: string[];
  body: Uint8Array;
}

/** Serialize parts with CRLF framing. Header strings are latin1 (one char per byte). */
export function buildBody(boundary: string, parts: readonly BodyPart[], close = true): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    out.push(Buffer.from(`--${boundary}\r\n${p.headers.map((h) => h + '\r\n').join('')}\r\n`, 'latin1'));
    out.push(Buffer.from(p.body));
    out.push(Buffer.from('\r\n', 'latin1'));
  }
  if (close) out.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(out);
}

export interface RefPart {
  name: string;
  filename: string | undefined;
  mimeType: string;
  encoding: string;
  data: Buffer;
}

type BusboyCtor = new (cfg: Record<string, unknown>) => NodeJS.WritableStream & {
  on(ev: 'file', cb: (name: string, stream: NodeJS.ReadableStream, filename: string | undefined, encoding: string, mime: string) => void): void;
  on(ev: 'finish' | 'error' | 'partsLimit', cb: (e?: Error) => void): void;
};

const require = createRequire(import.meta.url);
const Busboy = require('@fastify/busboy') as BusboyCtor;

/** Parse with @fastify/busboy, every part as a file (raw bytes), paths preserved. */
export function busboyParse(contentType: string, body: Uint8Array): Promise<{ parts: RefPart[]; error?: string }> {
  return new Promise((resolve) => {
    const parts: RefPart[] = [];
    let settled = false;
    const done = (error?: string): void => {
      if (settled) return;
      settled = true;
      resolve(error === undefined ? { parts } : { parts, error });
    };
    let bb: InstanceType<BusboyCtor>;
    try {
      bb = new Busboy({ headers: { 'content-type': contentType }, preservePath: true, isPartAFile: () => true, limits: { fieldNameSize: 1e6, headerPairs: 2000 } });
    } catch (e) {
      done(String(e));
      return;
    }
    let pending = 0;
    let finished = false;
    bb.on('file', (name, stream, filename, encoding, mime) => {
      const chunks: Buffer[] = [];
      const rec: RefPart = { name, filename, mimeType: mime, encoding, data: Buffer.alloc(0) };
      parts.push(rec);
      pending++;
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (e: Error) => done(String(e)));
      stream.on('end', () => {
        rec.data = Buffer.concat(chunks);
        pending--;
        if (finished && pending === 0) done();
      });
    });
    bb.on('error', (e) => done(String(e)));
    bb.on('finish', () => {
      finished = true;
      if (pending === 0) done();
    });
    bb.end(Buffer.from(body));
  });
}
